"""Every write to a county's self-assessment, each with its audit event in one transaction."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation, User

from .models import SelfAssessmentRating, SelfAssessmentRound
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
