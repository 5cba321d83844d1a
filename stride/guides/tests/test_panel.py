"""The "Guides for this" panel where the work happens, and what it costs each page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.assessments.tests.test_pages import finished
from stride.coaching.tests.test_pages import a_goal
from stride.core.audit import Actor
from stride.guides import actions
from stride.guides.tests.test_guides import a_guide, in_spanish

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(data_queries(captured)), page.content.decode()


def guide_link(guide) -> str:
    return reverse("guides:guide", kwargs={"uuid": guide.uuid})


@pytest.fixture
def guides(world):
    """Published and draft guides of the county, one of the other county's, by stage."""
    other_county = actions.add_guide(
        Actor(world.other_county_admin),
        world.other_county,
        actions.GuideDetails("Their goal guide", "Theirs.", stages=["goal"]),
        published=True,
    )
    return {
        "goal": a_guide(world, title="Goal talk", stages=["goal"]),
        "plan": a_guide(world, title="Small steps", stages=["plan"], title_es="", body_es=""),
        "review": a_guide(world, title="Four review questions", stages=["review"]),
        "bridge": a_guide(world, title="The Bridge picture", stages=[], instruments=["bridge"]),
        "draft": a_guide(world, title="Not yet", stages=["goal"], published=False),
        "other_county": other_county,
    }


def test_the_goal_page_lists_the_countys_guides_for_setting_planning_and_doing(
    world, client_for, guides
):
    goal = a_goal(world)
    _count, page = queries(client_for(world.coach), reverse("coaching:goal", args=[goal.uuid]))
    assert "Guides for this" in page
    assert guide_link(guides["goal"]) in page and guide_link(guides["plan"]) in page
    for left_out in ("review", "bridge", "draft", "other_county"):
        assert guide_link(guides[left_out]) not in page, left_out


def test_the_review_forms_list_the_review_guides(world, client_for, guides):
    goal = a_goal(world)
    client = client_for(world.coach)
    for route in ("coaching:review_new", "coaching:meeting_review"):
        _count, page = queries(client, reverse(route, args=[goal.uuid]))
        assert guide_link(guides["review"]) in page, route
        assert guide_link(guides["goal"]) not in page, route


def test_a_result_lists_the_instruments_guides_for_staff_and_none_for_the_participant(
    world, client_for, guides
):
    result = finished(world, "bridge", lambda item, values: 2)
    url = reverse("assessments:result", args=[result.uuid])
    _count, page = queries(client_for(world.coach), url)
    assert guide_link(guides["bridge"]) in page and guide_link(guides["goal"]) not in page
    _count, own = queries(client_for(world.participant_user), url)
    assert "Guides for this" not in own and guide_link(guides["bridge"]) not in own


def test_the_panel_names_each_guide_in_the_coachs_language(world, client_for, guides):
    goal = a_goal(world)
    client = in_spanish(client_for(world.coach))
    _count, page = queries(client, reverse("coaching:goal", args=[goal.uuid]))
    assert "Empezar por lo que la familia quiere" in page  # Goal talk's Spanish title
    assert "Small steps" in page  # no Spanish version: its English title


# What the panel costs: one query on each page (the county is found inside it), however many
# guides the county keeps. Measured before the panel: goal page 11, review form 4, the
# meeting's review fold 5, a result 6.
def test_the_panel_adds_one_query_to_each_page_however_many_guides(world, client_for):
    goal = a_goal(world)
    result = finished(world, "bridge", lambda item, values: 2)
    client = client_for(world.coach)
    pages = {
        reverse("coaching:goal", args=[goal.uuid]): 12,
        reverse("coaching:review_new", args=[goal.uuid]): 5,
        reverse("coaching:meeting_review", args=[goal.uuid]): 6,
        reverse("assessments:result", args=[result.uuid]): 7,
    }
    none = {url: queries(client, url)[0] for url in pages}
    for number in range(8):
        a_guide(
            world,
            title=f"Guide {number}",
            stages=["goal", "review"],
            instruments=["bridge"],
        )
    many = {url: queries(client, url)[0] for url in pages}
    assert none == many == pages
    participant = client_for(world.participant_user)
    result_url = reverse("assessments:result", args=[result.uuid])
    assert queries(participant, result_url)[0] == queries(participant, result_url)[0]


def test_the_guides_list_costs_the_same_queries_for_one_guide_or_many(world, client_for):
    a_guide(world)
    client = client_for(world.coach)
    one = queries(client, reverse("guides:list"))[0]
    for number in range(10):
        a_guide(world, title=f"Guide {number}")
    assert queries(client, reverse("guides:list"))[0] == one
    # Session and user, the guides (their county found inside the query), the session save.
    assert one == 4
