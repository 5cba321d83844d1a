"""What a participant's month of hours shows, to staff and to the participant themselves."""

from datetime import date

from django.utils import timezone

from stride.core import access
from stride.people.models import Participant

from .countable import add_months
from .explain import REQUIREMENT_NAMES, explained
from .models import HoursEntry, MonthResult, WorkActivity
from .rules import participation_rules

HISTORY_MONTHS = 6


def chosen_month(value: str | None) -> date:
    """The month asked for as YYYY-MM, or this month; never a month ahead."""
    this_month = timezone.localdate().replace(day=1)
    try:
        month = date.fromisoformat(f"{value}-01") if value else this_month
    except ValueError:
        return this_month
    return min(month, this_month)


def activity_rows(result: MonthResult | None) -> list[dict[str, object]]:
    """Hours per federal activity in the law's order: reported, and counted by kind."""
    if result is None:
        return []
    core = participation_rules().core_activities
    rows = []
    for activity in WorkActivity:
        hours = result.by_activity.get(activity.value)
        if not hours:
            continue
        rows.append(
            {
                "label": activity.label,
                "core": activity.value in core,
                "reported": hours.get("reported", 0),
                "participation": hours.get("participation", 0),
                "excused": hours.get("excused", 0),
                "holiday": hours.get("holiday", 0),
            }
        )
    return rows


def month_context(person: Participant, month: date) -> dict[str, object]:
    """What a participant's month of hours shows, to staff and to the participant."""
    results = list(
        access.belonging_to(
            MonthResult.objects.filter(
                month__gt=add_months(month, -HISTORY_MONTHS), month__lte=month
            ),
            person,
        ).order_by("-month")
    )
    result = results[0] if results and results[0].month == month else None
    return {
        "person": person,
        "month": month,
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1) if month < timezone.localdate().replace(day=1) else None,
        "result": result,
        "in_progress": month == timezone.localdate().replace(day=1),
        "requirement_name": REQUIREMENT_NAMES.get(result.requirement, "") if result else "",
        "reasons": explained(result.reasons) if result else [],
        "rows": activity_rows(result),
        "history": results,
        "steps": MonthResult.Step.choices,
        "entries": list(
            access.belonging_to(
                HoursEntry.objects.filter(day__gte=month, day__lt=add_months(month, 1)), person
            ).select_related("activity", "entered_by")
        ),
    }
