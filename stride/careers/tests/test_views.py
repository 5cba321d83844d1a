"""The careers explorer, a ladder's page, "make this my goal", and the local partner pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from conftest import data_queries, open_case
from stride.careers import actions, catalogue, presenting
from stride.careers.actions import PartnerDetails
from stride.careers.models import CareerPlan, LocalPartner
from stride.coaching.models import Goal
from stride.core.audit import Actor
from stride.core.models import AuditEvent

from .conftest import take_interests

pytestmark = pytest.mark.django_db
EXPLORER = reverse("careers:explorer")
NURSING = reverse("careers:ladder", args=["healthcare", "nursing"])


def for_case(url, world):
    return f"{url}?participant={world.case.uuid}"


def partner(world, county=None, name="Fresno CNA class", level="entry", kind="training"):
    admin = world.county_admin if county is None else world.other_county_admin
    details = PartnerDetails("healthcare", "nursing", level, kind, name, offer="Evenings")
    return actions.add_partner(Actor(admin), county or world.county, details)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


# The explorer


def test_the_explorer_explains_careers_and_lists_ladders_by_industry(world, client_for):
    response = client_for(world.coach).get(EXPLORER)
    page = response.content.decode()
    assert "Careers: planning for your family's future" in page
    assert "planning for your family" in page
    assert [one.key for one, _found in response.context["groups"]] == ["healthcare", "construction"]
    assert response.context["ranked"] is None
    assert NURSING in page and "Nursing assistant: $19.09 an hour" in page
    # Sources and their attribution are named.
    assert "Test wages, May 2024" in page and "Includes test information." in page


def test_the_explorer_filters_by_industry(world, client_for):
    response = client_for(world.coach).get(EXPLORER, {"industry": "construction"})
    assert [one.key for one, _found in response.context["groups"]] == ["construction"]
    unknown = client_for(world.coach).get(EXPLORER, {"industry": "mining"})
    assert len(unknown.context["groups"]) == 2


def test_with_a_participant_the_ladders_follow_their_interests(world, client_for):
    take_interests(world, strong=("C",), some=("E",))
    response = client_for(world.coach).get(for_case(EXPLORER, world))
    page = response.content.decode()
    assert [choice.ladder.key for choice in response.context["ranked"]] == [
        "office", "electrical", "nursing",
    ]  # fmt: skip
    assert "Ranked by Maria's interests: Organizing / Keeping things in order, Leading" in page
    assert f"{NURSING}?participant={world.case.uuid}" in page
    assert AuditEvent.objects.filter(action="view", participant=world.case.uuid).exists()


def test_without_interest_results_the_coach_is_asked_to_take_the_assessment(world, client_for):
    page = client_for(world.coach).get(for_case(EXPLORER, world)).content.decode()
    assert 'Take the "Work you might enjoy" assessment with Maria' in page
    assert reverse("assessments:participant", args=[world.case.uuid]) in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 200), ("supervisor", 200), ("county_admin", 200), ("state_admin", 200),
        ("coach_same_team", 404), ("coach_same_county", 404), ("other_county_coach", 404),
        ("other_county_admin", 404), ("sysadmin", 403),
    ],
)  # fmt: skip
def test_only_people_with_the_case_may_explore_for_a_participant(world, client_for, who, status):
    client = client_for(getattr(world, who))
    assert client.get(for_case(EXPLORER, world)).status_code == status
    assert client.get(for_case(NURSING, world)).status_code == status


def test_a_participant_is_sent_to_their_own_careers_pages(world, client_for):
    me = client_for(world.participant_user)
    assert me.get(EXPLORER).url == reverse("portal:careers")
    assert me.get(NURSING).url == reverse("portal:career_ladder", args=["healthcare", "nursing"])


def test_a_participant_uuid_that_is_not_one_is_a_404(world, client_for):
    assert client_for(world.coach).get(EXPLORER, {"participant": "nope"}).status_code == 404


# A ladder


def test_a_ladder_shows_each_rung_with_wages_outlook_family_fit_and_partners(world, client_for):
    partner(world, name="Fresno CNA class")
    partner(world, name="Kern CNA class", county=world.other_county)
    response = client_for(world.coach).get(NURSING)
    page = response.content.decode()
    assert [view.rung.level for view in response.context["rungs"]] == [
        "entry", "middle", "advanced",
    ]  # fmt: skip
    assert "Occupation code (SOC) 31-1131" in page
    assert "$19.09 an hour, about $39,710 a year" in page and "Test wages, May 2024" in page
    assert "About 4% more jobs in ten years; about 203,300 openings a year." in page
    assert "Heavy: lifting and hard physical work" in page and "Shifts around the clock." in page
    assert "Fresno CNA class" in page and "Kern CNA class" not in page
    assert "Last checked" in page
    # Supportive services: the county's resource map, by service area.
    assert f"{reverse('resources:services')}?area=child_care" in page
    # No participant chosen: nothing to make a goal of.
    assert "Make this my goal" not in page


def test_the_state_sees_every_countys_partners(world, client_for):
    partner(world, name="Fresno CNA class")
    partner(world, name="Kern CNA class", county=world.other_county)
    page = client_for(world.state_admin).get(NURSING).content.decode()
    assert "Fresno CNA class" in page and "Kern CNA class" in page


def test_with_a_participant_the_ladder_offers_to_make_it_their_goal(world, client_for):
    response = client_for(world.coach).get(for_case(NURSING, world))
    page = response.content.decode()
    assert "Make this my goal" in page
    assert reverse("careers:make_goal", args=[world.case.uuid, "healthcare", "nursing"]) in page
    assert f"{reverse('resources:family', args=[world.case.uuid])}?area=child_care" in page
    # The benefits calculator is linked only once the benefits app has one.
    assert response.context["benefits_url"] == presenting.benefits_url(world.case)


def test_the_benefits_link_appears_when_the_calculator_exists(world, monkeypatch):
    assert presenting.benefits_url(None) == ""

    def without_calculator(name, kwargs=None):
        raise NoReverseMatch

    monkeypatch.setattr(presenting, "reverse", without_calculator)
    assert presenting.benefits_url(world.case) == ""

    def with_calculator(name, kwargs=None):
        return {"benefits:calculator": f"/participants/{world.case.uuid}/benefits/",
                "benefits:mine": "/me/benefits/"}[name]  # fmt: skip

    monkeypatch.setattr(presenting, "reverse", with_calculator)
    assert presenting.benefits_url(world.case) == f"/participants/{world.case.uuid}/benefits/"
    assert presenting.benefits_url(world.case, own=True) == "/me/benefits/"


def test_an_unknown_ladder_is_a_404(world, client_for):
    url = reverse("careers:ladder", args=["healthcare", "plumbing"])
    assert client_for(world.coach).get(url).status_code == 404


# Make this my goal


def post_goal(client, world, level="entry"):
    url = reverse("careers:make_goal", args=[world.case.uuid, "healthcare", "nursing"])
    return client.post(url, {"level": level})


def test_the_coach_makes_the_ladder_a_roadmap_once(world, client_for):
    coach = client_for(world.coach)
    response = post_goal(coach, world)
    plan = CareerPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("coaching:goal", args=[plan.goal.uuid])
    again = post_goal(coach, world, level="middle")
    assert again.url == response.url
    assert Goal.objects.filter(term=Goal.Term.LONG).count() == 1
    page = coach.get(for_case(NURSING, world)).content.decode()
    assert "This ladder is already Maria's goal, from the entry step." in page
    assert "Make this my goal" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("coach_same_team", 404), ("other_county_coach", 404), ("state_admin", 403),
     ("sysadmin", 403), ("participant_user", 403)],
)  # fmt: skip
def test_only_staff_with_the_case_make_a_goal(world, client_for, who, status):
    assert post_goal(client_for(getattr(world, who)), world).status_code == status
    assert not Goal.objects.exists()


def test_a_bad_level_makes_nothing(world, client_for):
    response = post_goal(client_for(world.coach), world, level="top")
    assert response.status_code == 302 and not Goal.objects.exists()


def test_getting_the_goal_address_is_refused(world, client_for):
    url = reverse("careers:make_goal", args=[world.case.uuid, "healthcare", "nursing"])
    assert client_for(world.coach).get(url).status_code == 405


# The profile


def test_the_profile_links_to_careers_and_shows_the_plan(world, client_for):
    url = reverse("staff:participant", args=[world.case.uuid])
    page = client_for(world.coach).get(url).content.decode()
    assert for_case(EXPLORER, world) in page and "No career ladder chosen yet." in page
    plan = actions.make_ladder_goal(
        Actor(world.coach), world.case, "healthcare", "nursing", "middle"
    ).plan
    page = client_for(world.coach).get(url).content.decode()
    assert "Nursing (Healthcare): at the middle step, Licensed practical nurse." in page
    assert reverse("coaching:goal", args=[plan.goal.uuid]) in page


# Local partners


def test_county_staff_read_their_partners_and_administrators_keep_them(world, client_for):
    mine = partner(world)
    partner(world, name="Kern CNA class", county=world.other_county)
    coach_page = client_for(world.coach).get(reverse("careers:partners")).content.decode()
    assert "Fresno CNA class" in coach_page and "Kern CNA class" not in coach_page
    assert reverse("careers:partner_edit", args=[mine.uuid]) not in coach_page
    admin_page = client_for(world.county_admin).get(reverse("careers:partners")).content.decode()
    assert reverse("careers:partner_edit", args=[mine.uuid]) in admin_page
    assert reverse("careers:partner_new") in admin_page


def test_a_county_administrator_adds_edits_and_removes_a_partner(world, client_for):
    admin = client_for(world.county_admin)
    form = {
        "ladder": "healthcare/nursing", "level": "entry", "kind": "employer",
        "name": "Riverside Care Home", "offer": "Hires CNAs", "starting_wage": "19.50",
        "phone": "(559) 555-0100", "website": "riverside.example.org",
    }  # fmt: skip
    assert admin.post(reverse("careers:partner_new"), form).status_code == 302
    made = LocalPartner.objects.get()
    assert (made.county, made.kind, made.website) == (
        world.county, "employer", "https://riverside.example.org",
    )  # fmt: skip
    edit = reverse("careers:partner_edit", args=[made.uuid])
    assert admin.get(edit).status_code == 200
    response = admin.post(edit, form | {"version": 1, "level": "middle"})
    assert response.status_code == 302
    assert LocalPartner.objects.get().level == "middle"
    stale = admin.post(edit, form | {"version": 1, "name": "Old"})
    assert stale.status_code == 200 and "Someone else saved changes" in stale.content.decode()
    remove = reverse("careers:partner_remove", args=[made.uuid])
    assert admin.post(remove, {"version": 2}).status_code == 302
    assert not LocalPartner.objects.exists()


def test_a_bad_partner_form_says_what_is_wrong(world, client_for):
    response = client_for(world.county_admin).post(
        reverse("careers:partner_new"),
        {"ladder": "healthcare/plumbing", "level": "entry", "kind": "employer", "name": "X"},
    )
    assert response.status_code == 200 and not LocalPartner.objects.exists()
    assert "ladder" in response.context["form"].errors


def test_another_countys_partner_cannot_be_edited(world, client_for):
    theirs = partner(world, name="Kern CNA class", county=world.other_county)
    # Another county's administrator finds no such partner; staff who keep no map are refused.
    for who, status in (("county_admin", 404), ("coach", 403), ("supervisor", 403)):
        client = client_for(getattr(world, who))
        assert client.get(reverse("careers:partner_edit", args=[theirs.uuid])).status_code == status
        assert (
            client.get(reverse("careers:partner_remove", args=[theirs.uuid])).status_code == status
        )
    assert client_for(world.coach).get(reverse("careers:partner_new")).status_code == 403


# Query counts


def test_the_pages_cost_a_fixed_number_of_queries(world, client_for):
    take_interests(world)
    coach = client_for(world.coach)
    urls = {
        "explorer": EXPLORER,
        "explorer for a participant": for_case(EXPLORER, world),
        "ladder": NURSING,
        "ladder for a participant": for_case(NURSING, world),
        "partners": reverse("careers:partners"),
    }
    partner(world)
    before = {name: queries(coach, url) for name, url in urls.items()}
    assert before == {
        "explorer": 3,  # session, user, session saved
        "explorer for a participant": 6,  # + participant, interests, the view's audit event
        "ladder": 6,  # + the coach's team and county, the partners
        "ladder for a participant": 9,  # + participant, audit event, plan
        "partners": 8,  # + the counties kept, the count and the page
    }
    for number in range(5):
        partner(world, name=f"Employer {number}", level="middle", kind="employer")
        other = open_case(
            world.coach, f"FR00001{number}", world.county, world.program, world.coach,
            first_name=f"Ana{'a' * number}",
        )  # fmt: skip
        take_interests(world, person=other)
    assert {name: queries(coach, url) for name, url in urls.items()} == before


def test_every_ladder_of_the_shipped_file_renders(world, client_for, monkeypatch):
    from .test_catalogue import SHIPPED

    monkeypatch.setattr(catalogue, "DEFAULT", SHIPPED)
    coach, me = client_for(world.coach), client_for(world.participant_user)
    assert (
        coach.get(EXPLORER).status_code == 200
        and me.get(reverse("portal:careers")).status_code == 200
    )
    for industry, ladder in catalogue.load().pairs():
        keys = [industry.key, ladder.key]
        page = coach.get(for_case(reverse("careers:ladder", args=keys), world))
        assert page.status_code == 200, keys
        assert ladder.top.title.in_language("en") in page.content.decode()
        mine = me.get(reverse("portal:career_ladder", args=keys), HTTP_ACCEPT_LANGUAGE="es")
        assert ladder.top.title.in_language("es") in mine.content.decode()
