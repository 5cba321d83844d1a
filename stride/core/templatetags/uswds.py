"""Render Django form fields with USWDS classes and error wiring."""

from django import forms, template
from django.forms.boundfield import BoundField

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
    return field.as_widget(attrs=attrs)


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
