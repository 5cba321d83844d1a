"""A page asking the server again by itself (a poll) does not hold off the idle sign-out."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

POLL = {"Stride-Poll": "true"}


def session_ends(client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_poll_leaves_the_session_ending_where_the_last_click_put_it(world, client_for):
    client = client_for(world.coach)
    page = reverse("people:caseload")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get(page).status_code == 200
        ends = session_ends(client)
        assert ends == start + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        clock.shift(timedelta(minutes=10))
        assert client.get(page, headers=POLL).status_code == 200
        assert session_ends(client) == ends
        clock.shift(timedelta(minutes=10))
        assert client.get(page).status_code == 200  # the person's own request counts
        assert session_ends(client) == ends + timedelta(minutes=20)


def test_a_page_that_only_polls_is_signed_out_when_the_idle_time_is_up(world, client_for):
    client = client_for(world.coach)
    page = reverse("people:caseload")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(page)
        for _minute in range(settings.SESSION_COOKIE_AGE // 60 - 1):
            clock.shift(timedelta(minutes=1))
            assert client.get(page, headers=POLL).status_code == 200
        clock.shift(timedelta(minutes=1, seconds=1))
        response = client.get(page, headers=POLL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
