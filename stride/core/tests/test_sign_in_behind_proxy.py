"""Behind the proxy: the lockout and the audit use the browser's address, not the proxy's."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from stride.core.models import AuditEvent

from .test_security import manage

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
PASSWORD = "a-long-test-password"


@pytest.fixture
def one_proxy(settings):
    settings.STRIDE_TRUSTED_PROXIES = 1


def browser(forwarded_for: str) -> Client:
    """A browser whose requests reach Stride through nginx, which appends its address."""
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def page_text(response) -> str:
    """The page without its per-request CSP nonce and CSRF token."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_a_lockout_behind_the_proxy_pauses_that_browser_only(world, one_proxy):
    guesser = browser("203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, "coach", "wrong")

    assert sign_in(guesser, "coach", PASSWORD).status_code == 429
    at_work = sign_in(browser("198.51.100.7"), "coach", PASSWORD)
    assert at_work.status_code == 302


def test_an_audit_event_behind_the_proxy_keeps_the_browsers_address(world, one_proxy):
    client = browser("203.0.113.5")
    client.force_login(world.sysadmin)
    client.post(
        reverse("core:account_update", args=[world.coach_same_team.uuid]), {"change": "deactivate"}
    )
    event = AuditEvent.objects.get(record_id=world.coach_same_team.uuid)
    assert event.ip_address == "203.0.113.5"


def test_an_address_the_browser_adds_to_the_header_is_not_believed(world, one_proxy):
    guesser = browser("203.0.113.5")
    for forged in range(settings.AXES_FAILURE_LIMIT):
        guesser.defaults["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{forged + 1}, 203.0.113.5"
        sign_in(guesser, "coach", "wrong")

    assert sign_in(guesser, "coach", PASSWORD).status_code == 429
    guesser.force_login(world.sysadmin)
    guesser.post(
        reverse("core:account_update", args=[world.coach_same_team.uuid]), {"change": "deactivate"}
    )
    assert AuditEvent.objects.get(record_id=world.coach_same_team.uuid).ip_address == "203.0.113.5"


def test_without_a_proxy_the_header_is_ignored(world):
    client = browser("203.0.113.5")
    client.force_login(world.sysadmin)
    client.post(
        reverse("core:account_update", args=[world.coach_same_team.uuid]), {"change": "deactivate"}
    )
    assert AuditEvent.objects.get(record_id=world.coach_same_team.uuid).ip_address == PROXY


def test_one_password_tried_across_many_user_names_is_stopped(world, one_proxy):
    sprayer = browser("203.0.113.5")
    answers = [
        sign_in(sprayer, f"someone{number}", "Summer2026!").status_code for number in range(25)
    ]
    assert 429 in answers
    assert answers.index(429) <= settings.STRIDE_ADDRESS_FAILURE_LIMIT

    real = sign_in(sprayer, "coach", PASSWORD)
    unknown = sign_in(sprayer, "nobody-here", PASSWORD)
    assert real.status_code == unknown.status_code == 429
    assert page_text(real) == page_text(unknown)
    assert sign_in(browser("198.51.100.7"), "coach", PASSWORD).status_code == 302


def test_a_few_wrong_passwords_from_an_office_do_not_pause_the_office(world, one_proxy):
    office = browser("203.0.113.5")
    for username in ("coach_same_team", "supervisor", "county_admin"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(office, username, "wrong")
    assert sign_in(office, "coach", PASSWORD).status_code == 302


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_proxy_count_stops_start_up(value):
    result = manage("check", env={"STRIDE_TRUSTED_PROXIES": value})
    assert result.returncode != 0 and "STRIDE_TRUSTED_PROXIES" in result.stderr
