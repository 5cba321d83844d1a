"""Appointments as .ics files and the participant's private calendar feed."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from conftest import data_queries
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails
from stride.coaching.models import Goal, Review
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.reminders import calendar
from stride.reminders.models import CalendarFeed

from .helpers import live_in

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=FRESNO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def a_meeting(world, appointment: datetime | None, held: datetime = NOW - timedelta(hours=1)):
    return coaching.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(held, "in_person", 45, next_appointment=appointment),
    )


def a_goal(world, words="Finish my GED, this spring; then college", target=date(2027, 4, 30)):
    return coaching.set_goal(
        Actor(world.coach), world.case, GoalDetails(words, "learning", target_date=target)
    )


def parsed(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def test_the_participant_downloads_their_next_appointment_in_their_own_time_zone(world, client_for):
    live_in(world.case, "10001", "en")  # New York
    meeting = a_meeting(world, datetime(2027, 3, 9, 14, 30, tzinfo=NEW_YORK))
    home = client_for(world.participant_user).get(reverse("portal:home")).content.decode()
    link = reverse("reminders:my_appointment_ics", kwargs={"uuid": meeting.uuid})
    assert link in home
    response = client_for(world.participant_user).get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    cal = parsed(response)
    (event,) = events(cal)
    assert str(event["uid"]) == f"appointment-{meeting.uuid}@stride"
    start = event.decoded("dtstart")
    assert start == datetime(2027, 3, 9, 14, 30, tzinfo=NEW_YORK)
    assert str(start.tzinfo) == "America/New_York"
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert event.decoded("dtend") - start == timedelta(hours=1)
    assert event.decoded("dtstamp") == NOW  # written in UTC
    assert b"DTSTAMP:20270301T170000Z\r\n" in response.content
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(event["summary"]) == "Meeting with your coach"
    assert "Lopez" not in response.content.decode() and "Maria" not in response.content.decode()


def test_the_file_is_rfc_5545_lines_crlf_and_folded_at_75_octets(world, client_for):
    live_in(world.case, "93721", "es")
    meeting = a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    content = (
        client_for(world.participant_user)
        .get(reverse("reminders:my_appointment_ics", kwargs={"uuid": meeting.uuid}))
        .content
    )
    assert content.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    lines = content.split(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long description is folded
    event = events(Calendar.from_ical(content))[0]
    # In the household's language, its comma and accents escaped and folded back whole.
    assert str(event["summary"]) == "Reunión con su coach"
    assert b"Reuni\xc3\xb3n con su coach" in content
    assert "\\," in content.decode() and ", " in str(event["description"])


def test_an_appointment_keeps_one_uid_in_every_file_and_in_the_feed(world, client_for):
    meeting = a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    first = events(calendar_of(world, meeting))[0]
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        again = events(calendar_of(world, meeting, NOW + timedelta(days=2)))[0]
        fed = events(Calendar.from_ical(calendar.feed_file(world.case, NOW + timedelta(days=2))))
    assert first["uid"] == again["uid"] == fed[0]["uid"]
    assert first.decoded("dtstamp") != again.decoded("dtstamp")


def calendar_of(world, meeting, now: datetime = NOW) -> Calendar:
    return Calendar.from_ical(calendar.appointment_file(world.case, meeting, now))


def test_the_coach_downloads_the_appointment_and_it_is_recorded_as_an_export(world, client_for):
    meeting = a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    page = client_for(world.coach).get(
        reverse("reminders:calendar", kwargs={"uuid": world.case.uuid})
    )
    link = reverse("reminders:appointment_ics", kwargs={"uuid": meeting.uuid})
    assert link in page.content.decode()
    response = client_for(world.coach).get(link)
    assert events(parsed(response))[0]["uid"] == f"appointment-{meeting.uuid}@stride"
    assert AuditEvent.objects.filter(
        action="export", participant=world.case.uuid, actor=world.coach
    ).exists()


def test_outsiders_and_other_participants_cannot_download_an_appointment(world, client_for):
    meeting = a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    staff_link = reverse("reminders:appointment_ics", kwargs={"uuid": meeting.uuid})
    own_link = reverse("reminders:my_appointment_ics", kwargs={"uuid": meeting.uuid})
    assert client_for(world.other_county_coach).get(staff_link).status_code == 404
    assert client_for(world.coach_same_team).get(staff_link).status_code == 404
    assert client_for(world.coach).get(own_link).status_code == 404
    assert client_for(world.participant_user).get(staff_link).status_code == 403


def test_a_meeting_without_a_next_appointment_has_no_file(world, client_for):
    meeting = a_meeting(world, None)
    link = reverse("reminders:my_appointment_ics", kwargs={"uuid": meeting.uuid})
    assert client_for(world.participant_user).get(link).status_code == 404


def make_link(client, url) -> str:
    page = client.post(url).content.decode()
    start = page.index('id="feed-url"')
    value = page[page.index('value="', start) + 7 :]
    return value[: value.index('"')]


def test_the_feed_lists_the_next_appointment_and_review_dates_without_names_or_plans(
    world, client_for
):
    live_in(world.case, "93721", "en")
    a_meeting(world, datetime(2027, 3, 2, 10, 0, tzinfo=FRESNO), held=NOW - timedelta(days=20))
    latest = a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    a_meeting(world, datetime(2027, 2, 27, 10, 0, tzinfo=FRESNO), held=NOW - timedelta(days=30))
    goal = a_goal(world)
    a_goal(world, "An old goal", target=date(2027, 2, 1))  # its date has passed
    url = make_link(client_for(world.participant_user), reverse("reminders:my_calendar"))
    assert url.startswith("http://") and "/calendar/" in url and url.endswith(".ics")
    response = Client().get(url)  # a phone's calendar: nobody signed in
    assert response.status_code == 200
    cal = parsed(response)
    assert cal.decoded("refresh-interval") == timedelta(hours=1)
    found = {str(event["uid"]): event for event in events(cal)}
    assert set(found) == {f"appointment-{latest.uuid}@stride", f"review-{goal.uuid}@stride"}
    review = found[f"review-{goal.uuid}@stride"]
    assert review.decoded("dtstart") == date(2027, 4, 30)
    assert review["dtstart"].params["VALUE"] == "DATE"
    text = response.content.decode()
    for private in ("Lopez", "Maria", "GED", "college", world.case.household.case_number):
        assert private not in text


def test_reading_the_feed_is_recorded_without_a_user(world, client_for):
    url = make_link(client_for(world.participant_user), reverse("reminders:my_calendar"))
    Client().get(url, REMOTE_ADDR="203.0.113.7")
    read = AuditEvent.objects.get(action="view", record_type="CalendarFeed")
    assert (read.actor, read.participant, read.channel) == (None, world.case.uuid, "calendar")
    assert read.ip_address == "203.0.113.7"


def test_only_the_hash_of_the_secret_is_kept_and_its_making_is_audited(world, client_for):
    url = make_link(client_for(world.participant_user), reverse("reminders:my_calendar"))
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(participant=world.case)
    assert secret not in feed.token_hash and len(feed.token_hash) == 64
    made = AuditEvent.objects.get(record_type="CalendarFeed", action="create")
    assert (made.actor, made.participant) == (world.participant_user, world.case.uuid)
    page = client_for(world.participant_user).get(reverse("reminders:my_calendar")).content
    assert secret not in page.decode()  # shown once, never again


def test_a_new_link_stops_the_old_one_at_once_like_an_unknown_one(world, client_for):
    old = make_link(client_for(world.participant_user), reverse("reminders:my_calendar"))
    assert Client().get(old).status_code == 200
    coach_page = reverse("reminders:calendar", kwargs={"uuid": world.case.uuid})
    new = make_link(client_for(world.coach), coach_page)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert Client().get(reverse("reminders:feed", kwargs={"secret": "made-up"})).status_code == 404
    assert CalendarFeed.objects.filter(participant=world.case).count() == 1
    reset = AuditEvent.objects.get(record_type="CalendarFeed", action="change")
    assert (reset.actor, reset.participant) == (world.coach, world.case.uuid)


def test_only_those_who_edit_the_case_make_a_new_link(world, client_for):
    coach_page = reverse("reminders:calendar", kwargs={"uuid": world.case.uuid})
    assert client_for(world.state_admin).post(coach_page).status_code == 403
    assert client_for(world.other_county_coach).post(coach_page).status_code == 404
    assert client_for(world.coach).post(make_sure_get := coach_page).status_code == 200
    assert "feed-url" not in client_for(world.state_admin).get(make_sure_get).content.decode()
    assert not AuditEvent.objects.filter(
        record_type="CalendarFeed", actor=world.state_admin
    ).exists()


def test_the_feed_speaks_spanish_to_a_spanish_speaking_household(world, client_for):
    live_in(world.case, "93721", "es")
    a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    a_goal(world)
    url = make_link(client_for(world.participant_user), reverse("reminders:my_calendar"))
    summaries = sorted(str(event["summary"]) for event in events(parsed(Client().get(url))))
    assert summaries == ["Reunión con su coach", "Revisar una meta con su coach"]


def test_goals_already_reached_have_no_review_date_in_the_feed(world):
    goal = a_goal(world)
    coaching.record_review(
        Actor(world.coach), goal, ReviewDetails("It went well", Review.Decision.ACHIEVED)
    )
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED
    assert events(Calendar.from_ical(calendar.feed_file(world.case, NOW))) == []


def calendar_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reminders:my_calendar"))
    assert response.status_code == 200
    return len(data_queries(queries))


# Session, user, the participant (with household), the view's audit event, the feed, the
# next appointment, the review dates, the postcard choice, and the session save.
CALENDAR_PAGE_QUERIES = 9


def test_the_calendar_page_makes_the_same_queries_for_one_goal_date_or_many(world, client_for):
    client = client_for(world.participant_user)
    a_meeting(world, datetime(2027, 3, 9, 10, 0, tzinfo=FRESNO))
    a_goal(world)
    assert calendar_page_queries(client) == CALENDAR_PAGE_QUERIES
    for day in (5, 6, 7):
        a_goal(world, f"Goal {day}", target=date(2027, 5, day))
    page = client.get(reverse("reminders:my_calendar")).content.decode()
    assert page.count("<li>") >= 4
    assert calendar_page_queries(client) == CALENDAR_PAGE_QUERIES
