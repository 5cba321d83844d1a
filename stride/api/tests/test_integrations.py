"""Integration accounts: a county's system reads and writes that county through the API, as its
administrator would, and never opens a page."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries, open_case
from stride.api import integrations
from stride.api.urls import router
from stride.coaching import actions as coaching
from stride.core import accounts, passwords, submissions
from stride.core.audit import Actor
from stride.core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def feed_of(world: World, maker: str = "county_admin") -> User:
    return integrations.create_account(
        Actor(getattr(world, maker)),
        name="Eligibility feed",
        county=world.county,
        contact_email="it@fresno.example.org",
    )


def api_as(user: User) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def goal_of(world: World, participant, words: str = "Finish my GED"):
    return coaching.set_goal(
        Actor(world.coach), participant, coaching.GoalDetails(words, "learning")
    )


def test_the_county_administrator_makes_an_account_that_works_at_once(world):
    feed = feed_of(world)

    assert (feed.is_system, feed.role, feed.organisation) == (True, Role.COUNTY_ADMIN, world.county)
    assert (feed.is_active, feed.awaiting_confirmation, feed.has_usable_password()) == (
        True,
        False,
        False,
    )
    made = AuditEvent.objects.get(record_type="User", record_id=feed.uuid)
    assert (made.action, made.actor) == ("create", world.county_admin)


def test_one_the_system_administrator_makes_waits_for_the_county_to_confirm_it(world):
    feed = feed_of(world, "sysadmin")
    assert (feed.is_active, feed.awaiting_confirmation) == (False, True)
    _instance, token = integrations.make_token(Actor(world.sysadmin), feed, 30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api:participant-list")).status_code == 401

    assert feed in accounts.waiting_for(world.county_admin)
    assert feed not in accounts.waiting_for(world.other_county_admin)
    accounts.confirm(Actor(world.county_admin), feed)
    assert client.get(reverse("api:participant-list")).status_code == 200


def test_no_one_makes_an_account_for_a_county_they_do_not_keep(world):
    for maker in ("other_county_admin", "supervisor", "state_admin", "coach"):
        with pytest.raises(PermissionDenied):
            feed_of(world, maker)
    assert not User.objects.filter(is_system=True).exists()


def test_it_reads_the_county_as_its_administrator_does_and_nothing_else(world):
    goal_of(world, world.case)
    goal_of(world, world.other_case, "Get my license")
    feed, admin = api_as(feed_of(world)), api_as(world.county_admin)
    compared = 0
    for prefix, _viewset, basename in router.registry:
        url = reverse(f"api:{basename}-list")
        theirs, ours = feed.get(url), admin.get(url)
        assert theirs.status_code == ours.status_code, url
        if prefix != "audit-events" and ours.status_code == 200:
            # (Reading records audit events, so the audit trail grows between the two reads.)
            assert theirs.json() == ours.json(), url
            compared += 1
    assert compared >= 15

    case_numbers = {
        row["uuid"] for row in feed.get(reverse("api:participant-list")).json()["results"]
    }
    assert case_numbers == {str(world.case.uuid)}
    outside = feed.get(reverse("api:participant-detail", args=[world.other_case.uuid]))
    assert outside.status_code == 404


def test_it_changes_the_county_s_records_through_the_api_and_the_audit_names_it(world):
    feed = feed_of(world)
    ours, theirs = goal_of(world, world.case), goal_of(world, world.other_case, "Drive")
    client = api_as(feed)

    changed = client.patch(
        reverse("api:goal-detail", args=[ours.uuid]),
        {"measure": "The certificate"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    refused = client.patch(
        reverse("api:goal-detail", args=[theirs.uuid]),
        {"measure": "The certificate"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert (changed.status_code, refused.status_code) == (200, 404)
    event = AuditEvent.objects.get(action="change", record_id=ours.uuid)
    assert (event.actor, event.channel) == (feed, "api")
    assert event.actor_name.startswith("eligibility-feed-")  # named for what it is


def test_it_never_opens_a_page_with_a_password_a_session_or_a_password_link(world):
    feed = feed_of(world)
    feed.set_password("a-long-test-password")  # as if someone gave it one after all
    feed.save()
    browser = Client(HTTP_HOST="localhost")

    signed_in = browser.post(
        reverse("core:login"), {"username": feed.username, "password": "a-long-test-password"}
    )
    assert "_auth_user_id" not in browser.session
    assert signed_in.status_code == 200  # the sign-in form again, with its refusal

    browser.force_login(feed)
    assert browser.get(reverse("staff:today")).status_code == 302
    assert browser.get(reverse("api:participant-list")).status_code == 401

    passwords.request_link(Actor(None), feed.email, lambda path: f"https://x{path}")
    assert not mail.outbox


def test_its_tokens_last_the_days_chosen_and_end_when_revoked_or_paused(world):
    feed = feed_of(world)
    keeper = Actor(world.county_admin)
    long_lived, token = integrations.make_token(keeper, feed, 365)
    short, _other = integrations.make_token(keeper, feed, 30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert long_lived.expiry - timezone.now() > timedelta(days=364)
    with pytest.raises(ValueError):
        integrations.make_token(keeper, feed, 7)
    integrations.revoke_token(keeper, feed, short.token_key)
    with pytest.raises(AuthToken.DoesNotExist):
        integrations.revoke_token(keeper, feed, short.token_key)
    assert AuditEvent.objects.filter(record_type="AuthToken", action="delete").count() == 1

    with time_machine.travel(timezone.now() + timedelta(days=200)):
        assert client.get(reverse("api:participant-list")).status_code == 200
        assert list(integrations.tokens_of(feed)) == [long_lived]
    accounts.set_active(keeper, feed, False)
    assert client.get(reverse("api:participant-list")).status_code == 401
    assert not AuthToken.objects.filter(user=feed).exists()


def test_the_pages_make_a_token_shown_once_and_revoke_it(world, client_for):
    feed = feed_of(world)
    admin = client_for(world.county_admin)
    page = reverse("integrations:detail", args=[feed.uuid])

    made = admin.post(
        reverse("integrations:token_new", args=[feed.uuid]),
        {"days": "90", "form_key": submissions.new_key(world.county_admin)},
    )
    assert made["Location"] == page
    shown = admin.get(page)
    token = shown.context["new_token"]
    assert token and token.encode() in shown.content
    assert admin.get(page).context["new_token"] is None  # shown once

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api:participant-list")).status_code == 200
    key = integrations.tokens_of(feed).get().token_key
    admin.post(reverse("integrations:token_revoke", args=[feed.uuid]), {"token_key": key})
    assert client.get(reverse("api:participant-list")).status_code == 401


def test_another_county_s_administrator_reaches_none_of_it(world, client_for):
    feed = feed_of(world)
    integrations.make_token(Actor(world.county_admin), feed, 30)
    other = client_for(world.other_county_admin)

    assert other.get(reverse("integrations:detail", args=[feed.uuid])).status_code == 404
    for route in ("integrations:token_new", "integrations:set_active"):
        assert other.post(reverse(route, args=[feed.uuid]), {"days": "30"}).status_code == 404
    key = AuthToken.objects.get(user=feed).token_key
    revoked = other.post(reverse("integrations:token_revoke", args=[feed.uuid]), {"token_key": key})
    assert revoked.status_code == 404
    assert AuthToken.objects.filter(user=feed).exists()
    assert b"Eligibility feed" not in other.get(reverse("integrations:list")).content


def test_a_keeper_who_owes_a_second_factor_makes_no_token_before_passing_it(
    world, client_for, settings
):
    settings.STRIDE_REQUIRE_2FA = True
    feed = feed_of(world)
    with pytest.raises(PermissionDenied):
        integrations.make_token(Actor(world.county_admin), feed, 30)
    assert not AuthToken.objects.filter(user=feed).exists()


def test_pausing_and_resuming_from_the_page(world, client_for):
    feed = feed_of(world)
    admin = client_for(world.county_admin)
    admin.post(reverse("integrations:set_active", args=[feed.uuid]), {"change": "pause"})
    feed.refresh_from_db()
    assert not feed.is_active
    admin.post(reverse("integrations:set_active", args=[feed.uuid]), {"change": "resume"})
    feed.refresh_from_db()
    assert feed.is_active


def test_the_pages_ask_a_fixed_number_of_queries(world, client_for):
    admin = client_for(world.county_admin)
    admin.get(reverse("integrations:list"))  # the session, warmed
    counts = []
    for extra in range(2):
        feed = feed_of(world)
        integrations.make_token(Actor(world.county_admin), feed, 30)
        other_case = open_case(
            world.county_admin,
            f"C-9{extra}",
            world.county,
            world.program,
            world.coach,
            first_name=f"Ana {extra}",
        )
        api_as(feed).get(reverse("api:participant-detail", args=[other_case.uuid]))
        with CaptureQueriesContext(connection) as listing:
            admin.get(reverse("integrations:list"))
        with CaptureQueriesContext(connection) as detail:
            admin.get(reverse("integrations:detail", args=[feed.uuid]))
        counts.append((len(data_queries(listing)), len(data_queries(detail))))
    assert counts[0] == counts[1]
    print(counts)
    assert counts[0][0] <= 6 and counts[0][1] <= 8


def test_the_system_administrator_sends_no_password_link_to_a_system(world, client_for):
    feed = feed_of(world)
    admin = client_for(world.sysadmin)

    listed = admin.get(reverse("core:accounts"))
    answer = admin.post(
        reverse("core:account_update", args=[feed.uuid]), {"change": "password_link"}, follow=True
    )

    row = next(row for row in listed.content.decode().split("<tr>") if f">{feed.username}<" in row)
    assert "(system account)" in row and 'value="password_link"' not in row
    assert "That change is not possible." in answer.content.decode()
    assert not mail.outbox
