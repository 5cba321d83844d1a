"""The REST API answers through the same access rules as the pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions
from stride.people.models import ExitReason

PACIFIC = ZoneInfo("America/Los_Angeles")

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_participants_are_scoped_and_searchable(world):
    response = api_as(world.coach).get(reverse("api:participant-list"))
    assert [p["case_number"] for p in response.json()["results"]] == ["FR0000001"]
    state = api_as(world.state_admin).get(reverse("api:participant-list"), {"q": "reyes"})
    assert [p["last_name"] for p in state.json()["results"]] == ["Reyes"]
    assert api_as(world.sysadmin).get(reverse("api:participant-list")).json()["count"] == 0


def test_participant_detail_is_audited_as_an_api_view(world):
    response = api_as(world.coach).get(reverse("api:participant-detail", args=[world.case.uuid]))
    assert response.status_code == 200
    assert response.json()["assignments"][0]["coach"] == "coach"
    event = AuditEvent.objects.get(action="view")
    assert (event.channel, event.participant) == ("api", world.case.uuid)


def test_participant_detail_shows_each_enrollment_and_how_it_ended(world):
    enrollment = world.case.current_enrollment
    with time_machine.travel(datetime(2026, 5, 4, 10, tzinfo=PACIFIC), tick=False):
        actions.record_exit(
            Actor(world.coach),
            enrollment,
            enrollment.version,
            exited_on=date(2026, 4, 30),
            reason=ExitReason.EMPLOYMENT,
        )
    response = api_as(world.coach).get(reverse("api:participant-detail", args=[world.case.uuid]))
    assert response.json()["enrollments"] == [
        {
            "uuid": str(enrollment.uuid),
            "program": world.program.code,
            "aid_start": enrollment.aid_start.isoformat(),
            "status": "exited",
            "ended_on": "2026-04-30",
            "exit_reason": "employment",
        }
    ]


def test_an_outsider_gets_404_for_a_participant(world):
    response = api_as(world.other_county_coach).get(
        reverse("api:participant-detail", args=[world.case.uuid])
    )
    assert response.status_code == 404


def test_households_show_members_with_only_the_ssn_ending(world):
    response = api_as(world.coach).get(
        reverse("api:household-detail", args=[world.case.household.uuid])
    )
    member = response.json()["members"][0]
    assert member["ssn_last4"] == "6789" and "ssn" not in member


def test_audit_events_are_for_supervisors_and_administrators(world):
    assert api_as(world.coach).get(reverse("api:audit-event-list")).status_code == 403
    response = api_as(world.supervisor).get(
        reverse("api:audit-event-list"), {"participant": str(world.case.uuid)}
    )
    assert response.status_code == 200
    assert {e["participant"] for e in response.json()["results"]} == {str(world.case.uuid)}
    other = api_as(world.supervisor).get(
        reverse("api:audit-event-list"), {"participant": str(world.other_case.uuid)}
    )
    assert other.json()["count"] == 0


def test_without_credentials_the_api_answers_401(world):
    response = APIClient().get(reverse("api:participant-list"))
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")


def test_the_openapi_schema_lists_the_resources(world):
    schema = (
        APIClient()
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    assert {"/api/v1/participants/", "/api/v1/households/", "/api/v1/audit-events/"} <= set(
        schema["paths"]
    )


def test_a_parameter_the_schema_would_refuse_is_answered_400(world):
    client = api_as(world.coach)
    for query in ({"status": ""}, {"page_size": "1.5"}, {"page_size": "0"}):
        response = client.get(reverse("api:participant-list"), query)
        assert response.status_code == 400, query
    finished = client.get(reverse("api:assessment-list"), {"finished": "maybe"})
    assert finished.json() == {"finished": ["Give true or false."]}
    assert client.get(reverse("api:participant-list"), {"q": ""}).status_code == 200


def test_a_malformed_id_is_a_json_404(world):
    response = api_as(world.coach).get("/api/v1/participants/not-a-uuid/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_the_schema_documents_errors_and_the_values_the_api_sends():
    schema = (
        APIClient()
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    responses = schema["paths"]["/api/v1/participants/{uuid}/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(responses)
    components = schema["components"]["schemas"]
    assert components["Assignment"]["properties"]["ended_on"]["nullable"] is True
    assert "format" not in components["Schedule"]["properties"]["opens_at"]


def test_an_audit_event_carries_a_status_change_as_old_and_new(world):
    from stride.core.audit import Actor
    from stride.people import actions as people

    enrollment = world.case.current_enrollment
    people.update_enrollment(Actor(world.coach), enrollment, enrollment.version, status="on_hold")
    response = api_as(world.supervisor).get(
        reverse("api:audit-event-list"), {"participant": str(world.case.uuid), "action": "change"}
    )
    [event] = response.json()["results"]
    assert (event["record_type"], event["changes"]) == (
        "Enrollment",
        {"status": ["active", "on_hold"]},
    )
