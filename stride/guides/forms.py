from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stride.core.forms import VersionedForm

from . import topics
from .actions import GuideDetails


class GuideForm(forms.Form):
    """A guide's words in English (and Spanish, if the county has them), and what it is about."""

    title_en = forms.CharField(label=_("Title in English"), max_length=150)
    body_en = forms.CharField(
        label=_("Guide in English"),
        help_text=_(
            "Short and practical. Markdown works: a blank line starts a new paragraph, "
            "lines starting with - make a list, **words** are bold, [words](https://...) is a link."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
    )
    # The Spanish boxes say their language, so a screen reader reads them in Spanish.
    title_es = forms.CharField(
        label=_("Title in Spanish"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"lang": "es"}),
    )
    body_es = forms.CharField(
        label=_("Guide in Spanish"),
        help_text=_("Leave both Spanish boxes empty if there is no Spanish version yet."),
        widget=forms.Textarea(attrs={"rows": 12, "lang": "es"}),
        max_length=20000,
        required=False,
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages of the coaching cycle"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    instruments = forms.MultipleChoiceField(
        label=_("Assessments"), widget=forms.CheckboxSelectMultiple, required=False
    )
    areas = forms.MultipleChoiceField(
        label=_("Service areas"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in topics.Topic:
            field = self.fields[topic.value]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = topics.choices(topic)

    def details(self) -> GuideDetails:
        data = self.cleaned_data
        return GuideDetails(
            title_en=data["title_en"],
            body_en=data["body_en"],
            title_es=data["title_es"],
            body_es=data["body_es"],
            stages=data["stages"],
            instruments=data["instruments"],
            areas=data["areas"],
        )


class NewGuideForm(GuideForm):
    published = forms.BooleanField(
        label=_("Publish now (coaches see it at once)"),
        help_text=_("Leave unticked to keep it as a draft that only you see."),
        required=False,
    )


class GuideEditForm(GuideForm, VersionedForm):
    pass


class PublishForm(VersionedForm):
    published = forms.BooleanField(required=False)


class RestoreForm(VersionedForm):
    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class GuideFilterForm(forms.Form):
    """The guides list's filters; each choice opens on "any", never on a blank line."""

    q = forms.CharField(label=_("Title has"), required=False, max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    instrument = forms.ChoiceField(label=_("Assessment"), required=False)
    area = forms.ChoiceField(label=_("Service area"), required=False)

    TOPICS = {
        "stage": (topics.Topic.STAGE, _("Any stage")),
        "instrument": (topics.Topic.INSTRUMENT, _("Any assessment")),
        "area": (topics.Topic.AREA, _("Any service area")),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (topic, anything) in self.TOPICS.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", anything), *topics.choices(topic)]
