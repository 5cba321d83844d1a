"""Checking hours keeps the verification before and after in the trail; never hours or notes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.participation import actions
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.models import HoursEntry, WorkActivity

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def test_hours_a_participant_reported_then_a_coach_could_not_verify(world):
    job = actions.add_activity(
        Actor(world.county_admin),
        world.county,
        ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )
    with time_machine.travel(NOON, tick=False):
        entry = actions.add_hours(
            Actor(world.participant_user),
            world.case,
            Hours(job, date(2026, 3, 9), Decimal("3.5"), note="Shift at the bakery"),
        )
        actions.verify_hours(
            Actor(world.coach), entry, HoursEntry.Verification.NOT_VERIFIED, entry.version
        )
    events = AuditEvent.objects.filter(record_id=entry.uuid).order_by("id")
    assert [event.changes for event in events] == [
        {"verification": [None, "reported"]},
        {"verification": ["reported", "not_verified"]},
    ]
    assert "3.5" not in str(events[1].changes) and "bakery" not in str(events[1].changes)
