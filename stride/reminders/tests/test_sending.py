"""A step's reminder is written with the step, sent once when due, retried, and never twice."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stride.coaching import actions as coaching
from stride.coaching.actions import StepDetails
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.reminders import channels, sending, tasks
from stride.reminders.models import Channel, Consent, Message

from .helpers import PHONE, agree, live_in, reminder_of, step_to_remind

FRESNO = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY = date(2026, 3, 12)
REMIND_AT = datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)  # the day before, at ten


class Provider:
    """A provider that keeps one message per idempotency key, as a real one promises."""

    def __init__(self, failures: int = 0, time_out_after_accepting: int = 0, during=None):
        self.failures, self.time_outs, self.during = failures, time_out_after_accepting, during
        self.calls = 0
        self.kept: dict[str, channels.Outgoing] = {}

    def send(self, outgoing: channels.Outgoing) -> str:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise channels.ProviderError("503 try later")
        self.kept.setdefault(outgoing.key, outgoing)
        if self.during is not None:
            during, self.during = self.during, None
            during()
        if self.time_outs:
            self.time_outs -= 1
            raise channels.ProviderTimeout("read timed out")
        return f"SM{outgoing.key.replace('-', '')[:30]}"


@pytest.fixture
def provider(monkeypatch):
    made = Provider()
    monkeypatch.setattr(channels, "sms_backend", lambda: made)
    return made


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def status_changes(message: Message) -> list[list[str]]:
    return [
        event.changes["status"]
        for event in AuditEvent.objects.filter(record_id=message.uuid).order_by("pk")
        if "status" in event.changes
    ]


def tasks_for(message: Message) -> list[datetime]:
    return sorted(
        row.run_after
        for row in DBTaskResult.objects.filter(task_path=tasks.send_message.module_path)
        if row.args_kwargs["args"] == [message.pk]
    )


# Scheduling


def test_a_planned_step_with_a_reminder_queues_its_text_for_the_morning_before(world, clock):
    agree(world)
    step = step_to_remind(world, THURSDAY)
    message = reminder_of(step)
    assert (message.channel, message.address, message.status) == ("sms", PHONE, "queued")
    assert message.due_at == message.next_try_at == REMIND_AT
    assert "Call the adult school" in message.body and "Reply 1" in message.body
    assert tasks_for(message) == [REMIND_AT]
    created = AuditEvent.objects.get(record_id=message.uuid)
    assert created.action == AuditEvent.Action.CREATE and created.changes == {
        "status": [None, "queued"],
        "channel": [None, "sms"],
    }


def test_the_message_is_in_the_households_language(world, clock):
    live_in(world.case, "93721", "es")
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY, "Llamar a la escuela"))
    assert message.language == "es"
    assert "Responda 1" in message.body and "Llamar a la escuela" in message.body


def test_the_message_and_its_task_are_rolled_back_with_the_step(world, clock):
    agree(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        step_to_remind(world, THURSDAY)
        raise RuntimeError("the request failed after the step was saved")
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_without_consent_or_without_a_date_nothing_is_queued(world, clock):
    step_to_remind(world, THURSDAY)
    assert not Message.objects.exists()  # no consent yet
    agree(world)
    goal = Step.objects.get().goal
    dateless = coaching.add_step(
        Actor(world.coach), goal, StepDetails("Ask about classes", wants_reminder=True)
    )
    assert not Message.objects.filter(about_id=dateless.uuid).exists()


def test_a_new_date_moves_the_reminder_and_a_step_done_stops_it(world, clock):
    agree(world)
    step = step_to_remind(world, THURSDAY)
    details = StepDetails("Call the adult school", due_on=date(2026, 3, 20), wants_reminder=True)
    step = coaching.update_step(Actor(world.coach), step, 1, details)
    message = reminder_of(step)
    assert message.due_at == datetime(2026, 3, 19, 10, 0, tzinfo=FRESNO)
    assert tasks_for(message)[-1] == message.due_at
    coaching.mark_step(Actor(world.coach), step, step.version, Step.Status.DONE)
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert status_changes(message) == [[None, "queued"], ["queued", "cancelled"]]


# Sending


def test_a_reminder_goes_once_when_it_is_due(world, clock, provider):
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    assert sending.deliver(message.pk) is None  # not yet
    clock.move_to(REMIND_AT)
    assert tasks.send_message.call(message.pk) == "sent"
    assert tasks.send_message.call(message.pk) == "not due, or held by another worker"
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id.startswith("SM")
    assert provider.calls == 1 and list(provider.kept) == [str(message.idempotency_key)]
    assert status_changes(message) == [[None, "queued"], ["queued", "sending"], ["sending", "sent"]]


def test_a_failing_provider_is_tried_again_after_a_growing_wait_then_the_message_fails(
    world, clock, provider, settings
):
    settings.STRIDE_REMINDER_ATTEMPTS = 3
    provider.failures = 3
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    assert tasks.send_message.call(message.pk) == "queued"
    message.refresh_from_db()
    assert message.next_try_at == REMIND_AT + timedelta(minutes=1)
    assert message.last_error == "503 try later"
    assert tasks_for(message)[-1] == message.next_try_at
    clock.move_to(message.next_try_at)
    assert tasks.send_message.call(message.pk) == "queued"
    message.refresh_from_db()
    assert message.next_try_at == REMIND_AT + timedelta(minutes=6)
    clock.move_to(message.next_try_at)
    assert tasks.send_message.call(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert provider.kept == {}


def test_a_provider_that_times_out_after_accepting_is_asked_again_with_the_same_key(
    world, clock, provider
):
    provider.time_outs = 1
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    assert tasks.send_message.call(message.pk) == "queued"
    clock.move_to(REMIND_AT + timedelta(minutes=1))
    assert tasks.send_message.call(message.pk) == "sent"
    message.refresh_from_db()
    assert provider.calls == 2 and len(provider.kept) == 1  # one text reached the phone
    assert message.status == "sent" and message.attempts == 2


def test_a_worker_whose_lease_ran_out_mid_send_writes_nothing_and_the_text_goes_once(
    world, clock, provider, settings
):
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    outcomes = []

    def a_second_worker_takes_over():
        # The first worker hangs past its lease; another one picks the message up.
        clock.shift(timedelta(seconds=settings.STRIDE_TASK_LEASE_SECONDS + 1))
        outcomes.append(sending.deliver(message.pk))

    provider.during = a_second_worker_takes_over
    assert sending.deliver(message.pk) is None  # the first worker finds it lost its hold
    assert [outcome.status for outcome in outcomes] == ["sent"]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert provider.calls == 2 and len(provider.kept) == 1
    assert status_changes(message).count(["sending", "sent"]) == 1


def test_consent_withdrawn_at_the_last_moment_stops_the_send(world, clock, provider):
    consent = agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    Consent.objects.filter(pk=consent.pk).update(revoked_at=REMIND_AT)  # another process's STOP
    assert sending.deliver(message.pk).status == "cancelled"
    assert provider.calls == 0


def test_a_reminder_due_in_the_households_quiet_hours_waits_for_the_morning(world, provider):
    live_in(world.case, "10001")  # New York: three hours ahead of Fresno
    new_york = ZoneInfo("America/New_York")
    with time_machine.travel(datetime(2026, 3, 9, 20, 30, tzinfo=new_york), tick=False):
        agree(world)  # written just before the quiet hours, due at once
        message = reminder_of(step_to_remind(world, date(2026, 3, 10)))
    with time_machine.travel(datetime(2026, 3, 9, 21, 30, tzinfo=new_york), tick=False):
        outcome = tasks.send_message.call(message.pk)  # the worker comes late
    morning = datetime(2026, 3, 10, 8, 0, tzinfo=new_york)
    assert outcome == "queued" and provider.calls == 0
    message.refresh_from_db()
    assert (message.status, message.next_try_at, message.attempts) == ("queued", morning, 0)
    assert tasks_for(message)[-1] == morning
    with time_machine.travel(morning, tick=False):
        assert tasks.send_message.call(message.pk) == "sent"


def test_an_email_reminder_carries_its_key_as_the_message_id(world, clock, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agree(world, Channel.EMAIL, "Maria@example.org")
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    assert tasks.send_message.call(message.pk) == "sent"
    [sent] = mail.outbox
    assert sent.to == ["maria@example.org"]
    assert sent.extra_headers["Message-ID"] == f"<{message.idempotency_key}@stride.localhost>"


def test_steps_planned_before_the_yes_get_their_reminder_when_consent_is_given(world, clock):
    step = step_to_remind(world, THURSDAY)
    assert not Message.objects.exists()
    agree(world)
    message = reminder_of(step)
    assert message.status == "queued" and message.due_at == REMIND_AT
    assert tasks_for(message) == [REMIND_AT]


def test_a_message_whose_workers_keep_dying_is_taken_up_again_then_failed(world, clock, settings):
    settings.STRIDE_REMINDER_ATTEMPTS = 2
    agree(world)
    message = reminder_of(step_to_remind(world, THURSDAY))
    clock.move_to(REMIND_AT)
    held = sending.claim(message.pk, REMIND_AT)  # a worker takes it, then dies
    tasks.message_lost(message.pk)  # what the sweep calls once the task failed for good
    assert tasks_for(message)[-1] == held.lease_until
    clock.move_to(held.lease_until + timedelta(seconds=1))
    assert sending.claim(message.pk, timezone.now()) is not None  # and the next one dies too
    tasks.message_lost(message.pk)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2
    assert status_changes(message)[-1] == ["sending", "failed"]
