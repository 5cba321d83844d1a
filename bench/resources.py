"""Time of the resource map's suggestions for one family among 10,000 services.

Run against an already migrated and seeded database (DATABASE_URL), from
the project root:

    .venv/bin/python bench/resources.py [--requests 200] [--warmup 20] [--services 10000]

The county of the demo `participant` gets a directory of at least
`--services` active services, made with the demo's own entries
(`stride.resources.demo.build_directory`, 26 services per copy, each copy
from other providers) and kept for the next run: a county that already
holds enough is reused. `build_directory` only fills an empty directory, so
the copies are built under a throwaway county organisation, then moved to
the participant's county (providers, services and the counties they serve)
beside the services already there. On PostgreSQL the directory's tables
are then vacuumed and analysed, as autovacuum would do soon after.

Three cases, each `family_of(participant, with_private=True)` (the
participant's own coach may read private answers) then `for_family`:

- the coach's default view, `Filters()`;
- the same narrowed by text ("child"), a language ("es"), evenings, and
  within 10 miles of a ZIP where the directory has locations;
- one area with more rows: `Filters(area="supports")`, 25 per area.

The participant row (with household, member and current enrollment, which
`family_of` expects) is read once before; its members and assessments are
read by `family_of` in every round. Each case runs `--warmup` times first
inside CaptureQueriesContext, which gives its query count and checks that
it is the same every time; then `--requests` rounds, each running every
case once and the fixed Python loop of bench/pages.py (the reference), give
p50, p95 and max, and the medians of the process's CPU time and of the time
inside cursor.execute.

Prints a Markdown table, then the service count and the machine.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# Importing pages sets Django up (settings, DATABASE_URL from the environment).
from pages import DatabaseTimer, is_data_query, machine, percentile, reference_work  # noqa: E402

from stride.core import access  # noqa: E402
from stride.core.models import Organisation, User  # noqa: E402
from stride.core.vocabulary import ServiceArea  # noqa: E402
from stride.people.models import Participant  # noqa: E402
from stride.resources import gaps  # noqa: E402
from stride.resources.circumstances import family_of  # noqa: E402
from stride.resources.demo import ENTRIES, build_directory  # noqa: E402
from stride.resources.matching import Filters, for_family, zip_point  # noqa: E402
from stride.resources.models import (  # noqa: E402
    Location,
    Provider,
    Schedule,
    Service,
    ServiceLanguage,
)

USERNAME = "participant"
SEED = 2026


def fetch_participant() -> Participant:
    try:
        return Participant.objects.select_related(
            "household", "member", "current_enrollment", "county"
        ).get(user__username=USERNAME)
    except Participant.DoesNotExist:
        sys.exit(f"No demo participant {USERNAME!r}: seed the database first (seed_demo).")


def ensure_directory(county: Organisation, wanted: int) -> tuple[int, str]:
    """At least `wanted` active services in the county: (how many, what was done)."""
    active = Service.objects.filter(county=county, status=Service.Status.ACTIVE)
    before = active.count()
    if before >= wanted:
        return before, f"reused the {before:,} active services already there"
    copies = math.ceil((wanted - before) / len(ENTRIES))
    start = time.perf_counter()
    with transaction.atomic():
        # build_directory numbers providers per county, so a second directory in the same
        # county would repeat their ids: build it under a stand-in county, then move it.
        stand_in = Organisation.objects.create(
            name=county.name, kind=Organisation.Kind.COUNTY, parent=county.parent
        )
        build_directory(stand_in, random.Random(SEED), timezone.localdate(), copies=copies)
        Provider.objects.filter(county=stand_in).update(county=county)
        Service.objects.filter(county=stand_in).update(county=county)
        Service.serves.through.objects.filter(organisation=stand_in).update(organisation=county)
        stand_in.delete()
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after the bulk inserts, done now so it does not
        # run during the timing: statistics for the planner and the visibility map.
        models = [Provider, Location, Service, ServiceLanguage, Schedule]
        tables = [model._meta.db_table for model in models] + [
            Service.serves.through._meta.db_table,
            Service.locations.through._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    after = active.count()
    seconds = time.perf_counter() - start
    return after, (
        f"added {copies} copies of the demo directory ({after - before:,} services) to the "
        f"{before:,} there, in {seconds:.1f} s"
    )


def nearby_zip(county: Organisation) -> str:
    """The ZIP code with the most of the directory's locations (a real one, with a centre)."""
    codes = Counter(
        Location.objects.filter(provider__county=county).values_list("postal_code", flat=True)
    )
    for code, _count in sorted(codes.items(), key=lambda item: (-item[1], item[0])):
        if zip_point(code) is not None:
            return code
    sys.exit(f"No location of {county} has a known ZIP code.")


def cases(near: str) -> list[tuple[str, Filters, int]]:
    """(label, filters, services per area) of each case to time."""
    return [
        ("Default view, `Filters()`, 6 per area", Filters(), 6),
        (
            f'Filtered: text "child", language es, evenings, within 10 miles of {near}',
            Filters(text="child", language="es", evenings=True, near_zip=near, within_miles=10),
            6,
        ),
        (
            f'One area: `Filters(area="{ServiceArea.SUPPORTS}")`, 25 per area',
            Filters(area=ServiceArea.SUPPORTS),
            25,
        ),
    ]


def suggest(participant: Participant, filters: Filters, per_area: int) -> tuple[int, int]:
    """One coach's request: (services that suit after the filters, suggestions shown)."""
    family = family_of(participant, with_private=True)
    groups = for_family(family, filters, per_area=per_area)
    return sum(g.total for g in groups), sum(len(g.suggestions) for g in groups)


def count_queries(participant: Participant, filters: Filters, per_area: int, warmup: int) -> int:
    counts = set()
    for _ in range(warmup):
        with CaptureQueriesContext(connection) as captured:
            suggest(participant, filters, per_area)
        counts.add(sum(1 for query in captured.captured_queries if is_data_query(query["sql"])))
    if len(counts) != 1:
        sys.exit(f"{filters}: query count varies between rounds: {sorted(counts)}")
    return counts.pop()


def measure(
    participant: Participant, runs: list[tuple[str, Filters, int]], requests: int
) -> tuple[list[dict], list[float]]:
    """Every case once per round, then the reference loop, so that all share the noise."""
    timings: list[list[float]] = [[] for _ in runs]
    cpu: list[list[float]] = [[] for _ in runs]
    database: list[list[float]] = [[] for _ in runs]
    reference = []
    timer = DatabaseTimer()
    with connection.execute_wrapper(timer):
        for _ in range(requests):
            for n, (_label, filters, per_area) in enumerate(runs):
                timer.seconds = 0.0
                start, start_cpu = time.perf_counter(), time.process_time()
                suggest(participant, filters, per_area)
                timings[n].append((time.perf_counter() - start) * 1000)
                cpu[n].append((time.process_time() - start_cpu) * 1000)
                database[n].append(timer.seconds * 1000)
            start = time.perf_counter()
            reference_work()
            reference.append((time.perf_counter() - start) * 1000)
    results = [
        {
            "p50": statistics.median(timings[n]),
            "p95": percentile(timings[n], 0.95),
            "max": max(timings[n]),
            "cpu": statistics.median(cpu[n]),
            "database": statistics.median(database[n]),
        }
        for n in range(len(runs))
    ]
    return results, reference


def gap_view_line(county: Organisation, rounds: int) -> str:
    """The county administrator's gap view over the whole county: median and max of `rounds`."""
    admin = User.objects.get(username="county-admin")
    families = access.visible_to(Participant.objects.filter(county=county), admin).count()
    gaps.for_county(admin, county)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        gaps.for_county(admin, county)
    times = []
    for _round in range(rounds):
        start = time.perf_counter()
        gaps.for_county(admin, county)
        times.append((time.perf_counter() - start) * 1000)
    return (
        f"Gap view (`gaps.for_county`) for `county-admin` over {families:,} families and "
        f"{Service.objects.filter(serves=county).count():,} services: median "
        f"{statistics.median(times):,.0f} ms, max {max(times):,.0f} ms of {rounds} runs, "
        f"{len(captured)} queries."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed rounds")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs of each case first")
    parser.add_argument(
        "--services", type=int, default=10_000, help="active services the county should hold"
    )
    parser.add_argument("--gap-rounds", type=int, default=5, help="timed runs of the gap view")
    args = parser.parse_args()
    if args.warmup < 1 or args.requests < 1:
        parser.error("--warmup and --requests must be at least 1")
    settings.DEBUG = False  # no SQL log kept outside CaptureQueriesContext, as in production

    participant = fetch_participant()
    county = participant.county
    services, directory = ensure_directory(county, args.services)
    near = nearby_zip(county)
    runs = cases(near)
    sizes = [suggest(participant, filters, per_area) for _label, filters, per_area in runs]
    queries = [count_queries(participant, f, per_area, args.warmup) for _l, f, per_area in runs]
    load_before = os.getloadavg()[0]
    results, reference = measure(participant, runs, args.requests)
    load_after = os.getloadavg()[0]
    reference_p50 = statistics.median(reference)

    print(f"### Resource map: {services:,} active services in {county} ({connection.vendor})\n")
    print(
        f"Directory: {directory}. Family: the demo `{USERNAME}` (household ZIP "
        f"{participant.household.zip_code}, language {participant.household.language}). "
        f"{args.requests} rounds of one run per case after {args.warmup} warm-up runs per case; "
        f"load average (1 min) {load_before:.2f} before, {load_after:.2f} after. A run is "
        "`family_of` then `for_family`. Queries: SQL statements per run. Suiting: services "
        "that suit the family after the filters; shown: suggestions returned. Python CPU: CPU "
        "time of this process. SQL: wall time inside cursor.execute. Reference: the fixed "
        f"Python loop of bench/pages.py, p50 {reference_p50:.1f} ms.\n"
    )
    print(
        "| Suggestions | p50 ms | p95 ms | max ms | Queries | Suiting / shown "
        "| Python CPU p50 ms | SQL p50 ms | p50 ÷ reference |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for (label, _f, _p), count, (suiting, shown), result in zip(
        runs, queries, sizes, results, strict=True
    ):
        print(
            f"| {label} | {result['p50']:.1f} | {result['p95']:.1f} | {result['max']:.1f} "
            f"| {count} | {suiting:,} / {shown} | {result['cpu']:.1f} "
            f"| {result['database']:.1f} | {result['p50'] / reference_p50:.2f} |"
        )
    print()
    print(
        f"Active services in {county}: {services:,}. Reference loop p50: {reference_p50:.1f} ms.\n"
    )
    print(gap_view_line(county, args.gap_rounds))
    print()
    print("| Machine | |")
    print("|---|---|")
    for name, value in machine():
        print(f"| {name} | {value} |")
    print()


if __name__ == "__main__":
    main()
