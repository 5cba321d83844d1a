from decimal import Decimal

import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails
from stride.coaching.models import Achievement, Review
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def test_reaching_a_goal_is_celebrated_without_anyone_asking(world):
    coach = Actor(world.coach)
    goal = actions.set_goal(coach, world.case, GoalDetails("Pass the CNA exam", "work"))
    actions.record_review(coach, goal, ReviewDetails("Passed!", Review.Decision.ACHIEVED))
    achievement = world.case.achievements.get()
    assert (achievement.kind, achievement.goal, achievement.words) == (
        "goal",
        goal,
        "Pass the CNA exam",
    )
    assert achievement.incentive == Achievement.Incentive.NONE


def test_a_milestone_with_an_incentive_waits_for_the_supervisor(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:achievement_new", args=[world.case.uuid]),
        {"words": "Finished the first week of class", "incentive_amount": "25.00"},
    )
    assert response.status_code == 302
    achievement = world.case.achievements.get()
    assert achievement.incentive == Achievement.Incentive.PENDING

    supervisor = client_for(world.supervisor)
    assert list(supervisor.get(reverse("coaching:incentives")).context["pending"]) == [achievement]
    supervisor.post(
        reverse("coaching:incentive_decide", args=[achievement.uuid]), {"decision": "approve"}
    )
    achievement.refresh_from_db()
    assert (achievement.incentive, achievement.decided_by) == ("approved", world.supervisor)
    # Decided once: a second decision is refused and changes nothing.
    response = supervisor.post(
        reverse("coaching:incentive_decide", args=[achievement.uuid]),
        {"decision": "decline"},
        follow=True,
    )
    assert "already been decided" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.incentive == "approved"


def test_a_coach_cannot_approve_and_another_county_cannot_see_the_incentive(world, client_for):
    achievement = actions.recognise(
        Actor(world.coach), world.case, "Got a library card", incentive_amount=Decimal("10")
    )
    url = reverse("coaching:incentive_decide", args=[achievement.uuid])
    assert client_for(world.coach).post(url, {"decision": "approve"}).status_code == 403
    assert (
        client_for(world.other_county_supervisor).post(url, {"decision": "approve"}).status_code
        == 404
    )
    other = client_for(world.other_county_supervisor).get(reverse("coaching:incentives"))
    assert list(other.context["pending"]) == []
    achievement.refresh_from_db()
    assert achievement.incentive == Achievement.Incentive.PENDING


def test_a_zero_incentive_is_refused_next_to_the_field(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:achievement_new", args=[world.case.uuid]),
        {"words": "Opened a savings account", "incentive_amount": "0"},
    )
    assert "incentive_amount" in response.context["form"].errors
    assert not world.case.achievements.exists()
