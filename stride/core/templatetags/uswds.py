"""Render Django form fields with USWDS classes and error wiring."""

from django import forms, template
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

register = template.Library()

_CLASS_BY_WIDGET = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
}


@register.filter
def uswds_widget(field: BoundField) -> str:
    widget = field.field.widget
    css = next(
        (css for kind, css in _CLASS_BY_WIDGET.items() if isinstance(widget, kind)), "usa-input"
    )
    if field.errors:
        css += " usa-input--error"
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        _name_the_empty_choice(field.field)
    return field.as_widget(attrs=attrs)


DASHES = BLANK_CHOICE_DASH[0][1]


def empty_choice_label(field: forms.Field) -> str:
    """What the empty choice says instead of Django's dashes.

    A required field asks for a deliberate choice (the empty one is refused);
    an optional one says that leaving it empty means none.
    """
    return str(_("Choose…") if field.required else _("None"))


def _name_the_empty_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = empty_choice_label(field)
        return
    if isinstance(field, forms.ChoiceField):
        field.choices = [
            ("", empty_choice_label(field)) if value == "" and label == DASHES else (value, label)
            for value, label in field.choices
        ]


@register.filter
def choice_options(field: BoundField) -> list:
    """The options of a radio group: a required one offers no empty option at all."""
    options = []
    for option in field:
        if option.data["value"] in ("", None) and option.choice_label == DASHES:
            if field.field.required:
                continue
            option.data["label"] = empty_choice_label(field.field)
        options.append(option)
    return options


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def choice_kind(field: BoundField) -> str:
    """ "radio" or "checkbox" for a group of options shown one input each, else ""."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    return ""
