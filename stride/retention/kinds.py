"""Each kind of record a retention policy is written for: the models it holds, what
de-identifying strips from them, whether it may be deleted, and the default policy.

De-identifying keeps the facts the measures count (dates, statuses, hours, the family's
coach, team and county) and strips identity and free text. A kind the measures count may
only be de-identified: deleting its rows would change a month's figure after the fact.
`tests/test_kinds.py` fails for a model with case data (ACCESS_VIA) that no kind holds.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stride.assessments.models import Response
from stride.benefits.models import CliffFlag, HouseholdBudget, MemberBudget, Scenario
from stride.careers.models import CareerPlan
from stride.casefile.models import RecordsCopy
from stride.coaching.models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalIdea,
    GoalStatusChange,
    MeetingSummary,
    Obstacle,
    Reflection,
    Review,
    Step,
)
from stride.core import access
from stride.core.models import AuditEvent, User
from stride.participation.models import ActivityPlan, AidMonth, HoursEntry, MonthResult
from stride.people import exiters
from stride.people.models import (
    CoachAssignment,
    Enrollment,
    ExitersFile,
    Household,
    MatchReview,
    Member,
    Participant,
    SourceRecord,
)
from stride.reminders.models import CalendarFeed, Consent, Message, Preference, Reply
from stride.resources.models import PartnerLink, Referral

from .models import Action, Hold, RecordType


@dataclass(frozen=True)
class Strip:
    """A model's fields and the values they take when its rows are de-identified."""

    model: type[models.Model]
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    key: RecordType
    description: Promise
    # Every model the kind holds, in the order a delete removes them (rows pointing at
    # another of its models first).
    strips: Sequence[Strip]
    actions: Sequence[Action]
    years: int
    action: Action
    reason: Promise
    # What de-identifying does beyond blanking fields (a case number, a birth date).
    more: Callable[[Household], int] | None = None

    @property
    def label(self) -> str:
        return str(self.key.label)

    @property
    def models(self) -> list[type[models.Model]]:
        return [strip.model for strip in self.strips]


def to_household(model: type[models.Model]) -> str:
    """The lookup from `model` to its household ("" on Household itself)."""
    path = access.path_to_participant(model)
    if path == "participants" or path.endswith("__participants"):
        return path.removesuffix("participants").removesuffix("__")  # via the household
    return f"{path}__household" if path else "household"


def rows_of(model: type[models.Model], households: Any) -> models.QuerySet[Any]:
    """`model`'s rows of one household or several (a list of them).

    The lookup goes from the row to its household (never through the household's
    participants), so each row comes once, and an update or delete is one statement."""
    path = to_household(model)
    many = not isinstance(households, Household)
    lookup = f"{path or 'pk'}__in" if many else (path or "pk")
    return model._default_manager.filter(**{lookup: households if many else households.pk})


def _people(household: Household) -> int:
    """What blanking cannot do: a case number no one can look up, birth dates to the year
    (an age band survives), the participants' own accounts closed and nameless, and their
    rows and names taken out of the county's federal exiters files."""
    in_exiters_files = _out_of_exiters_files(household, household.case_number)
    household.case_number = f"R-{household.uuid.hex[:16]}"
    household.save(update_fields=["case_number"])
    members = list(Member.objects.filter(household=household))
    for member in members:
        member.birth_date = member.birth_date.replace(month=1, day=1)
    Member.objects.bulk_update(members, ["birth_date"])
    accounts = Participant.objects.filter(household=household, user__isnull=False)
    user_ids = list(accounts.values_list("user_id", flat=True))
    accounts.update(user=None)
    for user_id in user_ids:
        nameless = f"removed-{household.uuid.hex[:8]}-{user_id}"
        # Their own past actions stay in the audit trail, under the account's new name.
        AuditEvent.objects.filter(actor_id=user_id).update(actor_name=nameless)
        User.objects.filter(pk=user_id).update(
            username=nameless,
            first_name="",
            last_name="",
            email="",
            is_active=False,
            password=make_password(None),
        )
    return 1 + len(members) + len(user_ids) + in_exiters_files


def _out_of_exiters_files(household: Household, case_number: str) -> int:
    """Take a household's people out of the county's exiters files, for a retention purge of
    their identity: their rows (exit month and SSN) and their lines among the people left out.
    Only the files of the quarters its enrollments ended in can hold them. The rows taken
    out, counted."""
    participants = {
        str(uuid)
        for uuid in Participant.objects.filter(household=household).values_list("uuid", flat=True)
    }
    quarters = {
        exiters.FiscalQuarter.containing(ended_on)
        for ended_on in Enrollment.objects.filter(participant__household=household).values_list(
            "ended_on", flat=True
        )
        if ended_on is not None
    }
    if not quarters:
        return 0
    in_quarters = Q()
    for quarter in quarters:
        in_quarters |= Q(fiscal_year=quarter.year, fiscal_quarter=quarter.quarter)
    removed = 0
    files = ExitersFile.objects.filter(in_quarters, county=household.county_id)
    for made_file in files.select_for_update():
        kept = [
            (row, participant)
            for row, participant in zip(made_file.rows, made_file.participants, strict=True)
            if participant not in participants
        ]
        left_out = [line for line in made_file.left_out if line["case_number"] != case_number]
        taken = len(made_file.rows) - len(kept) + len(made_file.left_out) - len(left_out)
        if taken:
            made_file.rows = [row for row, _participant in kept]
            made_file.participants = [participant for _row, participant in kept]
            made_file.row_count = len(kept)
            made_file.left_out = left_out
            made_file.save(update_fields=["rows", "participants", "row_count", "left_out"])
            removed += taken
    return removed


NOTHING: Mapping[str, Any] = {}

KINDS: list[Kind] = [
    # Every measure counts a family with the coach, team and county it has today, and the
    # rates count its enrollments' months and its coach assignments: these rows stay,
    # without names.
    Kind(
        RecordType.PEOPLE,
        _(
            "The household's address, phone and case number; each member's name, Social "
            "Security number and birth date (kept to the year); the participant's sign-in; "
            "reasons typed for leaving, for a new coach and for a lifted hold."
        ),
        [
            Strip(Household, {"address_line": "", "city": "", "zip_code": "", "phone": ""}),
            Strip(
                Member,
                {"first_name": "", "last_name": "", "ssn": None, "ssn_hash": "", "ssn_last4": ""},
            ),  # fmt: skip
            Strip(Participant, NOTHING),
            Strip(Enrollment, {"exit_reason_other": ""}),
            Strip(CoachAssignment, {"reason": ""}),
            Strip(Hold, {"reason": "", "lifted_reason": ""}),
        ],
        [Action.DEIDENTIFY],
        5,
        Action.DEIDENTIFY,
        _(
            "Federal grant records are kept three years after the last report they belong "
            "to (2 CFR 200.334); five years after closing leaves room for that report, an "
            "audit and a family who comes back."
        ),
        more=_people,
    ),
    # Goals set, goals achieved, revised or replaced, and steps completed are measures.
    Kind(
        RecordType.GOALS,
        _(
            "The words of each goal and step, what an achievement was, and how a step went. "
            "Dates, statuses, life areas, incentive amounts and career plans stay."
        ),
        [
            Strip(Goal, {"words": "", "why_it_matters": "", "looks_like": "", "measure": ""}),
            Strip(GoalStatusChange, NOTHING),
            Strip(
                Step,
                {
                    "what": "",
                    "where": "",
                    "how": "",
                    "who_helps": "",
                    "resources": "",
                    "outcome_note": "",
                },
            ),  # fmt: skip
            Strip(Achievement, {"words": ""}),
            Strip(CareerPlan, NOTHING),
        ],
        [Action.DEIDENTIFY],
        5,
        Action.DEIDENTIFY,
        _("Kept as long as the case's names, so a family who comes back finds its goals."),
    ),
    Kind(
        RecordType.NOTES,
        _(
            "Reviews of goals, the participant's reflections, plans for what could get in "
            "the way, and goal ideas. No measure counts them, so they may be deleted."
        ),
        [
            Strip(Review, {"how_it_went": "", "went_well": "", "learned": "", "next_time": ""}),
            Strip(Reflection, {"words": ""}),
            Strip(Obstacle, {"pothole": "", "detour": ""}),
            Strip(GoalIdea, {"words": ""}),
        ],
        [Action.DEIDENTIFY, Action.DELETE],
        3,
        Action.DELETE,
        _(
            "The participant's own words about their life, worth nothing to a count: kept "
            "three years, as grant records are (2 CFR 200.334), then deleted."
        ),
    ),
    # Program engagement counts the sessions held in a month.
    Kind(
        RecordType.SESSIONS,
        _(
            "Each session's notes and topic, and the summaries sent after meetings. When, "
            "how and how long stay."
        ),
        [
            Strip(MeetingSummary, {"contents": {}}),
            Strip(CoachingSession, {"topic": "", "notes": ""}),
        ],
        [Action.DEIDENTIFY],
        3,
        Action.DEIDENTIFY,
        _("Notes are the most personal part of a case: three years, as grant records are."),
    ),
    # The county's progress report and bridge movement (a measure) compare finished results
    # (scores) over time.
    Kind(
        RecordType.ASSESSMENTS,
        _(
            "The answers, private answers included. The scores stay, for the county's "
            "progress report."
        ),
        [Strip(Response, {"answers": {}, "private_answers": {}})],
        [Action.DEIDENTIFY],
        3,
        Action.DEIDENTIFY,
        _("Answers are personal and the scores carry what the county reports: three years."),
    ),
    # Engagement counts the hours, the ladder and the work participation rate count the
    # months on aid and their results; jobs started, moves from subsidised work and education
    # completed count the schedules (their activity, dates and how they ended).
    Kind(
        RecordType.HOURS,
        _("Notes typed on hours and months on aid. Hours, activities and months stay."),
        [
            Strip(ActivityPlan, NOTHING),
            Strip(HoursEntry, {"note": ""}),
            Strip(AidMonth, {"note": ""}),
            Strip(MonthResult, NOTHING),
        ],
        [Action.DEIDENTIFY],
        5,
        Action.DEIDENTIFY,
        _(
            "Months on aid count toward the federal 60-month limit and the state's checks of "
            "the work participation rate: kept as long as the case's names."
        ),
    ),
    # Referrals closed with an outcome is a measure.
    Kind(
        RecordType.REFERRALS,
        _(
            "What the family was looking for, as written on each referral. The service, "
            "stage, outcome and dates stay."
        ),
        [Strip(PartnerLink, NOTHING), Strip(Referral, {"note": ""})],
        [Action.DEIDENTIFY],
        3,
        Action.DEIDENTIFY,
        _("Three years, as grant records are (2 CFR 200.334)."),
    ),
    Kind(
        RecordType.REMINDERS,
        _(
            "Reminders and texts sent and received, consents to them with the number or "
            "address, reminder times and calendar links. No measure counts them."
        ),
        [
            Strip(Reply, {"body": ""}),
            Strip(Message, {"address": "", "body": "", "provider_id": "", "last_error": ""}),
            Strip(Consent, {"address": "", "words": ""}),
            Strip(Preference, NOTHING),
            Strip(CalendarFeed, NOTHING),
        ],
        [Action.DEIDENTIFY, Action.DELETE],
        4,
        Action.DELETE,
        _(
            "Proof of consent answers a complaint about a text, and such claims may be "
            "brought for four years (28 U.S.C. 1658): four years, then deleted."
        ),
    ),
    Kind(
        RecordType.BENEFITS,
        _(
            "Budgets, saved pictures of benefits as earnings grow, and benefit cliff flags. "
            "Working estimates, not decisions; no measure counts them."
        ),
        [
            Strip(CliffFlag, {"label": ""}),
            Strip(Scenario, {"title": ""}),
            Strip(MemberBudget, NOTHING),
            Strip(HouseholdBudget, NOTHING),
        ],
        [Action.DEIDENTIFY, Action.DELETE],
        1,
        Action.DELETE,
        _("Estimates go stale as rules change: a year after closing, then deleted."),
    ),
    Kind(
        RecordType.COPIES,
        _(
            "Printed copies of the record made for a request, extract rows waiting to be "
            "matched, and the link to the extract source the family came from."
        ),
        [Strip(RecordsCopy), Strip(MatchReview), Strip(SourceRecord)],
        [Action.DELETE],
        1,
        Action.DELETE,
        _("Copies of what is kept elsewhere: a year after closing, then deleted."),
    ),
]
BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}


def apply(kind: Kind, action: str, household: Household) -> int:
    """De-identify or delete the kind's rows of one household; the rows touched."""
    if action not in kind.actions:
        raise ValueError(f"{kind.key} may not be {action}d")
    touched = 0
    if action == Action.DELETE:
        for strip in kind.strips:
            touched += rows_of(strip.model, household).delete()[1].get(strip.model._meta.label, 0)
        return touched
    for strip in kind.strips:
        rows = rows_of(strip.model, household)
        touched += rows.update(**strip.values) if strip.values else rows.count()
    if kind.more is not None:
        kind.more(household)
    return touched


def count(kind: Kind, households: Any) -> int:
    """The kind's rows of several households: one query per model."""
    return sum(rows_of(strip.model, households).count() for strip in kind.strips)
