import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.models import Goal, GoalIdea
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def storming_url(world, **query) -> str:
    url = reverse("coaching:goal_storming", args=[world.case.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_coach_writes_down_ideas_in_the_participants_words(world, client_for):
    client = client_for(world.coach)
    response = client.post(storming_url(world), {"life_area": "work", "words": "Work with animals"})
    assert response.status_code == 302 and response["Location"].endswith("?area=work")
    page = client.get(response["Location"])
    assert "Work with animals" in page.content.decode()
    assert page.context["areas"][0][0] == "work"  # the area just talked about comes first


def test_an_idea_becomes_a_goal_with_its_words_filled_in(world, client_for):
    idea = actions.add_idea(
        Actor(world.coach), world.case, "money", "Stop running out before payday"
    )
    client = client_for(world.coach)
    new_goal = reverse("coaching:goal_new", args=[world.case.uuid]) + f"?idea={idea.uuid}"
    form = client.get(new_goal).context["form"]
    assert form.initial["words"] == "Stop running out before payday"
    client.post(new_goal, {"words": "Save $50 every payday until June", "life_area": "money",
                           "term": "short", "proposed_by": "participant"})  # fmt: skip
    idea.refresh_from_db()
    assert idea.goal == Goal.objects.get(participant=world.case)
    assert client.get(new_goal).status_code == 404  # an idea is picked once


def test_an_empty_idea_is_refused_next_to_the_field(world, client_for):
    response = client_for(world.coach).post(storming_url(world), {"life_area": "home", "words": ""})
    assert response.status_code == 200 and "words" in response.context["form"].errors
    assert not GoalIdea.objects.exists()


def test_readers_without_edit_rights_and_outsiders_cannot_add_ideas(world, client_for):
    data = {"life_area": "work", "words": "Drive a truck"}
    assert client_for(world.state_admin).post(storming_url(world), data).status_code == 403
    assert client_for(world.coach_same_team).post(storming_url(world), data).status_code == 404
    assert not GoalIdea.objects.exists()


def test_another_participants_idea_cannot_be_picked_here(world, client_for):
    theirs = actions.add_idea(Actor(world.other_county_coach), world.other_case, "work", "Nursing")
    url = reverse("coaching:goal_new", args=[world.case.uuid]) + f"?idea={theirs.uuid}"
    assert client_for(world.coach).get(url).status_code == 404
