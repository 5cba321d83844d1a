"""Checking a step off from the participant's pages: saved, audited, seen by the coach."""

import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent

from .conftest import a_goal_with_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(world) -> Step:
    return a_goal_with_steps(world, "Finish my GED", steps=1).steps.get()


def mark(client, step, status="done", version=None, note="", back="/me/"):
    return client.post(
        reverse("portal:step_mark", args=[step.uuid]),
        {"version": step.version if version is None else version, "status": status,
         "note": note, "next": back},
        follow=True,
    )  # fmt: skip


def test_checking_a_step_off_is_audited_with_the_participant_as_actor(world, me, step):
    response = mark(me, step, note="Called on Monday")
    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert "Well done!" in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.outcome_note) == (Step.Status.DONE, "Called on Monday")
    event = AuditEvent.objects.get(record_type="Step", action="change", record_id=step.uuid)
    assert event.actor == world.participant_user and event.participant == world.case.uuid


def test_a_check_off_keeps_the_steps_old_and_new_status_in_the_audit_trail(me, step):
    mark(me, step, note="Called on Monday")
    event = AuditEvent.objects.get(record_type="Step", action="change", record_id=step.uuid)
    assert event.changes == {"status": ["planned", "done"]}
    assert "Monday" not in str(event.changes)


def test_the_coach_sees_the_participants_check_off_on_the_goal_page(world, me, client_for, step):
    mark(me, step, status="not_done", note="The office was closed")
    page = client_for(world.coach).get(reverse("coaching:goal", args=[step.goal.uuid]))
    text = page.content.decode()
    assert "stride-step--not_done" in text and "The office was closed" in text


def test_not_done_yet_is_met_with_encouragement(world, me, step):
    page = mark(me, step, status="not_done").content.decode()
    assert "Not yet is okay" in page


def test_a_stale_check_off_is_explained_and_changes_nothing(world, me, step):
    actions.mark_step(Actor(world.coach), step, step.version, "done", "Coach saw the letter")
    response = mark(me, step, status="not_done", version=1)
    page = response.content.decode()
    assert "changed since you opened this page" in page
    step.refresh_from_db()
    assert (step.status, step.outcome_note) == (Step.Status.DONE, "Coach saw the letter")


def test_a_done_step_can_be_put_back_on_the_list(world, me, step):
    mark(me, step)
    step.refresh_from_db()
    back = reverse("portal:goal", args=[step.goal.uuid])
    response = mark(me, step, status="planned", back=back)
    assert response.redirect_chain == [(back, 302)]
    step.refresh_from_db()
    assert step.status == Step.Status.PLANNED


def test_it_goes_back_only_to_the_participants_own_pages(world, me, step):
    response = mark(me, step, back="https://example.com/me/")
    assert response.redirect_chain == [(reverse("portal:home"), 302)]


def test_an_unknown_status_is_refused(world, me, step):
    page = mark(me, step, status="maybe").content.decode()
    assert "Choose Done or Not done yet" in page
    step.refresh_from_db()
    assert step.status == Step.Status.PLANNED and step.version == 1


def test_nobody_else_can_check_off_the_step(world, client_for, step):
    for name in ("coach", "supervisor", "other_county_coach"):
        response = client_for(getattr(world, name)).post(
            reverse("portal:step_mark", args=[step.uuid]), {"version": 1, "status": "done"}
        )
        assert response.status_code == 404
    step.refresh_from_db()
    assert step.status == Step.Status.PLANNED
