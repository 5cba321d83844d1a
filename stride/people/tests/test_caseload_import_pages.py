"""The caseload import pages, as a county administrator, a supervisor and outsiders use them.

The import runs as a task: the tests run what was queued, as a worker would, with
`run_queued`.
"""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from stride.people import tasks
from stride.people.models import (
    CaseloadExtract,
    ExtractSource,
    ImportProgress,
    MatchReview,
    Participant,
)

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


def run_queued() -> list[str]:
    """Run the imports waiting in line, as a worker would; what each returned."""
    done = []
    for queued in DBTaskResult.objects.ready().order_by("enqueued_at"):
        assert queued.task_path == tasks.import_extract.module_path
        queued.delete()
        done.append(
            tasks.import_extract.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        )
    return done


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
    assert answer.url == result
    assert run_queued() == ["ready"]
    assert "some rows need fixing" in client.get(result).content.decode()
    assert not Participant.objects.filter(household__case_number="FR0000777").exists()
    answer = client.post(result, {"rows": "good"})
    assert answer.url == result
    assert run_queued() == ["imported"]
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
    run_queued()
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
    run_queued()
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
    assert run_queued() == ["imported"]
    assert Participant.objects.filter(household__case_number="FR0000777").count() == 1


def _mapped(client, world, text=FILE):
    _upload(client, world, text=text)
    extract = CaseloadExtract.objects.get()
    client.post(reverse("people:import_columns", kwargs={"uuid": extract.uuid}), MAPPING)
    return extract, reverse("people:import_result", kwargs={"uuid": extract.uuid})


def test_the_import_runs_as_a_task_and_the_page_shows_rows_done_of_the_total(world, client_for):
    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    assert not Participant.objects.filter(household__case_number="FR0000777").exists()
    page = client.get(result)
    html = page.content.decode()
    assert page.context["working"] and page.context["keep_polling"]
    assert 'hx-trigger="every 2s"' in html and "Stride-Poll" in html
    assert "Reading the file and checking it once more" in html
    assert "Check again" in html  # the way to look again without JavaScript
    ImportProgress.objects.filter(extract=extract).update(done=1200, total=2500)
    part = client.get(result, headers={"HX-Request": "true"})
    assert "Importing: 1,200 of 2,500 rows done." in part.content.decode()
    assert 'value="1200" max="2500"' in part.content.decode()
    assert "<html" not in part.content.decode()
    assert run_queued() == ["imported"]
    assert ImportProgress.objects.get(extract=extract).done == 2  # the new row and the review
    done = client.get(result, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    page = client.get(result).content.decode()
    assert "Imported" in page and "import-progress" not in page


def test_the_task_writes_its_progress_as_it_goes(world, client_for, monkeypatch):
    from stride.people import matching

    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    heard = []
    apply = matching.apply

    def watched(*args, progress, **kwargs):
        def report(done, total):
            progress(done, total)
            row = ImportProgress.objects.get(extract=extract)
            heard.append((row.done, row.total))

        return apply(*args, progress=report, **kwargs)

    monkeypatch.setattr(matching, "apply", watched)
    assert run_queued() == ["imported"]
    assert heard[0] == (0, 2) and heard[-1] == (2, 2)


def test_the_page_stops_asking_after_a_while_and_offers_a_link(world, client_for):
    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    with time_machine.travel(NOW.replace(minute=11), tick=False):
        page = client.get(result)
    assert not page.context["keep_polling"]
    html = page.content.decode()
    assert "hx-trigger" not in html and "taking longer than it should" in html


def test_an_import_whose_worker_died_says_so_and_can_be_run_again(world, client_for):
    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    args = DBTaskResult.objects.get().args_kwargs["args"]
    DBTaskResult.objects.all().delete()
    tasks.import_lost(*args)
    page = client.get(result).content.decode()
    assert "The import stopped before it finished" in page
    assert not Participant.objects.filter(household__case_number="FR0000777").exists()
    client.post(result, {"rows": "good"})
    assert run_queued() == ["imported"]
    assert Participant.objects.filter(household__case_number="FR0000777").exists()


def test_an_import_that_fails_leaves_nothing_and_says_so(world, client_for, monkeypatch):
    from stride.people import opening

    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(opening, "open_cases", broken)
    with pytest.raises(RuntimeError):
        run_queued()
    extract.refresh_from_db()
    assert extract.status == CaseloadExtract.Status.FAILED
    assert extract.applied_at is None and not MatchReview.objects.exists()
    assert "The import stopped before it finished" in client.get(result).content.decode()


def test_outsiders_cannot_see_an_imports_progress(world, client_for):
    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    hx = {"HX-Request": "true"}
    assert client_for(world.other_county_admin).get(result, headers=hx).status_code == 404
    assert client_for(world.coach).get(result, headers=hx).status_code == 403
    assert client_for(world.other_county_admin).post(result, {"rows": "good"}).status_code == 404
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_in_a_worker_a_thread_of_its_own_writes_the_progress_outside_the_import(
    world, client_for, monkeypatch
):
    from stride.people import importing

    client = client_for(world.county_admin)
    extract, result = _mapped(client, world)
    client.post(result, {"rows": "good"})
    threads = []
    start = importing.Progress.__enter__

    def entered(progress):
        threads.append(progress.inline)
        return start(progress)

    monkeypatch.setattr(importing.Progress, "__enter__", entered)
    assert run_queued() == ["imported"]
    assert threads == [False]  # not inside a transaction: the thread writes
    progress = ImportProgress.objects.get(extract=extract)
    assert (progress.done, progress.total) == (2, 2) and progress.updated_at is not None
