"""From a participant's record to the request for a curve, without PolicyEngine.

The web process builds the snapshot (engine.Household) from the record and
the what-ifs, and the request: the snapshot, the axis and the marked pays.
queueing.py finds the cached curve for a request or hands it to the benefits
worker, which holds the warm engine (tasks.py). Nothing here imports PolicyEngine.
"""

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from stride.core import zips
from stride.people.models import Household, Member, Participant, age_on

from . import engine
from .models import HouseholdBudget, MemberBudget

ROLE_OF: dict[str, str] = {
    Member.Relationship.HEAD: "head",
    Member.Relationship.PARTNER: "spouse",
    Member.Relationship.CHILD: "child",
}
LOWEST_TOP = 80_000  # the chart always reaches this pay a year
ADULT_AGE = 18
FULL_TIME_HOURS = 40


@dataclass(frozen=True)
class WhatIf:
    """Changes tried on the page, never saved to the record."""

    weekly_hours: float | None = None
    hourly_wage: float | None = None
    monthly_care_cost: float | None = None
    offers: tuple[tuple[float, float], ...] = ()  # (hours a week, wage an hour) each

    @property
    def is_empty(self) -> bool:
        return self == WhatIf()


@dataclass(frozen=True)
class Point:
    """A pay marked on the curve and worked out exactly: now, an offer, a rung."""

    kind: str  # "now" | "offer" | "rung"
    label: str
    earnings: float
    weekly_hours: float


@dataclass(frozen=True)
class Request:
    household: engine.Household
    top: float
    points: tuple[Point, ...] = ()

    def key(self) -> str:
        """Same family, same axis, same marked pays: same key (the cache's)."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "household": self.household.to_json(),
            "top": self.top,
            "points": [asdict(point) for point in self.points],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Request":
        return cls(
            household=engine.Household.from_json(data["household"]),
            top=data["top"],
            points=tuple(Point(**point) for point in data["points"]),
        )


@dataclass
class Facts:
    """The snapshot and what the calculator is missing, for the page to ask."""

    household: engine.Household
    members: list[Member]
    gaps: list[tuple[Member, str]] = field(default_factory=list)
    state_from: str = "zip"  # "zip" | "setting"


def facts(participant: Participant, what_if: WhatIf = WhatIf(), on: date | None = None) -> Facts:
    """The household as the calculator sees it: record first, then the what-ifs."""
    on = on or timezone.localdate()
    household: Household = participant.household
    members = sorted(household.members.all(), key=lambda member: (member.birth_date, member.pk))
    rent = _f(_household_budget(household).monthly_rent) * 12
    state, county, state_from = place(household.zip_code)
    people = []
    earner = 0
    for index, member in enumerate(members):
        money = _budget(member)
        age = age_on(member.birth_date, on)
        person = engine.Person(
            age=age,
            role=ROLE_OF.get(member.relationship, "adult" if age >= ADULT_AGE else "child"),
            earnings=_f(money.yearly_earnings),
            weekly_hours=_f(money.weekly_hours),
            care_days_per_week=_f(money.care_days_per_week),
            care_hours_per_day=_f(money.care_hours_per_day),
            care_cost=_f(money.monthly_care_cost) * 12,
        )
        if member.pk == participant.member_id:
            earner = index
            person = _tried(person, what_if)
        people.append(person)
    if what_if.monthly_care_cost is not None:
        people = _care_cost_tried(people, what_if.monthly_care_cost * 12)
    snapshot = engine.Household(
        state=state,
        county=county,
        year=on.year,
        people=tuple(people),
        rent=rent,
        earner=earner,
    )
    found = [(members[gap.person], gap.missing) for gap in engine.gaps(snapshot)]
    return Facts(snapshot, members, found, state_from)


def _tried(person: engine.Person, what_if: WhatIf) -> engine.Person:
    hours = person.weekly_hours if what_if.weekly_hours is None else what_if.weekly_hours
    if what_if.hourly_wage is not None:
        earnings = round(what_if.hourly_wage * hours * 52, 2)
    elif what_if.weekly_hours is not None and person.weekly_hours:
        earnings = round(person.earnings * hours / person.weekly_hours, 2)  # same hourly pay
    else:
        earnings = person.earnings
    return engine.Person(**{**asdict(person), "earnings": earnings, "weekly_hours": hours})


def _care_cost_tried(people: list[engine.Person], yearly: float) -> list[engine.Person]:
    """The what-if's child care cost, spread over the children in care (or the youngest)."""
    # People come oldest first (facts orders them by birth date): the youngest child is last.
    in_care = [i for i, p in enumerate(people) if p.care_days_per_week > 0] or [
        i for i, p in enumerate(people) if p.role == "child"
    ][-1:]
    if not in_care:
        return people
    share = round(yearly / len(in_care), 2)
    return [
        engine.Person(**{**asdict(p), "care_cost": share}) if i in in_care else p
        for i, p in enumerate(people)
    ]


def with_money(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants with what facts() reads, in a fixed number of queries however many."""
    return participants.select_related("household__budget").prefetch_related(
        Prefetch("household__members", queryset=Member.objects.select_related("budget"))
    )


def _household_budget(household: Household) -> HouseholdBudget:
    try:
        return household.budget
    except HouseholdBudget.DoesNotExist:
        return HouseholdBudget(household=household)


def _budget(member: Member) -> MemberBudget:
    try:
        return member.budget
    except MemberBudget.DoesNotExist:
        return MemberBudget(member=member)


def _f(value: Decimal | float | None) -> float:
    return float(value or 0)


def place(zip_code: str) -> tuple[str, str, str]:
    """State and county from the household's ZIP code; the agency's state otherwise."""
    found = zips.find(zip_code)
    if found is not None:
        return found.state, found.county, "zip"
    return settings.STRIDE_STATE, "", "setting"


def request_for(snapshot: engine.Household, points: list[Point]) -> Request:
    """The curve reaches past every marked pay, in round steps so small what-ifs share a curve."""
    highest = max([LOWEST_TOP, *(point.earnings * 1.25 for point in points)])
    top = float(math.ceil(highest / 10_000) * 10_000)
    return Request(snapshot, top, tuple(points))


def points_for(snapshot: engine.Household, what_if: WhatIf, rungs: list[Point]) -> list[Point]:
    earner = snapshot.people[snapshot.earner]
    now = Point("now", "", earner.earnings, earner.weekly_hours)
    offers = [
        Point("offer", chr(ord("A") + number), round(hours * wage * 52, 2), hours)
        for number, (hours, wage) in enumerate(what_if.offers)
    ]
    return [now, *offers, *rungs]
