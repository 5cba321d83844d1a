from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from stride.reminders import quiet

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_a_zip_code_gives_its_households_time_zone():
    assert quiet.zone_for_zip("10001") == NEW_YORK
    assert quiet.zone_for_zip("93721-1234") == LOS_ANGELES


def test_an_unknown_zip_falls_back_to_the_projects_zone(settings):
    assert quiet.zone_for_zip("") == ZoneInfo(settings.TIME_ZONE)
    assert quiet.zone_for_zip("00000") == ZoneInfo(settings.TIME_ZONE)


def test_a_message_in_the_day_goes_when_it_is_due():
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)
    assert quiet.next_allowed(noon, NEW_YORK) == noon


def test_a_message_due_late_in_the_evening_waits_for_eight_the_next_morning():
    late = datetime(2026, 3, 10, 22, 30, tzinfo=NEW_YORK)
    assert quiet.next_allowed(late, NEW_YORK) == datetime(2026, 3, 11, 8, 0, tzinfo=NEW_YORK)


def test_a_message_due_before_dawn_waits_for_eight_the_same_morning():
    early = datetime(2026, 3, 10, 5, 15, tzinfo=NEW_YORK)
    assert quiet.next_allowed(early, NEW_YORK) == datetime(2026, 3, 10, 8, 0, tzinfo=NEW_YORK)


def test_the_households_clock_decides_not_the_servers():
    # 7 pm in California is 10 pm in New York: quiet there, not here.
    moment = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    assert quiet.next_allowed(moment, LOS_ANGELES) == moment
    assert quiet.next_allowed(moment, NEW_YORK) == datetime(2026, 3, 11, 8, 0, tzinfo=NEW_YORK)


def test_a_countys_own_quiet_hours_apply():
    at = datetime(2026, 3, 10, 20, 30, tzinfo=NEW_YORK)
    assert quiet.next_allowed(at, NEW_YORK, time(20, 0), time(9, 0)) == datetime(
        2026, 3, 11, 9, 0, tzinfo=NEW_YORK
    )
    assert not quiet.is_quiet(time(12, 0), time(13, 0), time(13, 0))
