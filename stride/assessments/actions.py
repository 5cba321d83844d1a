"""Every change to assessment responses and to the instruments a county uses.

Each function writes and records its audit event in one transaction; the
audit trail names the fields, never the answers.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation
from stride.people.models import Participant

from . import scoring
from .instruments import Instrument, catalogue
from .models import InstrumentSetting, Response


@transaction.atomic
def start(actor: Actor, participant: Participant, instrument: Instrument, where: str) -> Response:
    response = Response.objects.create(
        participant=participant,
        instrument=instrument.slug,
        instrument_version=instrument.version,
        where=where,
        started_by=actor.user,
    )
    audit.record(actor, Action.CREATE, response, participant.uuid)
    return response


def instrument_of(response: Response) -> Instrument:
    return catalogue().get(response.instrument, response.instrument_version)


@transaction.atomic
def save_answers(
    actor: Actor, response: Response, raw: Mapping[str, Any], expected_version: int
) -> Response:
    """Keep the answers given so far (blanks leave earlier answers as they were).

    ValidationError, keyed by item, for an answer the item does not accept.
    """
    current = _open_for_edit(response, expected_version)
    instrument = instrument_of(current)
    earlier = {**current.answers, **current.private_answers}
    try:
        shared, private = scoring.clean(instrument, raw, earlier)
    except scoring.AnswerError as error:
        raise ValidationError(
            {key: _("Pick one of the answers offered.") for key in error.problems}
        ) from None
    answers = {**current.answers, **shared}
    private_answers = {**current.private_answers, **private}
    # A changed answer can close a branch: forget what was said inside it.
    merged = {**answers, **private_answers}
    shown = {key for key, item in instrument.items.items() if scoring.is_shown(item, merged)}
    current.answers = {key: value for key, value in answers.items() if key in shown}
    current.private_answers = {key: value for key, value in private_answers.items() if key in shown}
    return _save(actor, current, ["answers", "private_answers"])


@transaction.atomic
def finish(actor: Actor, response: Response, expected_version: int) -> Response:
    """Score the answers and close the response; ValidationError names each unanswered question."""
    current = _open_for_edit(response, expected_version)
    instrument = instrument_of(current)
    try:
        result = scoring.score(instrument, {**current.answers, **current.private_answers})
    except scoring.AnswerError as error:
        raise ValidationError(
            {
                key: _("“%(question)s” needs an answer.") % {"question": instrument.items[key].text}
                for key in error.problems
            }
        ) from None
    current.result = result.to_json()
    current.completed_at = timezone.now()
    return _save(actor, current, ["result", "completed_at"])


def _open_for_edit(response: Response, expected_version: int) -> Response:
    current = lock_for_edit(Response, response, expected_version)
    if current.is_finished:
        raise ValidationError(_("This assessment is already finished; start a new one to redo it."))
    return current


def _save(actor: Actor, response: Response, fields: list[str]) -> Response:
    response.version = F("version") + 1
    response.save(update_fields=[*fields, "version", "updated_at"])
    response.refresh_from_db(fields=["version"])
    audit.record(actor, Action.CHANGE, response, response.participant.uuid, fields)
    return response


@transaction.atomic
def discard(actor: Actor, response: Response) -> None:
    """Remove an unfinished response (started by mistake); finished ones are history."""
    if response.is_finished:
        raise ValidationError(_("A finished assessment is part of the record and stays."))
    audit.record(actor, Action.DELETE, response, response.participant.uuid)
    response.delete()


def record_result_view(actor: Actor, response: Response) -> None:
    audit.record(actor, Action.VIEW, response, response.participant.uuid, ["answers", "result"])


def record_private_view(actor: Actor, response: Response) -> None:
    """Every showing of a private answer, or of what one points to, is a read of its own kind."""
    audit.record(
        actor, Action.PRIVATE_VIEW, response, response.participant.uuid, ["private_answers"]
    )


def record_private_views(actor: Actor, participant: Participant) -> None:
    """A copy of a participant's record that carries their private answers reads each
    response that holds some: one event each, in one insert."""
    holding = Response.objects.filter(participant=participant).exclude(private_answers={})
    audit.record_many(
        actor,
        Action.PRIVATE_VIEW,
        holding.only("uuid"),
        lambda _r: participant.uuid,
        ["private_answers"],
    )


@transaction.atomic
def choose_instruments(actor: Actor, county: Organisation, in_use: set[str]) -> None:
    """Set which instruments `county`'s staff offer; the rest stay readable in old results."""
    changed = []
    for slug in catalogue().slugs:
        setting, _created = InstrumentSetting.objects.get_or_create(county=county, instrument=slug)
        wanted = slug in in_use
        if setting.in_use != wanted:
            setting.in_use = wanted
            setting.save(update_fields=["in_use"])
            changed.append(slug)
    if changed:
        audit.record(actor, Action.CHANGE, county, None, [f"instrument:{slug}" for slug in changed])


def instruments_in_use(county: Organisation | None) -> list[Instrument]:
    """The latest version of each instrument `county` offers (all of them unless it chose)."""
    off = set(
        InstrumentSetting.objects.filter(county=county, in_use=False).values_list(
            "instrument", flat=True
        )
    )
    return [instrument for instrument in catalogue().all_latest() if instrument.slug not in off]
