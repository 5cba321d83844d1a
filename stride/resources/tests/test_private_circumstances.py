"""A circumstance drawn from a private answer: shown only to who may read it, in neutral words.

Issue 16, "Derived private facts": the services page listed "Safety at home (What to
take care of first, <date>)" and a shelter's reason, recorded only as a plain view.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions
from stride.resources.actions import ServiceDetails
from stride.resources.models import Provider

pytestmark = pytest.mark.django_db

TOPIC_WORDS = ("Safety at home", "Domestic violence", "safe with the people")
NEUTRAL = "Something to talk about privately (from What to take care of first)"
MARKED = "Fits something to talk about privately"


def triage_with_a_private_no(world) -> Response:
    """A finished triage: "no" to "safe at home", yes to everything else."""
    triage = catalogue().latest("triage")
    actor = Actor(world.coach)
    response = assessments.start(actor, world.case, triage, "with_coach")
    answers = answer_all(
        triage, lambda item, values: "no" if item.key == "safe_at_home" else "yes"
    ) | {"steady_place": "yes", "child_care_ready": "yes"}
    answers |= {"stress": "no", "alcohol_drugs": "no", "health_limits": "no", "legal_worry": "no"}
    response = assessments.save_answers(actor, response, answers, response.version)
    return assessments.finish(actor, response, response.version)


@pytest.fixture
def shelter(world):
    provider = Provider.objects.create(county=world.county, hsds_id="o9", name="Valley Harbor")
    admin = Actor(world.county_admin)
    actions.add_service(admin, provider, ServiceDetails("Job club", "job_search"))
    return actions.add_service(
        admin, provider, ServiceDetails("Harbor House", "safety", fits=("safety",))
    )


def services_page(client_for, user, world) -> str:
    page = client_for(user).get(reverse("resources:family", args=[world.case.uuid]))
    assert page.status_code == 200
    return page.content.decode()


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def private_reads(response: Response) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(record_id=response.uuid, action=AuditEvent.Action.PRIVATE_VIEW)
    )


@pytest.mark.parametrize("who", ["coach", "supervisor"])
def test_the_coach_sees_it_in_neutral_words_and_the_showing_is_a_private_read(
    world, client_for, shelter, who
):
    response = triage_with_a_private_no(world)
    page = services_page(client_for, getattr(world, who), world)
    assert NEUTRAL in page
    assert "Harbor House" in page and MARKED in page
    for words in TOPIC_WORDS:
        assert words not in page, words
    [read] = private_reads(response)
    assert read.actor == getattr(world, who) and read.fields == ["private_answers"]


@pytest.mark.parametrize("who", ["county_admin", "state_admin"])
def test_others_see_neither_the_circumstance_nor_the_service_it_brought(
    world, client_for, shelter, who
):
    before = services_page(client_for, getattr(world, who), world)
    response = triage_with_a_private_no(world)
    page = services_page(client_for, getattr(world, who), world)
    assert "privately" not in page and "Harbor House" not in page
    for words in TOPIC_WORDS:
        assert words not in page, words
    # Nothing on the page moved, not even a count of services.
    assert without_tokens(page) == without_tokens(before)
    assert not private_reads(response)


def test_without_a_private_answer_nothing_is_read_privately(world, client_for, shelter):
    triage = catalogue().latest("triage")
    actor = Actor(world.coach)
    response = assessments.start(actor, world.case, triage, "with_coach")
    answers = answer_all(triage, lambda item, values: "yes")
    answers |= {"stress": "no", "alcohol_drugs": "no", "health_limits": "no", "legal_worry": "no"}
    response = assessments.save_answers(actor, response, answers, response.version)
    response = assessments.finish(actor, response, response.version)
    page = services_page(client_for, world.coach, world)
    assert "privately" not in page and "Harbor House" not in page
    assert not private_reads(response)


def test_the_gap_view_never_counts_a_private_answer_nor_names_the_family(
    world, client_for, shelter
):
    admin = client_for(world.county_admin)
    url = reverse("resources:gaps")
    before = {row.code: row.families for row in admin.get(url).context["report"].needs}
    before_csv = admin.get(url + "?format=csv").getvalue().decode()
    triage_with_a_private_no(world)
    for who in (world.county_admin, world.supervisor, world.state_admin):
        page = client_for(who).get(url)
        assert {row.code: row.families for row in page.context["report"].needs} == before
        text = page.content.decode()
        assert world.case.member.last_name not in text and str(world.case.uuid) not in text
    csv = admin.get(url + "?format=csv").getvalue().decode()
    assert csv == before_csv
    assert world.case.member.last_name not in csv


def test_the_gap_view_says_a_need_only_private_answers_show_is_not_counted(
    world, client_for, shelter
):
    triage_with_a_private_no(world)
    admin = client_for(world.county_admin)
    page = admin.get(reverse("resources:gaps"))
    needs = {row.code: row for row in page.context["report"].needs}
    assert needs["safety"].families is None and not needs["safety"].gap
    assert needs["housing_crisis"].families == 0  # also from the triage, but not private
    assert "Not counted: private" in page.content.decode()
    csv = admin.get(reverse("resources:gaps") + "?format=csv").getvalue().decode()
    assert "Safety at home,Not counted: private,1,0,0" in csv


def test_showing_a_private_circumstance_costs_only_its_audit_record(world, client_for, shelter):
    def queries(user) -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("resources:family", args=[world.case.uuid])).status_code == 200
            )
        return len(data_queries(captured))

    before = queries(world.coach)
    triage_with_a_private_no(world)
    # The same page, now with a circumstance drawn from a private answer: one audit row more.
    assert queries(world.coach) == before + 1
