"""Private answers (a triage safety question) reach only the participant's coach and supervisors.

Issue 16, "High": an unfinished triage holding a private "no" was continued by a
county administrator, who saw the answer ticked and the follow-up it opened.
"""

import pytest
from django.urls import reverse

from stride.assessments import actions
from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SAFE_AT_HOME = str(catalogue().latest("triage").items["safe_at_home"].text)
TALK_PRIVATELY = str(catalogue().latest("triage").items["talk_privately"].text)


def fill_url(response: Response, section: str = "") -> str:
    url = reverse("assessments:fill", args=[response.uuid])
    return f"{url}?section={section}" if section else url


def triage_left_for_later(world, client_for) -> Response:
    """The probe's steps: the coach starts a triage, answers "safe at home: no", presses later."""
    coach = client_for(world.coach)
    started = coach.post(
        reverse("assessments:participant", args=[world.case.uuid]),
        {"instrument": "triage", "where": "with_coach"},
    )
    response = Response.objects.get(participant=world.case, instrument="triage")
    assert started.url == fill_url(response)
    saved = coach.post(
        fill_url(response, "first"),
        {"section": "first", "safe_at_home": "no", "version": response.version, "go": "later"},
    )
    assert saved.status_code == 302
    response.refresh_from_db()
    assert response.private_answers == {"safe_at_home": "no"} and not response.is_finished
    return response


def private_reads(response: Response) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(record_id=response.uuid, action=AuditEvent.Action.PRIVATE_VIEW)
    )


def test_a_county_admin_cannot_continue_a_triage_holding_a_private_answer(world, client_for):
    response = triage_left_for_later(world, client_for)
    admin = client_for(world.county_admin)
    for section in ("first", "follow_up", ""):
        page = admin.get(fill_url(response, section))
        assert page.status_code == 403
        text = page.content.decode()
        assert SAFE_AT_HOME not in text and TALK_PRIVATELY not in text
        assert 'value="no" checked' not in text
    # Nor by sending answers, nor through the result page's redirect.
    sent = admin.post(
        fill_url(response, "first"),
        {"section": "first", "safe_at_home": "yes", "version": response.version, "go": "later"},
    )
    assert sent.status_code == 403
    assert admin.get(reverse("assessments:result", args=[response.uuid])).status_code == 404
    response.refresh_from_db()
    assert response.private_answers == {"safe_at_home": "no"}
    assert not private_reads(response)


def test_only_the_coach_and_supervisors_remove_a_triage_holding_a_private_answer(world, client_for):
    response = triage_left_for_later(world, client_for)
    url = reverse("assessments:discard", args=[response.uuid])
    assert client_for(world.county_admin).post(url).status_code == 403
    assert Response.objects.filter(pk=response.pk).exists()
    assert client_for(world.supervisor).post(url).status_code == 302
    assert not Response.objects.filter(pk=response.pk).exists()


@pytest.mark.parametrize("who", ["coach_same_team", "state_admin", "participant_user"])
def test_nobody_else_who_sees_the_case_continues_it_either(world, client_for, who):
    response = triage_left_for_later(world, client_for)
    page = client_for(getattr(world, who)).get(fill_url(response, "follow_up"))
    assert page.status_code in (403, 404)
    assert TALK_PRIVATELY not in page.content.decode()
    assert not private_reads(response)


def test_the_assessments_page_offers_continuing_only_to_those_who_may(world, client_for):
    response = triage_left_for_later(world, client_for)
    url = reverse("assessments:participant", args=[world.case.uuid])
    continue_link = f'href="{fill_url(response)}"'
    assert continue_link in client_for(world.coach).get(url).content.decode()
    assert continue_link in client_for(world.supervisor).get(url).content.decode()
    assert continue_link not in client_for(world.county_admin).get(url).content.decode()
    remove = f'action="{reverse("assessments:discard", args=[response.uuid])}"'
    assert remove in client_for(world.coach).get(url).content.decode()
    assert remove not in client_for(world.county_admin).get(url).content.decode()


@pytest.mark.parametrize("who", ["coach", "supervisor"])
def test_the_coach_and_supervisors_continue_it_and_each_read_is_recorded(world, client_for, who):
    response = triage_left_for_later(world, client_for)
    reader = client_for(getattr(world, who))
    first = reader.get(fill_url(response, "first"))
    assert first.status_code == 200
    assert SAFE_AT_HOME in first.content.decode()
    assert first.context["form"]["safe_at_home"].initial == "no"
    follow_up = reader.get(fill_url(response, "follow_up"))
    assert TALK_PRIVATELY in follow_up.content.decode()
    reads = private_reads(response)
    assert len(reads) == 2
    assert {event.actor for event in reads} == {getattr(world, who)}
    assert all(event.fields == ["private_answers"] for event in reads)


def test_an_unfinished_triage_with_no_private_answer_yet_is_still_the_coachs(world, client_for):
    # The first page asks the private question: asking it is the coach's part too.
    client_for(world.coach).post(
        reverse("assessments:participant", args=[world.case.uuid]),
        {"instrument": "triage", "where": "with_coach"},
    )
    response = Response.objects.get(participant=world.case, instrument="triage")
    assert client_for(world.county_admin).get(fill_url(response)).status_code == 403
    page = client_for(world.coach).get(fill_url(response))
    assert page.status_code == 200 and SAFE_AT_HOME in page.content.decode()
    assert not private_reads(response)  # nothing private was there to read


def test_an_assessment_without_private_questions_is_continued_by_any_case_editor(world, client_for):
    client_for(world.coach).post(
        reverse("assessments:participant", args=[world.case.uuid]),
        {"instrument": "bridge", "where": "with_coach"},
    )
    response = Response.objects.get(participant=world.case, instrument="bridge")
    assert client_for(world.county_admin).get(fill_url(response)).status_code == 200


def test_opening_the_private_page_is_a_private_read(world, client_for):
    triage = catalogue().latest("triage")
    response = actions.start(Actor(world.coach), world.case, triage, "with_coach")
    answers = answer_all(triage, lambda item, values: "no" if item.private else values[0])
    response = actions.save_answers(Actor(world.coach), response, answers, response.version)
    response = actions.finish(Actor(world.coach), response, response.version)
    page = client_for(world.coach).get(reverse("assessments:private", args=[response.uuid]))
    assert page.status_code == 200 and SAFE_AT_HOME in page.content.decode()
    [read] = private_reads(response)
    assert read.actor == world.coach and read.fields == ["private_answers"]
