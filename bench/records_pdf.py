"""How long a records request takes for the longest record in the database, JSON and PDF.

Run from the project root against a migrated database holding the demo (or any data):

    .venv/bin/python manage.py seed_demo --if-empty
    .venv/bin/python bench/records_pdf.py [--times 3]

Picks the participant with the most hours entries and months on aid (the longest record)
and a supervisor who may read it (so the copy carries the private answers and the audit
trail, the longest copy there is). Then, in English and in Spanish, `--times` times each:
gathering the record from every app (`compose.gather`), the JSON copy
(`compose.export_json`, gathering included), and the PDF laid out and written by
WeasyPrint (`compose.laid_out`, then `write_pdf`). Prints the median wall and CPU time of
each, the statements of a gathering, the PDF's pages and size, and the machine's load
average, as a Markdown table. Nothing is kept: it runs inside a transaction rolled back
at the end (export_json writes audit events).
"""

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("fontTools").setLevel(logging.WARNING)  # its font subsetting, line by line

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stride.casefile import compose  # noqa: E402
from stride.core import access  # noqa: E402
from stride.core.audit import Actor  # noqa: E402
from stride.core.models import Role, User  # noqa: E402
from stride.people.cases import participants  # noqa: E402
from stride.people.models import Participant  # noqa: E402


class Done(Exception):
    """Raised to roll the run's transaction back."""


def longest_record() -> tuple[Participant, User]:
    person = (
        Participant.objects.annotate(
            entries=Count("hours_entries", distinct=True), months=Count("aid_months", distinct=True)
        )
        .order_by("-entries", "-months", "pk")
        .first()
    )
    if person is None:
        sys.exit("No participant in this database: run seed_demo first.")
    for reader in User.objects.filter(role=Role.SUPERVISOR, is_active=True):
        if access.visible_to(Participant.objects.filter(pk=person.pk), reader).exists():
            return access.get_visible_or_404(participants(), reader, pk=person.pk), reader
    sys.exit("No supervisor reads the longest record.")


def timed(step: Callable[[], Any], times: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _ in range(times):
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def one_language(person: Participant, reader: User, language: str, times: int) -> None:
    with CaptureQueriesContext(connection) as queries:
        compose.gather(person, reader, language)
    wall, cpu, record = timed(lambda: compose.gather(person, reader, language), times)
    items = sum(len(part.items) for part in record.parts)
    print(
        f"| {language} | gather | {wall:.2f} s | {cpu:.2f} s "
        f"| {len(queries)} statements, {len(record.parts)} parts, {items} items |"
    )
    wall, cpu, body = timed(
        lambda: compose.export_json(Actor(reader, channel="bench"), person), times
    )
    print(f"| {language} | JSON | {wall:.2f} s | {cpu:.2f} s | {len(body) // 1024} KB |")
    wall, cpu, document = timed(lambda: compose.laid_out(record), times)
    print(
        f"| {language} | PDF laid out | {wall:.2f} s | {cpu:.2f} s | {len(document.pages)} pages |"
    )
    wall, cpu, pdf = timed(document.write_pdf, times)
    print(f"| {language} | PDF written | {wall:.2f} s | {cpu:.2f} s | {len(pdf) // 1024} KB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=3)
    times = parser.parse_args().times
    person, reader = longest_record()
    print(f"{connection.vendor}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start")
    print()
    print("| language | step | median wall | median cpu | detail |")
    print("|---|---|--:|--:|---|")
    try:
        with transaction.atomic():
            for language in ("en", "es"):
                one_language(person, reader, language, times)
            raise Done
    except Done:
        pass
    print()
    print(f"load {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
