"""The engine's reasons in plain words, in the reader's language.

Month results keep their reasons as codes and numbers, so a page words them
at reading time in English or Spanish, and a change of wording needs no recount.
"""

from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .rules import participation_rules

REQUIREMENT_NAMES = {
    "all_family": gettext_lazy("One adult in the family"),
    "single_parent_child_under_six": gettext_lazy("Single parent of a child under 6"),
    "two_parent": gettext_lazy("Two parents in the family"),
    "two_parent_federal_child_care": gettext_lazy(
        "Two parents, with child care paid by federal funds"
    ),
}


def hours(value: float) -> str:
    """2 → "2", 2.5 → "2.5" (or "2,5" in Spanish), 2.25 → "2.25": no trailing zeros."""
    fraction = f"{round(value, 2):.2f}".rstrip("0").split(".")[1]
    return number_format(round(value, 2), decimal_pos=len(fraction))


def _week(value: str) -> str:
    return date_format(date.fromisoformat(value), "MONTH_DAY_FORMAT")


def describe(reason: dict[str, Any]) -> str:
    """One reason as a sentence (without its citation, which the page shows beside it)."""
    rules = participation_rules()
    code = reason["code"]
    amount = hours(reason.get("hours", 0))
    if code == "requirement":
        return _(
            "%(rule)s: %(weekly)s hours a week on average, %(core)s of them in core activities."
        ) % {
            "rule": REQUIREMENT_NAMES.get(reason["rule"], reason["rule"]),
            "weekly": hours(reason["weekly"]),
            "core": hours(reason["core"]),
        }
    if code == "not_verified":
        return _("%(hours)s hours are waiting to be checked, so they don't count yet.") % {
            "hours": amount
        }
    if code == "other_activity":
        return _(
            "%(hours)s hours were in activities outside the federal list. They still count for "
            "goals, not for the rate."
        ) % {"hours": amount}
    if code == "paid_absence":
        return _(
            "%(hours)s hours of absence from paid work don't count: paid leave is entered as "
            "hours worked."
        ) % {"hours": amount}
    if code == "unscheduled_absence":
        return _(
            "%(hours)s hours of absence were not on the schedule, so they can't be excused."
        ) % {"hours": amount}
    if code == "excused_month_cap":
        return _("%(hours)s hours of excused absence are past the %(cap)s allowed in a month.") % {
            "hours": amount,
            "cap": hours(rules.excused_hours_a_month),
        }
    if code == "excused_year_cap":
        return _(
            "%(hours)s hours of excused absence are past the %(cap)s allowed in 12 months."
        ) % {"hours": amount, "cap": hours(rules.excused_hours_a_year)}
    if code == "holiday_cap":
        return _("%(hours)s holiday hours are past the %(cap)s holidays allowed in 12 months.") % {
            "hours": amount,
            "cap": rules.holidays_a_year,
        }
    if code == "vocational_limit":
        return _(
            "%(hours)s hours of vocational training don't count: it counts for %(months)s months "
            "in a lifetime, and those are used."
        ) % {"hours": amount, "months": rules.vocational_months}
    if code == "job_search_consecutive":
        return _(
            "%(hours)s hours of job search came in a week right after %(weeks)s weeks in a row, "
            "so that week doesn't count."
        ) % {"hours": amount, "weeks": rules.job_search_max_consecutive}
    if code == "job_search_limit":
        return _("%(hours)s hours of job search are past the limit for 12 months.") % {
            "hours": amount
        }
    if code == "job_search_used":
        return _("Job search has counted %(used)s of %(allowed)s weeks in the last 12 months.") % {
            "used": hours(reason["weeks_used"]),
            "allowed": reason["weeks_allowed"],
        }
    if code == "short_week":
        return _(
            "The short week of job search starting %(week)s counted as a full week "
            "(%(hours)s hours added). This can happen once in 12 months."
        ) % {"week": _week(reason["week"]), "hours": amount}
    if code == "non_core_waiting":
        return _(
            "%(hours)s hours of training or school count only once the core hours are met."
        ) % {"hours": amount}
    if code == "deemed_core":
        return _(
            "The minimum wage limits the hours of work experience or community service, and all "
            "of them were done: %(hours)s more core hours count as done."
        ) % {"hours": amount}
    if code == "deemed_young_parent":
        return _("As a parent under 20 in school, this month counts as taking part fully.")
    if code == "family_together":
        return _("Both parents' hours together: %(weekly)s hours a week.") % {
            "weekly": hours(reason["weekly"])
        }
    if code == "meets":
        return _("The hours are met: %(weekly)s hours a week on average.") % {
            "weekly": hours(reason["weekly"])
        }
    if code == "short_of":
        count = reason["hours_a_week"]
        return ngettext(
            "%(hours)s hour a week short of the requirement.",
            "%(hours)s hours a week short of the requirement.",
            max(1, round(count)),
        ) % {"hours": hours(count)}
    return str(code)


def explained(reasons: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(sentence, citation) for each reason of a month result."""
    return [(describe(reason), reason.get("cite", "")) for reason in reasons]
