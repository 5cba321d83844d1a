"""The supervisor's team view: each coach's counts, the names behind each, the team's year.

The clock is frozen at 20 June 2026 (records are made at earlier moments through the real
actions), so every count below is worked out by hand.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, make_user, open_case
from stride.benefits.models import CliffFlag
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.models import Role
from stride.people import actions as people

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 6, 20)


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC), tick=False
    )


def family(world, number: int, name: str, coach):
    with on(date(2026, 3, 2)):
        return open_case(
            coach, f"FR{2000 + number:07d}", world.county, world.program, coach, first_name=name
        )


def contact(world, person, day: date) -> None:
    with on(day, 15):
        coaching.record_session(
            Actor(person.coach),
            person,
            coaching.SessionDetails(
                datetime(day.year, day.month, day.day, 9, tzinfo=PACIFIC),
                CoachingSession.Mode.PHONE,
                20,
            ),
        )


def goal_with_step(person, set_on: date, due_on: date, done_on: date | None = None):
    actor = Actor(person.coach)
    with on(set_on):
        goal = coaching.set_goal(actor, person, coaching.GoalDetails("Finish my GED", "learning"))
        step = coaching.add_step(
            actor, goal, coaching.StepDetails("Call the school", due_on=due_on)
        )
    if done_on is not None:
        with on(done_on):
            coaching.mark_step(actor, step, step.version, "done")
    return goal


def near_a_cliff(person) -> CliffFlag:
    # The cliff watch writes these rows in the benefits worker (PolicyEngine); made here as
    # the watch makes them.
    return CliffFlag.objects.create(
        participant=person,
        kind=CliffFlag.Kind.NEAR,
        earnings=Decimal("20000"),
        start=Decimal("22000"),
        bottom=Decimal("23000"),
        cleared_at=Decimal("27000"),
        loss=Decimal("4000"),
        programs=[["tanf", 5000.0]],
        ended=["tanf"],
        computed_at=datetime(2026, 6, 1, tzinfo=PACIFIC),
    )


@pytest.fixture
def team(world):
    """The coach: world.case (never contacted), Ana (no contact, a goal stalled since April with
    a step past its date, near a cliff) and Bea (contacted this week, a step done this month,
    an incentive waiting). The other coach: Cruz, who came to them from the coach in May."""
    ana = family(world, 1, "Ana", world.coach)
    bea = family(world, 2, "Bea", world.coach)
    cruz = family(world, 3, "Cruz", world.coach)
    with on(date(2026, 5, 10)):
        people.reassign(Actor(world.supervisor), cruz, world.coach_same_team, "Closer to home")
    goal_with_step(ana, date(2026, 4, 1), due_on=date(2026, 6, 1))
    goal_with_step(bea, date(2026, 4, 1), due_on=date(2026, 6, 30), done_on=date(2026, 6, 1))
    goal_with_step(cruz, date(2026, 6, 10), due_on=date(2026, 6, 30))
    contact(world, bea, date(2026, 6, 18))
    contact(world, cruz, date(2026, 6, 1))
    near_a_cliff(ana)
    with on(date(2026, 6, 2)):
        coaching.recognise(Actor(world.coach), bea, "Started a job", incentive_amount=Decimal(50))
    return {"ana": ana, "bea": bea, "cruz": cruz}


def row_of(response, coach):
    return next(row for row in response.context["team"].coaches if row.coach == coach)


def test_a_supervisor_sees_each_coach_of_the_team_with_their_counts(world, client_for, team):
    with on(TODAY):
        response = client_for(world.supervisor).get(reverse("staff:team"))
    assert response.status_code == 200
    coaches = [row.coach for row in response.context["team"].coaches]
    assert coaches == [world.coach, world.coach_same_team]
    mine = row_of(response, world.coach)
    assert mine.counts == {
        "caseload": 3,
        "overdue": 2,  # world.case and Ana; Bea was contacted this week
        "stalled": 1,  # Ana's goal; Bea did a step on 1 June
        "steps": 1,  # Ana's step was for 1 June
        "cliff": 1,
        "pairing": 0,
        "incentives": 1,
    }
    theirs = row_of(response, world.coach_same_team)
    assert theirs.counts == {
        "caseload": 1,
        "overdue": 0,
        "stalled": 0,  # Cruz's goal is ten days old
        "steps": 0,
        "cliff": 0,
        "pairing": 1,
        "incentives": 0,
    }
    assert (mine.balance, theirs.balance) == (1, -1)  # the average is 2
    page = response.content.decode()
    overdue = reverse("staff:team_list", args=[world.coach.uuid, "overdue"])
    assert f'href="{overdue}">2</a>' in page
    assert "1 below" in page


def test_each_count_opens_the_names_behind_it(world, client_for, team):
    supervisor = client_for(world.supervisor)
    with on(TODAY):
        overdue = supervisor.get(reverse("staff:team_list", args=[world.coach.uuid, "overdue"]))
        pairing = supervisor.get(
            reverse("staff:team_list", args=[world.coach_same_team.uuid, "pairing"])
        )
        stalled = supervisor.get(reverse("staff:team_list", args=[world.coach.uuid, "stalled"]))
    names = [item.person.member.first_name for item in overdue.context["items"]]
    assert sorted(names) == ["Ana", "Maria"]
    assert team["ana"].get_absolute_url() in overdue.content.decode()
    assert [item.person for item in pairing.context["items"]] == [team["cruz"]]
    assert [item.on for item in pairing.context["items"]] == [date(2026, 5, 10)]
    assert [(item.person, item.what) for item in stalled.context["items"]] == [
        (team["ana"], "Finish my GED")
    ]


def test_every_list_agrees_with_its_count(world, client_for, team):
    from stride.measures.team import LISTS

    supervisor = client_for(world.supervisor)
    with on(TODAY):
        counts = row_of(supervisor.get(reverse("staff:team")), world.coach).counts
        for kind in LISTS:
            if kind == "participation":
                continue
            listed = supervisor.get(reverse("staff:team_list", args=[world.coach.uuid, kind]))
            assert listed.context["page"].paginator.count == counts[kind], kind


def test_a_coach_and_a_county_administrator_cannot_open_the_team_view(world, client_for, team):
    for person in (world.coach, world.county_admin, world.state_admin):
        client = client_for(person)
        assert client.get(reverse("staff:team")).status_code == 403
        url = reverse("staff:team_list", args=[world.coach.uuid, "caseload"])
        assert client.get(url).status_code == 403


def test_another_supervisor_sees_only_their_own_team(world, client_for, team):
    kern = client_for(world.other_county_supervisor)
    with on(TODAY):
        response = kern.get(reverse("staff:team"))
        assert [row.coach for row in response.context["team"].coaches] == [world.other_county_coach]
        url = reverse("staff:team_list", args=[world.coach.uuid, "caseload"])
        assert kern.get(url).status_code == 404
        # A supervisor of another team in the same county does not see this one either.
        other_team = make_user("team_b_supervisor", Role.SUPERVISOR, world.other_team_same_county)
        assert client_for(other_team).get(url).status_code == 404
        unknown_list = reverse("staff:team_list", args=[world.coach.uuid, "everything"])
        assert client_for(world.supervisor).get(unknown_list).status_code == 404


def test_the_team_view_makes_the_same_number_of_queries_for_a_bigger_team(world, client_for):
    supervisor = client_for(world.supervisor)
    counted = []
    for size in (1, 3):
        for number in range(size):
            coach = make_user(f"coach_{size}_{number}", Role.COACH, world.team)
            for index in range(size):
                person = family(
                    world, size * 100 + number * 10 + index, f"Pat{size}{number}{index}", coach
                )
                goal_with_step(person, date(2026, 4, 1), due_on=date(2026, 6, 1))
                contact(world, person, date(2026, 5, 1))
        with on(TODAY), CaptureQueriesContext(connection) as captured:
            assert supervisor.get(reverse("staff:team")).status_code == 200
        counted.append(len(data_queries(captured)))
    # Each count is one grouped query, each trend two to four: none per coach or family.
    assert counted == [25, 25]


def test_the_teams_year_is_drawn_with_its_table_and_definition(world, client_for, team):
    with on(TODAY):
        response = client_for(world.supervisor).get(reverse("staff:team"))
    trends = {trend.measure.key: trend for trend in response.context["team"].trends}
    engagement = trends["engagement"]
    assert len(engagement.months) == 12
    assert engagement.months[-1][0] == date(2026, 6, 1)
    # June: Bea and Cruz had a session, of the four families enrolled.
    assert (engagement.months[-1][1].numerator, engagement.months[-1][1].denominator) == (2, 4)
    assert engagement.bars[-1].value == 50
    assert engagement.bars[-1].height == 50
    steps = trends["steps-completed"]
    assert steps.months[-1][1].numerator == 1  # Bea's step on 1 June
    page = response.content.decode()
    assert 'class="stride-bars"' in page
    assert "Families with an enrollment open at any time in the month." in page
    assert "June 2026" in page


def test_the_numbers_in_the_charts_are_not_localised(world, client_for, team):
    client = client_for(world.supervisor)
    with on(TODAY):
        response = client.get(reverse("staff:team"), HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert "Mi equipo" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "," not in svg.split("<title")[0]


def test_the_supervisors_menu_has_the_team_and_the_gap_view(world, client_for):
    page = client_for(world.supervisor).get(reverse("people:caseload")).content.decode()
    assert f'href="{reverse("staff:team")}"' in page
    assert f'href="{reverse("resources:gaps")}"' in page
    coach_page = client_for(world.coach).get(reverse("people:caseload")).content.decode()
    assert reverse("staff:team") not in coach_page
    assert reverse("resources:gaps") not in coach_page
