"""Speed and memory of the benefits cliff calculator (issue 7), side by side in one run.

Run from the project root:

    .venv/bin/python bench/benefits.py [--households 500] [--batch 100]
        [--other-batches 50,200] [--warm-runs 10] [--lookups 200] [--requests 100]

The database is an SQLite file made afresh at build/bench/benefits.sqlite3,
or DATABASE_URL when it is set (migrated if needed; seeded with
`seed_demo --households 10` when it has no demo `coach`; the benchmark's own
household is added once and reused). Every part runs in its own child process
(this script again, with --part), so each peak resident memory (ru_maxrss) is
that part's alone:

1. import: `import policyengine_us` in a fresh process: seconds, the resident
   memory after it and the peak.
2. vectorised: one household's 81-point curve from $0 to $80,000 a year as
   ONE simulation with PolicyEngine's axes (`engine.curves`), cold (the first
   curve after the import) and warm (`--warm-runs` curves after
   `engine.warm`: median and max), then one more warm curve with a timer
   around building the situation, the Simulation and each variable.
   The household is the one the calculator page asks a curve for (below): a
   parent of 29 in Los Angeles County working 30 hours a week for $18,000 a
   year, a 3-year-old in paid child care 5 days of 8 hours at $1,000 a month,
   a 7-year-old, rent $1,500 a month. Afterwards (peak already taken) this
   child computes the page's curve as the benefits worker does
   (`tasks.compute_curve.call`), so it is READY for parts 4 and 5.
3. loop: the same curve as 81 separate simulations, one per point of pay
   (`engine.points([household.paid(pay)])`, no axes), cold (first in a fresh
   process, after the import) then warm (after `engine.warm`). The figures
   are compared with the vectorised curve's (the largest difference in any
   column at any point) and the warm loop is divided by the warm median curve.
4. cached: `queueing.curve_for(request)` for the READY curve (`--lookups` calls:
   median, p95), and the whole calculator page as the demo `coach` through
   Django's test client (as bench/pages.py: DEBUG off, warm-up requests
   counting the SQL statements, then `--requests` timed).
5. web: a fresh process imports Django, sets it up, imports stride.urls and
   renders the calculator page once; is `policyengine_us` (or
   `policyengine_core`) in sys.modules, and what is its resident memory.
6. watch: `--households` households of varied make-up (a head, a partner in
   40%, none to four children, pay $0-45,000 with realistic hours, a partner's
   pay in some, paid child care for two thirds of the under-sixes, rent, ten
   California counties), curves in batches as `watch.check` makes them
   (`engine.curves` on the batch up to $80,000, then `cliffs.find` and
   `cliffs.watch` per family) without the database. Each batch size
   (`--batch` first, then each of `--other-batches`) runs over all the
   households in its own process, after `engine.warm`; the peak memory is
   reset after the warm-up (/proc/self/clear_refs), so it is the peak while
   the batches run (the loaded engine included), not memory kept by another
   size.

Prints a Markdown report (targets, each part, where the time goes, the
machine with the load average and a fixed Python loop before and after) and
writes it to build/bench/benefits-<time>.md.
"""

import argparse
import gc
import io
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

# Neither imports Django nor PolicyEngine.
from stride.benefits import cliffs, engine  # noqa: E402

COACH = "coach"
CASE_NUMBER = "BENCH-CLIFF-1"
ZIP_CODE = "90011"  # Los Angeles
TOP = 80_000.0  # curves.LOWEST_TOP: the watch's axis, and the page's for this family
COUNT = 81
# As stride.benefits.watch (MIN_LOSS) and settings.STRIDE_CLIFF_DISTANCE (default):
# the watch's own module needs Django, which the engine's process should not pay for here.
MIN_LOSS = 250.0
CLIFF_DISTANCE = 3000.0
SEED = 2026
WATCH_COUNTIES = [
    "Los Angeles County",
    "San Diego County",
    "Orange County",
    "Riverside County",
    "San Bernardino County",
    "Santa Clara County",
    "Alameda County",
    "Sacramento County",
    "Fresno County",
    "Kern County",
]
TARGETS = {
    "warm_curve_s": 1.5,
    "loop_ratio": 50.0,
    "cached_ms": 50.0,
    "watch_s_per_household": 0.15,
    "web_rss_mib": 300.0,
}


# --- measuring ---------------------------------------------------------------


def peak_mib() -> float:
    """This process's peak resident memory (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> bool:
    """Reset the peak resident memory (Linux 4.0+): ru_maxrss then counts from now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, as bench/pages.py."""
    ordered = sorted(values)
    rank = max(1, math.ceil(round(len(ordered) * fraction, 9)))
    return ordered[rank - 1]


def reference_work() -> int:
    """The fixed Python loop of bench/pages.py: its time tells how fast the machine is now."""
    return sum(number * number for number in range(100_000))


def reference_ms(rounds: int = 30) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        reference_work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timed_import() -> float:
    start = time.perf_counter()
    import policyengine_us  # type: ignore[import-untyped]  # noqa: F401

    return time.perf_counter() - start


def django_setup(debug: bool | None = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # persistent, as in production
    import django

    django.setup()
    if debug is not None:
        import warnings

        from django.conf import settings

        settings.DEBUG = debug
        # WhiteNoise then looks for collected static files; no page here needs them.
        warnings.filterwarnings("ignore", message="No directory at")


# --- the households ------------------------------------------------------------


def household_from(request: dict) -> engine.Household:
    return engine.Household.from_json(request["household"])


def watch_households(count: int, year: int, seed: int = SEED) -> list[engine.Household]:
    """Families of varied make-up, the same for the same seed."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        head_age = rng.randint(19, 55)
        pay = rng.choice([0.0] * 1 + [round(rng.uniform(3_000, 45_000), -2)] * 5)
        people = [_adult(rng, head_age, "head", pay)]
        if rng.random() < 0.4:
            partner_pay = round(rng.uniform(5_000, 30_000), -2) if rng.random() < 0.35 else 0.0
            people.append(_adult(rng, head_age + rng.randint(-5, 5), "spouse", partner_pay))
        children = rng.choices([0, 1, 2, 3, 4], weights=[8, 32, 32, 18, 10])[0]
        for _ in range(children):
            age = rng.randint(0, min(17, max(0, head_age - 16)))
            care = age < 6 and rng.random() < 2 / 3
            people.append(
                engine.Person(
                    age=age,
                    care_days_per_week=rng.choice([3, 4, 5, 5, 5]) if care else 0.0,
                    care_hours_per_day=rng.choice([6, 8, 8, 9, 10]) if care else 0.0,
                    care_cost=round(rng.uniform(600, 1_400), -1) * 12 if care else 0.0,
                )
            )
        found.append(
            engine.Household(
                state="CA",
                year=year,
                people=tuple(people),
                rent=round(rng.uniform(900, 2_400), -1) * 12,
                county=rng.choice(WATCH_COUNTIES),
            )
        )
    return found


def _adult(rng: random.Random, age: int, role: str, pay: float) -> engine.Person:
    if pay <= 0:
        return engine.Person(age=max(18, age), role=role)
    wage = rng.uniform(16.5, 24.0)  # California's minimum wage and a little above
    hours = min(40.0, max(8.0, round(pay / (wage * 52))))
    return engine.Person(age=max(18, age), role=role, earnings=pay, weekly_hours=hours)


def targets_for(household: engine.Household) -> list:
    """A rung a little above the earner's pay, as the watch's ladders give."""
    pay = household.people[household.earner].earnings
    return [cliffs.Target("rung:bench", round(pay * 1.15 + 4_000, 2))]


# --- the parts, each in its own process -----------------------------------------


def part_setup(args: argparse.Namespace) -> dict:
    """The database, the coach's family in Los Angeles, and the page asking for its curve."""
    start = time.perf_counter()
    django_setup(debug=None)  # seed_demo needs DEBUG on (the default outside production)
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from stride.benefits import actions as benefit_actions
    from stride.benefits import curves
    from stride.benefits.models import Curve
    from stride.core import access
    from stride.core.audit import Actor
    from stride.core.models import User
    from stride.people import actions as people_actions
    from stride.people.models import Member, Participant, Program

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username=COACH).exists():
        call_command("seed_demo", households=10, stdout=io.StringIO())
    coach = User.objects.get(username=COACH)
    actor = Actor(coach, None, "bench")
    participant = Participant.objects.filter(household__case_number=CASE_NUMBER).first()
    if participant is None:
        today = date.today()
        county = access.visible_to(Participant.objects.all(), coach).first().county

        def born(years: int) -> date:
            return date(today.year - years, 1, 1)

        participant = people_actions.open_case(
            actor,
            case_number=CASE_NUMBER,
            county=county,
            person=people_actions.PersonDetails(
                "Bench", "Cliff", born(29), Member.Relationship.HEAD
            ),
            program=Program.objects.order_by("pk").first(),
            aid_start=today.replace(day=1),
            coach=coach,
            city="Los Angeles",
            zip_code=ZIP_CODE,
        )
        household = participant.household
        toddler = people_actions.add_member(
            actor,
            household,
            people_actions.PersonDetails("Ana", "Cliff", born(3), Member.Relationship.CHILD),
        )
        older = people_actions.add_member(
            actor,
            household,
            people_actions.PersonDetails("Leo", "Cliff", born(7), Member.Relationship.CHILD),
        )
        benefit_actions.save_money(
            actor,
            participant,
            0,
            Decimal("1500"),
            {
                participant.member: {"yearly_earnings": Decimal("18000"), "weekly_hours": 30},
                toddler: {
                    "care_days_per_week": 5,
                    "care_hours_per_day": 8,
                    "monthly_care_cost": Decimal("1000"),
                },
                older: {},
            },
        )
        participant.refresh_from_db()
    url = reverse("benefits:calculator", args=[participant.uuid])
    client = Client(HTTP_HOST="localhost")
    client.force_login(coach)
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    # The request the page asked for: no what-ifs, no career plan, so no rungs.
    found = curves.facts(participant)
    request = curves.request_for(
        found.household, curves.points_for(found.household, curves.WhatIf(), [])
    )
    curve = Curve.objects.get(key=request.key(), engine_version=engine.engine_version())
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version"
            if connection.vendor == "postgresql"
            else "SELECT sqlite_version()"
        )
        database = f"{connection.vendor} {cursor.fetchone()[0]}"
    return {
        "seconds": time.perf_counter() - start,
        "request": request.to_json(),
        "curve_id": curve.pk,
        "status": curve.status,
        "url": url,
        "database": database,
        "django": version("django"),
    }


def part_import(args: argparse.Namespace) -> dict:
    before = rss_mib()
    seconds = timed_import()
    return {
        "seconds": seconds,
        "cpu_s": time.process_time(),
        "rss_before": before,
        "rss": rss_mib(),
        "peak": peak_mib(),
    }


def part_vectorised(args: argparse.Namespace) -> dict:
    household = household_from(json.loads(args.request))
    import_s = timed_import()
    start, start_cpu = time.perf_counter(), time.process_time()
    [cold] = engine.curves([household], TOP, COUNT)
    cold_s, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    start = time.perf_counter()
    engine.warm(household.year)
    warm_up_s = time.perf_counter() - start
    warm, warm_cpu = [], []
    for _ in range(args.warm_runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        [curve] = engine.curves([household], TOP, COUNT)
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - start_cpu)
    same = curve.to_json() == cold.to_json()
    split = split_curve(household)
    result = {
        "import_s": import_s,
        "cold_s": cold_s,
        "cold_cpu": cold_cpu,
        "warm_up_s": warm_up_s,
        "warm": warm,
        "warm_cpu": warm_cpu,
        "cold_equals_warm": same,
        "split": split,
        "peak": peak_mib(),
        "rss": rss_mib(),
        "curve": curve.to_json(),
    }
    if args.curve_id:  # the page's curve, as the benefits worker computes it (not measured)
        django_setup()
        from stride.benefits.models import Curve
        from stride.benefits.tasks import compute_curve

        compute_curve.call(args.curve_id)
        row = Curve.objects.get(pk=args.curve_id)
        result["page_curve"] = {"status": row.status, "seconds": row.seconds}
    return result


def split_curve(household: engine.Household) -> dict:
    """One warm curve with a timer around each part of engine.curves."""
    from policyengine_us import Simulation

    timings = {}
    start = time.perf_counter()
    described = engine.situation([household], TOP, COUNT)
    timings["situation (engine.situation)"] = time.perf_counter() - start
    start = time.perf_counter()
    simulation = Simulation(situation=described)
    timings["Simulation(situation=...)"] = time.perf_counter() - start
    for column, variable in engine.COLUMNS.items():
        start = time.perf_counter()
        simulation.calculate(variable, household.year, map_to="household")
        timings[f"calculate {variable} ({column})"] = time.perf_counter() - start
    return timings


def part_loop(args: argparse.Namespace) -> dict:
    household = household_from(json.loads(args.request))
    import_s = timed_import()
    pays = engine.pay_axis(TOP, COUNT)

    def loop() -> tuple[list[dict[str, float]], float, float]:
        rows = []
        start, start_cpu = time.perf_counter(), time.process_time()
        for pay in pays:
            rows.extend(engine.points([household.paid(pay)]))
        return rows, time.perf_counter() - start, time.process_time() - start_cpu

    cold_rows, cold_s, cold_cpu = loop()
    engine.warm(household.year)
    warm_rows, warm_s, warm_cpu = loop()
    start = time.perf_counter()
    for pay in pays:
        engine.situation([household.paid(pay)])
    built_s = time.perf_counter() - start
    # Where a warm point's time goes: one more point, split as split_curve does.
    from policyengine_us import Simulation

    middle = household.paid(pays[len(pays) // 2])
    start = time.perf_counter()
    simulation = Simulation(situation=engine.situation([middle]))
    simulation_s = time.perf_counter() - start
    start = time.perf_counter()
    for variable in engine.COLUMNS.values():
        simulation.calculate(variable, middle.year, map_to="household")
    calculate_s = time.perf_counter() - start
    return {
        "import_s": import_s,
        "cold_s": cold_s,
        "cold_cpu": cold_cpu,
        "warm_s": warm_s,
        "warm_cpu": warm_cpu,
        "situation_s": built_s,
        "one_point": {"simulation_s": simulation_s, "calculate_s": calculate_s},
        "cold_equals_warm": cold_rows == warm_rows,
        "rows": warm_rows,
        "peak": peak_mib(),
    }


def part_cached(args: argparse.Namespace) -> dict:
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pages import DatabaseTimer, is_data_query

    from stride.benefits import curves, queueing
    from stride.benefits.models import Curve
    from stride.core.models import User

    curve = Curve.objects.get(pk=args.curve_id)
    if curve.status != Curve.Status.READY:
        sys.exit(f"curve {curve.pk} is {curve.status}, not ready")
    request = curves.Request.from_json(curve.request)
    for _ in range(20):
        queueing.curve_for(request)
    lookups = []
    for _ in range(args.lookups):
        start = time.perf_counter()
        found = queueing.curve_for(request)
        lookups.append((time.perf_counter() - start) * 1000)
        assert found.pk == curve.pk and found.status == Curve.Status.READY
    # The parts of one lookup, a thousand times each.
    parts = {}
    for label, work in [
        ("engine.engine_version()", engine.engine_version),
        ("request.key()", request.key),
        (
            "the query (Curve.objects.filter(...).first())",
            lambda: Curve.objects.filter(
                key=curve.key, engine_version=curve.engine_version
            ).first(),
        ),
    ]:
        start = time.perf_counter()
        for _ in range(1000):
            work()
        parts[label] = (time.perf_counter() - start) / 1000 * 1000
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=COACH))
    counts = set()
    for _ in range(args.warmup):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(args.url)
        if response.status_code != 200 or b"stride-curve" not in response.content:
            sys.exit(f"GET {args.url} answered {response.status_code} without the curve")
        counts.add(sum(1 for query in captured.captured_queries if is_data_query(query["sql"])))
    pages, cpu, database = [], [], []
    timer = DatabaseTimer()
    with connection.execute_wrapper(timer):
        for _ in range(args.requests):
            timer.seconds = 0.0
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(args.url)
            pages.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            database.append(timer.seconds * 1000)
            if response.status_code != 200:
                sys.exit(f"GET {args.url} answered {response.status_code}")
    return {
        "lookups": lookups,
        "lookup_parts_ms": parts,
        "pages": pages,
        "page_cpu": cpu,
        "page_sql": database,
        "queries": "/".join(str(count) for count in sorted(counts)),
        "bytes": len(response.content),
        "policyengine": "policyengine_us" in sys.modules,
        "peak": peak_mib(),
        "rss": rss_mib(),
    }


def part_web(args: argparse.Namespace) -> dict:
    start = time.perf_counter()
    django_setup()
    from django.test import Client

    import stride.urls  # noqa: F401
    from stride.core.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=COACH))
    response = client.get(args.url)
    if response.status_code != 200:
        sys.exit(f"GET {args.url} answered {response.status_code}")
    return {
        "seconds": time.perf_counter() - start,
        "status": response.status_code,
        "shows_curve": b"stride-curve" in response.content,
        "policyengine_us": "policyengine_us" in sys.modules,
        "policyengine_core": "policyengine_core" in sys.modules,
        "rss": rss_mib(),
        "peak": peak_mib(),
    }


def part_watch(args: argparse.Namespace) -> dict:
    year = date.today().year
    households = watch_households(args.households, year)
    import_s = timed_import()
    start = time.perf_counter()
    engine.warm(year)
    warm_up_s = time.perf_counter() - start
    after_warm = rss_mib()
    runs = []
    for size in [args.batch]:  # one size a process: memory a larger batch kept would count
        gc.collect()
        reset = reset_peak()  # the peak while the batches run, not the warm-up's
        batch_times, simulate_s, cliffs_s, families, flags = [], 0.0, 0.0, 0, 0
        total, total_cpu = time.perf_counter(), time.process_time()
        for batch in engine.batches(households, size):
            start = time.perf_counter()
            found = engine.curves(batch, TOP, COUNT)
            middle = time.perf_counter()
            for household, curve in zip(batch, found, strict=True):
                programs = {name: curve.columns[name] for name in engine.PROGRAMS}
                along = cliffs.find(curve.earnings, curve.net_resources, programs, MIN_LOSS)
                earner = household.people[household.earner]
                raised = cliffs.watch(
                    along, earner.earnings, CLIFF_DISTANCE, targets_for(household)
                )
                families += bool(raised)
                flags += len(raised)
            end = time.perf_counter()
            simulate_s += middle - start
            cliffs_s += end - middle
            batch_times.append(end - start)
        runs.append(
            {
                "size": size,
                "seconds": time.perf_counter() - total,
                "cpu_s": time.process_time() - total_cpu,
                "batches": batch_times,
                "simulate_s": simulate_s,
                "cliffs_s": cliffs_s,
                "families_flagged": families,
                "flags": flags,
                "peak": peak_mib() if reset else None,
                "import_s": import_s,
            }
        )
    people = [len(household.people) for household in households]
    return {
        "import_s": import_s,
        "warm_up_s": warm_up_s,
        "rss_after_warm": after_warm,
        "households": len(households),
        "people_mean": statistics.mean(people),
        "children": sum(1 for h in households for p in h.people if p.role == "child"),
        "in_care": sum(1 for h in households for p in h.people if p.care_days_per_week),
        "no_pay": sum(1 for h in households if h.people[0].earnings == 0),
        "couples": sum(
            1 for h in households if len([p for p in h.people if p.role != "child"]) > 1
        ),
        "runs": runs,
        "peak": peak_mib(),
    }


PARTS = {
    "setup": part_setup,
    "import": part_import,
    "vectorised": part_vectorised,
    "loop": part_loop,
    "cached": part_cached,
    "web": part_web,
    "watch": part_watch,
}


# --- the report -----------------------------------------------------------------


def child(name: str, args: argparse.Namespace, *extra: str) -> dict:
    """Run one part in a fresh process; its result comes back through a JSON file."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--part",
        name,
        "--out",
        out,
        "--households",
        str(args.households),
        "--batch",
        str(args.batch),
        "--other-batches",
        ",".join(str(size) for size in args.other_batches),
        "--warm-runs",
        str(args.warm_runs),
        "--lookups",
        str(args.lookups),
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        *extra,
    ]
    print(f"[bench/benefits] {name}...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    # This script, with our own arguments.
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    wall = time.perf_counter() - start
    if finished.returncode != 0:
        sys.stderr.write(finished.stdout[-4000:] + finished.stderr[-8000:])
        sys.exit(f"part {name} failed ({finished.returncode})")
    result = json.loads(Path(out).read_text())
    Path(out).unlink()
    result["wall_s"] = wall
    print(f"[bench/benefits] {name}: {wall:.1f} s", file=sys.stderr, flush=True)
    return result


def machine() -> list[tuple[str, str]]:
    cpu = memory = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    return [
        ("Platform", platform.platform()),
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU model", cpu),
        ("Memory", memory),
        ("Python", platform.python_version()),
        (
            "PolicyEngine-US / -Core",
            f"{version('policyengine-us')} / {version('policyengine-core')}",
        ),
    ]


def commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from the PATH)
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    return found.stdout.strip() or "unknown"


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    met = value >= target if higher_is_better else value < target
    ratio = value / target
    return f"{'met' if met else '**missed**'} ({ratio:.2f} × target)"


def report(args: argparse.Namespace, results: dict, context: dict) -> str:
    setup, imp, vec, loop = (
        results["setup"],
        results["import"],
        results["vectorised"],
        results["loop"],
    )
    cached, web, watch = results["cached"], results["web"], results["watch"]
    warm_median = statistics.median(vec["warm"])
    warm_cpu = statistics.median(vec["warm_cpu"])
    ratio_warm = loop["warm_s"] / warm_median
    ratio_cold = loop["cold_s"] / vec["cold_s"]
    difference, where = compare(vec["curve"], loop["rows"])
    main = watch["runs"][0]
    per_household = main["seconds"] / watch["households"]
    per_household_cpu = main["cpu_s"] / watch["households"]
    lookup_p50 = statistics.median(cached["lookups"])
    lookup_p95 = percentile(cached["lookups"], 0.95)
    page_p50 = statistics.median(cached["pages"])
    page_p95 = percentile(cached["pages"], 0.95)
    household = household_from(setup["request"])
    lines = []
    add = lines.append
    add(
        f"## Benefits cliff calculator (issue 7), {context['started']}, "
        f"commit {context['commit']}\n"
    )
    add(
        f"Command: `{context['command']}`. Database: {setup['database']}. "
        f"Every part in its own process; whole run {context['total_s'] / 60:.1f} min. "
        f"Load average (1, 5, 15 min) {fmt_load(context['load_before'])} before, "
        f"{fmt_load(context['load_after'])} after; the fixed Python loop of bench/pages.py "
        f"{context['reference_before']:.1f} ms before, {context['reference_after']:.1f} ms after. "
        "Seconds are wall time; CPU is this process's own CPU time over the same stretch (on a "
        "shared machine, wall minus CPU is mostly waiting for a core).\n"
    )
    add(f"The household (the calculator page's, from the record): {describe(household)}.\n")
    add("### Targets\n")
    add("| What | Target | Measured | Verdict |")
    add("|---|--:|--:|---|")
    add(
        f"| Warm curve, 81 points, one simulation (median of {len(vec['warm'])}) | < 1.5 s "
        f"| {warm_median:.2f} s (CPU {warm_cpu:.2f} s) "
        f"| {verdict(warm_median, TARGETS['warm_curve_s'])} |"
    )
    add(
        f"| 81 separate simulations ÷ one vectorised curve, warm | ≥ 50× | {ratio_warm:.0f}× "
        f"| {verdict(ratio_warm, TARGETS['loop_ratio'], higher_is_better=True)} |"
    )
    add(
        f"| Cached curve, `queueing.curve_for` (p50 / p95 of {len(cached['lookups'])}) | < 50 ms "
        f"| {lookup_p50:.2f} / {lookup_p95:.2f} ms | {verdict(lookup_p95, TARGETS['cached_ms'])} |"
    )
    add(
        f"| Calculator page with a cached curve (p50 / p95 of {len(cached['pages'])}) | (< 50 ms) "
        f"| {page_p50:.1f} / {page_p95:.1f} ms | {verdict(page_p50, TARGETS['cached_ms'])} (p50) |"
    )
    add(
        f"| Cliff watch, warm, batches of {main['size']} ({watch['households']} households) "
        f"| < 0.15 s a household | {per_household:.3f} s (CPU {per_household_cpu:.3f} s) | "
        f"{verdict(per_household, TARGETS['watch_s_per_household'])} |"
    )
    add(
        f"| 5,000 households at that rate | < 15 min | {per_household * 5000 / 60:.1f} min | "
        f"{verdict(per_household * 5000 / 60, 15.0)} |"
    )
    pe = "yes" if web["policyengine_us"] or web["policyengine_core"] else "no"
    add(
        f"| Web process: PolicyEngine imported? / resident memory after the page | no / < 300 MB "
        f"| {pe} / {web['rss']:.0f} MiB | "
        f"{'met' if pe == 'no' else '**missed**'}; {verdict(web['rss'], TARGETS['web_rss_mib'])} |"
    )
    add("")
    add("### Each part, in its own process\n")
    add("| Part | Seconds | CPU s | Peak memory (ru_maxrss) | Notes |")
    add("|---|--:|--:|--:|---|")
    add(
        f"| 1. `import policyengine_us` | {imp['seconds']:.1f} | {imp['cpu_s']:.1f} "
        f"| {imp['peak']:.0f} MiB "
        f"| resident after the import {imp['rss']:.0f} MiB (an empty Python: "
        f"{imp['rss_before']:.0f} MiB) |"
    )
    add(
        f"| 2. One curve, one simulation with axes: cold | {vec['cold_s']:.2f} "
        f"| {vec['cold_cpu']:.2f} | "
        f"{vec['peak']:.0f} MiB | first curve after the import ({vec['import_s']:.1f} s); "
        f"`engine.warm` then took {vec['warm_up_s']:.2f} s |"
    )
    add(
        f"| 2. The same, warm: median / max of {len(vec['warm'])} | {warm_median:.2f} / "
        f"{max(vec['warm']):.2f} | {warm_cpu:.2f} / {max(vec['warm_cpu']):.2f} "
        f"| (same process) | min {min(vec['warm']):.2f} s; "
        f"cold and warm figures identical: {yes(vec['cold_equals_warm'])} |"
    )
    add(
        f"| 3. 81 separate simulations (`engine.points` per pay): cold | {loop['cold_s']:.1f} "
        f"| {loop['cold_cpu']:.1f} | "
        f"{loop['peak']:.0f} MiB | {ratio_cold:.0f}× the cold vectorised curve |"
    )
    add(
        f"| 3. The same, warm | {loop['warm_s']:.1f} | {loop['warm_cpu']:.1f} | (same process) | "
        f"{loop['warm_s'] / COUNT:.2f} s a point; {ratio_warm:.0f}× the warm median curve; "
        f"largest difference from the vectorised figures {difference} |"
    )
    add(
        f"| 4. `queueing.curve_for`, READY curve: p50 / p95 / max ms | {lookup_p50:.2f} / "
        f"{lookup_p95:.2f} / {max(cached['lookups']):.2f} | | {cached['peak']:.0f} MiB "
        f"| {len(cached['lookups'])} lookups after 20 untimed |"
    )
    add(
        f"| 4. Calculator page (coach, test client): p50 / p95 / max ms | {page_p50:.1f} / "
        f"{page_p95:.1f} / {max(cached['pages']):.1f} | "
        f"{statistics.median(cached['page_cpu']):.1f} ms p50 | (same process) "
        f"| {cached['queries']} SQL "
        f"statements; SQL p50 "
        f"{statistics.median(cached['page_sql']):.1f} ms; {cached['bytes']:,} bytes; "
        f"PolicyEngine imported: {yes(cached['policyengine'])} |"
    )
    add(
        f"| 5. Web process: set up, import stride.urls, render the page once | "
        f"{web['seconds']:.1f} | | {web['peak']:.0f} MiB | resident {web['rss']:.0f} MiB; "
        f"policyengine_us in sys.modules: {yes(web['policyengine_us'])}, policyengine_core: "
        f"{yes(web['policyengine_core'])} |"
    )
    for run in watch["runs"]:
        rate = run["seconds"] / watch["households"]
        batches = run["batches"]
        peak = f"{run['peak']:.0f} MiB" if run["peak"] is not None else "n/a"
        add(
            f"| 6. Cliff watch, {watch['households']} households in batches of {run['size']} "
            f"| {run['seconds']:.1f} | {run['cpu_s']:.1f} | {peak} | {rate:.3f} s a household "
            f"(CPU {run['cpu_s'] / watch['households']:.3f} s); a batch median "
            f"{statistics.median(batches):.1f} s, max {max(batches):.1f} s; cliffs.find/watch "
            f"{run['cliffs_s']:.2f} s in all; {run['families_flagged']} families flagged |"
        )
    add("")
    add(
        f"Cliff watch households: {watch['households']}, {watch['people_mean']:.1f} people on "
        f"average, {watch['couples']} couples, {watch['children']} children ({watch['in_care']} in "
        f"paid child care), {watch['no_pay']} with no pay; ten counties; seed {SEED}. Its process "
        f"imported PolicyEngine in {watch['import_s']:.1f} s and warmed it in "
        f"{watch['warm_up_s']:.1f} s ({watch['rss_after_warm']:.0f} MiB resident then). Each "
        "batch size runs in its own process (the same households), its peak measured from a "
        "reset (/proc/self/clear_refs) after the warm-up: the peak while its batches run, "
        "the loaded engine included.\n"
    )
    add("### Where the time goes\n")
    add("One warm vectorised curve (81 points), timed part by part:\n")
    add("| Part | Seconds | Share |")
    add("|---|--:|--:|")
    total = sum(vec["split"].values())
    for label, seconds in sorted(vec["split"].items(), key=lambda item: -item[1]):
        add(f"| {label} | {seconds:.3f} | {seconds / total:.0%} |")
    add(f"| total | {total:.3f} | |")
    add("")
    point = loop["one_point"]
    add(
        f"One warm point alone (no axes): building the Simulation {point['simulation_s']:.3f} s, "
        f"the nine variables {point['calculate_s']:.3f} s; building the 81 situations took "
        f"{loop['situation_s']:.3f} s of the warm loop. In the cliff watch (batches of "
        f"{main['size']}), the simulations took {main['simulate_s']:.1f} s and cliffs.find/watch "
        f"{main['cliffs_s']:.2f} s.\n"
    )
    lookup_parts = ", ".join(f"{k} {v:.3f} ms" for k, v in cached["lookup_parts_ms"].items())
    add(f"One cached lookup, its parts (mean of 1,000 each): {lookup_parts}.\n")
    add(
        f"Setup (migrate, seed_demo, the family, the page asking for its curve): "
        f"{setup['seconds']:.1f} s; the page's curve computed as the worker does: "
        f"{vec.get('page_curve', {}).get('seconds')} s.\n"
    )
    add("| Part (process) | Wall s, interpreter start to exit |")
    add("|---|--:|")
    for name, result in results.items():
        if name != "watch":
            add(f"| {name} | {result['wall_s']:.1f} |")
    for run in watch["runs"]:
        add(f"| watch, batches of {run['size']} | {run['wall_s']:.1f} |")
    add("")
    add("### Machine\n")
    add("| Machine | |")
    add("|---|---|")
    for name, value in context["machine"]:
        add(f"| {name} | {value} |")
    add(f"| Database | {setup['database']} (Django {setup['django']}) |")
    add("")
    return "\n".join(lines)


def compare(curve: dict, rows: list[dict]) -> tuple[str, str]:
    """The largest difference between the vectorised curve and the per-point figures."""
    largest, where = 0.0, ""
    for column, values in curve["columns"].items():
        for index, value in enumerate(values):
            gap = abs(value - rows[index][column])
            if gap > largest:
                largest, where = gap, f"{column} at ${curve['earnings'][index]:,.0f}"
    text = f"${largest:,.2f}" + (f" ({where})" if where else " (identical)")
    return text, where


def describe(household: engine.Household) -> str:
    parts = []
    for person in household.people:
        text = f"{person.role} {person.age}"
        if person.earnings:
            text += f" earning ${person.earnings:,.0f} a year, {person.weekly_hours:g} h a week"
        if person.care_cost:
            text += (
                f" in child care {person.care_days_per_week:g} days × "
                f"{person.care_hours_per_day:g} h, ${person.care_cost / 12:,.0f} a month"
            )
        parts.append(text)
    return (
        f"{household.state}, {household.county or 'no county'}, {household.year}: "
        f"{'; '.join(parts)}; rent ${household.rent / 12:,.0f} a month; curve $0 to "
        f"${TOP:,.0f} in {COUNT} points"
    )


def fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in load)


def yes(value: bool) -> str:
    return "yes" if value else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500, help="cliff watch households")
    parser.add_argument("--batch", type=int, default=100, help="the watch's batch size")
    parser.add_argument(
        "--other-batches",
        type=lambda text: [int(size) for size in text.split(",") if size],
        default=[50, 200],
        help="more batch sizes to try, comma-separated ('' for none)",
    )
    parser.add_argument("--warm-runs", type=int, default=10, help="timed warm curves")
    parser.add_argument("--lookups", type=int, default=200, help="timed cached lookups")
    parser.add_argument("--requests", type=int, default=100, help="timed calculator pages")
    parser.add_argument("--warmup", type=int, default=10, help="untimed pages first")
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--request", help=argparse.SUPPRESS)
    parser.add_argument("--curve-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.households < 1 or args.batch < 1 or args.warm_runs < 1 or args.requests < 1:
        parser.error("--households, --batch, --warm-runs and --requests must be at least 1")

    if args.part:
        result = PARTS[args.part](args)
        Path(args.out).write_text(json.dumps(result, default=str))
        return

    build = ROOT / "build" / "bench"
    build.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        database = build / "benefits.sqlite3"
        for path in build.glob("benefits.sqlite3*"):
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    started = datetime.now(UTC)
    context = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "command": " ".join(["bench/benefits.py", *sys.argv[1:]]).strip(),
        "machine": machine(),
        "load_before": os.getloadavg(),
        "reference_before": reference_ms(),
    }
    begin = time.perf_counter()
    results = {"setup": child("setup", args)}
    request = json.dumps(results["setup"]["request"])
    curve_id, url = str(results["setup"]["curve_id"]), results["setup"]["url"]
    results["import"] = child("import", args)
    results["vectorised"] = child("vectorised", args, "--request", request, "--curve-id", curve_id)
    results["loop"] = child("loop", args, "--request", request)
    results["cached"] = child("cached", args, "--curve-id", curve_id, "--url", url)
    results["web"] = child("web", args, "--url", url)
    results["watch"] = child("watch", args)
    for size in [size for size in args.other_batches if size != args.batch]:
        other = child("watch", args, "--batch", str(size))
        results["watch"]["runs"].extend(other["runs"])
        results["watch"]["runs"][-1]["wall_s"] = other["wall_s"]
    results["watch"]["runs"][0]["wall_s"] = results["watch"]["wall_s"]
    context["total_s"] = time.perf_counter() - begin
    context["load_after"] = os.getloadavg()
    context["reference_after"] = reference_ms()
    text = report(args, results, context)
    print(text)
    path = build / f"benefits-{started:%Y%m%d-%H%M%S}.md"
    path.write_text(text + "\n")
    (build / f"benefits-{started:%Y%m%d-%H%M%S}.json").write_text(
        json.dumps({"results": results, "context": context}, default=str)
    )
    print(f"Report: {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
