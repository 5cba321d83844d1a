from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .instruments import YES, Instrument, Item, Section, Value
from .models import Response
from .scoring import is_shown


def answer_choices(instrument: Instrument, item: Item) -> list[tuple[str, str]]:
    """The answers to `item` as (value, words) pairs, in the order they are offered."""
    if item.kind == "ladder":
        names = instrument.ladder or []
        return [
            (str(level), f"{names[level - 1]}: {statement}")
            for level, statement in enumerate(item.levels or [], start=1)
        ]
    if item.kind == "scale":
        return [(str(o.value), str(o.label)) for o in instrument.scales[item.scale or ""]]
    if item.kind == "yes_no":
        return [(YES, _("Yes")), ("no", _("No"))]
    return [(str(o.value), str(o.label)) for o in item.choices or []]


def answer_words(instrument: Instrument, item: Item, value: Value) -> str:
    if item.kind == "ladder" and isinstance(value, int):
        return str((instrument.ladder or [])[value - 1])
    return dict(answer_choices(instrument, item)).get(str(value), str(value))


class SectionForm(forms.Form):
    """The questions of one section that show, given the answers so far. Blanks save partway."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        section: Section,
        answers: Mapping[str, Value],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for item in section.items:
            if not is_shown(item, answers):
                continue
            self.fields[item.key] = forms.ChoiceField(
                label=str(item.text),
                help_text=str(item.help) if item.help else "",
                choices=answer_choices(instrument, item),
                widget=forms.RadioSelect,
                required=False,
                initial=str(answers[item.key]) if item.key in answers else None,
            )

    def answers(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}


class StartForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Assessment"))
    where = forms.ChoiceField(
        label=gettext_lazy("How will it be filled in?"),
        choices=Response.Where.choices,
        initial=Response.Where.WITH_COACH,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "On their own pages, the participant finds it on their phone and can save partway."
        ),
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = {i.slug: i for i in instruments}
        self.fields["instrument"].choices = [(i.slug, str(i.title)) for i in instruments]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        instrument = self.instruments.get(data.get("instrument", ""))
        if (
            instrument is not None
            and data.get("where") == Response.Where.OWN_PAGES
            and not instrument.self_service
        ):
            self.add_error(
                "where", _("%(title)s is done together with a coach.") % {"title": instrument.title}
            )
        return data


class InstrumentChoiceForm(forms.Form):
    in_use = forms.MultipleChoiceField(
        label=gettext_lazy("Assessments your staff offer"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Results already recorded stay readable when an assessment is no longer offered."
        ),
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["in_use"].choices = [(i.slug, str(i.title)) for i in instruments]
