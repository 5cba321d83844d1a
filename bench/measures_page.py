"""Server time of the measures overview (/measures/) for the demo county administrator, with
and without some measures, and each measure's own count over the twelve months shown.

Run against an already migrated and seeded database (DATABASE_URL), from the project root:

    .venv/bin/python bench/measures_page.py [--rounds 10] [--without KEY ...]

The page is requested in process with Django's test client and DEBUG off. Each round requests
it once with every measure and once without the measures named by --without (the catalogue's
list narrowed in place), alternating, so the machine's drift falls on both alike. Prints the
queries and the median and highest time of each, then each measure's count alone (median of
five) with its queries.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from stride.core.models import User  # noqa: E402
from stride.measures import catalogue  # noqa: E402
from stride.measures.figures import ALL  # noqa: E402
from stride.measures.months import month_of  # noqa: E402
from stride.measures.overview import months_to, scope  # noqa: E402
from stride.people.models import Household  # noqa: E402

NEW = ["employment-entries", "subsidized-to-unsubsidized", "education-completions"]
NEW.append("bridge-movement")


def milliseconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--without", nargs="*", default=NEW, help="measure keys left out")
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    admin = User.objects.get(username="county-admin")
    client = Client()
    client.force_login(admin)

    def page() -> None:
        assert client.get("/measures/").status_code == 200

    every = list(catalogue.MEASURES)
    variants = {
        "without": [m for m in every if m.key not in set(args.without)],
        "with every measure": every,
    }
    times: dict[str, list[float]] = {label: [] for label in variants}
    queries = {}
    for label, measures in variants.items():
        catalogue.MEASURES[:] = measures
        with CaptureQueriesContext(connection) as captured:
            page()
        queries[label] = len(captured)
    for _round in range(args.rounds):
        for label, measures in variants.items():
            catalogue.MEASURES[:] = measures
            times[label].append(milliseconds(page))
    catalogue.MEASURES[:] = every
    print(f"{Household.objects.count()} households; /measures/ as county-admin")
    print("| page | queries | median ms | max ms |\n|---|---:|---:|---:|")
    for label, found in times.items():
        print(f"| {label} | {queries[label]} | {statistics.median(found):.0f} | {max(found):.0f} |")
    people = scope(admin)
    months = months_to(month_of(timezone.localdate()))
    print("\n| measure | queries | median ms |\n|---|---:|---:|")
    for measure in every:
        with CaptureQueriesContext(connection) as captured:
            measure.count(people, months, ALL)
        alone = [milliseconds(lambda m=measure: m.count(people, months, ALL)) for _ in range(5)]
        print(f"| {measure.key} | {len(captured)} | {statistics.median(alone):.0f} |")


if __name__ == "__main__":
    main()
