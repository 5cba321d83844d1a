import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, StepDetails
from stride.coaching.models import Goal, Review, SkillArea
from stride.core import access
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def professional_goal(user, words="Use more open questions in first meetings") -> Goal:
    return actions.set_professional_goal(
        Actor(user), user, GoalDetails(words, "", skill_area=SkillArea.CUSTOMERS)
    )


def test_a_coach_sets_a_professional_goal_and_plans_it(world, client_for):
    client = client_for(world.coach)
    response = client.post(
        reverse("coaching:professional_goal_new"),
        {"words": "Finish the motivational interviewing course", "skill_area": "framework",
         "term": "short"},
    )  # fmt: skip
    goal = Goal.objects.get(staff=world.coach)
    assert response["Location"] == reverse("coaching:goal", args=[goal.uuid])
    client.post(reverse("coaching:step_new", args=[goal.uuid]), {"what": "Sign up for March"})
    assert goal.steps.count() == 1
    page = client.get(reverse("coaching:goal", args=[goal.uuid]))
    assert page.status_code == 200 and page.context["person"] is None


def test_a_professional_goal_needs_a_skills_matrix_area(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:professional_goal_new"), {"words": "Be calmer", "term": "short"}
    )
    assert "skill_area" in response.context["form"].errors
    assert not Goal.objects.exists()


def test_the_supervisor_sees_the_teams_professional_goals_and_others_do_not(world, client_for):
    goal = professional_goal(world.coach)
    team = client_for(world.supervisor).get(reverse("coaching:professional_goals"))
    assert team.context["team"] == [goal]
    for outsider in (world.coach_same_team, world.other_county_supervisor, world.county_admin):
        assert (
            client_for(outsider).get(reverse("coaching:goal", args=[goal.uuid])).status_code == 404
        )
    assert not access.visible_to(Goal.objects.all(), world.participant_user).filter(pk=goal.pk)


def test_reaching_a_professional_goal_is_not_a_participant_celebration(world):
    goal = professional_goal(world.coach)
    actions.add_step(Actor(world.coach), goal, StepDetails("Practise with my supervisor"))
    actions.record_review(Actor(world.coach), goal, ReviewDetails("Done", Review.Decision.ACHIEVED))
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert not world.case.achievements.exists()


def test_staff_who_do_not_coach_have_no_professional_goal_pages(world, client_for):
    for person in (world.state_admin, world.sysadmin, world.participant_user):
        response = client_for(person).get(reverse("coaching:professional_goals"))
        assert response.status_code in (403, 404)


def test_participant_printables_are_not_offered_for_a_professional_goal(world, client_for):
    goal = professional_goal(world.coach)
    client = client_for(world.coach)
    assert (
        "print-heading"
        not in client.get(reverse("coaching:goal", args=[goal.uuid])).content.decode()
    )
    assert client.get(reverse("coaching:print_worksheet", args=[goal.uuid])).status_code == 404
