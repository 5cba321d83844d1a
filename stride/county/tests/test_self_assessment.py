"""A county self-assessment round: staff rate on their own, the coordinator settles, rounds compare."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, make_user
from stride.core.audit import Actor
from stride.core.models import AuditEvent, Role
from stride.county import actions, comparison
from stride.county.models import SelfAssessmentRating, SelfAssessmentRound
from stride.county.self_assessment import versions

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
FORM = versions().latest()
PARTS = list(FORM.components)


def everything(value: str, **except_for: str) -> dict[str, str]:
    return dict.fromkeys(PARTS, value) | except_for


def a_round(world, name: str = "Spring 2027") -> SelfAssessmentRound:
    return actions.start_round(Actor(world.county_admin), world.county, name)


def rate(person, round, answers):
    return actions.send_rating(Actor(person), round, answers)


def settle(person, round, final, priorities):
    round.refresh_from_db()
    return actions.settle_round(Actor(person), round, final, priorities, round.version)


def page(client, name, round=None, **query):
    url = reverse(f"county:{name}", kwargs={"uuid": round.uuid} if round else None)
    return client.get(url, query)


# Starting a round


def test_a_county_administrator_opens_a_round_on_the_latest_version(world, client_for):
    response = client_for(world.county_admin).post(
        reverse("county:self_assessment_new"), {"name": "Spring 2027"}
    )
    round = SelfAssessmentRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("county:self_assessment", kwargs={"uuid": round.uuid})
    assert (round.county, round.form_version, round.started_by) == (
        world.county, FORM.version, world.county_admin,
    )  # fmt: skip
    event = AuditEvent.objects.get(record_type="SelfAssessmentRound")
    assert (event.action, event.actor, event.fields) == (
        "create", world.county_admin, ["form_version", "name"],
    )  # fmt: skip


def test_a_round_needs_a_name(world, client_for):
    response = client_for(world.county_admin).post(
        reverse("county:self_assessment_new"), {"name": "  "}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not SelfAssessmentRound.objects.exists()


def test_only_a_county_administrator_opens_a_round(world, client_for):
    for person in (world.supervisor, world.state_admin):
        response = client_for(person).post(
            reverse("county:self_assessment_new"), {"name": "Spring"}
        )
        assert response.status_code == 403
    for person in (world.coach, world.sysadmin):
        response = client_for(person).post(
            reverse("county:self_assessment_new"), {"name": "Spring"}
        )
        assert response.status_code == 404
    assert not SelfAssessmentRound.objects.exists()


# Rating on your own


def test_a_supervisor_sends_ratings_once_with_an_audit_event(world, client_for):
    round = a_round(world)
    client = client_for(world.supervisor)
    form = page(client, "self_assessment_rate", round)
    assert form.status_code == 200
    response = client.post(
        reverse("county:self_assessment_rate", kwargs={"uuid": round.uuid}), everything("partway")
    )
    assert response.status_code == 302
    rating = SelfAssessmentRating.objects.get()
    assert (rating.rater, rating.answers) == (world.supervisor, everything("partway"))
    event = AuditEvent.objects.get(record_type="SelfAssessmentRating")
    assert (event.action, event.actor, event.fields) == ("create", world.supervisor, ["answers"])
    again = page(client, "self_assessment_rate", round)
    assert again.status_code == 302  # sent once: the form is not offered again
    with pytest.raises(ValidationError, match="already"):
        rate(world.supervisor, round, everything("nearly"))
    assert SelfAssessmentRating.objects.get().answers == everything("partway")


def test_a_rating_with_a_part_left_out_is_refused_and_nothing_is_saved(world, client_for):
    round = a_round(world)
    answers = everything("partway")
    del answers[PARTS[3]]
    response = client_for(world.supervisor).post(
        reverse("county:self_assessment_rate", kwargs={"uuid": round.uuid}), answers
    )
    assert response.status_code == 200
    assert PARTS[3] in response.context["form"].errors
    assert not SelfAssessmentRating.objects.exists()
    with pytest.raises(ValidationError, match="1 still need a rating"):
        rate(world.supervisor, round, answers)


def test_nobody_sees_the_others_ratings_before_sending_their_own(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("keen"))
    supervisor = client_for(world.supervisor)
    before = page(supervisor, "self_assessment", round)
    assert before.status_code == 200
    assert before.context["rows"] == []
    assert "Keen to start" not in before.content.decode()
    assert world.county_admin.get_full_name() in before.content.decode()  # who sent, not what
    rate(world.supervisor, round, everything("nearly"))
    after = page(supervisor, "self_assessment", round).content.decode()
    assert "Ratings side by side" in after
    assert "Not in place yet: Keen to start" not in after  # cells say the short label
    assert "Keen to start" in after and "Nearly there" in after
    assert "Ratings differ" in after


def test_a_settled_round_takes_no_more_ratings(world):
    round = a_round(world)
    rate(world.county_admin, round, everything("in_place"))
    settle(world.county_admin, round, everything("in_place"), ["approach"])
    with pytest.raises(ValidationError, match="settled"):
        rate(world.supervisor, round, everything("partway"))


# Settling


def test_the_coordinator_rates_before_settling(world, client_for):
    round = a_round(world)
    rate(world.supervisor, round, everything("partway"))
    response = page(client_for(world.county_admin), "self_assessment_settle", round)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "county:self_assessment_rate", kwargs={"uuid": round.uuid}
    )
    with pytest.raises(ValidationError, match="Send your own ratings first"):
        settle(world.county_admin, round, everything("partway"), ["approach"])


def test_the_settle_form_starts_at_the_rating_given_most_often(world, client_for):
    round = a_round(world)
    second = make_user("second_supervisor", Role.SUPERVISOR, world.team)
    first = PARTS[0]
    rate(world.county_admin, round, everything("in_place", **{first: "first_steps"}))
    rate(world.supervisor, round, everything("partway", **{first: "first_steps"}))
    rate(second, round, everything("partway", **{first: "nearly"}))
    form = page(client_for(world.county_admin), "self_assessment_settle", round).context["form"]
    assert form.initial[first] == "first_steps"
    assert form.initial[PARTS[1]] == "partway"


def test_a_tie_goes_to_the_more_modest_rating():
    answers = [everything("in_place"), everything("first_steps")]
    assert set(comparison.suggested(FORM, answers).values()) == {"first_steps"}
    not_yet = [everything("open"), everything("keen")]
    assert set(comparison.suggested(FORM, not_yet).values()) == {"keen"}


def test_the_coordinator_settles_the_answer_and_one_or_two_priority_areas(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("partway"))
    client = client_for(world.county_admin)
    url = reverse("county:self_assessment_settle", kwargs={"uuid": round.uuid})
    data = everything("nearly") | {"version": round.version}
    three = client.post(url, data | {"priorities": ["approach", "staffing", "performance"]})
    assert three.status_code == 200 and "priorities" in three.context["form"].errors
    response = client.post(url, data | {"priorities": ["staffing", "approach"]})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.final == everything("nearly")
    assert round.priorities == ["staffing", "approach"]
    assert round.settled_by == world.county_admin and round.settled
    event = AuditEvent.objects.get(record_type="SelfAssessmentRound", action="change")
    assert event.fields == ["final", "priorities"]
    shown = page(client, "self_assessment", round).content.decode()
    assert "Areas to work on first:" in shown and "Administration and staffing" in shown


def test_a_settle_sent_from_an_old_page_is_refused_as_a_stale_edit(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("partway"))
    old_version = round.version
    settle(world.county_admin, round, everything("nearly"), ["approach"])
    response = client_for(world.county_admin).post(
        reverse("county:self_assessment_settle", kwargs={"uuid": round.uuid}),
        everything("in_place") | {"version": old_version, "priorities": ["performance"]},
    )
    assert response.status_code == 200
    assert "Someone else saved" in str(response.context["form"].non_field_errors())
    round.refresh_from_db()
    assert round.final == everything("nearly") and round.priorities == ["approach"]


# Who reads what


def test_a_coach_gets_404_on_every_self_assessment_page(world, client_for):
    round = a_round(world)
    client = client_for(world.coach)
    assert page(client, "self_assessments").status_code == 404
    for name in ("self_assessment", "self_assessment_rate", "self_assessment_settle"):
        assert page(client, name, round).status_code == 404


def test_another_county_reads_none_of_this_countys_rounds(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("partway"))
    for person in (world.other_county_admin, world.other_county_supervisor):
        client = client_for(person)
        for name in ("self_assessment", "self_assessment_rate", "self_assessment_settle"):
            assert page(client, name, round).status_code == 404
        listed = page(client, "self_assessments")
        assert listed.context["county"] == world.other_county
        assert list(listed.context["rounds"]) == []
        assert page(client, "self_assessments", county=world.county.uuid).status_code == 404


def test_the_state_administrator_reads_every_county_and_rates_none(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("partway"))
    client = client_for(world.state_admin)
    choose = page(client, "self_assessments").content.decode()
    assert "Fresno County" in choose and "Kern County" in choose
    listed = page(client, "self_assessments", county=world.county.uuid)
    assert [r.name for r in listed.context["rounds"]] == ["Spring 2027"]
    shown = page(client, "self_assessment", round)
    assert "Ratings side by side" in shown.content.decode()
    assert page(client, "self_assessment_rate", round).status_code == 403
    assert page(client, "self_assessment_settle", round).status_code == 403


def test_the_round_page_runs_the_same_queries_for_one_rater_or_three(world, client_for):
    round = a_round(world)
    rate(world.county_admin, round, everything("partway"))
    client = client_for(world.county_admin)
    page(client, "self_assessment", round)  # sessions and the like settle in first

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(client, "self_assessment", round).status_code == 200
        return len(data_queries(captured))

    one = counted()
    rate(world.supervisor, round, everything("nearly"))
    rate(make_user("second_supervisor", Role.SUPERVISOR, world.team), round, everything("keen"))
    assert counted() == one == 7


# Rounds compared


def test_settled_rounds_are_compared_as_a_picture_with_its_table(world, client_for):
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=PACIFIC), tick=False):
        spring = a_round(world, "Spring 2026")
        rate(world.county_admin, spring, everything("first_steps"))
        settle(world.county_admin, spring, everything("first_steps"), ["approach"])
    with time_machine.travel(datetime(2026, 9, 1, 9, tzinfo=PACIFIC), tick=False):
        fall = a_round(world, "Fall 2026")
        rate(world.county_admin, fall, everything("partway"))
        approach = [c.key for c in FORM.areas[0].components]
        final = everything("partway", **{approach[0]: "in_place", approach[1]: "nearly"})
        settle(world.county_admin, fall, final, ["approach", "staffing"])
        a_round(world, "Spring 2027")  # open: not in the picture
    client = client_for(world.county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = page(client, "self_assessments")
    chart = response.context["chart"]
    assert chart.names == ["Spring 2026", "Fall 2026"]
    first_area = chart.areas[0]
    # Fall 2026's approach: in place (4), nearly (3) and two partway (2): 11 / 4 = 2.75 -> 2.8.
    assert [(bar.name, bar.value) for bar in first_area.bars] == [
        ("Spring 2026", 1.0), ("Fall 2026", 2.8),
    ]  # fmt: skip
    html = response.content.decode()
    assert 'width="95.0"' in html and 'width="266.0"' in html  # 380 * 1/4, 380 * 2.8/4
    assert "Spring 2026: 1,0" in html  # the words people read are in their language
    assert "<td>2,8</td>" in html and "<td>1,0</td>" in html  # the table: same figures
    assert response.context["table"][0][1] == [1.0, 2.8]


def test_the_rounds_page_runs_the_same_queries_for_one_round_or_three(world, client_for):
    client = client_for(world.county_admin)
    first = a_round(world, "Spring 2026")
    rate(world.county_admin, first, everything("partway"))
    settle(world.county_admin, first, everything("partway"), ["approach"])
    page(client, "self_assessments")

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(client, "self_assessments").status_code == 200
        return len(data_queries(captured))

    one = counted()
    for name in ("Fall 2026", "Spring 2027"):
        later = a_round(world, name)
        rate(world.county_admin, later, everything("nearly"))
        settle(world.county_admin, later, everything("nearly"), ["staffing"])
    assert (one, counted()) == (8, 8)
