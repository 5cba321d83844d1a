"""The cliff watch: every household whose snapshot changed, curves in batches,
and a flag for each family a coach should talk to about a raise.

A batch of households is one PolicyEngine simulation (about 0.06 s a family
warm, against 1.3 s for a family alone), so the watch runs in the benefits
worker: `manage.py watch_cliffs` enqueues the batches, nightly and after a
family's money facts change.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from stride.careers import catalogue
from stride.careers.models import CareerPlan
from stride.core import events
from stride.people.models import Enrollment, Participant

from . import cliffs, engine
from .curves import LOWEST_TOP, facts, with_money
from .models import CliffFlag, Scenario, WatchedHousehold

BATCH = 100
# Smaller dips are not worth a coach's worry (dollars a year).
MIN_LOSS = 250.0


def watched_participants() -> "list[Participant]":
    return list(
        with_money(Participant.objects.filter(current_enrollment__status=Enrollment.Status.ACTIVE))
        .select_related("member")
        .order_by("household_id", "pk")
    )


@dataclass
class Family:
    participant: Participant
    household: engine.Household


def families(participants: "list[Participant]") -> list[Family]:
    """The first active participant of each household is the earner the watch follows."""
    seen: set[int] = set()
    found = []
    for participant in participants:
        if participant.household_id in seen:
            continue
        seen.add(participant.household_id)
        found.append(Family(participant, facts(participant).household))
    return found


def stale_batches(size: int = BATCH) -> Iterator[list[int]]:
    """Households whose snapshot (or PolicyEngine version) changed since last checked."""
    version = engine.engine_version()
    checked = {
        row.household_id: (row.key, row.engine_version) for row in WatchedHousehold.objects.all()
    }
    stale = (
        family.participant.household_id
        for family in families(watched_participants())
        if checked.get(family.participant.household_id) != (family.household.key(), version)
    )
    yield from engine.batches(stale, size)


def check(household_ids: list[int]) -> int:
    participants = watched_participants_in(household_ids)
    found = families(participants)
    if not found:
        return 0
    curves = engine.curves([family.household for family in found], LOWEST_TOP)
    now = timezone.now()
    version = engine.engine_version()
    flags = []
    for family, curve in zip(found, curves, strict=True):
        earner = family.household.people[family.household.earner]
        # Dips in money in hand, as the chart draws them: losing health coverage is shown
        # on the chart's band, not counted at the state's spending per enrollee.
        programs = {name: curve.columns[name] for name in engine.IN_HAND_PROGRAMS}
        along = cliffs.find(curve.earnings, curve.money_in_hand, programs, MIN_LOSS)
        targets = _targets(family.participant, earner.earnings)
        for flag in cliffs.watch(along, earner.earnings, settings.STRIDE_CLIFF_DISTANCE, targets):
            flags.append(_row(family.participant, flag, now))
    with transaction.atomic():
        CliffFlag.objects.filter(participant__household_id__in=household_ids).delete()
        CliffFlag.objects.bulk_create(flags)
        events.emit_each_participant(events.CLIFF_FLAGGED, flags)
        for family in found:
            WatchedHousehold.objects.update_or_create(
                household_id=family.participant.household_id,
                defaults={
                    "key": family.household.key(),
                    "engine_version": version,
                    "checked_at": now,
                },
            )
    return len({flag.participant_id for flag in flags})


def watched_participants_in(household_ids: list[int]) -> "list[Participant]":
    return list(
        with_money(
            Participant.objects.filter(
                household_id__in=household_ids, current_enrollment__status=Enrollment.Status.ACTIVE
            )
        )
        .select_related("member")
        .prefetch_related(
            Prefetch("career_plans", queryset=CareerPlan.objects.order_by("-created_at")),
            Prefetch("benefit_scenarios", queryset=Scenario.objects.order_by("-created_at")),
        )
        .order_by("household_id", "pk")
    )


def _targets(participant: Participant, pay: float) -> list[cliffs.Target]:
    """The pay of the next rung on the participant's ladder, and the offers they saved."""
    targets = []
    for plan in participant.career_plans.all()[:1]:
        try:
            ladder = catalogue.ladder(plan.industry_key, plan.ladder_key)
        except KeyError:
            continue
        higher = [w for w in catalogue.rung_wages(ladder) if w.annual > pay]
        if higher:
            rung = higher[0]
            label = f"rung:{plan.industry_key}/{plan.ladder_key}/{rung.level}"
            targets.append(cliffs.Target(label, float(rung.annual)))
    for scenario in participant.benefit_scenarios.all()[:1]:
        for point in scenario.request.get("points", []):
            if point["kind"] == "offer":
                label = f"offer:{scenario.uuid}:{point['label']}"
                targets.append(cliffs.Target(label, float(point["earnings"])))
    return targets


def _row(participant: Participant, flag: cliffs.Flag, now: datetime) -> CliffFlag:
    cliff = flag.cliff
    return CliffFlag(
        participant=participant,
        kind=flag.kind,
        earnings=round(flag.earnings, 2),
        label=flag.label,
        start=cliff.start,
        bottom=cliff.bottom,
        cleared_at=cliff.cleared_at,
        loss=cliff.loss,
        programs=[list(drop) for drop in cliff.programs],
        ended=list(cliff.ended),
        computed_at=now,
    )
