"""The retention pages: the policy, holds, a dry run and its report, and the purge."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from conftest import data_queries, open_case
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people.models import Member
from stride.retention import actions, tasks
from stride.retention.models import Hold, Policy, Run

from .conftest import close, fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_connection(monkeypatch):
    """The worker runs inside the test's transaction; on PostgreSQL its check between tasks
    would close the test's own connection."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker() -> None:
    call_command(
        "task_worker", queue_name=tasks.QUEUE, batch=True, startup_delay=False, verbosity=0
    )


def later(years: int):
    """The clock `years` and a week on: every kind kept that long is due."""
    return time_machine.travel(timezone.now() + timedelta(days=366 * years + 7), tick=False)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(data_queries(captured))


def test_a_dry_run_then_the_purge_from_the_pages(world, closed, client_for):
    with later(6):
        admin = client_for(world.county_admin)  # signed in then: six years is past any session
        answer = admin.post(reverse("retention:runs"))
        dry = Run.objects.get()
        assert answer.url == reverse("retention:run", kwargs={"uuid": dry.uuid})
        assert b"run-progress" in admin.get(answer.url).content  # waiting for the worker
        run_worker()
        page = admin.get(answer.url).content.decode()
        assert "FR0000001" in page and "Apply the policy" in page
        assert Member.objects.get(pk=world.case.member_id).first_name == "Maria"
        sheet = admin.get(reverse("retention:run_csv", kwargs={"uuid": dry.uuid}))
        assert b"FR0000001" in b"".join(sheet.streaming_content)
        assert AuditEvent.objects.filter(action="export", participant=world.case.uuid).exists()

        refused = admin.post(reverse("retention:apply"), {})
        assert refused.status_code == 200 and Run.objects.count() == 1  # not confirmed
        answer = admin.post(reverse("retention:apply"), {"understood": "on"})
        purge = Run.objects.exclude(pk=dry.pk).get()
        assert not purge.dry_run
        run_worker()
        purge.refresh_from_db()
        assert purge.status == Run.Status.DONE and purge.done == purge.total == 1
        assert Member.objects.get(pk=world.case.member_id).first_name == ""
        assert "What was done" in admin.get(answer.url).content.decode()


def test_apply_asks_for_a_dry_run_first(world, client_for):
    admin = client_for(world.county_admin)
    page = admin.get(reverse("retention:apply")).content.decode()
    assert "Start with a dry run today" in page
    admin.post(reverse("retention:apply"), {"understood": "on"})
    assert not Run.objects.exists()


def test_the_county_sets_its_own_policy_and_is_told_what_it_may_not(world, client_for):
    admin = client_for(world.county_admin)
    url = reverse("retention:policy_edit", kwargs={"record_type": "goals"})
    page = admin.get(url).content.decode()
    assert 'value="delete"' not in page  # goals are counted: de-identify only
    refused = admin.post(url, {"years": "0", "action": "deidentify", "reason": ""})
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"years", "reason"}
    saved = admin.post(
        url, {"years": "7", "action": "deidentify", "reason": "The county's records schedule"}
    )
    assert saved.status_code == 302
    policy = Policy.objects.get(county=world.county, record_type="goals")
    assert policy.years == 7 and policy.changed_by == world.county_admin
    assert (
        "The county&#x27;s records schedule"
        in admin.get(reverse("retention:policy")).content.decode()
    )
    stale = admin.post(url, {"years": "8", "action": "deidentify", "reason": "x"})
    assert stale.status_code == 200  # the form had no version: someone saved meanwhile
    assert AuditEvent.objects.filter(record_type="Policy").count() == 1


def test_a_supervisor_places_and_lifts_a_hold_and_a_coach_sees_only_that_it_stands(
    world, client_for
):
    supervisor = client_for(world.supervisor)
    answer = supervisor.post(
        reverse("retention:hold_new", kwargs={"uuid": world.case.uuid}),
        {"reason": "Fair hearing 2291"},
    )
    assert answer.status_code == 302
    hold = Hold.objects.get()
    assert hold.placed_by == world.supervisor
    assert AuditEvent.objects.filter(record_type="Hold", participant=world.case.uuid).exists()
    profile = world.case.get_absolute_url()
    coach_sees = client_for(world.coach).get(profile).content.decode()
    assert "A legal hold stands" in coach_sees and "Fair hearing 2291" not in coach_sees
    assert "Place a legal hold" not in coach_sees
    assert "Fair hearing 2291" in supervisor.get(profile).content.decode()
    assert "Fair hearing 2291" in supervisor.get(reverse("retention:holds")).content.decode()
    lift = reverse("retention:hold_lift", kwargs={"uuid": hold.uuid})
    assert supervisor.post(lift, {"lifted_reason": ""}).status_code == 200
    assert supervisor.post(lift, {"lifted_reason": "The hearing ended"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == world.supervisor and hold.lifted_at is not None
    assert "A legal hold stands" not in client_for(world.coach).get(profile).content.decode()


def test_outsiders_get_nothing(world, closed, client_for):
    actor = Actor(world.county_admin)
    hold = actions.place_hold(actor, world.case, "Audit")
    made = Run.objects.create(county=world.county, as_of=timezone.localdate())
    pages = [
        reverse("retention:run", kwargs={"uuid": made.uuid}),
        reverse("retention:run_csv", kwargs={"uuid": made.uuid}),
    ]
    for url in pages:
        assert client_for(world.other_county_admin).get(url).status_code == 404
        assert client_for(world.coach).get(url).status_code == 403
        assert client_for(world.participant_user).get(url).status_code == 403
    lift = reverse("retention:hold_lift", kwargs={"uuid": hold.uuid})
    assert client_for(world.other_county_supervisor).get(lift).status_code == 404
    assert client_for(world.coach).post(lift, {"lifted_reason": "x"}).status_code == 403
    hold_new = reverse("retention:hold_new", kwargs={"uuid": world.case.uuid})
    assert client_for(world.other_county_admin).post(hold_new, {"reason": "x"}).status_code == 404
    assert client_for(world.coach).post(hold_new, {"reason": "x"}).status_code == 403
    assert Hold.objects.count() == 1
    other = client_for(world.other_county_admin)
    assert "Audit" not in other.get(reverse("retention:holds")).content.decode()


def test_the_pages_cost_the_same_queries_for_more_cases_and_holds(world, activity, client_for):
    actor = Actor(world.county_admin)

    def add_closed(number: int) -> None:
        person = open_case(world.coach, f"FR90{number:05d}", world.county, world.program,
                           world.coach, first_name=f"Family{number}")  # fmt: skip
        fill(world, person, activity)
        close(world, person, timezone.localdate())
        actions.place_hold(actor, person, "Audit") if number % 2 else None

    def costs() -> list[int]:
        from stride.retention import sweep

        with later(6):
            admin = client_for(world.county_admin)
            made = sweep.start(actor, world.county, True)
            sweep.execute(made, actor)
            return [
                queries(admin, reverse("retention:policy")),
                queries(admin, reverse("retention:holds")),
                queries(admin, reverse("retention:runs")),
                queries(admin, reverse("retention:run", kwargs={"uuid": made.uuid})),
                queries(admin, reverse("retention:apply")),
            ]

    add_closed(0)
    add_closed(1)
    few = costs()
    for number in range(2, 6):
        add_closed(number)
    many = costs()
    assert few == many
    assert max(many) <= 8, many  # [6, 6, 6, 8, 7] when written


def test_the_participants_audit_page_says_what_the_purge_did_in_words(world, closed, client_for):
    from stride.retention import sweep

    with later(6):
        supervisor = client_for(world.supervisor)
        actor = Actor(world.county_admin)
        made = sweep.start(actor, world.county, False)
        sweep.execute(made, actor)
        url = reverse("people:participant_audit", kwargs={"uuid": world.case.uuid})
        page = supervisor.get(url).content.decode()
    assert "Retention purge" in page
    assert "Kind of record" in page and "Goals, steps and achievements" in page
    assert "What was done" in page and "De-identify" in page
