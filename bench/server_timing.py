"""What the Server-Timing header costs (stride.core.middleware.ServerTimingMiddleware).

    .venv/bin/python bench/server_timing.py [--queries 20000] [--rounds 15]

Two figures, each the median of `--rounds` rounds that alternate with and without it:
- per statement: `--queries` executions of `SELECT 1` through a Django cursor, with the
  middleware's QueryClock wrapped around the connection and without; the difference,
  divided by the statements, is what the wrapper adds to each one;
- per request: the middleware around a view that returns an empty answer, against that
  view alone, `--queries` calls each; the difference is its fixed cost (wrapping every
  database alias, the clock, the header).

SQLite in memory unless DATABASE_URL says otherwise, since a statement's own time is
not the point: the smaller it is, the larger the wrapper's share. Prints a Markdown table.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from stride.core.middleware import QueryClock, ServerTimingMiddleware  # noqa: E402


def statements(count: int) -> float:
    """Seconds for `count` executions of SELECT 1 through one Django cursor."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for _ in range(count):
            cursor.execute("SELECT 1")
        return time.perf_counter() - started


def with_clock(count: int) -> float:
    with connection.execute_wrapper(QueryClock()):
        return statements(count)


def requests(handler, count: int) -> float:
    request = RequestFactory().get("/")
    started = time.perf_counter()
    for _ in range(count):
        handler(request)
    return time.perf_counter() - started


def paired(plain, timed, rounds: int) -> tuple[float, float]:
    """Medians of `rounds` alternating runs of each, so both share the machine's drift."""
    without, withit = [], []
    for _ in range(rounds):
        without.append(plain())
        withit.append(timed())
    return statistics.median(without), statistics.median(withit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--queries", type=int, default=20_000, help="statements (and calls) a round"
    )
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds of each")
    args = parser.parse_args()
    if args.queries < 1 or args.rounds < 1:
        parser.error("--queries and --rounds must be at least 1")
    n = args.queries
    settings.DEBUG = False  # as in production: no SQL log kept
    statements(1000)  # connect and warm up

    plain, timed = paired(lambda: statements(n), lambda: with_clock(n), args.rounds)

    def view(request):
        return HttpResponse()

    wrapped = ServerTimingMiddleware(view)
    bare, around = paired(lambda: requests(view, n), lambda: requests(wrapped, n), args.rounds)

    print(f"### Server-Timing's cost ({connection.vendor}, {args.rounds} rounds of {n:,})\n")
    print("| Measured | without µs | with µs | added µs |")
    print("|---|--:|--:|--:|")
    for label, before, after in (
        ("`SELECT 1` through a Django cursor, per statement", plain, timed),
        ("A request through the middleware, fixed part", bare, around),
    ):
        print(
            f"| {label} | {before / n * 1e6:.2f} | {after / n * 1e6:.2f} "
            f"| {(after - before) / n * 1e6:.2f} |"
        )
    print()
    print(
        f"Load average (1 min) {os.getloadavg()[0]:.2f}; {platform.platform()}, "
        f"{len(os.sched_getaffinity(0))} CPUs, Python {platform.python_version()}, "
        f"Django {django.get_version()}.\n"
    )


if __name__ == "__main__":
    main()
