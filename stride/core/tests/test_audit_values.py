"""Audit events keep old and new values only of fields a model declares safe (AUDIT_VALUES)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from conftest import data_queries
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Step
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def a_step(world):
    goal = coaching.set_goal(
        Actor(world.coach),
        world.case,
        GoalDetails(words="Get a library card", life_area="learning"),
    )
    return coaching.add_step(Actor(world.coach), goal, StepDetails(what="Walk to the library"))


def test_every_declared_field_is_a_field_with_choices():
    declared = [
        (model, name) for model in apps.get_models() for name in getattr(model, "AUDIT_VALUES", ())
    ]
    assert declared, "no model declares AUDIT_VALUES"
    for model, name in declared:
        assert model._meta.get_field(name).choices, f"{model.__name__}.{name} is not a choice"


def test_a_value_for_a_field_not_declared_is_refused(world):
    member = world.case.member
    with pytest.raises(audit.UndeclaredValue):
        audit.record(
            Actor(world.coach),
            Action.CHANGE,
            member,
            world.case.uuid,
            changes={"first_name": ("Ana", "Anna")},
        )
    assert not AuditEvent.objects.filter(action=Action.CHANGE, record_type="Member").exists()


def test_free_text_in_a_declared_field_is_refused(world):
    step = a_step(world)
    with pytest.raises(audit.UndeclaredValue):
        audit.record(
            Actor(world.coach),
            Action.CHANGE,
            step,
            world.case.uuid,
            changes={"status": ("planned", "Ana called about her rent")},
        )


def test_a_change_keeps_old_and_new_and_names_the_field(world):
    step = a_step(world)
    event = audit.record(
        Actor(world.coach),
        Action.CHANGE,
        step,
        world.case.uuid,
        changes={"status": (Step.Status.PLANNED, Step.Status.DONE)},
    )
    event.refresh_from_db()
    assert event.changes == {"status": ["planned", "done"]} and event.fields == ["status"]


def test_a_new_record_keeps_the_values_its_declared_fields_start_with(world):
    step = a_step(world)
    event = AuditEvent.objects.get(action=Action.CREATE, record_id=step.uuid)
    assert event.changes == {"status": [None, "planned"]}


def test_the_audit_page_shows_a_change_in_words_in_both_languages(world, client_for):
    step = a_step(world)
    coaching.mark_step(Actor(world.participant_user), step, step.version, Step.Status.DONE)
    supervisor = client_for(world.supervisor)
    url = reverse("people:participant_audit", args=[world.case.uuid])
    assert "Status: To do → Done" in supervisor.get(url).content.decode()
    with translation.override("es"):
        page = supervisor.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Estado: Por hacer → Hecho" in page


def test_the_audit_page_runs_as_many_queries_for_fifty_changes_as_for_one(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    step = a_step(world)
    supervisor = client_for(world.supervisor)
    url = reverse("people:participant_audit", args=[world.case.uuid])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = supervisor.get(url)
        shown = sum(len(event.changes) for event in page.context["page"])
        assert shown and page.content.decode().count("Status: ") == shown
        return len(data_queries(captured))

    with time_machine.travel(NOON, tick=False):
        coaching.mark_step(Actor(world.coach), step, step.version, Step.Status.DONE)
        one = queries()
        for _ in range(25):
            step.refresh_from_db()
            coaching.mark_step(Actor(world.coach), step, step.version, Step.Status.PLANNED)
            step.refresh_from_db()
            coaching.mark_step(Actor(world.coach), step, step.version, Step.Status.DONE)
        assert queries() == one
