"""`{% form_key %}`: the one-time key a form that adds something carries (core/submissions.py)."""

from django import template
from django.utils.html import format_html

from stride.core import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context: template.Context) -> str:
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', submissions.FIELD, submissions.new_key(user)
    )
