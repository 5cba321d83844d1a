"""Opening a case: read through the access module, 404 out of scope, one view event per
showing (GET/HEAD), none for a write, whose own action records what it did."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from stride.core import access
from stride.core.models import AuditEvent
from stride.people.cases import open_case, open_own_case, participants, shown_again, viewed
from stride.people.models import Participant


def asking(user, method: str = "get"):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    return request


def views_of(person: Participant) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, participant=person.uuid))


def test_a_get_opens_the_case_and_records_exactly_one_view(world):
    person = open_case(asking(world.coach), world.case.uuid)
    assert person == world.case
    [event] = views_of(world.case)
    assert event.actor == world.coach
    assert event.record_id == world.case.uuid


def test_a_head_is_a_showing_too(world):
    open_case(asking(world.coach, "head"), str(world.case.uuid))
    assert len(views_of(world.case)) == 1


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_opens_the_case_without_a_view_event(world, method):
    assert open_case(asking(world.coach, method), world.case.uuid) == world.case
    assert views_of(world.case) == []


def test_out_of_scope_is_a_404_and_records_nothing(world):
    for outsider in (world.coach_same_team, world.other_county_coach, world.sysadmin):
        with pytest.raises(Http404):
            open_case(asking(outsider), world.case.uuid)
    assert views_of(world.case) == []


def test_a_case_that_does_not_exist_is_the_same_404(world):
    with pytest.raises(Http404):
        open_case(asking(world.supervisor), uuid.uuid4())


@pytest.mark.parametrize("malformed", ["", "not-a-uuid", "1234", "../x", None])
def test_a_malformed_uuid_is_a_404_not_an_error(world, malformed):
    with pytest.raises(Http404):
        open_case(asking(world.supervisor), malformed)


def test_records_narrow_the_query_and_are_still_access_checked(world):
    narrowed = participants().filter(household__case_number="no such case")
    with pytest.raises(Http404):
        open_case(asking(world.coach), world.case.uuid, narrowed)
    # A view's own queryset over every participant still only opens what the person may see.
    with pytest.raises(Http404):
        open_case(asking(world.coach), world.other_case.uuid, Participant.objects.all())
    assert open_case(asking(world.coach), world.case.uuid, Participant.objects.all()) == world.case


def test_opening_costs_one_read_and_one_insert(world):
    request = asking(world.coach)
    with CaptureQueriesContext(connection) as captured:
        person = open_case(request, world.case.uuid)
        shown = (person.member.first_name, person.household.case_number, person.coach.username)
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert shown == ("Maria", "FR0000001", "coach")
    assert statements.count("SELECT") == 1
    assert statements.count("INSERT") == 1


def test_recorded_elsewhere_opens_without_a_view_event(world):
    assert open_case(asking(world.coach), world.case.uuid, recorded_elsewhere=True) == world.case
    assert views_of(world.case) == []


def test_the_participant_opens_their_own_case_with_one_view(world):
    me = open_own_case(asking(world.participant_user))
    assert me == world.case
    assert len(views_of(world.case)) == 1
    open_own_case(asking(world.participant_user, "post"))
    assert len(views_of(world.case)) == 1


def test_staff_have_no_own_case(world):
    for staff in (world.coach, world.supervisor, world.county_admin, world.sysadmin):
        with pytest.raises(Http404):
            open_own_case(asking(staff))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_staff_linked_to_a_participant_record_still_have_no_own_case(world):
    # Even if a record were wrongly linked to a staff account, the portal's accessor is
    # for participants only.
    Participant.objects.filter(pk=world.case.pk).update(user=world.coach)
    with pytest.raises(Http404):
        open_own_case(asking(world.coach))


def test_viewed_records_a_participant_reached_through_another_record(world):
    person = access.get_visible_or_404(participants(), world.coach, uuid=world.case.uuid)
    viewed(asking(world.coach), person)
    viewed(asking(world.coach, "post"), person)
    assert len(views_of(world.case)) == 1


def test_nobody_signed_out_opens_a_case(world):
    with pytest.raises(Http404):
        open_case(asking(AnonymousUser()), world.case.uuid)
    with pytest.raises(Http404):
        open_own_case(asking(AnonymousUser()))


def test_a_refused_send_shown_again_is_one_view_and_a_get_is_not_counted_twice(world):
    posted = asking(world.coach, "post")
    person = open_case(posted, world.case.uuid)
    shown_again(posted, person)
    assert len(views_of(world.case)) == 1
    got = asking(world.coach)
    shown_again(got, open_case(got, world.case.uuid))
    assert len(views_of(world.case)) == 2
