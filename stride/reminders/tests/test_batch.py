"""A task claims the due messages in a batch under one lease: never two workers the same
message, a dead worker's batch sent once after its lease, consent asked again at each send."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stride.core.models import AuditEvent
from stride.reminders import channels, sending, tasks
from stride.reminders.models import Consent, Message

from .helpers import agree, reminder_of, step_to_remind
from .test_sending import Provider

FRESNO = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY = date(2026, 3, 12)
REMIND_AT = datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)  # the day before, at ten


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider(monkeypatch):
    made = Provider()
    monkeypatch.setattr(channels, "sms_backend", lambda: made)
    return made


def reminders(world, clock, count: int) -> list[Message]:
    """`count` step reminders, all due at REMIND_AT; the clock is then there."""
    agree(world)
    made = [reminder_of(step_to_remind(world, THURSDAY, f"Step {n}")) for n in range(count)]
    clock.move_to(REMIND_AT)
    return made


def queued_tasks(message: Message) -> list[datetime]:
    return sorted(
        row.run_after
        for row in DBTaskResult.objects.filter(task_path=tasks.send_message.module_path)
        if row.args_kwargs["args"] == [message.pk]
    )


def test_a_task_sends_its_own_message_first_then_others_already_due(world, clock, provider):
    first, *rest = reminders(world, clock, 4)
    assert tasks.send_message.call(rest[1].pk) == "sent"
    assert list(provider.kept)[0] == str(rest[1].idempotency_key)  # its own message first
    assert provider.calls == 4
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    for message in (first, *rest):  # the other tasks find their message gone and send nothing
        assert tasks.send_message.call(message.pk) == tasks.HELD
    assert provider.calls == 4


def test_a_batch_is_as_large_as_the_setting_and_leaves_the_rest_waiting(
    world, clock, provider, monkeypatch
):
    monkeypatch.setattr(sending, "BATCH", 2)
    made = reminders(world, clock, 3)
    outcomes = sending.send_due(made[2].pk)
    assert list(outcomes) == [made[2].pk, made[0].pk]  # its own, then the longest waiting
    assert Message.objects.get(pk=made[1].pk).status == "queued"


def test_two_workers_never_claim_the_same_message(world, clock):
    made = reminders(world, clock, 5)
    first = sending.claim_due(REMIND_AT, made[0].pk, others=2)
    # A task whose own message another worker holds takes nothing (its message's task
    # comes back for it when that lease ends); a claim of whatever is due takes the rest.
    assert sending.claim_due(REMIND_AT, made[0].pk, others=10) == []
    second = sending.claim_due(REMIND_AT, None, others=10)
    assert [m.pk for m in first] == [m.pk for m in made[:3]]
    assert [m.pk for m in second] == [m.pk for m in made[3:]]
    assert sending.claim_due(REMIND_AT, None, others=10) == []
    assert {m.lease_token for m in first}.isdisjoint({m.lease_token for m in second})


def test_a_claim_that_loses_the_race_after_picking_takes_nothing(world, clock):
    """The second worker picks the same rows (as on SQLite, which has no row locks), but the
    first worker claims them before its UPDATE: the UPDATE's condition leaves them alone."""
    made = reminders(world, clock, 3)
    other: list[Message] = []
    raced = []

    def the_other_worker_claims_first(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and not raced:
            raced.append(True)
            other.extend(sending.claim_due(REMIND_AT, None, others=10))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(the_other_worker_claims_first):
        mine = sending.claim_due(REMIND_AT, made[0].pk, others=10)
    assert mine == [] and sorted(m.pk for m in other) == sorted(m.pk for m in made)
    assert list(Message.objects.values_list("attempts", flat=True)) == [1, 1, 1]
    claims = AuditEvent.objects.filter(changes__status=["queued", "sending"])
    assert claims.count() == 3  # one worker's claim of each, audited once


def test_a_dead_workers_batch_is_sent_once_after_its_lease(world, clock, provider, settings):
    made = reminders(world, clock, 3)
    held = sending.claim_due(REMIND_AT, made[0].pk, others=10)  # then the worker dies
    assert len(held) == 3
    lease_ends = held[0].lease_until
    # Another worker runs the second message's task while the lease holds: it sends nothing
    # and comes back when the lease ends.
    assert tasks.send_message.call(made[1].pk) == tasks.HELD
    assert queued_tasks(made[1])[-1] == lease_ends
    assert provider.calls == 0
    clock.move_to(lease_ends + timedelta(seconds=1))
    assert tasks.send_message.call(made[1].pk) == "sent"
    assert provider.calls == 3 and len(provider.kept) == 3
    for message in made:
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 2)
        assert tasks.send_message.call(message.pk) == tasks.HELD
    assert provider.calls == 3


def test_consent_withdrawn_between_the_claim_and_the_send_stops_that_send(world, clock, provider):
    made = reminders(world, clock, 2)
    # The other process's STOP lands while the batch's first text is with the provider.
    provider.during = lambda: Consent.objects.update(revoked_at=REMIND_AT)
    outcomes = sending.send_due(made[0].pk)
    assert [o.status for o in outcomes.values()] == ["sent", "cancelled"]
    assert provider.calls == 1 and list(provider.kept) == [str(made[0].idempotency_key)]
    made[1].refresh_from_db()
    assert (made[1].status, made[1].last_error) == ("cancelled", "no consent when sending")


def test_a_long_batch_renews_its_lease_so_no_one_else_takes_its_messages(
    world, clock, monkeypatch, settings
):
    lease = timedelta(seconds=settings.STRIDE_TASK_LEASE_SECONDS)

    class Slow(Provider):
        def send(self, outgoing: channels.Outgoing) -> str:
            clock.shift(lease * 0.75)  # each text takes three quarters of a lease
            return super().send(outgoing)

    slow = Slow()
    monkeypatch.setattr(channels, "sms_backend", lambda: slow)
    made = reminders(world, clock, 3)
    outcomes = sending.send_due(made[0].pk)
    # Without the renewal the third would have found its lease gone (1.5 leases in).
    assert [o.status for o in outcomes.values()] == ["sent", "sent", "sent"]
    assert slow.calls == 3


def test_messages_a_slow_worker_lost_mid_batch_are_looked_at_when_the_new_lease_ends(
    world, clock, provider, settings
):
    lease = timedelta(seconds=settings.STRIDE_TASK_LEASE_SECONDS)
    made = reminders(world, clock, 2)
    taken: list[Message] = []

    def hang_past_the_lease_while_another_worker_claims():
        clock.shift(lease + timedelta(seconds=1))
        taken.extend(sending.claim_due(timezone.now(), None, others=10))

    provider.during = hang_past_the_lease_while_another_worker_claims
    assert tasks.send_message.call(made[0].pk) == tasks.HELD
    assert sorted(m.pk for m in taken) == [m.pk for m in made]
    assert provider.calls == 1  # the second was not handed over: its lease was gone
    for message in made:  # should the other worker die too, each has a task at its lease's end
        assert queued_tasks(message)[-1] == taken[0].lease_until
