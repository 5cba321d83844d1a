"""An administrator's webhook pages: add, change, pause, rotate the secret, read the log
and replay; each write audited; outsiders kept out; query counts flat as the log grows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people
from stride.webhooks import tasks
from stride.webhooks.models import Delivery, Subscription

from .conftest import queued, subscribe

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'<code id="webhook-secret">(whsec_[^<]+)</code>')


def detail(subscription: Subscription) -> str:
    return reverse("webhooks:subscription", kwargs={"uuid": subscription.uuid})


def assign(world, n: int = 1) -> None:
    for _ in range(n):
        world.case.refresh_from_db()
        moved = world.case.coach_id == world.coach_same_team.pk
        to = world.coach if moved else world.coach_same_team
        people.reassign(Actor(world.supervisor), world.case, to, "Move")


def form(**more) -> dict:
    return {
        "name": "State eligibility system",
        "url": "https://eligibility.example.gov/stride",
        "events": ["goal.achieved", "hours.verified"],
        "active": "on",
    } | more


def test_a_county_administrator_adds_a_subscription_for_their_county(world, client_for):
    client = client_for(world.county_admin)
    page = client.get(reverse("webhooks:subscription_new")).content.decode()
    assert 'name="county"' not in page  # their county's, always
    answer = client.post(reverse("webhooks:subscription_new"), form())
    made = Subscription.objects.get()
    assert answer.url == detail(made)
    assert (made.county, made.events, made.active) == (
        world.county,
        ["goal.achieved", "hours.verified"],
        True,
    )
    event = AuditEvent.objects.get(record_type="Subscription")
    assert (event.action, event.record_id, event.actor) == ("create", made.uuid, world.county_admin)
    assert made.secret not in str(event.fields)


def test_the_secret_is_shown_once(world, client_for):
    client = client_for(world.county_admin)
    client.post(reverse("webhooks:subscription_new"), form())
    made = Subscription.objects.get()
    first = client.get(detail(made)).content.decode()
    assert SECRET.search(first).group(1) == made.secret
    assert made.secret not in client.get(detail(made)).content.decode()


def test_a_new_secret_replaces_the_old_shown_once_and_audited(world, client_for):
    made = subscribe(world.county_admin)
    old = made.secret
    client = client_for(world.county_admin)
    answer = client.post(reverse("webhooks:rotate", kwargs={"uuid": made.uuid}))
    assert answer.url == detail(made)
    made.refresh_from_db()
    assert made.secret != old
    assert SECRET.search(client.get(detail(made)).content.decode()).group(1) == made.secret
    rotated = AuditEvent.objects.filter(record_id=made.uuid, action="change").get()
    assert rotated.fields == ["secret"]


def test_the_form_says_what_is_wrong_next_to_the_field(world, client_for):
    client = client_for(world.county_admin)
    page = client.post(
        reverse("webhooks:subscription_new"), form(url="http://eligibility.example.gov", events=[])
    ).content.decode()
    assert "Use an address that starts with https://." in page
    assert "Choose at least one event." in page
    assert page.count("usa-form-group--error") == 2
    assert not Subscription.objects.exists()


def test_the_system_administrator_subscribes_for_every_county_but_never_to_names(world, client_for):
    client = client_for(world.sysadmin)
    page = client.get(reverse("webhooks:subscription_new")).content.decode()
    assert "All counties" in page
    assert 'name="include_names"' not in page
    client.post(reverse("webhooks:subscription_new"), form(county="", include_names="on"))
    made = Subscription.objects.get()
    assert (made.county, made.include_names) == (None, False)
    with pytest.raises(Exception, match="Only the county's administrator"):
        subscribe(world.sysadmin, county=world.county, include_names=True)


def test_a_county_administrator_cannot_choose_another_county_or_all(world):
    with pytest.raises(Exception, match="Choose your county"):
        subscribe(world.county_admin, county=None)
    with pytest.raises(Exception, match="Choose a county you look after"):
        subscribe(world.county_admin, county=world.other_county)


def test_a_change_is_saved_by_the_version_seen_and_audited(world, client_for):
    made = subscribe(world.county_admin)
    client = client_for(world.county_admin)
    url = reverse("webhooks:subscription_edit", kwargs={"uuid": made.uuid})
    answer = client.post(url, form(name="Renamed", version=made.version))
    assert answer.status_code == 302
    made.refresh_from_db()
    assert (made.name, made.version) == ("Renamed", 2)
    change = AuditEvent.objects.get(record_id=made.uuid, action="change")
    assert change.fields == ["events", "name", "url"]
    stale = client.post(url, form(name="Again", version=1))
    assert stale.status_code == 200
    made.refresh_from_db()
    assert made.name == "Renamed"


def test_pausing_from_the_page(world, client_for):
    made = subscribe(world.county_admin)
    client = client_for(world.county_admin)
    data = form(version=made.version)
    del data["active"]
    client.post(reverse("webhooks:subscription_edit", kwargs={"uuid": made.uuid}), data)
    made.refresh_from_db()
    assert not made.active
    assert "Paused" in client.get(reverse("webhooks:subscriptions")).content.decode()


def test_the_log_shows_status_attempts_answer_and_time(world, client_for, receiver):
    made = subscribe(world.county_admin, url=receiver.url)
    assign(world)
    receiver.answers = [500]
    tasks.send_delivery.call(Delivery.objects.get().pk)
    page = client_for(world.county_admin).get(detail(made)).content.decode()
    assert "A coach was assigned to a participant" in page
    assert "Waiting to be sent: next try" in page
    assert ">500<" in page
    assert '<td data-label="Attempts">1</td>' in page


def test_a_delivery_is_replayed_as_a_new_one_and_audited(world, client_for, receiver):
    made = subscribe(world.county_admin, url=receiver.url)
    assign(world)
    first = Delivery.objects.get()
    tasks.send_delivery.call(first.pk)
    client = client_for(world.county_admin)
    answer = client.post(reverse("webhooks:replay", kwargs={"uuid": first.uuid}))
    assert answer.url == detail(made)
    again = Delivery.objects.exclude(pk=first.pk).get()
    assert (again.replay_of, again.body, again.event_id) == (first, first.body, first.event_id)
    assert queued(again)
    event = AuditEvent.objects.get(record_id=again.uuid)
    assert (event.action, event.participant, event.fields) == (
        "create",
        world.case.uuid,
        ["replay_of"],
    )
    assert tasks.send_delivery.call(again.pk) == "delivered"
    assert [r.body for r in receiver.received] == [first.body.encode()] * 2


def test_outsiders_reach_no_subscription_or_delivery(world, client_for):
    made = subscribe(world.county_admin)
    assign(world)
    delivery = Delivery.objects.get()
    kern = client_for(world.other_county_admin)
    assert kern.get(detail(made)).status_code == 404
    assert kern.post(reverse("webhooks:replay", kwargs={"uuid": delivery.uuid})).status_code == 404
    assert kern.post(reverse("webhooks:rotate", kwargs={"uuid": made.uuid})).status_code == 404
    assert "State eligibility" not in kern.get(reverse("webhooks:subscriptions")).content.decode()
    assert client_for(world.coach).get(reverse("webhooks:subscriptions")).status_code == 403
    assert client_for(world.state_admin).get(detail(made)).status_code == 403
    assert Delivery.objects.count() == 1


def test_the_menu_offers_webhooks_to_administrators_who_keep_them(world, client_for):
    link = reverse("webhooks:subscriptions")
    for who in (world.county_admin, world.sysadmin):
        assert link in client_for(who).get(reverse("core:two_factor")).content.decode()
    for who in (world.coach, world.supervisor, world.state_admin):
        assert link not in client_for(who).get(reverse("core:two_factor")).content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def test_the_log_page_makes_the_same_queries_for_one_delivery_or_many(world, client_for):
    made = subscribe(world.county_admin)
    client = client_for(world.county_admin)
    assign(world, 1)
    one = queries(client, detail(made))
    assign(world, 12)
    assert Delivery.objects.count() == 13
    assert queries(client, detail(made)) == one


def test_the_list_makes_the_same_queries_for_one_subscription_or_many(world, client_for):
    client = client_for(world.sysadmin)
    subscribe(world.county_admin)
    one = queries(client, reverse("webhooks:subscriptions"))
    subscribe(world.other_county_admin)
    subscribe(world.sysadmin, county=None)
    assert queries(client, reverse("webhooks:subscriptions")) == one
