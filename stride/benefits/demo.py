"""Demo money facts: rent, pay and hours for the adults who work, child care for
young children of working parents, so the calculator and the cliff watch have
families to show. The demo participant works part time with a child in care."""

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from stride.core.demo import Progress, demo_promise, demo_step
from stride.people.models import Household, Member, Participant, age_on

from .curves import ADULT_AGE
from .models import HouseholdBudget, MemberBudget

BATCH = 2000
HOURS = (20, 24, 25, 30, 32, 35, 40)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _adult(member: Member, rng: random.Random) -> MemberBudget | None:
    if rng.random() > 0.55:
        return None
    hours = rng.choice(HOURS)
    wage = rng.uniform(16.90, 24.00)  # California's minimum wage in 2026 is $16.90 an hour
    return MemberBudget(
        member=member,
        weekly_hours=Decimal(hours),
        yearly_earnings=_money(hours * wage * 52),
    )


def _child(member: Member, rng: random.Random) -> MemberBudget | None:
    if rng.random() > 0.7:
        return None
    days, hours = rng.choice(((5, 8), (5, 9), (3, 6), (4, 8)))
    return MemberBudget(
        member=member,
        care_days_per_week=Decimal(days),
        care_hours_per_day=Decimal(hours),
        monthly_care_cost=_money(rng.uniform(180, 320) * days),
    )


@demo_step
def build_benefits_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 17)
    today = timezone.localdate()
    households = list(Household.objects.order_by("pk").prefetch_related("members"))
    budgets, people = [], []
    for household in households:
        budgets.append(
            HouseholdBudget(household=household, monthly_rent=_money(rng.uniform(900, 2300)))
        )
        members = list(household.members.all())
        working = []
        for member in members:
            if age_on(member.birth_date, today) >= ADULT_AGE:
                row = _adult(member, rng)
                if row is not None:
                    working.append(row)
        people += working
        if working:
            for member in members:
                if age_on(member.birth_date, today) < 6 and (row := _child(member, rng)):
                    people.append(row)
    _the_demo_participant(people, today)
    HouseholdBudget.objects.bulk_create(budgets, batch_size=BATCH)
    MemberBudget.objects.bulk_create(people, batch_size=BATCH)
    progress(f"Money facts: {len(budgets):,} households, {len(people):,} people")


def _the_demo_participant(people: list[MemberBudget], today: date) -> None:
    """The participant who can sign in works 30 hours at $18 with a child in care."""
    person = (
        Participant.objects.filter(user__username="participant").select_related("member").first()
    )
    if person is None:
        return
    ids = set(person.household.members.values_list("pk", flat=True))
    people[:] = [row for row in people if row.member_id not in ids]
    people.append(
        MemberBudget(
            member=person.member, weekly_hours=Decimal(30), yearly_earnings=Decimal("28080")
        )
    )
    youngest = person.household.members.exclude(pk=person.member_id).order_by("-birth_date").first()
    if youngest is not None and age_on(youngest.birth_date, today) < 13:
        people.append(
            MemberBudget(
                member=youngest,
                care_days_per_week=Decimal(5),
                care_hours_per_day=Decimal(8),
                monthly_care_cost=Decimal(1100),
            )
        )


@demo_promise("participant's family has pay, hours and rent on file for the benefits picture")
def _participant_money() -> bool:
    person = Participant.objects.filter(user__username="participant").first()
    return (
        person is not None
        and MemberBudget.objects.filter(member_id=person.member_id, weekly_hours__gt=0).exists()
        and HouseholdBudget.objects.filter(household_id=person.household_id).exists()
    )
