"""/api/v1/fidelity-reviews/: the reviews of practice a person may read on the pages, each
review of a person read recorded in the audit trail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import data_queries, make_user
from stride.core.audit import Actor
from stride.core.models import AuditEvent, Role
from stride.county.actions import ObservationDetails, write_review
from stride.county.models import PracticeReview
from stride.county.reviews import latest_rubric

pytestmark = pytest.mark.django_db

FIDELITY = PracticeReview.Kind.FIDELITY


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def review(by, kind=FIDELITY, **what) -> PracticeReview:
    rubric = latest_rubric(kind)
    level = next(iter(rubric.levels))
    details = ObservationDetails(
        observer_name=by.get_full_name() or by.username,
        observer_role=PracticeReview.Observer.SUPERVISOR,
        observed_on=timezone.localdate() - timedelta(days=30),  # any date the suite runs on
        ratings=dict.fromkeys(rubric.items, level),
        notes={},
        summary="Warm and steady.",
    )
    return write_review(Actor(by), kind, details, **what)


def listed(user, **query) -> list[str]:
    answer = api_as(user).get(reverse("api:fidelity-review-list"), query)
    assert answer.status_code == 200
    return [row["uuid"] for row in answer.json()["results"]]


def test_each_reader_sees_the_fidelity_reviews_the_pages_show_them(world):
    of_coach = review(world.supervisor, worker=world.coach)
    of_county = review(world.county_admin, program=world.county)
    review(world.supervisor, PracticeReview.Kind.SKILLS, worker=world.coach)
    assert listed(world.coach) == [str(of_coach.uuid)]
    assert set(listed(world.supervisor)) == {str(of_coach.uuid)}
    assert set(listed(world.county_admin)) == {str(of_coach.uuid), str(of_county.uuid)}
    assert listed(world.coach_same_team) == []
    assert listed(world.other_county_admin) == []
    assert listed(world.participant_user) == []
    assert listed(world.county_admin, worker="coach") == [str(of_coach.uuid)]


def test_a_review_reads_as_its_page_and_a_review_of_a_person_is_recorded(world):
    of_coach = review(world.supervisor, worker=world.coach)
    url = reverse("api:fidelity-review-detail", args=[of_coach.uuid])
    answer = api_as(world.county_admin).get(url).json()
    assert (answer["kind"], answer["worker"], answer["program"]) == ("fidelity", "coach", None)
    assert answer["summary"] == "Warm and steady."
    assert set(answer["ratings"]) == set(latest_rubric(FIDELITY).items)
    seen = AuditEvent.objects.filter(record_id=of_coach.uuid, action=AuditEvent.Action.VIEW)
    assert [(event.actor, event.channel) for event in seen] == [(world.county_admin, "api")]
    assert api_as(world.coach_same_team).get(url).status_code == 404


def test_the_list_makes_the_same_number_of_queries_for_more_reviews(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = api_as(world.county_admin).get(reverse("api:fidelity-review-list"))
            assert answer.status_code == 200
        return len(data_queries(captured))

    review(world.supervisor, worker=world.coach)
    one = queries()
    for n in range(4):
        other = make_user(f"coach_{n}", Role.COACH, world.team)
        review(world.supervisor, worker=other)
    assert queries() == one
