"""Participation panels for pages of the apps below it: the coach's Today and the participant's profile.

Those apps must not import participation, so their templates load these tags.
"""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext

from stride.core import access
from stride.core.models import User
from stride.people.models import Enrollment, Participant

from .. import ledger
from ..clocks import exemption_codes
from ..models import HoursEntry

register = template.Library()


@register.filter
def in_language(texts: dict[str, str]) -> str:
    """A rule file's text in the page's language (English when it has none)."""
    return texts.get((get_language() or "en")[:2], texts["en"])


@register.filter
def exemption_label(code: str) -> str:
    """Why a month on aid does not count, in the page's language."""
    if code == "requirement_met":
        return gettext("The work requirement was met")
    reason = exemption_codes().get(code)
    return in_language(reason.label) if reason else code


@register.inclusion_tag("participation/_today.html")
def participation_today(user: User) -> dict[str, Any]:
    caseload = access.working_caseload(Participant.objects.all(), user).filter(
        current_enrollment__status=Enrollment.Status.ACTIVE
    )
    return {
        "warnings": ledger.warnings_for(caseload, timezone.localdate()),
        "to_check": access.belonging_to(
            HoursEntry.objects.filter(verification=HoursEntry.Verification.REPORTED), caseload
        )
        .values(
            "participant__uuid", "participant__member__first_name", "participant__member__last_name"
        )
        .order_by("participant__member__last_name")
        .distinct()[:25],
    }


@register.inclusion_tag("participation/_clocks.html")
def time_clocks(person: Participant) -> dict[str, Any]:
    return {"person": person, "clocks": ledger.readings(person, timezone.localdate())}
