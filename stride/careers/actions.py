"""Every change to the local partners and to career plans, each with its audit event.

Partner changes are audited without a participant, like the resource map;
a career plan and the roadmap it makes are filed under the participant.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails
from stride.coaching.models import Goal
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation, Role
from stride.core.vocabulary import LifeArea
from stride.people.models import Participant

from . import catalogue
from .catalogue import Ladder, Rung
from .models import CareerPlan, LocalPartner

GOAL_WORDS_MAX = 500

# Local partners


@dataclass(frozen=True)
class PartnerDetails:
    """What a county administrator fills in for a training provider or employer."""

    industry_key: str
    ladder_key: str
    level: str
    kind: str
    name: str
    offer: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""
    starting_wage: Decimal | None = None
    schedule_notes: str = ""

    def rung(self) -> Rung:
        """The rung the partner serves; ValidationError keyed by field when there is none."""
        try:
            ladder = catalogue.ladder(self.industry_key, self.ladder_key)
        except KeyError:
            raise ValidationError({"ladder": _("Choose one of the career ladders.")}) from None
        try:
            return catalogue.rung(ladder, self.level)
        except KeyError:
            raise ValidationError({"level": _("Choose a rung of the ladder.")}) from None

    def validate(self) -> Rung:
        if not self.name.strip():
            raise ValidationError({"name": _("Give the partner's name.")})
        if self.kind not in LocalPartner.Kind.values:
            raise ValidationError({"kind": _("Choose training provider or employer.")})
        if self.starting_wage is not None and self.starting_wage <= 0:
            raise ValidationError({"starting_wage": _("A wage is more than zero.")})
        return self.rung()


PARTNER_FIELDS = tuple(item.name for item in fields(PartnerDetails))


def _apply(partner: LocalPartner, details: PartnerDetails, rung: Rung) -> list[str]:
    changed = [name for name in PARTNER_FIELDS if getattr(partner, name) != getattr(details, name)]
    for name in PARTNER_FIELDS:
        value = getattr(details, name)
        setattr(partner, name, value.strip() if isinstance(value, str) else value)
    partner.soc = rung.soc
    return changed


@transaction.atomic
def add_partner(actor: Actor, county: Organisation, details: PartnerDetails) -> LocalPartner:
    rung = details.validate()
    partner = LocalPartner(
        county=county,
        last_verified_on=timezone.localdate(),
        last_verified_by=actor.user,
        updated_by=actor.user,
    )
    _apply(partner, details, rung)
    partner.save()
    audit.record(actor, Action.CREATE, partner, None, PARTNER_FIELDS)
    return partner


@transaction.atomic
def change_partner(
    actor: Actor, partner: LocalPartner, details: PartnerDetails, expected_version: int
) -> LocalPartner:
    """Save an edit; checking the whole entry counts as verifying it."""
    rung = details.validate()
    current = lock_for_edit(LocalPartner, partner, expected_version)
    changed = _apply(current, details, rung)
    current.last_verified_on = timezone.localdate()
    current.last_verified_by = actor.user
    current.updated_by = actor.user
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit.record(actor, Action.CHANGE, current, None, [*changed, "last_verified_on"])
    return current


@transaction.atomic
def remove_partner(actor: Actor, partner: LocalPartner, expected_version: int) -> None:
    current = lock_for_edit(LocalPartner, partner, expected_version)
    audit.record(actor, Action.DELETE, current, None)
    current.delete()


# Career plans


@dataclass(frozen=True)
class LadderGoal:
    plan: CareerPlan
    created: bool  # False: the ladder was already this participant's goal


def goal_language(participant: Participant) -> str:
    """The language a participant's goals are written in: the household's, else their own."""
    offered = {code for code, _name in settings.LANGUAGES}
    if participant.household.language in offered:
        return participant.household.language
    user = participant.user
    if user is not None and user.language in offered:
        return user.language
    return str(settings.LANGUAGE_CODE)


def _job(rung: Rung, language: str) -> str:
    """The rung's job title as it reads inside a sentence ("a nursing assistant")."""
    title = rung.title.in_language(language)
    if len(title) > 1 and title[1].islower():
        title = title[0].lower() + title[1:]
    if language == "en":
        return f"{'an' if title[:1].lower() in 'aeiou' else 'a'} {title}"
    return title


def _words(text: str) -> str:
    return text if len(text) <= GOAL_WORDS_MAX else text[: GOAL_WORDS_MAX - 1] + "…"


def roadmap_words(ladder: Ladder, from_level: str, language: str) -> tuple[str, list[str]]:
    """The long-term goal and its progress goals, in `language`.

    For each rung from `from_level` up: its training, its credential and a first
    job there; below the top, the move to the next rung. The top rung's job is
    the long-term goal itself.
    """
    rungs = catalogue.rungs_from(ladder, from_level)
    with translation.override(language):
        destination = _("Work as %(job)s") % {"job": _job(ladder.top, language)}
        stops = []
        for place, rung in enumerate(rungs):
            job = _job(rung, language)
            stops.append(
                _("Training for %(job)s: %(training)s")
                % {"job": job, "training": rung.training.in_language(language)}
            )
            stops.append(
                _("Credential for %(job)s: %(credentials)s")
                % {"job": job, "credentials": rung.credentials.in_language(language)}
            )
            if place < len(rungs) - 1:
                stops.append(_("Get a first job as %(job)s") % {"job": job})
                stops.append(
                    _("Plan the next step up: %(job)s") % {"job": _job(rungs[place + 1], language)}
                )
    return _words(destination), [_words(stop) for stop in stops]


@transaction.atomic
def make_ladder_goal(
    actor: Actor, participant: Participant, industry_key: str, ladder_key: str, from_level: str
) -> LadderGoal:
    """Turn a ladder into a My Roadmap: a long-term goal with progress goals, and the plan.

    A ladder that is already an open goal of the participant is not made again:
    the existing plan comes back with `created` False.
    """
    try:
        ladder = catalogue.ladder(industry_key, ladder_key)
    except KeyError:
        raise ValidationError({"ladder": _("Choose one of the career ladders.")}) from None
    if from_level not in catalogue.LEVELS:
        raise ValidationError({"level": _("Choose a rung of the ladder.")})
    plan = (
        CareerPlan.objects.select_for_update(of=("self",))
        .select_related("goal")
        .filter(participant=participant, industry_key=industry_key, ladder_key=ladder_key)
        .first()
    )
    if plan is not None and plan.goal is not None and plan.goal.is_open:
        return LadderGoal(plan, created=False)
    proposed_by = (
        Goal.ProposedBy.PARTICIPANT
        if actor.user is not None and actor.user.role == Role.PARTICIPANT
        else Goal.ProposedBy.TOGETHER
    )
    language = goal_language(participant)
    destination, stops = roadmap_words(ladder, from_level, language)
    with translation.override(language):
        measure = _("Earning about $%(wage)s an hour") % {"wage": f"{ladder.top.wage.hourly:.2f}"}
    goal = coaching.set_goal(
        actor,
        participant,
        GoalDetails(
            destination,
            LifeArea.WORK,
            measure=measure,
            term=Goal.Term.LONG,
            proposed_by=proposed_by,
        ),
    )
    for words in stops:
        coaching.set_goal(
            actor,
            participant,
            GoalDetails(words, LifeArea.WORK, proposed_by=proposed_by, parent=goal),
        )
    if plan is None:
        plan = CareerPlan.objects.create(
            participant=participant,
            industry_key=industry_key,
            ladder_key=ladder_key,
            level=from_level,
            goal=goal,
            created_by=actor.user,
        )
        audit.record(
            actor,
            Action.CREATE,
            plan,
            participant.uuid,
            ["industry_key", "ladder_key", "level", "goal"],
        )
    else:
        plan.level, plan.goal = from_level, goal
        plan.version = F("version") + 1
        plan.save()
        plan.refresh_from_db()
        audit.record(actor, Action.CHANGE, plan, participant.uuid, ["level", "goal"])
    return LadderGoal(plan, created=True)
