"""The caseload import pages, as a county administrator, a supervisor and outsiders use them."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from stride.people.models import CaseloadExtract, ExtractSource, MatchReview, Participant

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
FILE = (
    "Case Number,First,Last,DOB,SSN,Enrollment Start,Worker\n"
    "FR0000777,Rosa,Díaz,03/15/1988,345-67-8901,20260301,coach\n"
    "FR0000778,Luis,Diaz,1985-13-01,,20260301,coach\n"
    "NEW0002,Mariana,Lopez,04/02/1990,456-78-6789,20260101,coach\n"
)
MAPPING = {
    "case_number": "Case Number",
    "first_name": "First",
    "last_name": "Last",
    "birth_date": "DOB",
    "ssn": "SSN",
    "aid_start": "Enrollment Start",
    "coach": "Worker",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _upload(client, world, text=FILE, encoding="utf-8", **extra):
    fields = {"new_source": "CalSAWS", "program": world.program.pk} | extra
    return client.post(
        reverse("people:caseload_import"),
        fields
        | {
            "encoding": encoding,
            "file": SimpleUploadedFile("extract.csv", text.encode(encoding)),
        },
    )


def test_an_administrator_maps_a_new_extract_checks_it_and_imports_the_good_rows(world, client_for):
    client = client_for(world.county_admin)
    answer = _upload(client, world)
    extract = CaseloadExtract.objects.get()
    assert answer.url == reverse("people:import_columns", kwargs={"uuid": extract.uuid})
    page = client.get(answer.url)
    assert page.context["form"].initial["case_number"] == "Case Number"
    answer = client.post(answer.url, MAPPING)
    result = reverse("people:import_result", kwargs={"uuid": extract.uuid})
    assert answer.url == result
    page = client.get(result)
    assert page.context["summary"]["new"] == 1
    assert page.context["summary"]["review"] == 1
    assert page.context["summary"]["skipped"] == 1
    assert "This date is not on the calendar." in page.content.decode()
    assert not Participant.objects.filter(household__case_number="FR0000777").exists()
    answer = client.post(result, {"rows": "all"})
    assert "some rows need fixing" in answer.content.decode()
    assert not Participant.objects.filter(household__case_number="FR0000777").exists()
    answer = client.post(result, {"rows": "good"})
    assert answer.url == result
    rosa = Participant.objects.get(household__case_number="FR0000777")
    assert rosa.member.last_name == "Díaz"
    assert MatchReview.objects.filter(participant=world.case).count() == 1
    assert "Imported" in client.get(result).content.decode()


def test_the_next_file_from_the_same_source_maps_itself(world, client_for):
    client = client_for(world.county_admin)
    _upload(client, world)
    first = CaseloadExtract.objects.get()
    client.post(reverse("people:import_columns", kwargs={"uuid": first.uuid}), MAPPING)
    source = ExtractSource.objects.get()
    answer = _upload(client, world, new_source="", source=source.pk)
    later = CaseloadExtract.objects.exclude(pk=first.pk).get()
    assert answer.url == reverse("people:import_result", kwargs={"uuid": later.uuid})


def test_a_windows_1252_file_uploaded_as_utf_8_is_named_and_refused(world, client_for):
    client = client_for(world.county_admin)
    answer = client.post(
        reverse("people:caseload_import"),
        {
            "new_source": "CalSAWS",
            "program": world.program.pk,
            "encoding": "utf-8",
            "file": SimpleUploadedFile("extract.csv", FILE.encode("cp1252")),
        },
    )
    assert answer.status_code == 200
    assert "Windows-1252 or Latin-1" in answer.content.decode()
    assert not CaseloadExtract.objects.exists()
    answer = _upload(client, world, encoding="cp1252")
    assert answer.status_code == 302


def test_the_full_list_of_rows_to_fix_is_a_csv_with_formulas_neutralised(world, client_for):
    client = client_for(world.county_admin)
    text = FILE.replace("Worker", "=HYPERLINK(1)")
    _upload(client, world, text=text)
    extract = CaseloadExtract.objects.get()
    client.post(
        reverse("people:import_columns", kwargs={"uuid": extract.uuid}),
        MAPPING | {"coach": "=HYPERLINK(1)"},
    )
    text = FILE.replace("Worker", "=HYPERLINK(1)").replace(
        ",coach\nFR0000778", ",nobody\nFR0000778"
    )
    _upload(client, world, text=text, new_source="", source=extract.source.pk)
    later = CaseloadExtract.objects.exclude(pk=extract.pk).get()
    answer = client.get(reverse("people:import_problems", kwargs={"uuid": later.uuid}))
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0] == ["Row", "Column", "What to fix"]
    assert ["2", "'=HYPERLINK(1)", "No coach in this county has this user name."] in rows


def test_a_supervisor_settles_an_uncertain_match_from_the_queue(world, client_for):
    admin = client_for(world.county_admin)
    _upload(admin, world)
    extract = CaseloadExtract.objects.get()
    admin.post(reverse("people:import_columns", kwargs={"uuid": extract.uuid}), MAPPING)
    admin.post(reverse("people:import_result", kwargs={"uuid": extract.uuid}), {"rows": "good"})
    review = MatchReview.objects.get()
    client = client_for(world.supervisor)
    queue = client.get(reverse("people:match_reviews"))
    assert "Mariana Lopez" in queue.content.decode()
    page = reverse("people:match_review", kwargs={"uuid": review.uuid})
    assert "Is this the same person?" in client.get(page).content.decode()
    answer = client.post(page, {"decision": "different"})
    assert answer.url == reverse("people:match_reviews")
    assert Participant.objects.filter(household__case_number="NEW0002").exists()
    review.refresh_from_db()
    assert review.status == MatchReview.Status.DIFFERENT
    assert review.settled_by == world.supervisor


def test_outsiders_cannot_reach_a_countys_extract(world, client_for):
    _upload(client_for(world.county_admin), world)
    extract = CaseloadExtract.objects.get()
    result = reverse("people:import_result", kwargs={"uuid": extract.uuid})
    assert client_for(world.coach).get(reverse("people:caseload_import")).status_code == 403
    assert client_for(world.state_admin).get(reverse("people:caseload_import")).status_code == 403
    assert client_for(world.coach).get(result).status_code == 403
    assert client_for(world.other_county_admin).get(result).status_code == 404
    assert client_for(world.other_county_admin).post(result, {"rows": "good"}).status_code == 404


def test_an_excel_workbook_is_imported_like_a_csv(world, client_for):
    book = Workbook()
    for line in FILE.splitlines():
        book.active.append(line.split(","))
    book.active["D2"] = datetime(1988, 3, 15)
    data = io.BytesIO()
    book.save(data)
    client = client_for(world.county_admin)
    client.post(
        reverse("people:caseload_import"),
        {
            "new_source": "CalSAWS",
            "program": world.program.pk,
            "encoding": "utf-8",
            "file": SimpleUploadedFile("extract.xlsx", data.getvalue()),
        },
    )
    extract = CaseloadExtract.objects.get()
    client.post(reverse("people:import_columns", kwargs={"uuid": extract.uuid}), MAPPING)
    client.post(reverse("people:import_result", kwargs={"uuid": extract.uuid}), {"rows": "good"})
    rosa = Participant.objects.get(household__case_number="FR0000777")
    assert rosa.member.birth_date.isoformat() == "1988-03-15"


def test_the_import_pressed_twice_imports_once_and_answers_the_second_like_the_first(
    world, client_for
):
    client = client_for(world.county_admin)
    _upload(client, world, text=FILE.split("FR0000778")[0])
    extract = CaseloadExtract.objects.get()
    client.post(reverse("people:import_columns", kwargs={"uuid": extract.uuid}), MAPPING)
    result = reverse("people:import_result", kwargs={"uuid": extract.uuid})
    page = client.get(result).content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    first = client.post(result, {"rows": "all", "form_key": key})
    second = client.post(result, {"rows": "all", "form_key": key})
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Participant.objects.filter(household__case_number="FR0000777").count() == 1
