"""What a participant's text back does, whether it came through Twilio's webhook or the demo outbox.

A keyword is read in any case, with spaces around or inside it ("opt out",
" Stop "), and accents or not ("no más"):

- STOP and its kin, in English or Spanish: every text consent at that number
  ends at once, and nothing waiting goes out;
- START (or its Spanish words): a number that had agreed before agrees again,
  in the words of the answer it is sent;
- HELP: the county's contact;
- 1 or 2: the step the last reminder to that number was about is marked done,
  or not done yet, through coaching's actions (audited like the coach's own);
- anything else is kept for the coach.

A number Stride has no consent for, past or present, gets no answer and changes
nothing: the webhook never tells a stranger who is enrolled.
"""

import contextlib
import unicodedata
from dataclasses import dataclass

from django.db import transaction

from stride.coaching import actions as coaching
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.edits import StaleEdit

from . import actions, wording
from .models import Channel, Consent, CountySettings, Message, Reply

STOP_WORDS = frozenset(
    {
        "STOP", "STOPALL", "QUIT", "END", "CANCEL", "UNSUBSCRIBE", "REVOKE", "OPTOUT",
        "ALTO", "PARAR", "PARA", "DETENER", "CANCELAR", "BAJA", "DARDEBAJA", "NOMAS",
        "SALIR", "TERMINAR", "FIN",
    }
)  # fmt: skip
START_WORDS = frozenset({"START", "UNSTOP", "YES", "OPTIN", "INICIAR", "COMENZAR", "ALTA", "SI"})
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})


def keyword(body: str) -> str:
    """The text as a keyword: letters and digits only, upper case, accents dropped."""
    plain = unicodedata.normalize("NFKD", body)
    return "".join(ch for ch in plain if ch.isalnum() and ch.isascii()).upper()


@dataclass(frozen=True)
class Answer:
    known: bool  # the number belongs to a participant who once agreed to texts
    text: str = ""  # what to text back ("" for nothing)


def handle(phone: str, body: str) -> Answer:
    """Act on a text from `phone`; what to answer."""
    phone = actions.normalise_phone(phone)
    consents = list(
        Consent.objects.select_related("participant__household")
        .filter(channel=Channel.SMS, address=phone)
        .order_by("-given_at", "-pk")
    )
    if not phone or not consents:
        return Answer(known=False)
    latest = consents[0]
    participant = latest.participant
    language = wording.language_of(participant)
    word = keyword(body)
    actor = Actor(participant.user, None, "sms")
    if word in STOP_WORDS:
        actions.stop_texts(actor, phone)
        return Answer(True, wording.stopped(language))
    if word in START_WORDS:
        if latest.revoked_at is not None:
            actions.give_consent(actor, participant, Channel.SMS, phone, Consent.How.TEXT)
        return Answer(True, wording.started(language))
    if word in HELP_WORDS:
        chosen = CountySettings.objects.filter(county_id=participant.household.county_id).first()
        return Answer(True, wording.help_text(chosen.help_contact if chosen else "", language))
    if latest.revoked_at is not None:
        return Answer(True)  # they stopped texts: keep nothing, answer nothing
    if word in ("1", "2"):
        done = word == "1"
        reminder = (
            Message.objects.filter(
                participant=participant,
                channel=Channel.SMS,
                about=Message.About.STEP,
                status__in=[Message.Status.SENT, Message.Status.DELIVERED],
            )
            .order_by("-sent_at", "-pk")
            .first()
        )
        step = (
            Step.objects.filter(uuid=reminder.about_id).first()
            if reminder is not None and reminder.about_id is not None
            else None
        )
        if step is not None:
            status = Step.Status.DONE if done else Step.Status.NOT_DONE
            with transaction.atomic():
                with contextlib.suppress(StaleEdit):
                    coaching.mark_step(actor, step, step.version, status)
                actions.keep_reply(
                    actor,
                    participant,
                    body,
                    Reply.Meaning.DONE if done else Reply.Meaning.NOT_YET,
                    reminder,
                )
            return Answer(True, wording.marked(done, language))
    actions.keep_reply(actor, participant, body, Reply.Meaning.NOTE, None)
    return Answer(True, wording.kept_for_coach(language))
