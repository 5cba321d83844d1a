"""A participant's legal holds on their profile: `{% load retention %}{% legal_holds person %}`.

Anyone who reads the participant sees that a hold stands (so no one is surprised that
records are kept); a supervisor or county administrator also reads why, and places or
lifts one. One query.
"""

from typing import Any

from django import template

from stride.core import access
from stride.retention.models import Hold

register = template.Library()


@register.inclusion_tag("retention/_holds_panel.html", takes_context=True)
def legal_holds(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """`person` was reached through the access module by the page."""
    user = context["request"].user
    standing = list(
        access.belonging_to(
            Hold.objects.filter(lifted_at__isnull=True).select_related("placed_by"), person
        )
    )
    return {"person": person, "standing": standing, "keeps": access.can_keep_holds(user)}
