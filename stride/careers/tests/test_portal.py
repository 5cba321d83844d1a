"""The participant's own careers pages: their interests, their language, their goal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.careers import actions
from stride.careers.actions import PartnerDetails
from stride.careers.models import CareerPlan
from stride.coaching.models import Goal
from stride.core.audit import Actor
from stride.core.models import AuditEvent

from .conftest import take_interests

pytestmark = pytest.mark.django_db
MINE = reverse("portal:careers")
NURSING = reverse("portal:career_ladder", args=["healthcare", "nursing"])
GOAL = reverse("portal:career_goal", args=["healthcare", "nursing"])


def test_the_participant_explores_careers_from_their_page(world, client_for):
    me = client_for(world.participant_user)
    assert MINE in me.get(reverse("portal:home")).content.decode()
    response = me.get(MINE)
    page = response.content.decode()
    assert "Careers: planning for your family's future" in page
    assert 'Take the check-in "Work you might enjoy"' in page
    assert reverse("portal:assessments") in page
    assert NURSING in page and response.context["ranked"] is None
    assert AuditEvent.objects.filter(action="view", participant=world.case.uuid).exists()


def test_their_own_interests_put_the_best_matches_first(world, client_for):
    take_interests(world, strong=("R",), some=("I",))
    response = client_for(world.participant_user).get(MINE)
    assert [c.ladder.key for c in response.context["ranked"]] == ["electrical", "nursing", "office"]
    assert "These are in order of what you like to do: Hands-on" in response.content.decode()


def test_the_ladder_shows_in_spanish_with_the_partners_of_their_county(world, client_for):
    admin = Actor(world.county_admin)
    actions.add_partner(
        admin, world.county, PartnerDetails("healthcare", "nursing", "entry", "training", "CNA")
    )
    actions.add_partner(
        Actor(world.other_county_admin),
        world.other_county,
        PartnerDetails("healthcare", "nursing", "entry", "training", "Kern CNA"),
    )
    me = client_for(world.participant_user)
    me.cookies.load({"django_language": "es"})
    response = me.get(NURSING)
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="es">' in page
    assert "Auxiliar de enfermería" in page and "Turnos a toda hora." in page
    assert [p.name for p in response.context["rungs"][0].partners] == ["CNA"]
    # Participants don't read the county's map: they are pointed to their coach and services.
    assert reverse("resources:services") not in page
    assert reverse("portal:services") in page


def test_the_participant_makes_a_ladder_their_own_goal_once(world, client_for):
    me = client_for(world.participant_user)
    response = me.post(GOAL, {"level": "middle"})
    assert response.url == reverse("portal:home") + "#roadmap-heading"
    plan = CareerPlan.objects.get()
    assert (plan.participant, plan.level, plan.created_by) == (
        world.case, "middle", world.participant_user,
    )  # fmt: skip
    assert plan.goal.proposed_by == Goal.ProposedBy.PARTICIPANT
    home = me.get(reverse("portal:home")).content.decode()
    assert "Where you are going: Work as a registered nurse" in home
    page = me.get(NURSING).content.decode()
    assert "This ladder is already one of your goals." in page
    assert reverse("portal:goal", args=[plan.goal.uuid]) in page
    me.post(GOAL, {"level": "entry"})
    assert Goal.objects.filter(term=Goal.Term.LONG).count() == 1


@pytest.mark.parametrize("who", ["coach", "supervisor", "county_admin", "sysadmin"])
def test_staff_get_no_participant_careers_pages(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(MINE).status_code == 404
    assert client.get(NURSING).status_code == 404
    assert client.post(GOAL, {"level": "entry"}).status_code == 404
    assert not Goal.objects.exists()


def test_an_unknown_ladder_is_a_404(world, client_for):
    url = reverse("portal:career_ladder", args=["healthcare", "plumbing"])
    assert client_for(world.participant_user).get(url).status_code == 404


def test_the_pages_cost_a_fixed_number_of_queries(world, client_for):
    take_interests(world)
    me = client_for(world.participant_user)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert me.get(url).status_code == 200
        return len(data_queries(captured))

    before = {url: count(url) for url in (MINE, NURSING)}
    assert before == {MINE: 6, NURSING: 7}
    for number in range(5):
        actions.add_partner(
            Actor(world.county_admin),
            world.county,
            PartnerDetails("healthcare", "nursing", "middle", "employer", f"Employer {number}"),
        )
    actions.make_ladder_goal(Actor(world.coach), world.case, "healthcare", "nursing", "entry")
    assert {url: count(url) for url in (MINE, NURSING)} == before
