"""Time and peak memory of importing a state's caseload extract (people/matching.py).

Run from the project root against an already migrated database (DATABASE_URL;
PostgreSQL for figures worth comparing):

    .venv/bin/python bench/caseload_import.py [--sizes 1000 10000]

For each size N, a county of its own is made (a team, a coach, an
administrator, a program) and an extract of N households is written as CSV:
one adult per row, with a case number, names, a birth date, an SSN (with and
without dashes), a ZIP, a language, an enrollment start and the coach's user
name. About one row in a hundred has a problem (a date no calendar has, an
SSN never issued). Then, each timed:

1. check: the dry run (`matching.plan`) of the new extract;
2. import: the good rows imported (`matching.apply(..., good_only=True)`);
3. re-import: the same file again, which must change nothing (asserted);
4. later: one row in ten changed (a new ZIP) and one in fifty gone, which
   must update those and report those as having left (asserted).

Each step gives its wall time, the number of SQL statements, and the peak of
Python's own allocations during the step (tracemalloc), beside the process's
peak resident memory so far (ru_maxrss), the CPU time of this process (which a
loaded machine stretches less than the wall time), and the machine's load average (one
minute) when the step ended. New households are opened together
(`people/opening.py`); the issue's target is the check and the import of
100,000 households in under 2 minutes on PostgreSQL:

    bench/run caseload                       # 100,000 households, a fresh PostgreSQL cluster
    BENCH_CASELOAD_SIZES="1000 10000" bench/run caseload
"""

import argparse
import csv
import io
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

settings.DEBUG = False  # as in production: no SQL kept for the debug page

from stride.core.audit import Actor  # noqa: E402
from stride.core.models import Organisation, Role, User  # noqa: E402
from stride.people import matching  # noqa: E402
from stride.people.models import CaseloadExtract, Program  # noqa: E402

SEED = 2026
HEADER = ["CASE_NO", "FIRST", "LAST", "DOB", "SSN", "ZIP", "LANG", "AID_BEGIN", "WORKER"]
FIRST = ["Ana", "Luis", "Rosa", "Marco", "Eva", "Jon", "Mai", "Omar", "Lena", "Tomas"]
LAST = ["Diaz", "Nguyen", "Smith", "Lopez", "Khan", "Garcia", "Lee", "Patel", "Reyes", "Cruz"]


def _county(tag: str) -> tuple[Organisation, User, User, Program]:
    agency = Organisation.objects.filter(kind=Organisation.Kind.AGENCY).first()
    if agency is None:
        agency = Organisation(name="Bench agency", kind=Organisation.Kind.AGENCY)
        agency.save()
    county = Organisation(name=f"Bench county {tag}", kind=Organisation.Kind.COUNTY, parent=agency)
    county.save()
    team = Organisation(name=f"Bench team {tag}", kind=Organisation.Kind.TEAM, parent=county)
    team.save()
    coach = User.objects.create(username=f"bench-coach-{tag}", role=Role.COACH, organisation=team)
    admin = User.objects.create(
        username=f"bench-admin-{tag}", role=Role.COUNTY_ADMIN, organisation=county
    )
    program = Program.objects.create(code=f"bench-{tag}", name="Bench program", agency=agency)
    return county, coach, admin, program


def _rows(size: int, coach: str, tag: str) -> list[list[str]]:
    # Seeded by the run's county, so a second run in the same database holds other SSNs.
    rng = random.Random(f"{SEED}-{tag}")
    rows = []
    for n in range(size):
        ssn = f"{rng.randint(1, 665):03d}{rng.randint(1, 99):02d}{n % 9999 + 1:04d}"
        born = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1960, 2004)}"
        if n % 100 == 37:
            born = "02/30/1990"  # no such day
        if n % 100 == 71:
            ssn = "000000000"  # never issued
        rows.append(
            [
                f"B{tag[:5]}{n:07d}",
                rng.choice(FIRST),
                f"{rng.choice(LAST)}{n}",
                born,
                f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" if n % 2 else ssn,
                f"937{rng.randint(0, 99):02d}",
                rng.choice(["EN", "SPA", "english", ""]),
                f"2026{rng.randint(1, 6):02d}01",
                coach,
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


TRACING = True  # tracemalloc's peak; --no-tracemalloc times without its cost (2x the CPU)


def _timed(name: str, step: Callable[[], Any]) -> tuple[str, Any, dict[str, str]]:
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    if TRACING:
        tracemalloc.start()
    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        result = step()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if TRACING else 0
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "wall": f"{wall:.1f} s",
        "python cpu": f"{cpu:.1f} s",
        "statements": f"{statements:,}",
        "python peak": f"{peak / 1024 / 1024:.0f} MB" if TRACING else "not traced",
        "process peak": f"{rss:.0f} MB",
        "load": f"{os.getloadavg()[0]:.1f}",
    }
    return name, result, figures


def run(size: int) -> Iterator[tuple[str, dict[str, str]]]:
    """Each step's figures as soon as it ends (a 100,000-household run takes minutes)."""
    tag = uuid.uuid4().hex[:8]
    county, coach, admin, program = _county(tag)
    actor = Actor(admin)
    rows = _rows(size, coach.username, tag)
    first = matching.receive(
        actor, county, None, f"Bench {tag}", program, "extract.csv", "utf-8", _csv(rows)
    )
    source = first.source
    matching.save_mapping(
        source,
        HEADER,
        {
            "case_number": "CASE_NO", "first_name": "FIRST", "last_name": "LAST",
            "birth_date": "DOB", "ssn": "SSN", "zip_code": "ZIP", "language": "LANG",
            "aid_start": "AID_BEGIN", "coach": "WORKER",
        },
    )  # fmt: skip

    def again(data: bytes) -> CaseloadExtract:
        return matching.receive(actor, county, source, "", None, "extract.csv", "utf-8", data)

    name, found, figures = _timed("check", lambda: matching.plan(first, admin))
    yield f"{name} ({found.problem_rows} rows to fix)", figures
    name, found, figures = _timed(
        "import", lambda: matching.apply(actor, first, admin, good_only=True)
    )
    yield f"{name} ({found.count(matching.NEW)} new)", figures
    same = again(_csv(rows))
    name, found, figures = _timed(
        "re-import", lambda: matching.apply(actor, same, admin, good_only=True)
    )
    assert found.count(matching.NEW) == found.count(matching.UPDATE) == 0, found.summary()
    yield f"{name} (nothing changes)", figures
    later = [
        [*row[:5], "93999", *row[6:]] if n % 10 == 0 else row
        for n, row in enumerate(rows)
        if n % 50 != 1
    ]
    changed = again(_csv(later))
    name, found, figures = _timed(
        "later extract", lambda: matching.apply(actor, changed, admin, good_only=True)
    )
    assert found.count(matching.UPDATE) > 0 and found.left, found.summary()
    yield f"{name} ({found.count(matching.UPDATE)} updated, {len(found.left)} left)", figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="time without tracing Python's allocations (which doubles the CPU time)",
    )
    args = parser.parse_args()
    global TRACING
    TRACING = not args.no_tracemalloc
    print(f"Database: {connection.vendor}; {os.cpu_count()} CPUs; {platform.platform()}")
    print(f"Load average at the start: {', '.join(f'{n:.1f}' for n in os.getloadavg())}\n")
    print(
        "| households | step | wall | python cpu | statements | python peak | process peak | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        for step, figures in run(size):
            print(f"| {size:,} | {step} | " + " | ".join(figures.values()) + " |", flush=True)


if __name__ == "__main__":
    main()
