"""Demo reminders: about a third of the families agreed to texts, and the demo participant
has a text from Stride about a step to answer in the demo outbox."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from stride.coaching.models import Goal, Step
from stride.core.demo import Progress, demo_promise, demo_step
from stride.people.models import Participant

from . import wording
from .actions import normalise_phone
from .models import Channel, Consent, Message

BATCH = 2000
SHARE = 0.35
DEMO_PHONE = "+15555550100"  # the demo participant's phone: no other family has it


@demo_step
def build_reminders_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 29)
    now = timezone.now()
    taken = {DEMO_PHONE}
    consents = []
    demo_pk = Participant.objects.filter(user__username="participant").values("pk")
    the_one = demo_pk.first() or {"pk": None}
    rows = Participant.objects.select_related("household").order_by("pk")
    for person in rows.iterator(chunk_size=BATCH):
        demo_one = person.pk == the_one["pk"]
        phone = DEMO_PHONE if demo_one else normalise_phone(person.household.phone)
        if not demo_one and (not phone or phone in taken or rng.random() > SHARE):
            continue
        taken.add(phone)
        consents.append(
            Consent(
                participant=person,
                channel=Channel.SMS,
                address=phone,
                words=wording.consent_words(Channel.SMS, wording.language_of(person)),
                how=Consent.How.IN_PERSON,
                given_at=now - timedelta(days=rng.randint(3, 200)),
                recorded_by_id=person.coach_id,
            )
        )
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    _a_text_to_answer(now)
    progress(f"Reminders: {len(consents):,} families agreed to texts")


def _a_text_to_answer(now: datetime) -> None:
    """Yesterday's reminder to the demo participant about their next step, ready for a 1 or 2."""
    person = Participant.objects.select_related("household").get(user__username="participant")
    step = (
        Step.objects.filter(
            goal__participant=person,
            goal__status__in=Goal.OPEN_STATUSES,
            status=Step.Status.PLANNED,
            due_on__gte=timezone.localdate(),
        )
        .order_by("due_on", "pk")
        .first()
    )
    if step is None:
        return
    assert step.due_on is not None
    Step.objects.filter(pk=step.pk).update(wants_reminder=True)
    language = wording.language_of(person)
    sent_at = now - timedelta(hours=20)
    Message.objects.create(
        participant=person,
        channel=Channel.SMS,
        address=DEMO_PHONE,
        language=language,
        body=wording.step_reminder(step.what, step.due_on, language),
        about=Message.About.STEP,
        about_id=step.uuid,
        due_at=sent_at,
        next_try_at=sent_at,
        status=Message.Status.SENT,
        attempts=1,
        provider_id="demo",
        sent_at=sent_at,
    )


@demo_promise("participant agreed to text reminders and has one from Stride to answer")
def _a_reminder_to_answer() -> bool:
    return (
        Message.objects.filter(
            participant__user__username="participant",
            status=Message.Status.SENT,
            about=Message.About.STEP,
            about_id__in=Step.objects.filter(status=Step.Status.PLANNED).values("uuid"),
        ).exists()
        and Consent.objects.filter(
            participant__user__username="participant", address=DEMO_PHONE, revoked_at__isnull=True
        ).exists()
    )
