"""An enrollment's status changes keep the status before and after; dates stay names only."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions
from stride.people.models import Enrollment

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def test_putting_an_enrollment_on_hold_then_exiting_keeps_each_status_before_and_after(world):
    enrollment = world.case.current_enrollment
    coach = Actor(world.coach)
    with time_machine.travel(NOON, tick=False):
        enrollment = actions.update_enrollment(
            coach, enrollment, enrollment.version, status=Enrollment.Status.ON_HOLD
        )
        actions.update_enrollment(coach, enrollment, enrollment.version, status="exited")
    events = AuditEvent.objects.filter(record_id=enrollment.uuid, action="change").order_by("id")
    assert [event.changes for event in events] == [
        {"status": ["active", "on_hold"]},
        {"status": ["on_hold", "exited"]},
    ]
    assert "ended_on" in events[1].fields and "2026" not in str(events[1].changes)


def test_opening_a_case_keeps_the_status_the_enrollment_starts_with(world):
    event = AuditEvent.objects.get(record_id=world.case.current_enrollment.uuid, action="create")
    assert event.changes == {"status": [None, "active"]}


def test_changing_only_the_aid_start_keeps_no_values(world):
    enrollment = world.case.current_enrollment
    with time_machine.travel(NOON, tick=False):
        actions.update_enrollment(
            Actor(world.coach), enrollment, enrollment.version, aid_start=date(2025, 2, 1)
        )
    event = AuditEvent.objects.get(record_id=enrollment.uuid, action="change")
    assert (event.fields, event.changes) == (["aid_start"], {})
