"""Deliveries to a local receiver: signed, retried with backoff, failed at last, and the
receiver's check of the signature (fresh, untouched, with the right secret)."""

import hashlib
import hmac
import json
import socket
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from stride.core.audit import Actor
from stride.people import actions as people
from stride.webhooks import actions, delivering, signing, tasks
from stride.webhooks.models import Delivery

from .conftest import queued, subscribe

pytestmark = pytest.mark.django_db

NOT_SENT = "not due, paused, or held by another worker"


@pytest.fixture
def clock():
    """Time that the test moves on by hand (sockets keep their own clock)."""
    with time_machine.travel(timezone.now()) as traveller:
        yield traveller


def assign(world) -> Delivery:
    people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
    return Delivery.objects.get()


def test_a_delivery_is_signed_over_its_time_and_body(world, receiver):
    subscription = subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    assert tasks.send_delivery.call(delivery.pk) == "delivered"
    [got] = receiver.received
    assert got.body == delivery.body.encode()
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Stride-Event"] == "participant.assigned"
    assert got.headers["Stride-Delivery"] == str(delivery.uuid)
    stamp, given = got.headers["Stride-Signature"].split(",")
    t = int(stamp.removeprefix("t="))
    assert abs(t - time.time()) < 60
    expected = hmac.new(
        subscription.secret.encode(), f"{t}.".encode() + got.body, hashlib.sha256
    ).hexdigest()
    assert given == f"v1={expected}"
    signing.verify(subscription.secret, got.headers["Stride-Signature"], got.body, int(time.time()))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.last_attempt_at is not None


def test_a_receiver_refuses_an_old_a_changed_or_a_wrongly_signed_delivery():
    body = b'{"type":"goal.achieved"}'
    now = 1_800_000_000
    value = signing.header("whsec_right", now, body)
    signing.verify("whsec_right", value, body, now + 299)
    with pytest.raises(signing.BadSignature, match="too old"):
        signing.verify("whsec_right", value, body, now + 301)
    with pytest.raises(signing.BadSignature, match="does not match"):
        signing.verify("whsec_right", value, body.replace(b"goal", b"hour"), now)
    with pytest.raises(signing.BadSignature, match="does not match"):
        signing.verify("whsec_wrong", value, body, now)
    with pytest.raises(signing.BadSignature, match="no timestamp"):
        signing.verify("whsec_right", value.split(",")[1], body, now)


def test_a_refused_delivery_is_tried_after_each_backoff_then_failed(world, receiver, clock):
    subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    codes = [500, 503, 404, 500, 502, 500]
    receiver.answers = list(codes)
    for n, wait in enumerate(delivering.BACKOFF, start=1):
        before = timezone.now()
        assert tasks.send_delivery.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (n, codes[n - 1])
        assert before + wait <= delivery.next_attempt_at <= timezone.now() + wait
        assert delivery.next_attempt_at in queued(delivery)  # the next try is queued
        assert tasks.send_delivery.call(delivery.pk) == NOT_SENT  # not due yet
        clock.move_to(delivery.next_attempt_at + timedelta(seconds=1))
    assert tasks.send_delivery.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 6, None)
    assert len(receiver.received) == 6


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(world, receiver, settings):
    settings.STRIDE_WEBHOOK_TIMEOUT = 1
    receiver.delay = 2
    subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    assert tasks.send_delivery.call(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_error) == (None, "no answer in time")


def test_an_address_nobody_listens_on_is_tried_again(world):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscribe(world.county_admin, url=f"http://127.0.0.1:{port}/")
    delivery = assign(world)
    assert tasks.send_delivery.call(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("could not connect")


def test_a_redirect_is_not_followed(world, receiver):
    subscribe(world.county_admin, url=receiver.url)
    receiver.answers = [301]
    delivery = assign(world)
    assert tasks.send_delivery.call(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_status_code == 301
    assert len(receiver.received) == 1


def test_a_delivery_is_sent_once_however_often_its_task_runs(world, receiver):
    subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    assert tasks.send_delivery.call(delivery.pk) == "delivered"
    assert tasks.send_delivery.call(delivery.pk) == NOT_SENT
    assert len(receiver.received) == 1


def test_a_paused_subscription_keeps_its_deliveries_until_it_is_active_again(world, receiver):
    subscription = subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    details = actions.SubscriptionDetails(
        subscription.name, subscription.url, subscription.events, world.county, active=False
    )
    paused = actions.change_subscription(
        Actor(world.county_admin), subscription, subscription.version, details
    )
    assert tasks.send_delivery.call(delivery.pk) == NOT_SENT
    assert not receiver.received
    details.active = True
    actions.change_subscription(Actor(world.county_admin), paused, paused.version, details)
    assert len(queued(delivery)) == 2  # queued again on resuming
    assert tasks.send_delivery.call(delivery.pk) == "delivered"


def test_after_a_rotation_deliveries_are_signed_with_the_new_secret(world, receiver):
    subscription = subscribe(world.county_admin, url=receiver.url)
    old = subscription.secret
    rotated = actions.rotate_secret(Actor(world.county_admin), subscription)
    assert rotated.secret != old
    delivery = assign(world)
    tasks.send_delivery.call(delivery.pk)
    [got] = receiver.received
    now = int(time.time())
    signing.verify(rotated.secret, got.headers["Stride-Signature"], got.body, now)
    with pytest.raises(signing.BadSignature):
        signing.verify(old, got.headers["Stride-Signature"], got.body, now)


def test_a_worker_that_died_while_sending_counts_an_attempt(world, receiver):
    subscribe(world.county_admin, url=receiver.url)
    delivery = assign(world)
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_until=timezone.now() + timedelta(minutes=1)
    )
    again = delivering.abandoned(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert again == delivery.next_attempt_at
    assert json.loads(delivery.body)["type"] == "participant.assigned"
