"""Taking an assessment with a coach or alone, saving partway, results, privacy and counts."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries
from stride.assessments import actions, summary
from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def fill_url(response: Response, section: str) -> str:
    return reverse("assessments:fill", args=[response.uuid]) + f"?section={section}"


def finished(world, slug: str, choose, days_ago: int = 0, version: int | None = None) -> Response:
    instrument = catalogue().get(slug, version) if version is not None else catalogue().latest(slug)
    response = actions.start(Actor(world.coach), world.case, instrument, "with_coach")
    response = actions.save_answers(
        Actor(world.coach), response, answer_all(instrument, choose), response.version
    )
    response = actions.finish(Actor(world.coach), response, response.version)
    when = timezone.now() - timedelta(days=days_ago)
    Response.objects.filter(pk=response.pk).update(completed_at=when, started_at=when)
    response.refresh_from_db()
    return response


def test_a_coach_takes_the_bridge_with_a_participant_section_by_section(world, client_for):
    coach = client_for(world.coach)
    page = reverse("assessments:participant", args=[world.case.uuid])
    started = coach.post(page, {"instrument": "bridge", "where": "with_coach"})
    response = Response.objects.get(participant=world.case)
    assert started.url == reverse("assessments:fill", args=[response.uuid])
    bridge = catalogue().latest("bridge")
    for number, section in enumerate(bridge.sections):
        form = {"section": section.key, "version": response.version}
        form |= {item.key: "3" for item in section.items}
        last = number == len(bridge.sections) - 1
        answer = coach.post(
            fill_url(response, section.key), form | {"go": "finish" if last else "next"}
        )
        response.refresh_from_db()
        if not last:
            assert answer.url == fill_url(response, bridge.sections[number + 1].key)
    assert answer.url == reverse("assessments:result", args=[response.uuid])
    assert response.result["sections"]["family_stability"] == 3
    result = coach.get(answer.url).content.decode()
    assert 'class="stride-bridge"' in result and "Level on each pillar" in result
    assert AuditEvent.objects.filter(record_id=response.uuid, action="view").exists()


def test_saving_partway_keeps_the_answers_and_finishing_names_what_is_missing(world, client_for):
    coach = client_for(world.coach)
    quality = catalogue().latest("quality_of_life")
    response = actions.start(Actor(world.coach), world.case, quality, "with_coach")
    section = quality.sections[0]
    later = coach.post(
        fill_url(response, section.key),
        {"section": section.key, "version": 1, "overall": "4", "go": "later"},
    )
    assert later.url == reverse("assessments:participant", args=[world.case.uuid])
    response.refresh_from_db()
    assert response.answers == {"overall": 4} and not response.is_finished
    again = coach.get(fill_url(response, section.key))
    assert again.context["form"]["overall"].initial == "4"
    refused = coach.post(
        fill_url(response, section.key),
        {"section": section.key, "version": response.version, "home": "2", "go": "finish"},
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert errors["family"] == ["“Your family life” needs an answer."] and "overall" not in errors
    response.refresh_from_db()
    assert response.answers == {"overall": 4, "home": 2} and not response.is_finished
    assert refused.context["form"]["version"].value() == response.version


def test_two_people_saving_the_same_page_do_not_overwrite_each_other(world, client_for):
    quality = catalogue().latest("quality_of_life")
    response = actions.start(Actor(world.coach), world.case, quality, "own_pages")
    form = {"section": "now", "version": response.version}
    first = client_for(world.coach).post(fill_url(response, "now"), form | {"overall": "2"})
    assert first.status_code == 302
    second = client_for(world.participant_user).post(
        fill_url(response, "now"), form | {"overall": "5"}
    )
    assert "Someone else saved changes" in second.content.decode()
    response.refresh_from_db()
    assert response.answers == {"overall": 2}


def test_a_participant_fills_in_what_was_sent_to_their_own_pages(world, client_for):
    coach = client_for(world.coach)
    coach.post(
        reverse("assessments:participant", args=[world.case.uuid]),
        {"instrument": "quality_of_life", "where": "own_pages"},
    )
    me = client_for(world.participant_user)
    assert "1 check-in is waiting for you." in me.get(reverse("portal:home")).content.decode()
    page = me.get(reverse("portal:assessments"))
    ((response, instrument),) = page.context["waiting"]
    assert instrument.slug == "quality_of_life"
    form = {"section": "now", "version": response.version, "go": "finish"}
    form |= {key: "4" for key in instrument.items} | {"money": "1"}
    done = me.post(fill_url(response, "now"), form)
    result = me.get(done.url).content.decode()
    assert "Where you are strong" in result and "Where you want to grow" in result
    assert f"{reverse('portal:idea_new')}?area=money" in result
    assert 'class="stride-line"' in result


def test_a_participant_cannot_fill_in_what_is_done_with_a_coach(world, client_for):
    triage = catalogue().latest("triage")
    response = actions.start(Actor(world.coach), world.case, triage, "with_coach")
    me = client_for(world.participant_user)
    assert me.get(fill_url(response, "first")).status_code == 403
    refused = client_for(world.coach).post(
        reverse("assessments:participant", args=[world.case.uuid]),
        {"instrument": "triage", "where": "own_pages"},
    )
    assert "What to take care of first is done together with a coach." in refused.content.decode()


def test_the_participant_may_start_only_what_can_be_done_alone(world, client_for):
    me = client_for(world.participant_user)
    assert me.post(reverse("portal:assessments"), {"instrument": "triage"}).status_code == 404
    started = me.post(reverse("portal:assessments"), {"instrument": "bridge"})
    response = Response.objects.get(participant=world.case)
    assert started.url == reverse("assessments:fill", args=[response.uuid])
    assert response.where == "own_pages" and response.started_by == world.participant_user


def test_a_safety_answer_stays_off_shared_screens_and_out_of_the_api(world, client_for):
    response = finished(
        world, "triage", lambda item, values: "no" if item.key == "safe_at_home" else values[0]
    )
    question = str(catalogue().latest("triage").items["safe_at_home"].text)
    for person in (world.coach, world.supervisor, world.county_admin, world.participant_user):
        page = client_for(person).get(reverse("assessments:result", args=[response.uuid]))
        assert question not in page.content.decode()
        assert "Safety and domestic violence advocate" not in page.content.decode()
    api = client_for(world.coach).get(f"/api/v1/assessments/{response.uuid}/").json()
    assert "safe_at_home" not in str(api) and "private_answers" not in api
    private = client_for(world.coach).get(reverse("assessments:private", args=[response.uuid]))
    assert question in private.content.decode()
    assert "Safety and domestic violence advocate" in private.content.decode()
    event = AuditEvent.objects.filter(record_id=response.uuid, fields=["private_answers"]).get()
    assert event.actor == world.coach
    assert (
        client_for(world.county_admin)
        .get(reverse("assessments:private", args=[response.uuid]))
        .status_code
        == 403
    )


def test_a_result_compares_with_the_one_before_on_the_same_version(world, client_for):
    finished(world, "bridge", lambda item, values: 2, days_ago=200)
    latest = finished(world, "bridge", lambda item, values: 3)
    view = (
        client_for(world.coach)
        .get(reverse("assessments:result", args=[latest.uuid]))
        .context["view"]
    )
    assert [(row.now, row.before, row.change) for row in view.sections][0] == (3, 2, 1)
    assert not view.history.versions_differ
    assert len(view.bridge.pillars) == 5 and view.bridge.pillars[0].before_top is not None


def test_results_on_different_versions_are_not_compared(world, client_for, settings, tmp_path):
    older = finished(world, "quality_of_life", lambda item, values: 2, days_ago=100)
    source = catalogue().get("quality_of_life", 1)
    (tmp_path / "quality_of_life").mkdir()
    shipped = (Path(settings.ASSESSMENT_INSTRUMENTS) / "quality_of_life" / "v1.yaml").read_text()
    (tmp_path / "quality_of_life" / "v1.yaml").write_text(shipped)
    (tmp_path / "quality_of_life" / "v2.yaml").write_text(
        shipped.replace("version: 1", "version: 2")
    )
    settings.ASSESSMENT_INSTRUMENTS = str(tmp_path)
    catalogue.cache_clear()
    try:
        newer = finished(world, "quality_of_life", lambda item, values: 4)
        assert (older.instrument_version, newer.instrument_version) == (1, 2)
        page = client_for(world.coach).get(reverse("assessments:result", args=[newer.uuid]))
        view = page.context["view"]
        assert view.history.versions_differ and view.previous is None
        assert [row.charted for row in view.over_time] == [False, True]
        assert "answered on version 2 of the questions" in page.content.decode()
        assert source.items.keys() == catalogue().get("quality_of_life", 1).items.keys()
    finally:
        catalogue.cache_clear()


def test_a_county_chooses_the_assessments_its_staff_offer(world, client_for):
    admin = client_for(world.county_admin)
    admin.post(
        reverse("county:settings"),
        {"part": "instruments", "in_use": ["bridge", "quality_of_life"]},
    )
    page = client_for(world.coach).get(reverse("assessments:participant", args=[world.case.uuid]))
    offered = [slug for slug, _label in page.context["form"].fields["instrument"].choices]
    assert offered == ["bridge", "quality_of_life"]
    other = client_for(world.other_county_coach).get(
        reverse("assessments:participant", args=[world.other_case.uuid])
    )
    assert len(other.context["form"].fields["instrument"].choices) == 5
    event = AuditEvent.objects.filter(record_type="Organisation", actor=world.county_admin).get()
    assert "instrument:triage" in event.fields


def test_movement_counts_families_that_moved_up_a_level_in_six_months(world, client_for):
    work = {"employment", "transportation"}
    finished(world, "bridge", lambda item, values: 2, days_ago=300)  # the six-month baseline
    finished(world, "bridge", lambda item, values: 1, days_ago=100)
    finished(world, "bridge", lambda item, values: 3 if item.key in work else 2)
    result = summary.for_user(world.supervisor)
    assert (result.families_assessed, result.families_compared, result.moved_up_any) == (1, 1, 1)
    pillars = {pillar.key: pillar for pillar in result.pillars}
    assert pillars["employment_career"].moved_up == 1 and pillars["well_being"].moved_up == 0
    assert pillars["employment_career"].counts == [0, 0, 1, 0, 0]
    page = client_for(world.supervisor).get(reverse("assessments:summary")).content.decode()
    assert "1 family has a bridge result." in page
    assert summary.for_user(world.other_county_supervisor).families_assessed == 0


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def ten_results(world) -> list[Response]:
    made = []
    for n in range(4):
        level = 1 + n
        made.append(
            finished(
                world, "bridge", lambda item, values, level=level: level, days_ago=400 - 100 * n
            )
        )
        made.append(
            finished(world, "quality_of_life", lambda item, values: 2, days_ago=390 - 100 * n)
        )
    made.append(finished(world, "triage", lambda item, values: values[0], days_ago=380))
    made.append(finished(world, "career_interests", lambda item, values: values[-1], days_ago=10))
    return made


# Session and user, the participant, the county's instrument settings, the audit event,
# the responses (one query, however many), and the session save.
PARTICIPANT_PAGE_QUERIES = 7
# Session and user, the response (with participant and coach), the audit event, the
# instrument's earlier results, the county's guides for the instrument (the panel for staff,
# issue 18: one query however many), and the session save.
RESULT_QUERIES = 7
# Session and user, the participant (with county), the county's instrument settings, the
# audit event, the responses, and the session save.
CHECK_INS_QUERIES = 7


def test_a_participant_with_ten_results_costs_the_same_queries_as_one(world, client_for):
    coach = client_for(world.coach)
    page = reverse("assessments:participant", args=[world.case.uuid])
    first = finished(world, "bridge", lambda item, values: 2, days_ago=500)
    one = queries_for(coach, page)
    one_result = queries_for(coach, reverse("assessments:result", args=[first.uuid]))
    me = client_for(world.participant_user)
    one_own = queries_for(me, reverse("portal:assessments"))
    latest = ten_results(world)[-2]
    assert Response.objects.filter(participant=world.case).count() == 11
    ten = queries_for(coach, page)
    ten_result = queries_for(coach, reverse("assessments:result", args=[latest.uuid]))
    ten_own = queries_for(me, reverse("portal:assessments"))
    assert one == ten == PARTICIPANT_PAGE_QUERIES, (one, ten)
    assert one_result == ten_result == RESULT_QUERIES, (one_result, ten_result)
    assert one_own == ten_own == CHECK_INS_QUERIES, (one_own, ten_own)


def test_finishing_shows_a_follow_up_that_the_last_answers_opened(world, client_for):
    triage = catalogue().latest("triage")
    response = actions.start(Actor(world.coach), world.case, triage, "with_coach")
    first = triage.sections[0]
    form = {item.key: "yes" for item in first.items} | {"safe_at_home": "no", "stress": "no"}
    form |= {"alcohol_drugs": "no", "health_limits": "no", "legal_worry": "no"}
    coach = client_for(world.coach)
    page = coach.post(
        fill_url(response, first.key),
        form | {"section": first.key, "version": response.version, "go": "finish"},
    )
    assert page.url == fill_url(response, "follow_up")
    response.refresh_from_db()
    assert not response.is_finished and response.private_answers == {"safe_at_home": "no"}
    # Coming back later picks up at the first part with a question still to answer.
    assert coach.get(reverse("assessments:fill", args=[response.uuid])).context["section"].key == (
        "follow_up"
    )
