"""Every change to a participant's reminder consent, and the replies kept for their coach.

Each function writes and records its audit event in one transaction. A consent
is never edited: agreeing writes a row with the words shown, withdrawing dates
it; a withdrawal also stops every reminder still waiting on that channel.
"""

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import StaleEdit
from stride.core.models import Organisation
from stride.people.models import Participant

from . import scheduling, wording
from .models import Channel, Consent, CountySettings, Message, Preference, Reply
from .sending import cancel


def normalise_phone(number: str) -> str:
    """A US phone number as +1 and ten digits (the form providers send back); "" if it is not one."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"+1{digits}" if len(digits) == 10 else ""


def checked_address(channel: str, address: str) -> str:
    if channel == Channel.POSTCARD:  # the household's address, as postcards.address_of writes it
        if not address.strip():
            raise ValidationError({"address": _("Add the family's street address first.")})
        return address.strip()
    if channel == Channel.SMS:
        phone = normalise_phone(address)
        if not phone:
            raise ValidationError({"address": _("Enter a 10-digit US phone number.")})
        return phone
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"address": _("Enter an email address.")}) from None
    return address.lower()


@transaction.atomic
def give_consent(
    actor: Actor,
    participant: Participant,
    channel: str,
    address: str,
    how: str,
    words: str = "",
) -> Consent:
    """The participant agreed, in the words shown in their language, to reminders here.

    `words` are the ones shown when the participant agreed on their own pages (in the
    language of the page); a coach reads them the household's."""
    address = checked_address(channel, address)
    language = wording.language_of(participant)
    for earlier in Consent.objects.select_for_update().filter(
        participant=participant, channel=channel, revoked_at__isnull=True
    ):
        _revoke(actor, earlier, how)  # one consent per channel: a new address replaces the old
    consent = Consent.objects.create(
        participant=participant,
        channel=channel,
        address=address,
        # A START texted back agrees to the words of the answer it gets; else the form's words.
        words=words
        or (
            wording.started(language)
            if how == Consent.How.TEXT
            else wording.consent_words(channel, language)
        ),
        how=how,
        given_at=timezone.now(),
        recorded_by=actor.user,
    )
    audit.record(
        actor,
        Action.CREATE,
        consent,
        participant.uuid,
        ["channel", "address", "words", "how", "given_at"],
    )
    # What asked for a reminder before this yes gets it now (or on the new channel).
    scheduling.plan_for_participant(participant)
    return consent


def _revoke(actor: Actor, consent: Consent, how: str) -> None:
    consent.revoked_at, consent.revoked_how = timezone.now(), how
    consent.save(update_fields=["revoked_at", "revoked_how"])
    audit.record(
        actor,
        Action.CHANGE,
        consent,
        consent.participant.uuid,
        ["revoked_at", "revoked_how"],
        changes={"revoked_how": ("", how)},
    )
    for message in Message.objects.filter(
        participant_id=consent.participant_id,
        channel=consent.channel,
        status=Message.Status.QUEUED,
    ):
        cancel(actor, message, "consent withdrawn")


@transaction.atomic
def withdraw_consent(actor: Actor, consent: Consent, how: str) -> Consent:
    current = Consent.objects.select_for_update().select_related("participant").get(pk=consent.pk)
    if current.revoked_at is None:
        _revoke(actor, current, how)
        # Reminders stopped on this channel go on another the participant agreed to, if any.
        scheduling.plan_for_participant(current.participant)
    return current


@transaction.atomic
def stop_texts(actor: Actor, phone: str) -> list[Consent]:
    """STOP from a phone: every text consent at that number ends at once."""
    stopped = list(
        Consent.objects.select_for_update()
        .select_related("participant")
        .filter(channel=Channel.SMS, address=phone, revoked_at__isnull=True)
    )
    for consent in stopped:
        _revoke(actor, consent, Consent.How.TEXT)
    for participant in {
        consent.participant_id: consent.participant for consent in stopped
    }.values():
        scheduling.plan_for_participant(participant)  # by email, if they agreed to that too
    return stopped


@transaction.atomic
def keep_reply(
    actor: Actor, participant: Participant, body: str, meaning: str, message: Message | None
) -> Reply:
    reply = Reply.objects.create(
        participant=participant,
        body=body[:1600],
        meaning=meaning,
        message=message,
        received_at=timezone.now(),
    )
    audit.record(actor, Action.CREATE, reply, participant.uuid, ["body", "meaning"])
    return reply


def preference_of(participant: Participant) -> Preference:
    """The participant's reminder times (the defaults, unsaved, until someone sets them)."""
    return Preference.objects.filter(participant=participant).first() or Preference(
        participant=participant, version=0
    )


@transaction.atomic
def set_preference(
    actor: Actor,
    participant: Participant,
    lead: str,
    at: time,
    expected_version: int,
    check_in_every: int | None = None,
) -> Preference:
    """New reminder times, set by the participant or their coach: every reminder still
    waiting moves to them, in this transaction. `check_in_every` None keeps how often a
    check-in reminder comes."""
    if lead not in Preference.Lead.values:
        raise ValidationError({"lead": _("Choose when reminders come.")})
    if check_in_every is not None and check_in_every not in Preference.CheckInEvery.values:
        raise ValidationError({"check_in_every": _("Choose how often, or no check-in reminders.")})
    current = Preference.objects.select_for_update().filter(participant=participant).first()
    if (current.version if current else 0) != expected_version:
        raise StaleEdit(current.version if current else 0)
    wanted: dict[str, Any] = {"lead": lead, "at": at}
    if check_in_every is not None:
        wanted["check_in_every"] = check_in_every
    if current is None:
        current = Preference.objects.create(
            participant=participant, changed_at=timezone.now(), changed_by=actor.user, **wanted
        )
        audit.record(actor, Action.CREATE, current, participant.uuid, list(wanted))
    else:
        changed = [name for name, value in wanted.items() if getattr(current, name) != value]
        if not changed:
            return current
        was = {name: getattr(current, name) for name in changed}
        for name in changed:
            setattr(current, name, wanted[name])
        current.changed_at, current.changed_by = timezone.now(), actor.user
        current.version += 1
        current.save()
        audit.record(
            actor,
            Action.CHANGE,
            current,
            participant.uuid,
            changed,
            changes={
                name: (was[name], wanted[name])
                for name in changed
                if name in Preference.AUDIT_VALUES
            },
        )
    scheduling.plan_for_participant(participant)
    return current


def county_settings(county: Organisation) -> CountySettings:
    """The county's reminder settings (the defaults until its administrator changes them)."""
    return CountySettings.objects.filter(county=county).first() or CountySettings(county=county)


@transaction.atomic
def set_county_settings(
    actor: Actor, county: Organisation, quiet_from: time, quiet_until: time, help_contact: str
) -> CountySettings:
    chosen, _created = CountySettings.objects.select_for_update().get_or_create(county=county)
    wanted = {"quiet_from": quiet_from, "quiet_until": quiet_until, "help_contact": help_contact}
    changed = [name for name, value in wanted.items() if getattr(chosen, name) != value]
    if changed:
        for name in changed:
            setattr(chosen, name, wanted[name])
        chosen.save(update_fields=changed)
        audit.record(actor, Action.CHANGE, county, None, [f"reminders_{name}" for name in changed])
        if {"quiet_from", "quiet_until"} & set(changed):
            scheduling.plan_for_county(county)  # its waiting reminders move out of the new hours
    return chosen
