"""Bad hours files: each answers with the row, the column and the reason, and changes nothing.

The page is posted the files a spreadsheet, a script or a slip of the hand can
make; the reader is fed arbitrary bytes and text, and only ever answers problems.
"""

import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride.core.models import AuditEvent
from stride.participation import imports
from stride.participation.models import Activity, HoursEntry, MonthResult, WorkActivity

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HEADER = "case_number,first_name,day,activity,hours,type,note\n"


@pytest.fixture
def job_club(world):
    return Activity.objects.create(
        county=world.county, name="Job club", federal_activity=WorkActivity.JOB_SEARCH
    )


@pytest.fixture
def coach(world):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.coach)
    return client


def post(client: Client, data: bytes, button: str = "import"):
    return client.post(
        reverse("participation:import"), {"file": SimpleUploadedFile("hours.csv", data), button: ""}
    )


def problems(response) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in response.context["checked"].problems]


def nothing_written() -> bool:
    return not (
        HoursEntry.objects.exists()
        or MonthResult.objects.exists()
        or AuditEvent.objects.filter(record_type="HoursEntry").exists()
    )


@pytest.mark.parametrize("hours", ["NaN", "nan", "-nan", "sNaN", "inf", "-Infinity", "1e999"])
def test_hours_that_are_not_a_number_are_named_on_their_row(world, job_club, coach, hours):
    case = world.case.household.case_number
    data = (HEADER + f"{case},,{TODAY},Job club,4,,\n{case},,{TODAY},Job club,{hours},,\n").encode()
    response = post(coach, data)
    assert response.status_code == 200
    assert problems(response) == [(3, "hours")]
    assert "Write the hours as a number, like 4 or 2.5." in response.content.decode()
    assert nothing_written()


def test_a_cell_over_the_csv_limit_is_named_on_its_row(world, job_club, coach):
    case = world.case.household.case_number
    huge = "x" * (csv.field_size_limit() + 1)
    data = (HEADER + f"{case},,{TODAY},Job club,4,,\n{case},,{TODAY},Job club,4,,{huge}\n").encode()
    response = post(coach, data)
    assert response.status_code == 200
    assert problems(response) == [(3, "")]
    assert "A cell is longer than 131,072 characters" in response.content.decode()
    assert nothing_written()


def test_bytes_that_are_not_utf8_are_named_on_their_line(world, job_club, coach):
    case = world.case.household.case_number
    data = (HEADER + f"{case},,{TODAY},Job club,4,,").encode() + b"caf\xe9\n"
    response = post(coach, data)
    assert response.status_code == 200
    assert problems(response) == [(2, "")]
    assert "UTF-8" in response.content.decode()
    assert nothing_written()


def test_a_file_of_only_blank_lines_is_called_empty(world, coach):
    response = post(coach, b"\r\n \n")
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()
    assert nothing_written()


def test_an_empty_upload_is_refused_next_to_the_field(world, coach):
    response = post(coach, b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert nothing_written()


def test_a_null_character_is_named_on_its_row(world, job_club, coach):
    case = world.case.household.case_number
    response = post(coach, (HEADER + f"{case},,{TODAY},Job club,4,,a\0b\n").encode())
    assert response.status_code == 200
    assert problems(response) == [(2, "")]
    assert nothing_written()


def test_a_file_too_big_is_refused_before_it_is_read(world, coach):
    response = post(coach, HEADER.encode() + b"," * imports.MAX_BYTES)
    assert response.status_code == 200
    assert "split it and import the parts" in response.content.decode()
    assert nothing_written()


def test_a_month_the_rules_refuse_is_named_on_its_row_and_nothing_is_saved(world, job_club, coach):
    """An activity code the rules do not know (a catalogue row from before) stops the
    import at the recount: the row is named, nothing is saved."""
    retired = Activity.objects.create(
        county=world.county, name="Retired", federal_activity="retired_code"
    )
    case = world.case.household.case_number
    data = (HEADER + f"{case},,{TODAY},Job club,4,,\n{case},,{TODAY},{retired.name},2,,\n").encode()
    response = post(coach, data)
    assert response.status_code == 200
    assert problems(response) == [(2, "activity")]
    assert "retired_code" in response.content.decode()
    assert nothing_written()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_answered_with_problems(data):
    rows, found = imports._read(data)
    assert all(isinstance(problem, imports.Problem) and problem.message for problem in found)
    assert not (rows and found)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(st.text(max_size=30), max_size=8), max_size=10))
def test_any_sheet_of_text_is_checked_without_an_exception(world, job_club, cells):
    case = world.case.household.case_number
    lines = [",".join(row) for row in cells]
    lines.insert(0, f"{case},,{TODAY},Job club,{cells[0][0] if cells and cells[0] else ''},,")
    checked = imports.check(world.coach, (HEADER + "\n".join(lines)).encode())
    for problem in checked.problems:
        assert problem.row >= 1 and problem.message
