"""The federal exiters file (FRA TE1): a county administrator's, made by a task, checked
against the TANF Data Portal's layout: CSV rows of exit year and month and SSN, no header,
one row per person, SSNs the portal's validators take, months inside the fiscal quarter.

The rules are written out again here, on their own, from the portal's public source
(HHS/TANF-app: parsers/schema_defs/fra/te1.py, validators/category1.py,
duplicate_detectors.py, fra_parser.py), so the file is checked by a reading that does
not share the module's code.
"""

import csv
import io
import logging
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import open_case
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions, exiters
from stride.people.exiters import Exit, FiscalQuarter
from stride.people.models import Enrollment, ExitersFile, ExitReason, Participant

pytestmark = pytest.mark.django_db

# 15 April 2026: fiscal year 2026's second quarter (January to March 2026) is the last one over.
MID_APRIL = datetime(2026, 4, 15, 17, 0, tzinfo=UTC)
Q2 = FiscalQuarter(2026, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MID_APRIL, tick=False):
        yield


def run_queued() -> list[str]:
    """Run the tasks waiting in line, as a worker would; what each returned."""
    done = []
    for queued in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        assert queued.task_path == exiters.make_exiters_file.module_path
        queued.status = "SUCCESSFUL"
        queued.save(update_fields=["status"])
        done.append(
            exiters.make_exiters_file.call(
                *queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]
            )
        )
    return done


def leaves(world, participant: Participant, on: date, reason=ExitReason.EMPLOYMENT) -> None:
    enrollment = Enrollment.objects.get(pk=participant.current_enrollment_id)
    actions.record_exit(
        Actor(world.coach), enrollment, enrollment.version, exited_on=on, reason=reason
    )


def family(world, number: int, ssn: str, county=None) -> Participant:
    county = county or world.county
    coach = world.coach if county == world.county else world.other_county_coach
    return open_case(
        coach, f"FR{number:07d}", county, world.program, coach,
        first_name=f"Person{number}", last_name="Exiter", ssn=ssn,
    )  # fmt: skip


def make_file(world, client_for, quarter: FiscalQuarter = Q2) -> ExitersFile:
    page = client_for(world.county_admin).post(
        reverse("people:exiters"), {"quarter": quarter.value}
    )
    made = ExitersFile.objects.get()
    assert page.status_code == 302
    assert page.url == reverse("people:exiters_file", args=[made.uuid])
    assert run_queued() == ["ready"]
    made.refresh_from_db()
    return made


def download(world, client_for, made: ExitersFile) -> str:
    response = client_for(world.county_admin).get(
        reverse("people:exiters_download", args=[made.uuid])
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def te1_refusals(text: str, quarter: FiscalQuarter) -> list[str]:
    """What the portal's TE1 reading would refuse in `text`, by its own rules."""
    first_month = {1: (quarter.year - 1, 10), 2: (quarter.year, 1), 3: (quarter.year, 4)}.get(
        quarter.quarter, (quarter.year, 7)
    )
    months = {f"{first_month[0]}{first_month[1] + step:02d}" for step in range(3)}
    refusals, seen = [], set()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(row) != 2 or not all(row):
            refusals.append(f"row {number}: not two filled cells (a header, or a broken row)")
            continue
        month, ssn = row
        if not re.fullmatch(r"\d{6}", month) or month not in months:
            refusals.append(f"row {number}: exit month {month} outside the quarter")
        if not re.fullmatch(r"\d{9}", ssn):
            refusals.append(f"row {number}: SSN not 9 digits")
        elif ssn[:3] in ("000", "666") or ssn[3:5] == "00" or ssn[5:] == "0000":
            refusals.append(f"row {number}: SSN the portal refuses")
        if (month, ssn) in seen:
            refusals.append(f"row {number}: the same SSN twice in a month")
        seen.add((month, ssn))
    return refusals


# The federal fiscal quarters


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2025, 9, 30), FiscalQuarter(2025, 4)),
        (date(2025, 10, 1), FiscalQuarter(2026, 1)),
        (date(2025, 12, 31), FiscalQuarter(2026, 1)),
        (date(2026, 1, 1), FiscalQuarter(2026, 2)),
        (date(2026, 3, 31), FiscalQuarter(2026, 2)),
        (date(2026, 4, 1), FiscalQuarter(2026, 3)),
        (date(2026, 7, 1), FiscalQuarter(2026, 4)),
    ],
)
def test_a_day_falls_in_its_federal_fiscal_quarter(day, expected):
    assert FiscalQuarter.containing(day) == expected
    assert expected.first_day <= day <= expected.last_day


def test_the_first_quarter_of_a_fiscal_year_is_the_autumn_before():
    first = FiscalQuarter(2026, 1)
    assert (first.first_day, first.last_day) == (date(2025, 10, 1), date(2025, 12, 31))
    assert (first.previous(), first.next()) == (FiscalQuarter(2025, 4), Q2)
    assert FiscalQuarter(2026, 4).last_day == date(2026, 9, 30)


def test_only_quarters_that_are_over_are_offered():
    assert exiters.ended_quarters(date(2026, 3, 31))[0] == FiscalQuarter(2026, 1)
    assert exiters.ended_quarters(date(2026, 4, 1))[:2] == [Q2, FiscalQuarter(2026, 1)]


# The layout's validators


@pytest.mark.parametrize(
    "ssn, problem",
    [
        ("123456789", None),
        ("900123456", None),  # TE1 does not refuse area 9xx (Stride refuses it when typed)
        ("", "no_ssn"),
        ("12345678", "ssn_digits"),
        ("1234567890", "ssn_digits"),
        ("12345678a", "ssn_digits"),
        ("123-45-67", "ssn_digits"),
        ("000123456", "ssn_area"),
        ("666123456", "ssn_area"),
        ("123006789", "ssn_group"),
        ("123450000", "ssn_serial"),
    ],
)
def test_an_ssn_is_taken_or_refused_as_te1_item_b_says(ssn, problem):
    assert exiters.ssn_problem(ssn) == problem


@pytest.mark.parametrize(
    "month, problem",
    [
        ("202601", None),
        ("202603", None),
        ("202512", "exit_month"),
        ("202604", "exit_month"),
        ("202613", "exit_month"),
        ("202600", "exit_month"),
        ("2026-1", "exit_month"),
        ("20261", "exit_month"),
    ],
)
def test_an_exit_month_is_yyyymm_inside_the_quarter(month, problem):
    assert exiters.exit_month_problem(month, Q2) == problem


def test_rows_are_one_per_person_with_their_last_exit_and_no_shared_ssn_in_a_month():
    def one(uuid_end: str, day: date, ssn: str) -> Exit:
        from uuid import UUID

        return Exit(UUID(f"00000000-0000-0000-0000-{uuid_end:0>12}"), "A B", "FR1", day, ssn)

    made = exiters.te1_rows(
        [
            one("1", date(2026, 1, 5), "123456789"),
            one("1", date(2026, 3, 20), "123456789"),  # the same person left again
            one("2", date(2026, 3, 2), "123456789"),  # someone else with the same SSN
            one("3", date(2026, 2, 2), "123450000"),
        ],
        Q2,
    )
    assert made.rows == [["202603", "123456789"]]
    assert [person["reason"] for person in made.left_out] == ["ssn_serial", "same_ssn"]


# The file, made by the task from exits recorded in Stride


def test_the_file_holds_the_quarters_exits_as_te1_rows_without_a_header(world, client_for):
    december = family(world, 2, "345-67-8901")
    january = family(world, 3, "456-78-9012")
    march = family(world, 4, "567-89-0123")
    april = family(world, 5, "678-90-1234")
    leaves(world, december, date(2025, 12, 31))
    leaves(world, january, date(2026, 1, 1), ExitReason.SANCTION)
    leaves(world, march, date(2026, 3, 31), ExitReason.MOVED)
    leaves(world, april, date(2026, 4, 1))

    made = make_file(world, client_for)
    text = download(world, client_for, made)

    assert text == "202601,456789012\r\n202603,567890123\r\n"
    assert te1_refusals(text, Q2) == []
    assert made.row_count == 2 and made.left_out == []


def test_a_person_who_left_twice_in_the_quarter_is_one_row_with_the_last_exit(world, client_for):
    leaves(world, world.case, date(2026, 1, 12))
    back = Enrollment.objects.get(pk=world.case.current_enrollment_id)
    actions.update_enrollment(Actor(world.coach), back, back.version, status="active")
    leaves(world, world.case, date(2026, 2, 27))

    text = download(world, client_for, make_file(world, client_for))

    assert text == "202602,123456789\r\n"
    assert te1_refusals(text, Q2) == []


def test_another_countys_exits_stay_out_of_the_file(world, client_for):
    leaves(world, world.case, date(2026, 2, 3))
    kern = Enrollment.objects.get(pk=world.other_case.current_enrollment_id)
    actions.record_exit(
        Actor(world.other_county_coach), kern, kern.version,
        exited_on=date(2026, 2, 3), reason=ExitReason.EMPLOYMENT,
    )  # fmt: skip

    assert download(world, client_for, make_file(world, client_for)) == "202602,123456789\r\n"


def test_a_person_without_an_ssn_is_listed_with_the_reason_instead_of_written(world, client_for):
    nobody = family(world, 6, "")
    leaves(world, nobody, date(2026, 2, 10))
    leaves(world, world.case, date(2026, 2, 11))

    made = make_file(world, client_for)
    page = client_for(world.county_admin).get(reverse("people:exiters_file", args=[made.uuid]))

    assert download(world, client_for, made) == "202602,123456789\r\n"
    assert page.context["file"].get_deferred_fields() == {"rows"}  # no SSN read for the page
    shown = page.content.decode()
    assert "Person6 Exiter" in shown and "FR0000006" in shown
    assert "No Social Security number is on file." in shown
    assert "1 person is in the file." in shown


def test_making_and_each_download_are_audited_and_no_ssn_is_kept_in_the_trail(
    world, client_for, caplog
):
    leaves(world, world.case, date(2026, 3, 3))
    with caplog.at_level(logging.DEBUG):
        made = make_file(world, client_for)
        download(world, client_for, made)
        download(world, client_for, made)

    on_file = AuditEvent.objects.filter(record_type="ExitersFile").order_by("id")
    assert [(e.action, e.actor_id) for e in on_file] == [
        ("create", world.county_admin.pk),
        ("change", world.county_admin.pk),
        ("export", world.county_admin.pk),
        ("export", world.county_admin.pk),
    ]
    assert on_file[1].changes == {"status": ["making", "ready"]}
    per_person = AuditEvent.objects.filter(participant=world.case.uuid, action="export")
    assert per_person.count() == 2
    trail = str(list(AuditEvent.objects.values_list("fields", "changes")))
    assert "123456789" not in trail and "123456789" not in caplog.text


def test_the_rows_are_kept_encrypted(world, client_for):
    from django.db import connection

    leaves(world, world.case, date(2026, 3, 3))
    made = make_file(world, client_for)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows FROM people_exitersfile WHERE id = %s", [made.pk])
        stored = cursor.fetchone()[0]
    assert "123456789" not in str(stored)


def test_a_file_that_cannot_be_made_keeps_only_the_kind_of_error(world, client_for, monkeypatch):
    def broken(made_file, quarter):
        raise ValueError("row 1: 123-45-6789")

    monkeypatch.setattr(exiters, "exits_in", broken)
    client_for(world.county_admin).post(reverse("people:exiters"), {"quarter": Q2.value})

    assert run_queued() == ["failed"]
    made = ExitersFile.objects.get()
    assert (made.status, made.error, made.rows) == ("failed", "ValueError", [])
    page = client_for(world.county_admin).get(reverse("people:exiters_download", args=[made.uuid]))
    assert page.status_code == 404


def test_the_page_waits_while_the_file_is_made(world, client_for):
    admin = client_for(world.county_admin)
    admin.post(reverse("people:exiters"), {"quarter": Q2.value})
    made = ExitersFile.objects.get()
    url = reverse("people:exiters_file", args=[made.uuid])

    assert "Making the file." in admin.get(url).content.decode()
    assert admin.get(reverse("people:exiters_download", args=[made.uuid])).status_code == 404
    run_queued()
    assert admin.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_a_quarter_not_over_yet_cannot_be_asked_for(world, client_for):
    page = client_for(world.county_admin).post(
        reverse("people:exiters"), {"quarter": FiscalQuarter(2026, 3).value}
    )
    assert page.status_code == 200 and "quarter" in page.context["form"].errors
    assert not ExitersFile.objects.exists()


def test_another_county_administrator_cannot_open_or_download_the_file(world, client_for):
    leaves(world, world.case, date(2026, 3, 3))
    made = make_file(world, client_for)
    outsider = client_for(world.other_county_admin)
    for name in ("people:exiters_file", "people:exiters_download"):
        assert outsider.get(reverse(name, args=[made.uuid])).status_code == 404
    assert not AuditEvent.objects.filter(record_type="ExitersFile", action="export").exists()
