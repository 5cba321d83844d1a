"""A supervisor gives a participant a new coach; the history keeps both."""

from datetime import date

import pytest
from django.urls import reverse

from stride.core.models import AuditEvent
from stride.people.models import CoachAssignment, Participant

pytestmark = pytest.mark.django_db


def test_a_supervisor_reassigns_and_the_history_keeps_both(world, client_for):
    response = client_for(world.supervisor).post(
        reverse("people:reassign", args=[world.case.uuid]),
        {"coach": world.coach_same_team.pk, "reason": "Balancing caseloads"},
    )
    assert response.status_code == 302
    history = list(CoachAssignment.objects.filter(participant=world.case).order_by("pk"))
    assert [a.coach for a in history] == [world.coach, world.coach_same_team]
    assert history[0].ended_on == date.today() and history[1].ended_on is None
    assert history[1].assigned_by == world.supervisor
    participant = Participant.objects.get(pk=world.case.pk)
    assert participant.coach == world.coach_same_team and participant.assigned_since == date.today()
    assert AuditEvent.objects.filter(
        record_id=participant.uuid, action="change", fields=["coach", "team"]
    ).exists()


def test_the_profile_shows_the_history(world, client_for):
    client_for(world.supervisor).post(
        reverse("people:reassign", args=[world.case.uuid]),
        {"coach": world.coach_same_team.pk, "reason": "Coach on leave"},
    )
    page = client_for(world.supervisor).get(reverse("staff:participant", args=[world.case.uuid]))
    html = page.content.decode()
    assert "Coach on leave" in html and "Coach Same Team Tester" in html and "Coach Tester" in html


def test_a_coach_outside_the_supervisors_team_is_not_offered(world, client_for):
    response = client_for(world.supervisor).post(
        reverse("people:reassign", args=[world.case.uuid]),
        {"coach": world.other_county_coach.pk, "reason": "x"},
    )
    assert response.status_code == 200
    assert "coach" in response.context["form"].errors
    assert Participant.objects.get(pk=world.case.pk).coach == world.coach


def test_reassigning_to_the_same_coach_says_so(world, client_for):
    response = client_for(world.supervisor).post(
        reverse("people:reassign", args=[world.case.uuid]), {"coach": world.coach.pk, "reason": "x"}
    )
    assert response.context["form"].errors["coach"] == [
        "This participant already works with this coach."
    ]


def test_a_county_administrator_can_move_a_case_between_teams(world, client_for):
    client_for(world.county_admin).post(
        reverse("people:reassign", args=[world.case.uuid]),
        {"coach": world.coach_same_county.pk, "reason": "Moved offices"},
    )
    participant = Participant.objects.get(pk=world.case.pk)
    assert participant.team == world.other_team_same_county
