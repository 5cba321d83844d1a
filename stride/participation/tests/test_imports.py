"""Importing hours from CSV: every row checked, all saved or none, the same file twice adds nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stride.core.audit import Actor
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


def sheet(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_a_clean_file_is_saved_verified_audited_and_counted(world, job_club):
    case = world.case.household.case_number
    data = sheet(
        f"{case},,{TODAY},Job club,4,,Sign-in sheet", f"{case},,{TODAY},job club,1.5,excused,"
    )
    checked = imports.check(world.coach, data)
    assert (len(checked.ready), checked.already, checked.problems, checked.people) == (2, 0, [], 1)

    assert imports.apply(Actor(world.coach), checked) == 2
    entries = HoursEntry.objects.filter(participant=world.case).order_by("hours")
    assert [(e.hours, e.kind, e.verification) for e in entries] == [
        (pytest.approx(1.5), "excused", "verified"),
        (pytest.approx(4), "participation", "verified"),
    ]
    assert AuditEvent.objects.filter(action="create", record_type="HoursEntry").count() == 2
    result = MonthResult.objects.get(participant=world.case, month=TODAY.replace(day=1))
    assert result.by_activity["job_search"]["reported"] == pytest.approx(5.5)

    again = imports.check(world.coach, data)
    assert (len(again.ready), again.already) == (0, 2)


def test_each_bad_row_is_named_with_its_column(world, job_club):
    case = world.case.household.case_number
    checked = imports.check(
        world.coach,
        sheet(
            f"{case},,{TODAY},Job club,4,,",  # row 2: fine
            f"NOPE123,,{TODAY},Job club,4,,",
            f"{case},,23/10/2026,Job club,4,,",
            f"{case},,{TODAY + timedelta(days=1)},Job club,4,,",
            f"{case},,{TODAY},Knitting,4,,",
            f"{case},,{TODAY},Job club,four,,",
            f"{case},,{TODAY},Job club,30,,",
            f"{case},,{TODAY},Job club,2,sick,",
            f"{case},Someone,{TODAY},Job club,2,,",
        ),
    )
    assert [(p.row, p.column) for p in checked.problems] == [
        (3, "case_number"),
        (4, "day"),
        (5, "day"),
        (6, "activity"),
        (7, "hours"),
        (8, "hours"),
        (9, "type"),
        (10, "case_number"),
    ]
    with pytest.raises(ValueError):
        imports.apply(Actor(world.coach), checked)
    assert not HoursEntry.objects.exists()


def test_another_caseload_is_out_of_reach(world, job_club):
    other = world.other_case.household.case_number
    checked = imports.check(world.coach, sheet(f"{other},,{TODAY},Job club,4,,"))
    assert [(p.row, p.column) for p in checked.problems] == [(2, "case_number")]


def test_a_file_without_the_columns_is_refused_on_row_one(world):
    checked = imports.check(world.coach, b"name,when\nAna,today\n")
    assert {(p.row, p.column) for p in checked.problems} == {
        (1, "case_number"),
        (1, "day"),
        (1, "activity"),
        (1, "hours"),
    }


def test_more_than_24_hours_in_a_day_across_file_and_stride(world, job_club):
    case = world.case.household.case_number
    imports.apply(
        Actor(world.coach), imports.check(world.coach, sheet(f"{case},,{TODAY},Job club,20,,"))
    )
    checked = imports.check(world.coach, sheet(f"{case},,{TODAY},Job club,5,,"))
    assert [(p.row, p.column) for p in checked.problems] == [(2, "hours")]


def test_the_page_checks_then_imports(world, job_club):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.coach)
    case = world.case.household.case_number
    data = sheet(f"{case},,{TODAY},Job club,3,,")
    url = reverse("participation:import")
    checked = client.post(url, {"file": SimpleUploadedFile("hours.csv", data), "check": ""})
    assert checked.status_code == 200 and "1 row ready to import" in checked.content.decode()
    assert not HoursEntry.objects.exists()
    done = client.post(url, {"file": SimpleUploadedFile("hours.csv", data), "import": ""})
    assert done.status_code == 302
    assert HoursEntry.objects.filter(participant=world.case).count() == 1
