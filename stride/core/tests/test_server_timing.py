"""Every answer carries Server-Timing: the whole request, the database's part, and the
statements it ran, counted as the page tests count them (no transaction control)."""

import re

import pytest
from django.db import connection, connections, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.core.middleware import ServerTimingMiddleware
from stride.core.models import User
from stride.people.tests.test_caseload import EXPECTED_QUERIES

pytestmark = pytest.mark.django_db
ALIASES = ("reports", "archive")  # two databases beside the test's, each SQLite in memory

# RFC 8941-style pieces of the Server-Timing grammar (W3C Server Timing, section 3).
TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
VALUE = rf'(?:{TOKEN}|"(?:[^"\\]|\\.)*")'
METRIC = re.compile(rf"\s*({TOKEN})((?:\s*;\s*{TOKEN}\s*=\s*{VALUE})*)\s*")
PARAM = re.compile(rf"\s*;\s*({TOKEN})\s*=\s*({VALUE})")


def metrics(header: str) -> dict[str, dict[str, str]]:
    """The header read by the grammar; an assertion fails on anything it does not allow."""
    found = {}
    for part in header.split(","):
        match = METRIC.fullmatch(part)
        assert match, f"not a server-timing metric: {part!r} in {header!r}"
        params = {name: value.strip('"') for name, value in PARAM.findall(match.group(2))}
        found[match.group(1)] = params
    return found


def timing(response) -> tuple[float, float, int]:
    found = metrics(response["Server-Timing"])
    assert set(found) == {"total", "db", "queries"}
    return float(found["total"]["dur"]), float(found["db"]["dur"]), int(found["queries"]["desc"])


def middleware(view) -> ServerTimingMiddleware:
    return ServerTimingMiddleware(lambda request: view())


def test_the_caseload_says_the_queries_its_test_asserts_and_non_negative_times(world, client_for):
    client = client_for(world.coach)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("people:caseload"), {"sort": "months_on_aid"})
    assert response.status_code == 200
    total, database, queries = timing(response)
    assert queries == len(data_queries(captured)) == EXPECTED_QUERIES["coach"][0]
    assert 0 <= database <= total


def test_a_profile_with_its_audit_event_counts_the_same_as_its_test(world, client_for):
    client = client_for(world.coach)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("staff:participant", args=[world.case.uuid]))
    assert response.status_code == 200
    assert timing(response)[2] == len(data_queries(captured))


def test_an_answer_without_a_query_says_none_and_no_database_time():
    response = middleware(HttpResponse)(RequestFactory().get("/"))
    total, database, queries = timing(response)
    assert (database, queries) == (0.0, 0) and total >= 0


def test_savepoints_are_not_counted_as_queries():
    def view():
        with transaction.atomic():  # a savepoint inside the test's transaction
            User.objects.count()
        return HttpResponse()

    assert timing(middleware(view)(RequestFactory().get("/")))[2] == 1


def test_the_time_inside_the_database_is_counted(monkeypatch):
    def view():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse()

    ticks = iter([0.0, 10.0, 10.25, 11.0])  # request starts, query starts, query ends, request ends
    monkeypatch.setattr("stride.core.middleware.perf_counter", lambda: next(ticks))
    assert timing(middleware(view)(RequestFactory().get("/"))) == (11000.0, 250.0, 1)


@pytest.fixture
def two_more_databases(monkeypatch):
    for alias in ALIASES:
        monkeypatch.setitem(
            connections.settings,
            alias,
            {
                **connections.settings["default"],
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": ":memory:",
            },
        )
    yield
    for alias in ALIASES:
        connections[alias].close()
        del connections[alias]


# The test's own database forbids other aliases (Django's test isolation), so this one
# runs outside it, on two in-memory databases of its own.
@pytest.mark.django_db(databases=[])
def test_every_database_alias_is_counted(two_more_databases, django_db_blocker):
    def view():
        for alias in ALIASES:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        with connections["archive"].cursor() as cursor:
            cursor.execute("SELECT 2")
        return HttpResponse()

    with django_db_blocker.unblock():
        assert timing(middleware(view)(RequestFactory().get("/")))[2] == 3


def test_a_streaming_answer_says_what_was_known_when_its_headers_went():
    def rows():
        yield f"{User.objects.count()}\n"

    def view():
        User.objects.exists()
        return StreamingHttpResponse(rows())

    response = middleware(view)(RequestFactory().get("/"))
    assert timing(response)[2] == 1
    with CaptureQueriesContext(connection) as captured:
        assert b"".join(response.streaming_content) == b"0\n"
    assert len(captured) == 1  # run after the headers were written: not in them


def test_a_timing_the_view_set_is_kept_before_the_requests():
    def view():
        response = HttpResponse()
        response["Server-Timing"] = 'cache;desc="hit"'
        return response

    header = middleware(view)(RequestFactory().get("/"))["Server-Timing"]
    assert list(metrics(header)) == ["cache", "total", "db", "queries"]


def test_no_wrapper_is_left_on_a_connection_after_the_request():
    middleware(HttpResponse)(RequestFactory().get("/"))
    assert all(not each.execute_wrappers for each in connections.all())
