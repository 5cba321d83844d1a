"""One goal on the participant's own page: its plan, potholes, detours and their thoughts."""

import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.actions import GoalDetails
from stride.coaching.models import Reflection
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.portal import invitations

from .conftest import a_goal_with_steps

pytestmark = pytest.mark.django_db


def test_the_participant_sees_their_goal_with_its_plan_and_potholes(world, me):
    goal = a_goal_with_steps(
        world, "Finish my GED", why_it_matters="For my kids", looks_like="A diploma on the wall"
    )
    actions.add_obstacle(Actor(world.coach), goal, "internal", "I put it off", "Do it first")
    response = me.get(reverse("portal:goal", args=[goal.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("For my kids", "A diploma on the wall", "Finish my GED: step 1", "Do it first"):
        assert text in page
    # Each check-off button names its step for screen readers.
    assert '<span class="usa-sr-only">: Finish my GED: step 1</span>' in page


def test_another_participants_goal_is_a_404(world, client_for):
    theirs = actions.set_goal(
        Actor(world.other_county_coach), world.other_case, GoalDetails("Their goal", "work")
    )
    invitations.invite(Actor(world.other_county_coach), world.other_case)
    mine = a_goal_with_steps(world, "My goal")
    me = client_for(world.participant_user)
    other = client_for(world.other_case.user)
    assert me.get(reverse("portal:goal", args=[theirs.uuid])).status_code == 404
    assert other.get(reverse("portal:goal", args=[mine.uuid])).status_code == 404
    assert other.get(reverse("portal:goal", args=[theirs.uuid])).status_code == 200


@pytest.mark.parametrize("name", ["coach", "supervisor", "county_admin"])
def test_staff_get_a_404_even_for_a_goal_they_can_see(world, client_for, name):
    goal = a_goal_with_steps(world, "My goal")
    response = client_for(getattr(world, name)).get(reverse("portal:goal", args=[goal.uuid]))
    assert response.status_code == 404


def test_a_reflection_is_saved_audited_and_shown(world, me):
    goal = a_goal_with_steps(world, "Finish my GED")
    url = reverse("portal:goal", args=[goal.uuid])
    response = me.post(url, {"words": "The math part went better than I thought."})
    assert response.status_code == 302 and response["Location"] == url
    reflection = Reflection.objects.get(goal=goal)
    assert reflection.by == world.participant_user
    event = AuditEvent.objects.get(record_type="Reflection")
    assert event.actor == world.participant_user and event.participant == world.case.uuid
    assert "math" not in str(event.fields)
    assert "The math part went better" in me.get(url).content.decode()


def test_an_empty_reflection_is_explained_next_to_the_field(world, me):
    goal = a_goal_with_steps(world, "Finish my GED")
    response = me.post(reverse("portal:goal", args=[goal.uuid]), {"words": "  "})
    assert response.status_code == 200
    assert 'id="id_words-error"' in response.content.decode()
    assert not Reflection.objects.exists()


def test_each_visit_is_an_audit_event(world, me):
    goal = a_goal_with_steps(world, "Finish my GED")
    me.get(reverse("portal:goal", args=[goal.uuid]))
    assert AuditEvent.objects.filter(
        action="view", participant=world.case.uuid, actor=world.participant_user
    ).exists()


def test_the_goal_page_is_a_view_and_a_refused_reflection_shown_again_too(world, me):
    goal = a_goal_with_steps(world, "Finish my GED")
    url = reverse("portal:goal", args=[goal.uuid])

    def views() -> int:
        return AuditEvent.objects.filter(action="view", participant=world.case.uuid).count()

    me.get(url)
    assert views() == 1
    refused = me.post(url, {"words": ""})
    assert refused.status_code == 200
    assert views() == 2
    me.post(url, {"words": "Going well."})
    assert views() == 2  # the reflection records itself
