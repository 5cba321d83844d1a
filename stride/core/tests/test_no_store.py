"""Browsers and proxies keep none of Stride's answers: a shared computer shows no one's case.

The URL walk (test_url_walk.py) checks every route for every person; this file
shows the rule on the kinds of answer that carry a participant's data.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def kept(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return not {"no-store", "private"} <= directives


def test_a_participants_page_its_api_record_and_the_caseload_csv_are_not_kept(world, client_for):
    coach = client_for(world.coach)
    answers = [
        coach.get(reverse("staff:participant", kwargs={"uuid": world.case.uuid})),
        coach.get(reverse("api:participant-detail", kwargs={"uuid": world.case.uuid})),
        coach.get(reverse("people:caseload_export")),
        client_for(world.participant_user).get(reverse("portal:home")),
    ]
    assert [response.status_code for response in answers] == [200, 200, 200, 200]
    assert [kept(response) for response in answers] == [False, False, False, False]


def test_the_sign_in_page_which_already_said_never_cache_says_no_store_once():
    response = Client(HTTP_HOST="localhost").get(reverse("core:login"))
    assert response.status_code == 200 and not kept(response)
    assert response["Cache-Control"].count("no-store") == 1
