"""Server time and query count of the coach's two main pages.

Run against an already migrated and seeded database (DATABASE_URL), from
the project root:

    .venv/bin/python bench/pages.py [--requests 200] [--warmup 20] [--only meeting ...]

For the demo user `coach` it requests, in-process with Django's test client:
the caseload (first page, default sort), the caseload searched by a last
name on it, the caseload sorted by months on aid, the profile page of a
participant on the caseload, the coach's Today page, and the goals page,
one goal page and the meeting page (issue 19) of the participant with the
most goals; and, as the demo
`participant`, their own page (/me/). Each page is requested `--warmup` times first;
those warm-up requests run inside CaptureQueriesContext, which gives the
query count (and checks it is the same on every request). Then `--requests`
rounds, each requesting every page once and timing a fixed Python loop (the
reference), give p50, p95 and max of the server time, and the median of two
parts of it: the CPU time of this process (Django's own Python work) and the
time inside cursor.execute (PostgreSQL, planning included, and the local
round trip). The profile page records an audit event per view, as it does
in use.

The time is that of `Client.get`: Django's whole request handling
(middleware, session, view, queries, template rendering) with no network
and no WSGI server. Unless `--keep-debug` is given, settings.DEBUG is turned
off before the first request, as in production, so the SQL log is not kept
and templates do not run in debug mode. Database connections persist between
requests (DATABASE_CONN_MAX_AGE=60, the production default) unless the
environment says otherwise.

Prints a Markdown table, then the household count and the machine.
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
# Persistent database connections, as in production (settings: 60 s unless DEBUG).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from stride.coaching.models import Goal  # noqa: E402
from stride.core import access  # noqa: E402
from stride.core.models import User  # noqa: E402
from stride.people.filters import CaseloadFilter  # noqa: E402
from stride.people.models import Household, Participant  # noqa: E402

USERNAME = "coach"
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(round(len(ordered) * fraction, 9)))
    return ordered[rank - 1]


def pages_for(coach: User) -> list[tuple[str, str]]:
    """(label, URL) of each page to measure, chosen deterministically from the data."""
    mine = access.visible_to(Participant.objects.all(), coach)
    first = CaseloadFilter(None, queryset=mine, user=coach).qs.select_related("member").first()
    if first is None:
        sys.exit(f"{USERNAME} has no participants: seed the database first (seed_demo).")
    # The participant of the caseload with the most goals: the heaviest goal pages.
    busiest = mine.annotate(goal_count=Count("goals")).order_by("-goal_count", "pk").first()
    goal = access.visible_to(Goal.objects.filter(participant=busiest), coach).first()
    url = reverse("people:caseload")
    name = first.member.last_name
    pages = [
        ("Caseload, first page (sort by name)", url),
        ("Caseload, name search", f"{url}?{urlencode({'q': name})}"),
        ("Caseload, sorted by months on aid", f"{url}?{urlencode({'sort': 'months_on_aid'})}"),
        ("Participant profile", reverse("staff:participant", args=[first.uuid])),
        ("Today", reverse("staff:today")),
        ("Participant's goals", reverse("coaching:participant_goals", args=[busiest.uuid])),
    ]
    if goal is not None:
        pages.append(("One goal", reverse("coaching:goal", args=[goal.uuid])))
    pages.append(("The meeting on one page", reverse("coaching:meeting", args=[busiest.uuid])))
    return pages


def is_data_query(sql: str) -> bool:
    """SQL other than transaction control (BEGIN and COMMIT around the session save)."""
    return not sql.lstrip().upper().startswith(TRANSACTION_CONTROL)


class DatabaseTimer:
    """Adds up the time spent in cursor.execute (PostgreSQL plus the round trip)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def reference_work() -> int:
    """A fixed amount of pure Python work: its time tells how fast the machine is right now."""
    return sum(number * number for number in range(100_000))


def count_queries(client: Client, url: str, warmup: int) -> str:
    """Query counts of the warm-up requests: one number when every request makes the same."""
    counts = set()
    for _ in range(warmup):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        counts.add(sum(1 for query in captured.captured_queries if is_data_query(query["sql"])))
    return "/".join(str(count) for count in sorted(counts))


def measure(clients: dict[str, Client], requests: int) -> tuple[list[dict], list[float]]:
    """Time every page once per round, then the reference work, so that all share the noise.

    This machine is a shared virtual machine whose speed drifts over minutes;
    round-robin requests keep one page from getting a slow stretch alone.
    """
    urls = list(clients)
    timings = {url: [] for url in urls}
    cpu = {url: [] for url in urls}
    database = {url: [] for url in urls}
    reference = []
    timer = DatabaseTimer()
    with connection.execute_wrapper(timer):
        for _ in range(requests):
            for url in urls:
                timer.seconds = 0.0
                start, start_cpu = time.perf_counter(), time.process_time()
                response = clients[url].get(url)
                timings[url].append((time.perf_counter() - start) * 1000)
                cpu[url].append((time.process_time() - start_cpu) * 1000)
                database[url].append(timer.seconds * 1000)
                if response.status_code != 200:
                    sys.exit(f"GET {url} answered {response.status_code}")
            start = time.perf_counter()
            reference_work()
            reference.append((time.perf_counter() - start) * 1000)
    results = [
        {
            "p50": statistics.median(timings[url]),
            "p95": percentile(timings[url], 0.95),
            "max": max(timings[url]),
            "cpu": statistics.median(cpu[url]),
            "database": statistics.median(database[url]),
        }
        for url in urls
    ]
    return results, reference


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        database = f"{connection.vendor} {cursor.fetchone()[0]}"
    return [
        ("Platform", platform.platform()),
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU model", cpu),
        ("Memory", memory),
        ("Database", database),
        ("Python / Django", f"{platform.python_version()} / {django.get_version()}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument(
        "--keep-debug", action="store_true", help="leave settings.DEBUG as configured"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="WORDS",
        help="measure only the pages whose label contains WORDS (case-insensitive; repeatable)",
    )
    args = parser.parse_args()
    if args.warmup < 1 or args.requests < 1:
        parser.error("--warmup and --requests must be at least 1")

    if not args.keep_debug:
        settings.DEBUG = False
        # WhiteNoise then looks for collected static files; no page here needs them.
        warnings.filterwarnings("ignore", message="No directory at")
    coach = User.objects.get(username=USERNAME)
    households = Household.objects.count()
    caseload_size = access.visible_to(Participant.objects.all(), coach).count()
    client = Client(HTTP_HOST="localhost")
    client.force_login(coach)
    participant = Client(HTTP_HOST="localhost")
    participant.force_login(User.objects.get(username="participant"))

    pages = pages_for(coach) + [("Participant's own page (portal)", reverse("portal:home"))]
    if args.only:
        wanted = [words.casefold() for words in args.only]
        pages = [page for page in pages if any(words in page[0].casefold() for words in wanted)]
        if not pages:
            parser.error("no page's label contains " + " or ".join(args.only))
    own_page = reverse("portal:home")
    clients = {url: participant if url == own_page else client for _label, url in pages}
    queries = [count_queries(clients[url], url, args.warmup) for url in clients]
    load_before = os.getloadavg()[0]
    results, reference = measure(clients, args.requests)
    load_after = os.getloadavg()[0]
    reference_p50 = statistics.median(reference)

    print(f"### {households:,} households ({USERNAME}'s caseload: {caseload_size} participants)\n")
    print(
        f"{args.requests} rounds of one request per page after {args.warmup} warm-up requests "
        f"per page; settings.DEBUG = {settings.DEBUG}; load average (1 min) {load_before:.2f} "
        f"before, {load_after:.2f} after. Queries: SQL statements per request, without "
        "BEGIN/COMMIT. Python CPU: CPU time of this process (Django's own work). SQL: wall "
        "time inside cursor.execute (PostgreSQL, including planning, and the local round trip). "
        f"Reference: a fixed Python loop timed once per round, p50 {reference_p50:.1f} ms; "
        "p50 ÷ reference compares runs on a machine whose speed drifts.\n"
    )
    print(
        "| Page | p50 ms | p95 ms | max ms | Queries | Python CPU p50 ms | SQL p50 ms "
        "| p50 ÷ reference |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for (label, url), count, result in zip(pages, queries, results, strict=True):
        print(
            f"| {label}: `{url}` | {result['p50']:.1f} | {result['p95']:.1f} "
            f"| {result['max']:.1f} | {count} | {result['cpu']:.1f} "
            f"| {result['database']:.1f} | {result['p50'] / reference_p50:.2f} |"
        )
    print()
    print(f"Households in the database: {households:,}\n")
    print("| Machine | |")
    print("|---|---|")
    for name, value in machine():
        print(f"| {name} | {value} |")
    print()


if __name__ == "__main__":
    main()
