"""Goal setting's step 5 (the measures a county follows for its families' progress) and the
logic model (initiatives, their activities, outputs and outcome measures).

The figures are worked out by hand: the county holds world.case and two families on aid since
2025 (three enrolled); in March 2027 one of them had a session and two steps were marked done.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, open_case
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.county import actions
from stride.county.models import ClientMeasure, Initiative, InitiativeActivity

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC), tick=False
    )


@pytest.fixture
def march(world):
    """Ana has a session on 4 March 2027 and marks two steps of her goal done that day."""
    with on(date(2026, 7, 1)):
        ana = open_case(world.coach, "FR0003001", world.county, world.program, world.coach, "Ana")
        open_case(world.coach, "FR0003002", world.county, world.program, world.coach, "Bea")
    with on(date(2027, 3, 4), 15):
        coaching.record_session(
            Actor(world.coach),
            ana,
            coaching.SessionDetails(
                held_at=datetime(2027, 3, 4, 9, tzinfo=PACIFIC),
                mode=CoachingSession.Mode.IN_PERSON,
                minutes=30,
            ),
        )
        goal = coaching.set_goal(
            Actor(world.coach), ana, coaching.GoalDetails("A job near home", "work")
        )
        for what in ("Update the résumé", "Call two employers"):
            step = coaching.add_step(Actor(world.coach), goal, coaching.StepDetails(what))
            coaching.mark_step(Actor(world.coach), step, step.version, Step.Status.DONE)


def chosen(world, *keys: str) -> list[ClientMeasure]:
    with on(date(2027, 1, 15)):
        return actions.choose_client_measures(Actor(world.county_admin), world.county, keys)


def test_the_goals_page_shows_each_chosen_measure_for_the_last_full_month(world, march, client_for):
    chosen(world, "engagement", "steps-completed")
    with on(date(2027, 4, 2)):
        page = client_for(world.supervisor).get(reverse("county:goals"))
    shown = [(m.key, r.numerator, r.denominator) for m, r in page.context["client_measures"]]
    assert shown == [("engagement", 1, 3), ("steps-completed", 2, None)]
    html = page.content.decode()
    assert "33.3% (1 of 3)" in html
    assert reverse("staff:measure", kwargs={"key": "steps-completed"}) in html
    assert page.context["may_write"] is False


def test_choosing_again_adds_and_removes_each_with_its_audit_event(world, client_for):
    chosen(world, "engagement", "pairing")
    with on(date(2027, 1, 15)):
        response = client_for(world.county_admin).post(
            reverse("county:client_measures"), {"measures": ["pairing", "goals-set"]}
        )
    assert response.status_code == 302
    assert list(ClientMeasure.objects.values_list("measure", flat=True)) == ["pairing", "goals-set"]
    events = AuditEvent.objects.filter(record_type="ClientMeasure").order_by("pk")
    assert [e.action for e in events] == ["create", "create", "delete", "create"]


def test_only_measures_stride_counts_can_be_chosen(world):
    with pytest.raises(ValidationError) as refused:
        chosen(world, "happiness")
    assert list(refused.value.error_dict) == ["measures"]
    assert not ClientMeasure.objects.exists()


# The logic model


def test_a_county_administrator_builds_the_logic_model_and_each_outcome_links_to_its_measure(
    world, client_for
):
    client = client_for(world.county_admin)
    made = client.post(
        reverse("county:logic_model"),
        {"name": "Coaching in every office", "why": "Families set their own goals"},
    )
    initiative = Initiative.objects.get()
    here = reverse("county:initiative", kwargs={"uuid": initiative.uuid})
    assert made["Location"] == here
    added = client.post(
        here,
        {
            "name": "Weekly job club",
            "outputs": "Four sessions a month",
            "outcomes": ["engagement", "work-rate"],
        },
    )
    assert added["Location"] == here
    activity = InitiativeActivity.objects.get()
    assert (activity.initiative, activity.outcomes) == (initiative, ["engagement", "work-rate"])
    page = client.get(reverse("county:logic_model")).content.decode()
    assert "Coaching in every office" in page and "Four sessions a month" in page
    assert reverse("staff:measure", kwargs={"key": "work-rate"}) in page
    removed = client.post(
        reverse("county:initiative_activity_remove", kwargs={"uuid": activity.uuid})
    )
    assert removed["Location"] == here
    assert not InitiativeActivity.objects.exists()
    events = AuditEvent.objects.filter(record_type="InitiativeActivity")
    assert [e.action for e in events.order_by("pk")] == ["create", "delete"]


def test_an_activity_needs_its_outputs_and_outcome_measures(world):
    initiative = actions.add_initiative(Actor(world.county_admin), world.county, "Pilot", "")
    with pytest.raises(ValidationError) as refused:
        actions.add_initiative_activity(Actor(world.county_admin), initiative, "Job club", "", [])
    assert sorted(refused.value.error_dict) == ["outcomes", "outputs"]


def test_supervisors_read_the_logic_model_and_only_their_county_administrator_edits_it(
    world, client_for
):
    initiative = actions.add_initiative(Actor(world.county_admin), world.county, "Pilot", "")
    activity = actions.add_initiative_activity(
        Actor(world.county_admin), initiative, "Job club", "Four a month", ["engagement"]
    )
    url = reverse("county:initiative", kwargs={"uuid": initiative.uuid})
    remove = reverse("county:initiative_activity_remove", kwargs={"uuid": activity.uuid})
    supervisor = client_for(world.supervisor)
    shown = supervisor.get(url)
    assert shown.status_code == 200 and shown.context["form"] is None
    assert supervisor.post(url, {"name": "x", "outputs": "y"}).status_code == 403
    assert supervisor.post(remove).status_code == 403
    other = client_for(world.other_county_admin)
    assert other.get(url).status_code == 404 and other.post(remove).status_code == 404
    assert other.get(reverse("county:logic_model")).context["initiatives"] == []
    coach = client_for(world.coach)
    assert coach.get(reverse("county:logic_model")).status_code == 404
    assert coach.get(reverse("county:client_measures")).status_code == 404
    assert supervisor.get(reverse("county:client_measures")).status_code == 403
    assert InitiativeActivity.objects.count() == 1


def test_the_logic_model_runs_the_same_queries_however_many_initiatives_it_holds(world, client_for):
    def add(name: str) -> None:
        initiative = actions.add_initiative(Actor(world.county_admin), world.county, name, "")
        for each in ("Job club", "Résumé clinic"):
            actions.add_initiative_activity(
                Actor(world.county_admin), initiative, each, "Weekly", ["engagement", "pairing"]
            )

    client = client_for(world.county_admin)

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("county:logic_model")).status_code == 200
        return len(data_queries(captured))

    add("Pilot")
    one = counted()
    add("Supervisors first")
    add("Every office")
    assert counted() == one


def test_the_goals_page_reads_each_chosen_measure_once(world, march, client_for):
    chosen(world, "engagement")

    def counted() -> int:
        with on(date(2027, 4, 2)):
            client = client_for(world.county_admin)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("county:goals")).status_code == 200
        return len(data_queries(captured))

    counted()
    one = counted()
    chosen(world, "engagement", "steps-completed", "goals-set")
    more = counted()
    # Each further measure is read once for the whole county, in two queries (the families,
    # then their rows), whatever the number of families or goals.
    assert more == one + 4
    with on(date(2027, 4, 2)):
        open_case(world.coach, "FR0003003", world.county, world.program, world.coach, "Cruz")
    assert counted() == more


def test_the_logic_model_is_in_the_reports_menu_of_planning_readers_only(world, client_for):
    link = f'href="{reverse("county:logic_model")}"'
    assert link in client_for(world.supervisor).get(reverse("county:goals")).content.decode()
    assert link not in client_for(world.coach).get(reverse("staff:today")).content.decode()


def test_an_initiative_comes_out_with_its_activities_only_by_its_county_administrator(
    world, client_for
):
    initiative = actions.add_initiative(Actor(world.county_admin), world.county, "Pilot", "")
    actions.add_initiative_activity(
        Actor(world.county_admin), initiative, "Job club", "Four a month", ["engagement"]
    )
    url = reverse("county:initiative_remove", kwargs={"uuid": initiative.uuid})
    assert client_for(world.supervisor).post(url).status_code == 403
    assert client_for(world.other_county_admin).post(url).status_code == 404
    removed = client_for(world.county_admin).post(url)
    assert removed["Location"] == f"{reverse('county:logic_model')}?county={world.county.uuid}"
    assert not Initiative.objects.exists() and not InitiativeActivity.objects.exists()
    events = AuditEvent.objects.filter(action="delete").order_by("pk")
    assert [e.record_type for e in events] == ["InitiativeActivity", "Initiative"]


def test_the_initiative_and_measures_pages_run_the_same_queries_as_they_fill(world, client_for):
    initiative = actions.add_initiative(Actor(world.county_admin), world.county, "Pilot", "")
    client = client_for(world.county_admin)
    pages = [
        reverse("county:initiative", kwargs={"uuid": initiative.uuid}),
        reverse("county:client_measures"),
    ]

    def counted() -> list[int]:
        figures = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            figures.append(len(data_queries(captured)))
        return figures

    actions.add_initiative_activity(
        Actor(world.county_admin), initiative, "Job club", "Weekly", ["engagement"]
    )
    chosen(world, "engagement")
    before = counted()
    for each in ("Résumé clinic", "Mock interviews", "Child care fair"):
        actions.add_initiative_activity(
            Actor(world.county_admin), initiative, each, "Monthly", ["pairing", "work-rate"]
        )
    chosen(world, "engagement", "pairing", "goals-set")
    assert counted() == before
