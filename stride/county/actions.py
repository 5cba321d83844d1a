"""Every write to a county's self-assessment, each with its audit event in one transaction."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.coaching import actions as coaching
from stride.coaching.models import Goal
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import StaleEdit, lock_for_edit
from stride.core.models import Organisation, User

from . import live
from .models import (
    ClientMeasure,
    CountyGoal,
    CountyGoalReview,
    Initiative,
    InitiativeActivity,
    PracticeReview,
    SelfAssessmentRating,
    SelfAssessmentRound,
    SuccessDefinition,
)
from .reviews import latest_rubric, may_review_program, may_review_worker, rubric_of, to_grow
from .rubrics import Rubric
from .self_assessment import SelfAssessment, versions

MAX_PRIORITIES = 2


def form_of(round: SelfAssessmentRound) -> SelfAssessment:
    """The version of the self-assessment the round is rated on."""
    return versions().get(round.form_version)


def _person(actor: Actor) -> User:
    if actor.user is None:
        raise ValidationError(_("Only a person signed in can do this."))
    return actor.user


def _checked_answers(
    form: SelfAssessment, answers: Mapping[str, str], field: str
) -> dict[str, str]:
    """Every component rated with a value of the scale, or a refusal naming what is missing."""
    missing = [c.key for c in form.components.values() if answers.get(c.key) not in form.points]
    if missing:
        message = _("Rate every part before sending: %(count)s still need a rating.")
        raise ValidationError({field: message % {"count": len(missing)}})
    return {key: answers[key] for key in form.components}


@transaction.atomic
def start_round(actor: Actor, county: Organisation, name: str) -> SelfAssessmentRound:
    """A new round on the latest version of the self-assessment."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the round a name, such as the season and year.")})
    if county.kind != Organisation.Kind.COUNTY:
        raise ValidationError(_("A self-assessment belongs to a county."))
    round = SelfAssessmentRound.objects.create(
        county=county,
        name=name,
        form_version=versions().latest().version,
        started_by=_person(actor),
    )
    audit.record(actor, Action.CREATE, round, None, ["name", "form_version"])
    return round


def send_rating(
    actor: Actor, round: SelfAssessmentRound, answers: Mapping[str, str]
) -> SelfAssessmentRating:
    """One person's ratings, sent once: they see the others' after this."""
    rater = _person(actor)
    try:
        with transaction.atomic():
            current = SelfAssessmentRound.objects.select_for_update().get(pk=round.pk)
            if current.settled:
                raise ValidationError(
                    _("This round is settled: it takes no more ratings. Start a new round.")
                )
            checked = _checked_answers(form_of(current), answers, "__all__")
            rating = SelfAssessmentRating.objects.create(
                round=current, rater=rater, answers=checked
            )
            audit.record(actor, Action.CREATE, rating, None, ["answers"])
    except IntegrityError:
        raise ValidationError(_("You have sent your ratings for this round already.")) from None
    return rating


@transaction.atomic
def settle_round(
    actor: Actor,
    round: SelfAssessmentRound,
    final: Mapping[str, str],
    priorities: Sequence[str],
    expected_version: int,
) -> SelfAssessmentRound:
    """The county's answer for the round and the one or two areas to work on first."""
    person = _person(actor)
    current = lock_for_edit(SelfAssessmentRound, round, expected_version)
    form = form_of(current)
    if not current.ratings.filter(rater=person).exists():
        raise ValidationError(_("Send your own ratings first; then you can settle the round."))
    checked = _checked_answers(form, final, "__all__")
    chosen = list(dict.fromkeys(priorities))
    if not 1 <= len(chosen) <= MAX_PRIORITIES or any(form.area(key) is None for key in chosen):
        raise ValidationError({"priorities": _("Pick one or two areas to work on first.")})
    current.final, current.priorities = checked, chosen
    current.settled_by, current.settled_at = person, timezone.now()
    current.version += 1
    current.save(update_fields=["final", "priorities", "settled_by", "settled_at", "version"])
    audit.record(actor, Action.CHANGE, current, None, ["final", "priorities"])
    return current


# County goal setting: step 1 (what success means) and step 2 (overall goals), with reviews.


@transaction.atomic
def define_success(
    actor: Actor, county: Organisation, text: str, seen_number: int
) -> SuccessDefinition:
    """A new version of what success means for the county's families; `seen_number` is the
    version the person started from (0 for none), so a newer one is not written over."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what success looks like for your families.")})
    Organisation.objects.select_for_update().filter(pk=county.pk).first()
    latest = county.success_definitions.order_by("-number").first()
    current = latest.number if latest else 0
    if current != seen_number:
        raise StaleEdit(current)
    if latest is not None and latest.text == text:
        raise ValidationError({"text": _("This is the same as the current version.")})
    made = SuccessDefinition.objects.create(
        county=county, number=current + 1, text=text, written_by=_person(actor)
    )
    audit.record(actor, Action.CREATE, made, None, ["text"])
    return made


@dataclass(frozen=True)
class GoalDetails:
    measure: str
    baseline: Decimal
    target_kind: str
    target: Decimal
    deadline: date
    review_every: str
    activity: str = ""  # a core program activity (step 3); none for an overall goal


@transaction.atomic
def set_county_goal(actor: Actor, county: Organisation, details: GoalDetails) -> CountyGoal:
    """A county goal, overall or for one program activity: SMART, with a live measure, a
    baseline, a target and a deadline."""
    problems: dict[str, str] = {}
    if details.measure not in live.goal_measures():
        problems["measure"] = _("Choose one of the measures listed.")
    if details.activity and details.activity not in CountyGoal.Activity.values:
        problems["activity"] = _("Choose one of the program activities listed.")
    if not 0 <= details.baseline <= 100:
        problems["baseline"] = _("A percentage is between 0 and 100.")
    if details.target_kind == CountyGoal.Target.IMPROVE and details.target <= 0:
        problems["target"] = _("An improvement is more than 0%.")
    if details.target_kind == CountyGoal.Target.REACH and not (
        details.baseline < details.target <= 100
    ):
        problems["target"] = _("The level to reach is above the baseline and at most 100%.")
    if details.deadline <= timezone.localdate():
        problems["deadline"] = _("A deadline is a day still to come.")
    if details.review_every not in CountyGoal.Every.values:
        problems["review_every"] = _("Choose how often you review the goal.")
    if problems:
        raise ValidationError(problems)
    goal = CountyGoal.objects.create(
        county=county,
        measure=details.measure,
        baseline=details.baseline,
        target_kind=details.target_kind,
        target=details.target,
        deadline=details.deadline,
        review_every=details.review_every,
        activity=details.activity,
        set_by=_person(actor),
    )
    audit.record(
        actor,
        Action.CREATE,
        goal,
        None,
        ["measure", "baseline", "target", "deadline"],
    )
    return goal


@dataclass(frozen=True)
class ReviewDetails:
    reviewed_on: date
    value_now: Decimal
    standing: str
    notes: str = ""


@transaction.atomic
def review_county_goal(actor: Actor, goal: CountyGoal, details: ReviewDetails) -> CountyGoalReview:
    """A review of a county goal: where its measure stands and how it is going."""
    problems: dict[str, str] = {}
    if details.reviewed_on > timezone.localdate():
        problems["reviewed_on"] = _("A review is recorded on or after the day it happens.")
    if not 0 <= details.value_now <= 100:
        problems["value_now"] = _("A percentage is between 0 and 100.")
    if details.standing not in CountyGoalReview.Standing.values:
        problems["standing"] = _("Choose how it is going.")
    if problems:
        raise ValidationError(problems)
    review = CountyGoalReview.objects.create(
        goal=goal,
        reviewed_on=details.reviewed_on,
        value_now=details.value_now,
        standing=details.standing,
        notes=details.notes.strip(),
        reviewed_by=_person(actor),
    )
    audit.record(actor, Action.CREATE, review, None, ["reviewed_on", "value_now", "notes"])
    return review


# Step 5: the measures the county follows for its families' own progress.


@transaction.atomic
def choose_client_measures(
    actor: Actor, county: Organisation, keys: Sequence[str]
) -> list[ClientMeasure]:
    """The county's client progress measures become exactly `keys`: new ones are added (each
    with its audit event), the ones left out are removed (each with its own)."""
    person = _person(actor)
    offered = live.every_measure()
    chosen = list(dict.fromkeys(keys))
    if not chosen:
        raise ValidationError({"measures": _("Choose at least one measure to follow.")})
    if any(key not in offered for key in chosen):
        raise ValidationError({"measures": _("Choose among the measures listed.")})
    Organisation.objects.select_for_update().filter(pk=county.pk).first()
    for dropped in county.client_measures.exclude(measure__in=chosen):
        audit.record(actor, Action.DELETE, dropped, None, ["measure"])
        dropped.delete()
    have = set(county.client_measures.values_list("measure", flat=True))
    for key in chosen:
        if key not in have:
            made = ClientMeasure.objects.create(county=county, measure=key, chosen_by=person)
            audit.record(actor, Action.CREATE, made, None, ["measure"])
    return list(county.client_measures.all())


# The logic model: initiatives, their activities, outputs and outcome measures.


@transaction.atomic
def add_initiative(actor: Actor, county: Organisation, name: str, why: str) -> Initiative:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the initiative.")})
    made = Initiative.objects.create(
        county=county, name=name, why=why.strip(), written_by=_person(actor)
    )
    audit.record(actor, Action.CREATE, made, None, ["name", "why"])
    return made


@transaction.atomic
def add_initiative_activity(
    actor: Actor, initiative: Initiative, name: str, outputs: str, outcomes: Sequence[str]
) -> InitiativeActivity:
    """An activity of an initiative, with what it produces and the measures it should move."""
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = _("Name the activity.")
    if not outputs.strip():
        problems["outputs"] = _("Say what the activity produces, such as four job clubs a month.")
    offered = live.every_measure()
    chosen = list(dict.fromkeys(outcomes))
    if not chosen or any(key not in offered for key in chosen):
        problems["outcomes"] = _("Choose the measures this activity should move.")
    if problems:
        raise ValidationError(problems)
    made = InitiativeActivity.objects.create(
        initiative=initiative,
        name=name.strip(),
        outputs=outputs.strip(),
        outcomes=chosen,
        written_by=_person(actor),
    )
    audit.record(actor, Action.CREATE, made, None, ["name", "outputs", "outcomes"])
    return made


@transaction.atomic
def remove_initiative_activity(actor: Actor, activity: InitiativeActivity) -> None:
    audit.record(actor, Action.DELETE, activity, None, ["name"])
    activity.delete()


@transaction.atomic
def remove_initiative(actor: Actor, initiative: Initiative) -> None:
    """An initiative out of the logic model, with its activities, each with its audit event."""
    for activity in initiative.activities.all():
        audit.record(actor, Action.DELETE, activity, None, ["name"])
    audit.record(actor, Action.DELETE, initiative, None, ["name"])
    initiative.delete()


# Reviews of staff work (fidelity, skills and attributes). Who may write is checked here as
# well as in the views, so a script cannot write a review its actor could not.


@dataclass
class ObservationDetails:
    observer_name: str
    observer_role: str
    observed_on: date
    ratings: dict[str, str]
    notes: dict[str, str]
    summary: str = ""


def _checked_review(
    rubric: Rubric, details: ObservationDetails
) -> tuple[dict[str, str], dict[str, str]]:
    """Every item rated on the scale, notes trimmed; refusals keyed by field."""
    problems: dict[str, str] = {}
    if not details.observer_name.strip():
        problems["observer_name"] = _("Say who observed.")
    if details.observer_role not in PracticeReview.Observer.values:
        problems["observer_role"] = _("Choose the observer's role.")
    if details.observed_on > timezone.localdate():
        problems["observed_on"] = _("The date observed cannot be in the future.")
    for key in rubric.items:
        if details.ratings.get(key) not in rubric.levels:
            problems[key] = _("Pick the level that fits best.")
    if problems:
        raise ValidationError(problems)
    notes = {key: details.notes.get(key, "").strip() for key in rubric.items}
    return {key: details.ratings[key] for key in rubric.items}, {
        k: v for k, v in notes.items() if v
    }


def _may_write(actor: Actor, review: PracticeReview) -> None:
    user = _person(actor)
    if review.worker is not None and not may_review_worker(user, review.worker):
        raise ValidationError(_("You do not review this person's work."))
    if review.program is not None and not may_review_program(user, review.program):
        raise ValidationError(_("You do not review this program."))


@transaction.atomic
def write_review(
    actor: Actor,
    kind: str,
    details: ObservationDetails,
    *,
    worker: User | None = None,
    program: Organisation | None = None,
) -> PracticeReview:
    """A new review of one worker or one program, on the rubric's latest version."""
    if (worker is None) == (program is None):
        raise ValidationError(_("A review is of one worker or of one program."))
    if kind == PracticeReview.Kind.SKILLS and worker is None:
        raise ValidationError(_("A skills review is of one coach."))
    where = worker.organisation if worker is not None else program
    county = where.county() if where is not None else None
    if county is None:
        raise ValidationError(_("A review belongs to a county."))
    rubric = latest_rubric(kind)
    ratings, notes = _checked_review(rubric, details)
    review = PracticeReview(
        kind=kind,
        county=county,
        worker=worker,
        program=program,
        observer_name=details.observer_name.strip(),
        observer_role=details.observer_role,
        observed_on=details.observed_on,
        form_version=rubric.version,
        ratings=ratings,
        notes=notes,
        summary=details.summary.strip(),
        written_by=_person(actor),
    )
    _may_write(actor, review)
    review.save()
    audit.record(
        actor,
        Action.CREATE,
        review,
        None,
        ["kind", "observer_name", "observer_role", "observed_on", "ratings", "notes", "summary"],
    )
    return review


@transaction.atomic
def change_review(
    actor: Actor, review: PracticeReview, details: ObservationDetails, expected_version: int
) -> PracticeReview:
    """Corrections to a review, on the version it was rated on; a newer save is not lost."""
    current = lock_for_edit(PracticeReview, review, expected_version)
    _may_write(actor, current)
    ratings, notes = _checked_review(rubric_of(current), details)
    new = {
        "observer_name": details.observer_name.strip(),
        "observer_role": details.observer_role,
        "observed_on": details.observed_on,
        "ratings": ratings,
        "notes": notes,
        "summary": details.summary.strip(),
    }
    changed = [name for name, value in new.items() if getattr(current, name) != value]
    if not changed:
        return current
    old_role = current.observer_role
    for name, value in new.items():
        setattr(current, name, value)
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    changes = (
        {"observer_role": (old_role, current.observer_role)} if "observer_role" in changed else None
    )
    audit.record(actor, Action.CHANGE, current, None, changed, changes=changes)
    return current


@transaction.atomic
def start_goal_from_review(
    actor: Actor, review: PracticeReview, item: str, details: coaching.GoalDetails
) -> Goal:
    """A professional goal for the coach, from a skill their review rated as one to grow,
    made through coaching's own action and linked to the review."""
    if review.kind != PracticeReview.Kind.SKILLS or review.worker is None:
        raise ValidationError(_("Goals start from a skills review of a coach."))
    if item not in {found.key for _area, found, _level in to_grow(review)}:
        raise ValidationError(_("Goals start from a skill rated as one to grow."))
    if not may_review_worker(_person(actor), review.worker):
        raise ValidationError(_("You do not review this person's work."))
    goal = coaching.set_professional_goal(actor, review.worker, details)
    review.goals.add(goal)
    audit.record(actor, Action.CHANGE, review, None, ["goals"])
    return goal


def record_review_views(actor: Actor, reviews: Sequence[PracticeReview]) -> None:
    """A view in the audit trail for each review of a person shown, in one insert."""
    audit.record_many(
        actor,
        Action.VIEW,
        [r for r in reviews if r.worker_id is not None],
        lambda review: None,
        ["ratings", "notes", "summary"],
    )
