"""Jobs started, moves from subsidised to unsubsidised work, education or training completed,
and movement up the bridge: each counted on families whose answers are worked out by hand.

As in test_measures, the clock is frozen at moments in 2026 while the records are made through
the real actions, and the measures are read for April, May and June 2026.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries, make_user, open_case
from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.core import access
from stride.core.audit import Actor
from stride.core.models import Role
from stride.measures import bridge, education, employment
from stride.measures.catalogue import BY_KEY, MEASURES
from stride.measures.county_figures import FIGURES
from stride.measures.figures import ALL
from stride.participation import actions as participation
from stride.participation.models import ActivityPlan, WorkActivity
from stride.people.models import Participant

from .test_measures import JUNE, MONTHS, counts, family, job, on, rates, team_scope

pytestmark = pytest.mark.django_db
W = WorkActivity


def plan(world, person: Participant, kind: str, starts_on: date) -> ActivityPlan:
    with on(date(2026, 6, 25)):
        return participation.add_plan(
            Actor(world.coach),
            person,
            participation.Plan(job(world, kind), starts_on, Decimal("20"), (0, 1, 2, 3, 4)),
        )


def end(world, made: ActivityPlan, day: date, outcome: str = "") -> None:
    made.refresh_from_db()
    with on(date(2026, 6, 25)):
        participation.end_plan(Actor(world.coach), made, day, made.version, outcome)


def kern_family(world) -> Participant:
    with on(date(2026, 3, 2)):
        return open_case(
            world.other_county_coach, "KE1000009", world.other_county, world.program,
            world.other_county_coach,
        )  # fmt: skip


# --- Jobs started, and moves from subsidised to unsubsidised work -----------------------------


def _jobs(world) -> dict[str, Participant]:
    """Ana starts a job in April and, in May, a new schedule for it straight after the first;
    Bea leaves subsidised work on 14 May for a job on the 15th; Cruz (the other coach's) starts a
    job on 20 May, 50 days after subsidised work ended; Dora, who had a job until February, starts
    one on 1 June while her subsidised schedule runs on; Eve only looks for work. Kern's family
    starts a job in May."""
    ana, bea = family(world, 1, "Ana"), family(world, 2, "Bea")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    dora, eve = family(world, 4, "Dora"), family(world, 5, "Eve")
    first = plan(world, ana, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 4, 6))
    end(world, first, date(2026, 5, 10))
    plan(world, ana, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 5, 11))
    end(world, plan(world, bea, W.SUBSIDIZED_PRIVATE, date(2026, 3, 2)), date(2026, 5, 14), "left")
    plan(world, bea, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 5, 15))
    end(world, plan(world, cruz, W.SUBSIDIZED_PUBLIC, date(2026, 1, 5)), date(2026, 3, 31))
    plan(world, cruz, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 5, 20))
    end(world, plan(world, dora, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 1, 5)), date(2026, 2, 27))
    plan(world, dora, W.SUBSIDIZED_PRIVATE, date(2026, 3, 2))
    plan(world, dora, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 6, 1))
    plan(world, eve, W.JOB_SEARCH, date(2026, 5, 4))
    kern = kern_family(world)
    with on(date(2026, 6, 25)):
        kern_job = participation.add_activity(
            Actor(world.other_county_coach),
            world.other_county,
            participation.ActivityDetails("Paid job", W.UNSUBSIDIZED_EMPLOYMENT),
        )
        participation.add_plan(
            Actor(world.other_county_coach),
            kern,
            participation.Plan(kern_job, date(2026, 5, 4), Decimal("30"), (0, 1, 2, 3, 4)),
        )
    return {"ana": ana, "bea": bea, "cruz": cruz, "dora": dora, "kern": kern}


def test_a_job_started_counts_once_and_a_schedule_straight_after_another_is_the_same_job(world):
    _jobs(world)
    scope = team_scope(world)
    assert counts(employment.count_entries(scope, MONTHS, ALL)) == [1, 2, 1]
    by_coach = employment.count_entries(scope, MONTHS, "coach")
    assert counts(by_coach, world.coach.pk) == [1, 1, 1]
    assert counts(by_coach, world.coach_same_team.pk) == [0, 1, 0]
    assert employment.EMPLOYMENT_ENTRIES.count(scope, MONTHS, ALL)[ALL][JUNE].denominator is None


def test_a_move_is_a_job_started_within_31_days_of_subsidised_work_ending(world):
    _jobs(world)
    scope = team_scope(world)
    assert counts(employment.count_moves(scope, MONTHS, ALL)) == [0, 1, 0]
    # A job started before subsidised work ends, which ends later the same month, is a move too.
    dora = Participant.objects.get(member__first_name="Dora")
    end(world, ActivityPlan.objects.get(participant=dora, ends_on=None, activity__federal_activity=W.SUBSIDIZED_PRIVATE), date(2026, 6, 12))  # fmt: skip
    assert counts(employment.count_moves(scope, MONTHS, ALL)) == [0, 1, 1]


def test_each_reader_counts_only_the_jobs_of_the_families_they_may_read(world):
    _jobs(world)
    theirs = access.visible_to(Participant.objects.all(), world.coach_same_team)
    assert counts(employment.count_entries(theirs, MONTHS, ALL)) == [0, 1, 0]
    kern = access.visible_to(Participant.objects.all(), world.other_county_admin)
    assert counts(employment.count_entries(kern, MONTHS, ALL)) == [0, 1, 0]
    assert counts(employment.count_moves(kern, MONTHS, ALL)) == [0, 0, 0]
    participant = access.visible_to(Participant.objects.all(), world.participant_user)
    assert counts(employment.count_entries(participant, MONTHS, ALL)) == [0, 0, 0]


# --- Education or training completed ----------------------------------------------------------


def test_education_completed_counts_schedules_the_coach_ended_as_completed(world):
    ana, bea = family(world, 1, "Ana"), family(world, 2, "Bea")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    dora, eve = family(world, 4, "Dora"), family(world, 5, "Eve")
    completed = ActivityPlan.Outcome.COMPLETED
    end(world, plan(world, ana, W.VOCATIONAL_TRAINING, date(2026, 2, 2)), date(2026, 4, 30), completed)  # fmt: skip
    # Two completed in May by one family: the family once.
    end(world, plan(world, bea, W.SCHOOL_ATTENDANCE, date(2026, 1, 5)), date(2026, 5, 15), completed)  # fmt: skip
    end(world, plan(world, bea, W.JOB_SKILLS_TRAINING, date(2026, 3, 2)), date(2026, 5, 20), completed)  # fmt: skip
    end(world, plan(world, cruz, W.EDUCATION_FOR_WORK, date(2026, 3, 2)), date(2026, 5, 10), "left")  # fmt: skip
    end(world, plan(world, cruz, W.EDUCATION_FOR_WORK, date(2026, 5, 11)), date(2026, 6, 10), completed)  # fmt: skip
    end(world, plan(world, dora, W.VOCATIONAL_TRAINING, date(2026, 3, 2)), date(2026, 6, 10))  # fmt: skip
    end(world, plan(world, eve, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 3, 2)), date(2026, 6, 3), completed)  # fmt: skip
    scope = team_scope(world)
    assert counts(education.count(scope, MONTHS, ALL)) == [1, 1, 1]
    by_coach = education.count(scope, MONTHS, "coach")
    assert counts(by_coach, world.coach.pk) == [1, 1, 0]
    assert counts(by_coach, world.coach_same_team.pk) == [0, 0, 1]
    kern = access.visible_to(Participant.objects.all(), world.other_county_admin)
    assert counts(education.count(kern, MONTHS, ALL)) == [0, 0, 0]


# --- Movement up the bridge -------------------------------------------------------------------


def finished_bridge(world, person: Participant, day: date, level: int, raised=()) -> None:
    """A bridge finished on `day`, every part at `level` but those in `raised`, one higher."""
    instrument = catalogue().latest("bridge")
    actor = Actor(person.coach)

    def choose(item, values):
        wanted = level + 1 if item.key in raised else level
        return wanted if wanted in values else values[0]

    with on(day):
        response = assessments.start(actor, person, instrument, "with_coach")
        response = assessments.save_answers(
            actor, response, answer_all(instrument, choose), response.version
        )
        assessments.finish(actor, response, response.version)


def test_bridge_movement_compares_the_months_last_bridge_with_the_earliest_in_the_window(world):
    ana, bea = family(world, 1, "Ana"), family(world, 2, "Bea")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    dora = family(world, 4, "Dora")
    # Ana: a pillar up in April against January.
    finished_bridge(world, ana, date(2026, 1, 15), 2)
    finished_bridge(world, ana, date(2026, 4, 20), 3)
    # Bea: nothing a month or more before her April and May bridges; June is compared with
    # April (the earliest in the window), not May, and is a level up.
    finished_bridge(world, bea, date(2026, 4, 10), 2)
    finished_bridge(world, bea, date(2026, 5, 5), 3)
    finished_bridge(world, bea, date(2026, 6, 12), 3)
    # Cruz: two parts of a pillar up, but its mean stays on level 2.
    finished_bridge(world, cruz, date(2026, 3, 1), 2)
    finished_bridge(world, cruz, date(2026, 5, 20), 2, raised=("housing", "parenting"))
    # Dora: up early in May, back down by the month's last bridge, which is the one counted.
    finished_bridge(world, dora, date(2026, 2, 10), 2)
    finished_bridge(world, dora, date(2026, 5, 3), 3)
    finished_bridge(world, dora, date(2026, 5, 28), 2)
    # An earlier bridge more than six months before is not compared.
    eve = family(world, 5, "Eve")
    finished_bridge(world, eve, date(2025, 10, 1), 1)
    finished_bridge(world, eve, date(2026, 4, 2), 4)
    kern = kern_family(world)
    finished_bridge(world, kern, date(2026, 1, 5), 1)
    finished_bridge(world, kern, date(2026, 5, 5), 5)

    scope = team_scope(world)
    assert rates(bridge.count(scope, MONTHS, ALL)) == [(1, 1), (0, 2), (1, 1)]
    by_coach = bridge.count(scope, MONTHS, "coach")
    assert rates(by_coach, world.coach.pk) == [(1, 1), (0, 1), (1, 1)]
    assert rates(by_coach, world.coach_same_team.pk) == [(0, 0), (0, 1), (0, 0)]
    kern_scope = access.visible_to(Participant.objects.all(), world.other_county_admin)
    assert rates(bridge.count(kern_scope, MONTHS, ALL)) == [(0, 0), (1, 1), (0, 0)]


def test_the_same_day_some_months_before():
    assert bridge.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert bridge.months_before(date(2026, 5, 15), 1) == date(2026, 4, 15)
    assert bridge.months_before(date(2026, 1, 10), 6) == date(2025, 7, 10)


# --- In the catalogue, and as a county's goal -------------------------------------------------


def test_the_four_are_in_the_catalogue_and_bridge_movement_can_be_a_county_goal(world):
    keys = ["employment-entries", "subsidized-to-unsubsidized", "education-completions"]
    keys.append("bridge-movement")
    assert all(key in BY_KEY for key in keys)
    assert [m.key for m in MEASURES if m.key in keys] == keys
    goals = {live.key for live in FIGURES.goal_measures()}
    assert "bridge-movement" in goals and "employment-entries" not in goals
    _jobs(world)
    readings = FIGURES.readings(world.county, ["employment-entries"], MONTHS)
    assert [readings["employment-entries"][m].numerator for m in MONTHS] == [1, 2, 1]


# --- Their pages and the API ------------------------------------------------------------------

NEW = ["employment-entries", "subsidized-to-unsubsidized", "education-completions"]
NEW.append("bridge-movement")


def page_rows(response) -> list[tuple[str, int, int | None]]:
    return [(r.name, r.figure.numerator, r.figure.denominator) for r in response.context["rows"]]


def test_each_new_measure_has_its_page_by_group_for_whoever_reads_the_measures(world, client_for):
    _jobs(world)
    url = reverse("staff:measure", args=["employment-entries"])
    with on(date(2026, 6, 20)):
        county = client_for(world.county_admin).get(url, {"by": "coach", "month": "2026-05"})
        team = client_for(world.supervisor).get(url, {"by": "team", "month": "2026-05"})
        state = client_for(world.state_admin).get(url, {"by": "county", "month": "2026-05"})
        kern = client_for(world.other_county_admin).get(url, {"by": "team", "month": "2026-05"})
    assert page_rows(county) == [("Coach Same Team Tester", 1, None), ("Coach Tester", 1, None)]
    assert page_rows(team) == [("Team A", 2, None)]
    assert page_rows(state) == [("Fresno County", 2, None), ("Kern County", 1, None)]
    assert page_rows(kern) == [("Kern Team", 1, None)]
    page = county.content.decode()
    assert str(employment.EMPLOYMENT_ENTRIES.definition.numerator) in page
    assert "<svg" in page and "<table" in page
    for key in NEW:
        with on(date(2026, 6, 20)):
            shown = client_for(world.county_admin).get(reverse("staff:measure", args=[key]))
        assert shown.status_code == 200, key
        for person in (world.coach, world.sysadmin, world.participant_user):
            refused = client_for(person).get(reverse("staff:measure", args=[key]))
            assert refused.status_code == 403


def test_a_new_measures_page_makes_the_same_number_of_queries_for_more_families(world, client_for):
    admin = client_for(world.county_admin)
    counted: dict[str, list[int]] = {key: [] for key in NEW}
    for size in (1, 4):
        coach = make_user(f"coach_{size}", Role.COACH, world.team)
        for number in range(size):
            person = family(world, size * 10 + number, f"Pat{size}{number}", coach=coach)
            plan(world, person, W.UNSUBSIDIZED_EMPLOYMENT, date(2026, 5, 4 + number))
            finished_bridge(world, person, date(2026, 2, 2), 2)
            finished_bridge(world, person, date(2026, 5, 6), 3)
        for key in NEW:
            url = reverse("staff:measure", args=[key])
            with on(date(2026, 6, 20)), CaptureQueriesContext(connection) as captured:
                assert admin.get(url, {"by": "coach"}).status_code == 200
            counted[key].append(len(data_queries(captured)))
    assert {key: found[0] == found[1] for key, found in counted.items()} == dict.fromkeys(NEW, True)


def test_the_api_lists_the_new_measures_with_their_months(world):
    _jobs(world)
    client = APIClient()
    client.force_authenticate(world.county_admin)
    with on(date(2026, 6, 20)):
        listed = client.get(reverse("api:measure-list")).json()
        moves = client.get(
            reverse("api:measure-detail", args=["subsidized-to-unsubsidized"]),
            {"by": "coach", "month": "2026-05"},
        ).json()
    found = {m["key"]: m for m in listed}
    assert set(NEW) <= set(found)
    entries = found["employment-entries"]["months"]
    assert [m["numerator"] for m in entries[-3:]] == [1, 2, 1]
    assert found["bridge-movement"]["definition"]["denominator"]
    assert [(g["name"], g["numerator"]) for g in moves["groups"]] == [
        ("Coach Same Team Tester", 0),
        ("Coach Tester", 1),
    ]
