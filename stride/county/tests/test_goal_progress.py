"""A county goal follows a live measure: its figure each month for the whole county, the
straight path from its baseline to its target, and whether it is on track, in plain words.

The families and their sessions are made through the real actions with the clock frozen, so
every figure is worked out by hand: the county holds world.case and three families, all on
aid since 2025 (four families enrolled every month); the goal aims program engagement from
25% in January 2027 to 75% in June 2027, a path of 25, 35, 45, 55, 65 and 75%.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, open_case
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.county import actions, goals
from stride.county.goals import Standing
from stride.county.live import Reading
from stride.county.models import CountyGoal

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC), tick=False
    )


@pytest.fixture
def families(world):
    with on(date(2026, 7, 1)):
        return [
            open_case(world.coach, f"FR{2000 + n:07d}", world.county, world.program, world.coach, name)
            for n, name in enumerate(["Ana", "Bea", "Cruz"])
        ]  # fmt: skip


def session(world, person, day: date) -> None:
    with on(day, 15):
        coaching.record_session(
            Actor(world.coach),
            person,
            coaching.SessionDetails(
                held_at=datetime(day.year, day.month, day.day, 9, tzinfo=PACIFIC),
                mode=CoachingSession.Mode.IN_PERSON,
                minutes=30,
            ),
        )


def a_goal(world, measure="engagement", activity="", **changes) -> CountyGoal:
    details = {
        "measure": measure,
        "baseline": Decimal("25"),
        "target_kind": "reach",
        "target": Decimal("75"),
        "deadline": date(2027, 6, 30),
        "review_every": "quarter",
        "activity": activity,
    } | changes
    with on(date(2027, 1, 15)):
        return actions.set_county_goal(
            Actor(world.county_admin), world.county, actions.GoalDetails(**details)
        )


@pytest.fixture
def engaged(world, families):
    """Sessions: Ana in January; Ana in February; Ana and Bea in March; Cruz on 2 April."""
    ana, bea, cruz = families
    session(world, ana, date(2027, 1, 12))
    session(world, ana, date(2027, 2, 3))
    session(world, ana, date(2027, 3, 4))
    session(world, bea, date(2027, 3, 20))
    session(world, cruz, date(2027, 4, 2))
    return families


def test_the_path_runs_straight_from_the_baseline_to_the_target(world):
    goal = a_goal(world)
    assert [goals.expected_level(goal, date(2027, m, 1)) for m in range(1, 8)] == [
        Decimal(v) for v in ("25.0", "35.0", "45.0", "55.0", "65.0", "75.0", "75")
    ]
    assert goals.expected_level(goal, date(2026, 12, 1)) == Decimal("25.0")


def test_a_goal_is_judged_on_its_last_full_month_never_past_its_deadline(world):
    goal = a_goal(world)
    assert goals.judged_month(goal, date(2027, 1, 31)) is None  # January is not over
    assert goals.judged_month(goal, date(2027, 3, 10)) == date(2027, 2, 1)
    assert goals.judged_month(goal, date(2027, 9, 1)) == date(2027, 6, 1)


@pytest.mark.parametrize(
    ("numerator", "standing"),
    [
        (1, Standing.NOT_YET),
        (2, Standing.ON_TRACK),
        (3, Standing.MET),
        (None, Standing.NOT_COUNTED),
    ],
)
def test_on_track_means_at_or_above_the_path(world, numerator, standing):
    goal = a_goal(world)  # March: the path asks for 45%, the target is 75%
    march = date(2027, 3, 1)
    readings = {} if numerator is None else {march: Reading(march, numerator, 4)}
    assert goals.progress(goal, readings, date(2027, 4, 2)).standing == standing


def test_the_goal_page_draws_the_live_measure_month_by_month_with_its_table(
    world, engaged, client_for
):
    goal = a_goal(world)
    with on(date(2027, 3, 10)):
        page = client_for(world.supervisor).get(reverse("county:goal", kwargs={"uuid": goal.uuid}))
    progress, chart = page.context["progress"], page.context["chart"]
    assert (progress.month, progress.reading.percent, progress.expected) == (
        date(2027, 2, 1), Decimal("25.0"), Decimal("35.0"),
    )  # fmt: skip
    assert progress.standing == Standing.NOT_YET
    shares = [(m.month, m.reading and m.reading.percent, m.so_far) for m in chart.months]
    assert shares[0] == (date(2026, 8, 1), Decimal("0.0"), False)  # five months before
    assert shares[5:9] == [
        (date(2027, 1, 1), Decimal("25.0"), False),
        (date(2027, 2, 1), Decimal("25.0"), False),
        (date(2027, 3, 1), Decimal("50.0"), True),  # the month we are in, so far
        (date(2027, 4, 1), None, False),
    ]
    assert len(chart.months) == 11  # August 2026 to June 2027, the deadline's month
    html = page.content.decode()
    assert "Not on track yet" in html
    assert "In February 2027 it stood at 25.0%. The path to the target asked for 35.0%" in html
    assert '<th scope="row">March 2027 (so far)</th>' in html and "2 of 4" in html
    assert 'points="161,75.0 191,65.0 221,55.0 251,45.0 281,35.0 311,25.0"' in html
    assert reverse("staff:measure", kwargs={"key": "engagement"}) in html


def test_the_goals_page_shows_each_goal_on_track_or_not_yet(world, engaged, client_for):
    overall = a_goal(world)
    job_search = a_goal(world, activity="job_search", target=Decimal("60"))  # path: 39% in March
    with on(date(2027, 4, 2)):
        page = client_for(world.county_admin).get(reverse("county:goals"))
    (row,) = page.context["rows"]
    (activity_row,) = page.context["activity_rows"]
    assert (row.goal, row.progress.reading.percent, row.progress.words) == (
        overall, Decimal("50.0"), "On track",
    )  # fmt: skip
    assert (activity_row.goal, activity_row.progress.standing) == (job_search, Standing.ON_TRACK)
    html = page.content.decode()
    assert "Job search and job readiness" in html and "50.0%" in html
    assert [r.goal for r in page.context["schedule"]] == [overall, job_search]


def test_the_goals_page_reads_each_measure_once_however_many_goals_follow_it(
    world, engaged, client_for
):
    a_goal(world)
    a_goal(world, measure="pairing", target_kind="improve", target=Decimal("10"))

    def counted() -> int:
        with on(date(2027, 4, 2)):
            client = client_for(world.county_admin)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("county:goals")).status_code == 200
        return len(data_queries(captured))

    counted()
    two = counted()
    a_goal(world, activity="education")
    a_goal(world, measure="pairing", activity="orientation", review_every="year")
    assert (two, counted()) == (two, two)


def test_a_goal_follows_only_a_live_share_where_more_is_better(world):
    with pytest.raises(actions.ValidationError) as refused:
        a_goal(world, measure="ladder-none")
    assert list(refused.value.error_dict) == ["measure"]
    with pytest.raises(actions.ValidationError) as refused:
        a_goal(world, activity="knitting")
    assert list(refused.value.error_dict) == ["activity"]


def test_a_county_administrator_sets_a_goal_for_a_program_activity(world, client_for):
    with on(date(2027, 1, 15)):
        response = client_for(world.county_admin).post(
            reverse("county:activity_goal_new"),
            {
                "activity": "subsidised",
                "measure": "work-rate",
                "baseline": "20",
                "target_kind": "improve",
                "target": "25",
                "deadline": "2027-12-31",
                "review_every": "half_year",
            },
        )
    goal = CountyGoal.objects.get()
    assert response["Location"] == reverse("county:goal", kwargs={"uuid": goal.uuid})
    assert (goal.activity, goal.measure, goals.target_level(goal)) == (
        "subsidised", "work-rate", Decimal("25.0"),
    )  # fmt: skip


def test_a_review_starts_from_the_last_full_month_and_what_it_says(world, engaged, client_for):
    goal = a_goal(world)
    with on(date(2027, 4, 2)):
        page = client_for(world.county_admin).get(
            reverse("county:goal", kwargs={"uuid": goal.uuid})
        )
    form = page.context["form"]
    assert (form["value_now"].initial, form["standing"].initial) == (Decimal("50.0"), "on_track")


def test_the_goal_page_runs_the_same_queries_whatever_its_months_and_reviews(
    world, engaged, client_for
):
    goal = a_goal(world)

    def counted(day: date) -> int:
        with on(day):
            client = client_for(world.county_admin)
            with CaptureQueriesContext(connection) as captured:
                url = reverse("county:goal", kwargs={"uuid": goal.uuid})
                assert client.get(url).status_code == 200
        return len(data_queries(captured))

    counted(date(2027, 2, 2))
    early = counted(date(2027, 2, 2))
    for day in (date(2027, 2, 20), date(2027, 3, 20), date(2027, 4, 20)):
        with on(day):
            actions.review_county_goal(
                Actor(world.county_admin),
                goal,
                actions.ReviewDetails(day, Decimal("30"), "on_track"),
            )
    assert counted(date(2027, 5, 2)) == early


def test_in_spanish_the_words_are_spanish_and_the_chart_keeps_its_machine_numbers(
    world, engaged, client_for
):
    goal = a_goal(world)
    with on(date(2027, 3, 10)):
        client = client_for(world.supervisor)
        client.cookies.load({"django_language": "es"})
        html = client.get(reverse("county:goal", kwargs={"uuid": goal.uuid})).content.decode()
    assert "Todavía no va por buen camino" in html
    assert "estaba en 25,0%" in html
    assert 'points="161,75.0 191,65.0 221,55.0 251,45.0 281,35.0 311,25.0"' in html
