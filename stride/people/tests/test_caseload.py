"""The coach's caseload: search, filters, sorting, pages, and a flat query count."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, open_case
from stride.people.demo import build_demo
from stride.people.models import Enrollment, Participant

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p.member.first_name for p in response.context["page"]]


@pytest.fixture
def caseload(world):
    for number, (first, last, born) in enumerate(
        [("Ana", "Zamora", date(1985, 1, 1)), ("Beth", "Young", date(1992, 1, 1)), ("Carmen", "Lopez", date(1999, 1, 1))],
        start=10,
    ):  # fmt: skip
        open_case(
            world.coach,
            f"FR00000{number}",
            world.county,
            world.program,
            world.coach,
            first,
            last,
            born,
        )
    return world


def test_a_coach_sees_only_their_caseload_with_every_column(caseload, client_for):
    response = client_for(caseload.coach).get(reverse("people:caseload"))
    assert names(response) == ["Carmen", "Maria", "Beth", "Ana"]  # by last name
    html = response.content.decode()
    for column in ["Household size", "Months on aid", "Assigned since", "Last contact"]:
        assert column in html
    assert "Reyes" not in html  # the other county's participant


def test_search_by_name_or_case_number(caseload, client_for):
    client = client_for(caseload.coach)
    assert names(client.get(reverse("people:caseload"), {"q": "lop"})) == ["Carmen", "Maria"]
    assert names(client.get(reverse("people:caseload"), {"q": "maria lopez"})) == ["Maria"]
    assert names(client.get(reverse("people:caseload"), {"q": "fr0000011"})) == ["Beth"]
    # Out of scope stays out of scope, even by exact case number.
    assert names(client.get(reverse("people:caseload"), {"q": "KE0000001"})) == []


def test_filter_by_status_and_program(caseload, client_for):
    Enrollment.objects.filter(participant__member__first_name="Beth").update(status="on_hold")
    client = client_for(caseload.coach)
    assert names(client.get(reverse("people:caseload"), {"status": "on_hold"})) == ["Beth"]
    assert len(names(client.get(reverse("people:caseload"), {"program": "calworks-wtw"}))) == 4
    assert names(client.get(reverse("people:caseload"), {"program": "nope"})) == [
        "Carmen",
        "Maria",
        "Beth",
        "Ana",
    ]  # fmt: skip  (an unknown choice is ignored, and the form says so)


def test_sort_by_months_on_aid_and_household_size(caseload, client_for):
    Enrollment.objects.filter(participant__member__first_name="Ana").update(
        aid_start=date(2020, 1, 1)
    )
    client = client_for(caseload.coach)
    assert names(client.get(reverse("people:caseload"), {"sort": "-months_on_aid"}))[0] == "Ana"
    assert names(client.get(reverse("people:caseload"), {"sort": "months_on_aid"}))[-1] == "Ana"
    assert names(client.get(reverse("people:caseload"), {"sort": "-name"}))[0] == "Ana"


def test_a_supervisor_filters_the_team_by_coach(caseload, client_for):
    open_case(
        caseload.supervisor,
        "FR0000020",
        caseload.county,
        caseload.program,
        caseload.coach_same_team,
        "Dee",
        "Ford",
    )
    client = client_for(caseload.supervisor)
    assert len(names(client.get(reverse("people:caseload")))) == 5
    only = names(client.get(reverse("people:caseload"), {"coach": "coach_same_team"}))
    assert only == ["Dee"]
    team = client.get(reverse("people:caseload")).context["team"]
    assert {row["coach__username"]: row["participants"] for row in team} == {
        "coach": 4,
        "coach_same_team": 1,
    }


def test_pages_of_25(db, client_for):
    build_demo(40, progress=lambda line: None)
    # `coach` of the demo is not the world's coach: use the demo's.
    from stride.core.models import User

    coach = User.objects.get(username="coach", organisation__name__contains="Coaching Team")
    client = client_for(coach)
    first = client.get(reverse("people:caseload"))
    total = Participant.objects.filter(coach=coach).count()
    assert first.context["page"].paginator.count == total
    assert len(first.context["page"]) == min(25, total)


def test_export_lists_the_filtered_caseload_and_audits_each_row(caseload, client_for):
    response = client_for(caseload.coach).get(reverse("people:caseload_export"), {"q": "lopez"})
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("Case number,First name")
    assert (
        len(lines) == 3 and "Carmen" in body and "123" not in body.split("\n", 1)[1].split(",")[0]
    )
    from stride.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="export").count() == 2


def caseload_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:caseload"), {"sort": "months_on_aid"})
    assert response.status_code == 200
    return len(data_queries(queries))


def profile_queries(client, participant) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff:participant", args=[participant.uuid]))
    assert response.status_code == 200
    return len(data_queries(queries))


@pytest.mark.parametrize("username", ["coach", "supervisor", "county-admin", "state-admin"])
def test_query_counts_do_not_grow_from_10_to_1000_households(db, client_for, username):
    from stride.core.models import User

    counts = []
    for households in (10, 1000):
        with transaction.atomic():
            build_demo(households, seed=households, progress=lambda line: None)
            client = client_for(User.objects.get(username=username))
            someone = Participant.objects.filter(coach__username="coach").first()
            counts.append((caseload_queries(client), profile_queries(client, someone)))
            transaction.set_rollback(True)
    assert counts[0] == counts[1], (
        f"(caseload, profile) queries at 10 and 1000 households: {counts}"
    )
    assert counts[0] == EXPECTED_QUERIES[username]


# (caseload, profile): session, user, the user's organisation (for subtree
# scopes), the page's own reads, the audit event of a profile view, the
# months on aid behind the profile's time clocks, the profile's cliff-watch
# flags, career plan and standing legal holds (one query each), and the session
# save that keeps the idle timer going.
EXPECTED_QUERIES = {
    "coach": (6, 12),
    "supervisor": (9, 13),  # plus the team summary
    "county-admin": (8, 13),
    "state-admin": (8, 13),
}
