"""Finding a county's closed cases past their policy, and the run that reports or applies it.

A case is a household, closed once every enrollment of its participants has ended (on the
last end date). A kind of record is due when the case closed at least its policy's years
before the run's day. Nothing of a household is touched while a hold stands on any of its
participants, nor while an enrollment is open; both are checked again inside each case's
own transaction, so a hold placed after a dry run still wins.

A dry run counts and lists, and changes nothing. The purge goes case by case, each case in
one transaction with its audit events (one per participant and kind: which kind, what was
done, under which policy, by whom; never a value). A kind done for a case is kept in
`Done`, so running again does nothing more.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from stride.core import audit
from stride.core.audit import Actor
from stride.core.models import Organisation
from stride.people.models import Enrollment, Household, Participant

from . import kinds
from .actions import Effective, effective
from .models import Action, Done, Hold, Purge, Run

# Households counted in one query (an IN list every database takes).
CHUNK = 500


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def closed_cases(county: Organisation) -> QuerySet[Any]:
    """The county's households with no open enrollment, each with the day it closed, and no
    standing hold on any of their participants."""
    standing = Hold.objects.filter(participant__household=OuterRef("pk"), lifted_at__isnull=True)
    return (
        Household.objects.filter(county=county)
        .annotate(
            enrollments=Count("participants__enrollments"),
            still_open=Count(
                "participants__enrollments",
                filter=Q(participants__enrollments__ended_on__isnull=True),
            ),
            closed_on=Max("participants__enrollments__ended_on"),
        )
        .filter(enrollments__gt=0, still_open=0)
        .exclude(Exists(standing))
    )


def _still_due(household: Household) -> bool:
    """Inside the case's transaction: still closed, and still not held."""
    return not (
        Enrollment.objects.filter(participant__household=household, ended_on__isnull=True).exists()
        or Hold.objects.filter(participant__household=household, lifted_at__isnull=True).exists()
    )


@dataclass(frozen=True)
class Case:
    household_id: int
    uuid: str
    closed_on: date
    due: dict[str, str]  # record type -> action


def _needed(action: str, done: set[str]) -> bool:
    # Deleted rows are gone; de-identified ones may still be deleted by a stricter policy.
    return Action.DELETE not in done and action not in done


def plan(county: Organisation, today: date) -> tuple[list[Effective], list[Case]]:
    """The county's policies, and its cases with at least one kind due and not done yet."""
    policies = effective(county)
    newest = max(years_before(today, policy.years) for policy in policies)
    found = list(
        closed_cases(county)
        .filter(closed_on__lte=newest)
        .order_by("closed_on", "pk")
        .values_list("pk", "uuid", "closed_on")
    )
    done: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    ids = [pk for pk, _uuid, _closed in found]
    for start in range(0, len(ids), CHUNK):
        rows = Done.objects.filter(household__in=ids[start : start + CHUNK])
        for household_id, record_type, action in rows.values_list(
            "household_id", "record_type", "action"
        ):
            done[household_id][record_type].add(action)
    cases = []
    for pk, uuid, closed_on in found:
        due = {
            policy.kind.key.value: policy.action
            for policy in policies
            if closed_on <= years_before(today, policy.years)
            and _needed(policy.action, done[pk][policy.kind.key])
        }
        if due:
            cases.append(Case(pk, str(uuid), closed_on, due))
    return policies, cases


def _report(cases: list[Case]) -> dict[str, Any]:
    return {
        "cases": [
            {"household": case.uuid, "closed_on": case.closed_on.isoformat(), "kinds": case.due}
            for case in cases
        ]
    }


def _purges(run: Run, policies: list[Effective], cases: list[Case]) -> dict[tuple[str, str], Purge]:
    """A row for each kind and action the run does, with the policy it follows."""
    wanted = {(kind, action) for case in cases for kind, action in case.due.items()}
    by_kind = {policy.kind.key.value: policy for policy in policies}
    purges: dict[tuple[str, str], Purge] = {}
    for kind in kinds.KINDS:
        for action in kind.actions:
            if (kind.key.value, action) in wanted:
                policy = by_kind[kind.key.value]
                # A run taken up again after its worker died keeps the rows it made.
                purges[(kind.key.value, action)], _made = Purge.objects.get_or_create(
                    run=run,
                    record_type=kind.key,
                    action=action,
                    defaults={"years": policy.years, "county_policy": policy.county_policy},
                )
    return purges


def dry_run(run: Run) -> None:
    """Count what the policy would de-identify and delete, and list the cases: nothing else."""
    policies, cases = plan(run.county, run.as_of)
    with transaction.atomic():
        purges = _purges(run, policies, cases)
        for (record_type, action), purge in purges.items():
            ids = [case.household_id for case in cases if case.due.get(record_type) == action]
            kind = kinds.BY_KEY[record_type]
            purge.cases = len(ids)
            purge.rows = sum(
                kinds.count(kind, ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK)
            )
            purge.save(update_fields=["cases", "rows"])
        run.report = _report(cases)
        run.total = run.done = len(cases)
        _finish(run, Run.Status.DONE)


def _fields(kind: kinds.Kind) -> list[str]:
    return sorted({name for strip in kind.strips for name in strip.values})


def apply_case(actor: Actor, run: Run, case: Case, purges: dict[tuple[str, str], Purge]) -> None:
    """One case, in one transaction: each kind due de-identified or deleted, kept as done,
    counted on the run, and told to the audit trail of each of its participants."""
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=case.household_id)
        if not _still_due(household):
            return
        people = list(
            Participant.objects.filter(household=household).values_list("uuid", flat=True)
        )
        now = timezone.now()
        # The plan left out what is done already, so each of these is new.
        Done.objects.bulk_create(
            Done(household=household, record_type=record_type, action=action, run=run, at=now)
            for record_type, action in case.due.items()
        )
        for record_type, action in case.due.items():
            kind = kinds.BY_KEY[record_type]
            rows = kinds.apply(kind, action, household)
            purge = purges[(record_type, action)]
            Purge.objects.filter(pk=purge.pk).update(cases=F("cases") + 1, rows=F("rows") + rows)
            what = audit.Action.DELETE if action == Action.DELETE else audit.Action.CHANGE
            for participant in people:
                audit.record(
                    actor,
                    what,
                    purge,
                    participant,
                    [] if action == Action.DELETE else _fields(kind),
                    {"record_type": (None, record_type), "action": (None, action)},
                )


def purge(run: Run, actor: Actor, progress: Callable[[int], None] | None = None) -> None:
    """Apply the county's policy, case by case."""
    policies, cases = plan(run.county, run.as_of)
    with transaction.atomic():
        purges = _purges(run, policies, cases)
        if not run.report:  # taken up again: the first plan stays the report
            run.report = _report(cases)
            run.total = len(cases)
        run.save(update_fields=["report", "total"])
    already = run.total - len(cases)
    for number, case in enumerate(cases, start=already + 1):
        apply_case(actor, run, case, purges)
        Run.objects.filter(pk=run.pk).update(done=number)
        if progress is not None:
            progress(number)
    run.done = run.total
    with transaction.atomic():
        _finish(run, Run.Status.DONE, actor)


def _finish(run: Run, status: str, actor: Actor | None = None) -> None:
    old = run.status
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    who = actor or Actor(run.requested_by, None, "task")
    audit.record(who, audit.Action.CHANGE, run, None, ["report"], {"status": (old, status)})


def start(actor: Actor, county: Organisation, dry: bool, today: date | None = None) -> Run:
    """A run asked for: recorded, with its audit event, before any work."""
    run = Run.objects.create(
        county=county,
        dry_run=dry,
        requested_by=actor.user,
        as_of=today or timezone.localdate(),
    )
    audit.record(actor, audit.Action.CREATE, run, None, ["dry_run", "as_of"])
    return run


def execute(run: Run, actor: Actor) -> None:
    """The run's work, whichever kind it is; a failure stops it with the kind of error only
    (the cases done so far stay done, each in its own transaction)."""
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)
    run.status = Run.Status.RUNNING
    try:
        if run.dry_run:
            dry_run(run)
        else:
            purge(run, actor)
    except Exception as error:
        run.error = type(error).__name__[:200]
        with transaction.atomic():
            _finish(run, Run.Status.FAILED, actor)
        raise


def totals(run: Run) -> list[Purge]:
    return list(run.purges.all())


def cases_of(run: Run) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = run.report.get("cases", [])
    return cases


def household_ids(cases: Iterable[dict[str, Any]]) -> list[str]:
    return [case["household"] for case in cases]
