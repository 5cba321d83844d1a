"""Cliff-watch panels for pages of apps below benefits: the Today page and the profile.

Those apps must not import benefits, so their templates load these tags.
"""

from typing import Any

from django import template
from django.db.models import Count
from django.utils.translation import get_language

from stride.core import access
from stride.core.models import Role, User
from stride.people.models import Enrollment, Participant

from .. import presenting
from ..models import CliffFlag

register = template.Library()
LIST_LENGTH = 25


@register.filter
def money(value: float | None) -> str:
    return presenting.money(float(value or 0))


def _flags(user: User) -> Any:
    return access.visible_to(CliffFlag.objects.all(), user).filter(
        participant__current_enrollment__status=Enrollment.Status.ACTIVE
    )


@register.inclusion_tag("benefits/_today.html")
def cliff_watch_today(user: User) -> dict[str, Any]:
    """A coach's own families near a cliff; for supervisors and administrators, counts by coach."""
    flags = _flags(user)
    if user.role == Role.COACH:
        rows = list(
            flags.filter(participant__coach=user).select_related("participant__member")[
                :LIST_LENGTH
            ]
        )
        language = get_language() or "en"
        return {"mine": [(flag, presenting.flag_words(flag, language)) for flag in rows]}
    by_coach = (
        flags.values("participant__coach__first_name", "participant__coach__last_name")
        .annotate(families=Count("participant", distinct=True))
        .order_by("-families", "participant__coach__last_name")
    )
    return {"by_coach": list(by_coach), "counts": True}


@register.inclusion_tag("benefits/_flags.html")
def cliff_flags(person: Participant, user: User) -> dict[str, Any]:
    language = get_language() or "en"
    flags = access.visible_to(CliffFlag.objects.filter(participant=person), user)
    return {
        "person": person,
        "flags": [(flag, presenting.flag_words(flag, language)) for flag in flags],
    }
