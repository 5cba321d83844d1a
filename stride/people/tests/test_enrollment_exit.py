"""An exit: the day an enrollment ended and why, recorded once from the participant's profile."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.people import actions
from stride.people.models import Enrollment, ExitReason

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # 10 March 2026, in California's morning


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def exit_of(world, **values) -> Enrollment:
    enrollment = Enrollment.objects.get(pk=world.case.current_enrollment_id)
    values = {"exited_on": date(2026, 2, 27), "reason": ExitReason.EMPLOYMENT} | values
    return actions.record_exit(Actor(world.coach), enrollment, enrollment.version, **values)


def test_an_exit_ends_the_enrollment_on_its_day_with_its_reason(world):
    ended = exit_of(world)

    ended.refresh_from_db()
    assert (ended.status, ended.ended_on, ended.exit_reason) == (
        "exited",
        date(2026, 2, 27),
        "employment",
    )
    event = AuditEvent.objects.get(record_id=ended.uuid, action="change")
    assert event.fields == ["ended_on", "exit_reason", "status"]
    assert event.changes == {"status": ["active", "exited"]}  # the reason is named, not kept


def test_another_reason_needs_its_words_and_keeps_them(world):
    with pytest.raises(ValidationError) as refused:
        exit_of(world, reason=ExitReason.OTHER, other_reason="  ")
    assert "other_reason" in refused.value.error_dict

    ended = exit_of(world, reason=ExitReason.OTHER, other_reason="Went back to school full time")
    assert ended.exit_reason_other == "Went back to school full time"


def test_words_for_a_listed_reason_are_not_kept(world):
    ended = exit_of(world, reason=ExitReason.MOVED, other_reason="to Oregon")
    assert ended.exit_reason_other == ""


@pytest.mark.parametrize(
    "exited_on", [date(2024, 12, 31), date(2026, 3, 11)], ids=["before aid", "tomorrow"]
)
def test_an_exit_before_aid_started_or_after_today_is_refused(world, exited_on):
    with pytest.raises(ValidationError) as refused:
        exit_of(world, exited_on=exited_on)
    assert "exited_on" in refused.value.error_dict
    assert Enrollment.objects.get(pk=world.case.current_enrollment_id).status == "active"


def test_an_exit_today_or_on_the_first_day_of_aid_is_taken(world):
    assert exit_of(world, exited_on=date(2026, 3, 10)).ended_on == date(2026, 3, 10)


def test_an_exit_recorded_twice_is_refused_and_keeps_the_first_day(world):
    first = exit_of(world)

    with pytest.raises(ValidationError) as refused:
        actions.record_exit(
            Actor(world.supervisor),
            first,
            first.version,
            exited_on=date(2026, 3, 2),
            reason=ExitReason.MOVED,
        )
    assert "already ended" in str(refused.value.error_dict["exited_on"])
    first.refresh_from_db()
    assert (first.ended_on, first.exit_reason) == (date(2026, 2, 27), "employment")
    assert AuditEvent.objects.filter(record_id=first.uuid, action="change").count() == 1


def test_an_exit_from_a_page_opened_before_another_save_is_stale(world):
    enrollment = Enrollment.objects.get(pk=world.case.current_enrollment_id)
    seen = enrollment.version
    actions.update_enrollment(Actor(world.coach), enrollment, seen, status="on_hold")
    with pytest.raises(StaleEdit):
        actions.record_exit(
            Actor(world.coach),
            enrollment,
            seen,
            exited_on=date(2026, 2, 27),
            reason=ExitReason.EMPLOYMENT,
        )


def test_back_on_aid_forgets_the_reason_for_leaving(world):
    ended = exit_of(world)
    back = actions.update_enrollment(Actor(world.coach), ended, ended.version, status="active")
    assert (back.ended_on, back.exit_reason, back.exit_reason_other) == (None, "", "")


def test_the_coach_records_an_exit_from_the_profile_and_sees_it_there(world, client_for):
    coach = client_for(world.coach)
    enrollment = world.case.current_enrollment
    url = reverse("people:enrollment_exit", args=[enrollment.uuid])
    profile = coach.get(world.case.get_absolute_url()).content.decode()
    assert url in profile

    page = coach.post(
        url,
        {
            "exited_on": "2026-02-27",
            "reason": "other",
            "other_reason": "Caring for a parent",
            "version": enrollment.version,
        },
    )

    assert page.status_code == 302 and page.url == world.case.get_absolute_url()
    profile = coach.get(world.case.get_absolute_url()).content.decode()
    assert "Another reason: Caring for a parent" in profile
    assert url not in profile  # recorded: the link to record it is gone


def test_the_page_shows_a_refusal_next_to_the_date(world, client_for):
    enrollment = world.case.current_enrollment
    page = client_for(world.supervisor).post(
        reverse("people:enrollment_exit", args=[enrollment.uuid]),
        {"exited_on": "2026-04-01", "reason": "moved", "version": enrollment.version},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["exited_on"] == ["The exit date can't be in the future."]


def test_a_coach_without_the_case_cannot_record_its_exit(world, client_for):
    enrollment = world.case.current_enrollment
    page = client_for(world.coach_same_team).post(
        reverse("people:enrollment_exit", args=[enrollment.uuid]),
        {"exited_on": "2026-02-27", "reason": "moved", "version": enrollment.version},
    )
    assert page.status_code == 404
    assert Enrollment.objects.get(pk=enrollment.pk).status == "active"
