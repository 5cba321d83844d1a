"""The month's work participation for a county: the rate summary and the ACF-199 adult items.

The items and how each is filled are data (`rules/acf199.yaml`); rows are
read in batches of plain values, so a state's month streams out in
constant memory.
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import yaml
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.text import slugify

from stride.core import audit, spreadsheets
from stride.core.audit import Action, Actor
from stride.people.models import ADULT_AGE, Participant, age_on

from .clocks import clock_rules
from .countable import TWO_PARENT_RULES, add_months, weeks_in
from .models import AidMonth, MonthResult
from .rules import RULES_DIR, participation_rules

BATCH = 2000
PAID_PART = ("participation",)
UNPAID_PARTS = (("A", "participation"), ("B", "excused"), ("C", "holiday"))
EMPLOYMENT = (
    "unsubsidized_employment",
    "subsidized_private",
    "subsidized_public",
    "on_the_job_training",
)
DISREGARDED = (AidMonth.WorkStatus.INFANT, AidMonth.WorkStatus.SANCTIONED)


@cache
def report_items() -> list[dict[str, Any]]:
    with open(RULES_DIR / "acf199.yaml", encoding="utf-8") as handle:
        items: list[dict[str, Any]] = yaml.safe_load(handle)["items"]
    return [item for item in items if not item.get("retired")]


def columns() -> list[str]:
    names = ["reporting_month", "case_number", "first_name", "last_name"]
    for item in report_items():
        if item.get("parts"):
            names += [f"item_{item['item']}{part}" for part, _ in UNPAID_PARTS]
        else:
            names.append(f"item_{item['item']}")
        if "status" in item:
            names.append(f"stride_{item['status']}")
    return names


def weekly(hours: float, month: date) -> int:
    """Monthly hours as the report's whole average hours a week (two digits at most)."""
    if not hours:
        return 0
    average = Decimal(str(hours)) / Decimal(str(weeks_in(participation_rules(), month)))
    return min(99, int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


@dataclass(frozen=True)
class _Adult:
    pk: int
    case_number: str
    first_name: str
    last_name: str
    birth_date: date
    relationship: str


def _state_clock_codes(month: date) -> set[str]:
    """Reasons a month does not count on a state clock in force that month."""
    return {
        code
        for rule in clock_rules()
        if rule.jurisdiction != "federal" and rule.in_force_on(month)
        for code in rule.not_counted
    }


def _statuses(
    adult: _Adult,
    month: date,
    aid: tuple[str, str],
    result: dict[str, Any] | None,
    state_codes: set[str],
) -> dict[str, str]:
    work_status, exemption = aid
    by_activity = result["by_activity"] if result else {}
    if any(by_activity.get(code, {}).get("reported") for code in EMPLOYMENT):
        employment = "employed"
    elif by_activity.get("job_search", {}).get("reported"):
        employment = "looking_for_work"
    else:
        employment = "not_in_labor_force"
    return {
        "state_clock_exempt": "yes" if exemption in state_codes else "no",
        "employment": employment,
        "work_eligible": "adult" if age_on(adult.birth_date, month) >= ADULT_AGE else "minor_head",
        "work_status": work_status,
    }


def _row(
    adult: _Adult,
    month: date,
    aid: tuple[str, str],
    result: dict[str, Any] | None,
    federal_months: int,
    state_codes: set[str],
) -> list[object]:
    statuses = _statuses(adult, month, aid, result, state_codes)
    by_activity = result["by_activity"] if result else {}
    row: list[object] = [f"{month:%Y%m}", adult.case_number, adult.first_name, adult.last_name]
    counted_total = 0.0
    reported_total = sum(hours.get("reported", 0) for hours in by_activity.values())
    for item in report_items():
        if "clock" in item:
            row.append(federal_months)
        elif "status" in item:
            value = statuses[item["status"]]
            row += [item.get("codes", {}).get(value, ""), value]
        elif "activity" in item:
            hours = by_activity.get(item["activity"], {})
            parts = UNPAID_PARTS if item.get("parts") else [("", kind) for kind in PAID_PART]
            for _, kind in parts:
                counted_total += hours.get(kind, 0)
                row.append(weekly(hours.get(kind, 0), month))
        elif item.get("other"):
            # Hours in activities outside the twelve, and hours past a limit, are "other".
            row.append(weekly(max(0.0, reported_total - counted_total), month))
        elif item.get("deemed") == "overall":
            row.append(weekly(float(result["deemed_core_hours"]), month) if result else 0)
        elif item.get("deemed") == "two_parent":
            row.append(weekly(float(result["deemed_core_two_parent"]), month) if result else 0)
    return row


def _on_aid(participants: QuerySet[Participant], month: date) -> QuerySet[Participant]:
    return participants.filter(aid_months__month=month)


def rows(participants: QuerySet[Participant], month: date) -> Iterator[list[object]]:
    """One row per adult on aid in `month`, in batches."""
    federal = next(rule for rule in clock_rules() if rule.code == "federal-60")
    state_codes = _state_clock_codes(month)
    adults = _on_aid(participants, month).order_by("pk")
    ids = list(adults.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        people = [
            _Adult(*values)
            for values in Participant.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list(
                "pk",
                "household__case_number",
                "member__first_name",
                "member__last_name",
                "member__birth_date",
                "member__relationship",
            )
        ]
        aid = {
            pk: (status, exemption)
            for pk, status, exemption in AidMonth.objects.filter(
                participant_id__in=chunk, month=month
            ).values_list("participant_id", "work_status", "exemption")
        }
        results: dict[int, dict[str, Any]] = {
            values["participant_id"]: dict(values)
            for values in MonthResult.objects.filter(participant_id__in=chunk, month=month).values(
                "participant_id", "by_activity", "deemed_core_hours", "deemed_core_two_parent"
            )
        }
        federal_months = dict(
            AidMonth.objects.filter(
                participant_id__in=chunk, month__lte=month, month__gte=federal.counts_from
            )
            .exclude(exemption__in=list(federal.not_counted))
            .values("participant_id")
            .annotate(months=Count("pk"))
            .values_list("participant_id", "months")
        )
        for adult in people:
            yield _row(
                adult,
                month,
                aid[adult.pk],
                results.get(adult.pk),
                federal_months.get(adult.pk, 0),
                state_codes,
            )


def download(
    actor: Actor, participants: QuerySet[Participant], place: str, month: date
) -> spreadsheets.SpreadsheetResponse:
    """The month of `place` as CSV; each adult in it gets an export event in their audit trail."""
    _record_export(actor, _on_aid(participants, month))

    def lines() -> Iterator[Sequence[object]]:
        yield columns()
        yield from rows(participants, month)

    return spreadsheets.download(lines(), f"acf199-{slugify(place)}-{month:%Y-%m}.csv")


def _record_export(actor: Actor, participants: QuerySet[Participant]) -> None:
    audit.record_many(
        actor,
        Action.EXPORT,
        participants.only("uuid").iterator(chunk_size=BATCH),
        lambda person: person.uuid,
        fields=["acf199"],
    )


@dataclass
class Summary:
    month: date
    adults: int
    steps: list[tuple[Any, int]]
    families_in_rate: int
    families_meeting: int
    two_parent_in_rate: int
    two_parent_meeting: int
    disregarded: int
    not_counted_yet: int
    months: list[tuple[date, int, int]]

    @property
    def rate(self) -> float | None:
        return self.families_meeting / self.families_in_rate if self.families_in_rate else None

    @property
    def two_parent_rate(self) -> float | None:
        return (
            self.two_parent_meeting / self.two_parent_in_rate if self.two_parent_in_rate else None
        )


def _families(results: QuerySet[MonthResult], two_parent: bool | None = None) -> tuple[int, int]:
    if two_parent is not None:
        lookup = {"requirement__in": TWO_PARENT_RULES}
        results = results.filter(**lookup) if two_parent else results.exclude(**lookup)
    in_rate = results.values("participant__household_id").distinct().count()
    meeting = results.filter(meets_rate=True).values("participant__household_id").distinct().count()
    return in_rate, meeting


def _disregarded(month: date) -> QuerySet[AidMonth, Any]:
    """Adults the rate leaves out that month: a baby under one, or a sanction (45 CFR 261.22)."""
    return AidMonth.objects.filter(month=month, work_status__in=DISREGARDED).values(
        "participant_id"
    )


def in_rate(participants: QuerySet[Participant], months: Sequence[date]) -> QuerySet[MonthResult]:
    """The counted months of adults the rate takes in, for several months at once: on aid
    that month and not left out of it (as `summary` counts them), for measures by month."""
    counted = AidMonth.objects.filter(
        participant=OuterRef("participant"), month=OuterRef("month")
    ).exclude(work_status__in=DISREGARDED)
    return MonthResult.objects.filter(
        Exists(counted), participant__in=participants, month__in=months
    )


def summary(participants: QuerySet[Participant], month: date) -> Summary:
    """Families in the rate meet it when their adults' hours do (two parents together)."""
    adults = _on_aid(participants, month)
    results = MonthResult.objects.filter(participant__in=adults, month=month)
    in_rate = results.exclude(participant__in=_disregarded(month))
    steps = Counter(
        dict(results.values_list("step").annotate(n=Count("pk")).values_list("step", "n"))
    )
    families_in_rate, families_meeting = _families(in_rate)
    two_in_rate, two_meeting = _families(in_rate, two_parent=True)
    adult_count = adults.count()
    history = []
    for earlier in (add_months(month, -offset) for offset in range(5, -1, -1)):
        earlier_in_rate = MonthResult.objects.filter(
            participant__in=_on_aid(participants, earlier), month=earlier
        ).exclude(participant__in=_disregarded(earlier))
        history.append((earlier, *_families(earlier_in_rate)))
    return Summary(
        month=month,
        adults=adult_count,
        steps=[(label, steps.get(value, 0)) for value, label in MonthResult.Step.choices],
        families_in_rate=families_in_rate,
        families_meeting=families_meeting,
        two_parent_in_rate=two_in_rate,
        two_parent_meeting=two_meeting,
        disregarded=adults.filter(pk__in=_disregarded(month)).count(),
        not_counted_yet=adult_count - sum(steps.values()),
        months=history,
    )
