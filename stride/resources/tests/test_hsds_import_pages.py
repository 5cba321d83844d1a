"""The upload pages: problems summed up by kind, the full list as CSV, the defaults, and the choice.

A county administrator uploads the good package of tests/hsds/ with rows
edited, so each problem sits on a row we know. Checking and importing are
tasks: the tests run what was queued, as a worker would, with `run_queued`.
"""

import csv
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from stride.core import spreadsheets
from stride.core.models import AuditEvent
from stride.resources import hsds, tasks, uploads
from stride.resources.hsds.partial import BELONGS_TO_SKIPPED
from stride.resources.models import DirectoryImport, Service

from .test_hsds import package

pytestmark = pytest.mark.django_db

EXTRA_PHONES = "".join(f"ph-x{n},,svc-pantry,555-01{n:02},,voice\n" for n in range(6))


def bad_package() -> bytes:
    """Parenting's email is no address (its rows go with it), and six phone numbers are short."""
    return package(
        {
            "services": lambda text: text.replace(",classes@", ",classes at "),
            "phones": lambda text: text + EXTRA_PHONES,
            "organizations": lambda text: text.replace("https://rideready", "rideready"),
        }
    )


def run_queued() -> list[str]:
    """Run the tasks waiting in line, as a worker would; what each returned."""
    done = []
    for queued in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        task = {t.module_path: t for t in (tasks.check_upload, tasks.import_upload)}[
            queued.task_path
        ]
        queued.status = "SUCCESSFUL"
        queued.save(update_fields=["status"])
        done.append(task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]))
    return done


@pytest.fixture
def upload(world, client_for) -> DirectoryImport:
    client_for(world.county_admin).post(
        reverse("resources:import"), {"file": SimpleUploadedFile("county 211.zip", bad_package())}
    )
    assert run_queued() == ["checked"]
    return DirectoryImport.objects.get()


def result_url(upload: DirectoryImport) -> str:
    return reverse("resources:import_result", args=[upload.uuid])


def key_on(page) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page.content.decode())[1]


def test_the_result_sums_up_the_problems_by_kind_with_their_first_rows(world, client_for, upload):
    page = client_for(world.county_admin).get(result_url(upload))

    kinds = page.context["report"]["problem_kinds"]
    assert [(kind["message"], kind["count"]) for kind in kinds] == [
        ("enter an email address, like help@example.org.", 1),
        ("enter a 10-digit US phone number, like (559) 555-0123.", 6),
    ]
    [_email, phones] = kinds
    assert [(p["table"], p["row"], p["column"]) for p in phones["first"]] == [
        ("phones", row, "number") for row in range(6, 11)
    ]
    html = page.content.decode()
    assert "Enter a 10-digit US phone number, like (559) 555-0123. (6 rows)" in html
    assert "The first 5 of these 6 rows are shown" in html
    assert "<td>phones</td><td>10</td><td>number</td>" in html
    assert "<td>phones</td><td>11</td>" not in html  # the sixth is in the CSV
    assert reverse("resources:import_problems", args=[upload.uuid]) in html


def test_the_result_lists_the_defaults_the_import_uses_with_their_counts(world, client_for, upload):
    page = client_for(world.county_admin).get(result_url(upload))

    [kind] = page.context["report"]["default_kinds"]
    assert (kind["message"], kind["count"]) == (
        "Web addresses without https://: https:// added.",
        1,
    )
    assert "Web addresses without https://: https:// added. (1 row)" in page.content.decode()


def test_the_result_offers_the_good_rows_and_all_or_nothing(world, client_for, upload):
    page = client_for(world.county_admin).get(result_url(upload))

    report = page.context["report"]
    assert report["good_ok"] and report["skipped_rows"] == 15  # 7 bad rows, and 8 of parenting's
    html = page.content.decode()
    assert f"Import the {report['good_rows']} good rows and skip these 15" in html
    assert "7 rows need fixing before the whole file can be imported" in html
    assert 'name="rows" value="good"' in html and 'name="rows" value="all"' in html


def test_the_full_list_downloads_as_a_spreadsheet_with_the_rows_that_go_with_them(
    world, client_for, upload
):
    response = client_for(world.county_admin).get(
        reverse("resources:import_problems", args=[upload.uuid])
    )

    assert isinstance(response, spreadsheets.SpreadsheetResponse)
    assert response["Content-Disposition"] == 'attachment; filename="county-211-problems.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["File", "Row", "Column", "What to fix"]
    assert len(rows) == 1 + 15
    assert ["services", "2", "email", "enter an email address, like help@example.org."] in rows
    assert [
        "phones",
        "11",
        "number",
        "enter a 10-digit US phone number, like (559) 555-0123.",
    ] in rows
    assert ["schedules", "2", "service_id", str(BELONGS_TO_SKIPPED)] in rows


def test_only_the_countys_own_administrators_get_the_list(world, client_for, upload):
    url = reverse("resources:import_problems", args=[upload.uuid])

    assert client_for(world.coach).get(url).status_code == 403
    assert client_for(world.supervisor).get(url).status_code == 403
    assert client_for(world.other_county_admin).get(url).status_code == 404
    assert client_for(world.county_admin).get(url).status_code == 200


def test_importing_the_good_rows_runs_as_a_task_and_leaves_the_bad_ones_out(
    world, client_for, upload
):
    admin = client_for(world.county_admin)
    page = admin.get(result_url(upload))

    waiting = admin.post(
        result_url(upload), {"rows": "good", "form_key": key_on(page)}, follow=True
    )

    assert "Importing the file." in waiting.content.decode() and not Service.objects.exists()
    assert run_queued() == ["imported"]
    done = admin.get(result_url(upload)).content.decode()
    assert "15 rows were left out." in done
    assert set(Service.objects.values_list("hsds_id", flat=True)) == {"svc-pantry", "svc-bus"}
    assert (
        Service.objects.get(hsds_id="svc-bus").provider.website == "https://rideready.example.org"
    )
    upload.refresh_from_db()
    assert upload.applied_at is not None and upload.status == "imported"
    assert upload.counts["services"] == {"new": 2, "changed": 0, "unchanged": 0, "gone": 0}
    events = AuditEvent.objects.filter(record_type="Service", action="create")
    assert set(events.values_list("actor", flat=True)) == {world.county_admin.pk}


def test_all_or_nothing_stays_refused_while_the_file_has_problems(world, client_for, upload):
    admin = client_for(world.county_admin)
    page = admin.get(result_url(upload))

    refused = admin.post(result_url(upload), {"rows": "all", "form_key": key_on(page)})

    assert refused.status_code == 200 and refused.context["report"]["refused"]
    assert "Nothing was imported: an all-or-nothing import" in refused.content.decode()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not Service.objects.exists()
    upload.refresh_from_db()
    assert upload.applied_at is None and upload.status == "checked"


def test_a_file_that_gained_problems_since_its_check_is_refused_by_the_import_task(
    world, client_for, upload
):
    upload.problem_count = 0  # as if the check had found none
    upload.save(update_fields=["problem_count"])
    admin = client_for(world.county_admin)

    admin.post(
        result_url(upload), {"rows": "all", "form_key": key_on(admin.get(result_url(upload)))}
    )

    assert run_queued() == ["checked"]
    page = admin.get(result_url(upload))
    assert page.context["report"]["refused"] and "Nothing was imported" in page.content.decode()
    assert not Service.objects.exists()


def test_pressing_import_the_good_rows_twice_imports_once(world, client_for, upload):
    admin = client_for(world.county_admin)
    key = key_on(admin.get(result_url(upload)))

    first = admin.post(result_url(upload), {"rows": "good", "form_key": key})
    again = admin.post(result_url(upload), {"rows": "good", "form_key": key})

    assert first.status_code == 302
    assert again.status_code == 200 and again.context["working"]  # the import, under way
    assert run_queued() == ["imported"]
    assert Service.objects.count() == 2
    assert AuditEvent.objects.filter(record_type="Service", action="create").count() == 2


def test_nobody_outside_the_county_can_import_the_good_rows(world, client_for, upload):
    url = result_url(upload)

    assert client_for(world.coach).post(url, {"rows": "good"}).status_code == 403
    assert client_for(world.other_county_admin).post(url, {"rows": "good"}).status_code == 404
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not Service.objects.exists()


# The check in the background: the page asks again until it is done


def test_the_page_polls_while_the_check_runs_then_reloads(world, client_for):
    admin = client_for(world.county_admin)
    admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", package())})
    upload = DirectoryImport.objects.get()
    assert upload.status == "checking" and upload.problem_count == 0

    page = admin.get(result_url(upload)).content.decode()
    assert f'hx-get="{result_url(upload)}"' in page and "Stride-Poll" in page
    assert "Checking the file." in page
    polled = admin.get(result_url(upload), headers={"HX-Request": "true", "Stride-Poll": "true"})
    assert 'id="import-progress"' in polled.content.decode()
    assert "<html" not in polled.content.decode()

    assert run_queued() == ["checked"]
    done = admin.get(result_url(upload), headers={"HX-Request": "true", "Stride-Poll": "true"})
    assert done["HX-Refresh"] == "true"
    shown = admin.get(result_url(upload))
    assert shown.context["report"]["changes_anything"] and not shown.context["working"]
    assert "services" in dict(shown.context["counts"])


def test_the_page_stops_asking_after_a_while_and_offers_a_link(world, client_for):
    admin = client_for(world.county_admin)
    with time_machine.travel("2026-03-02 09:00 -08:00", tick=False):
        admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", package())})
    upload = DirectoryImport.objects.get()

    with time_machine.travel("2026-03-02 09:11 -08:00", tick=False):
        page = admin.get(result_url(upload)).content.decode()

    assert "hx-get" not in page and "taking longer than it should" in page


def test_an_upload_from_before_checks_ran_as_tasks_is_checked_when_opened_once(world, client_for):
    upload = DirectoryImport.objects.create(
        county=world.county, uploaded_by=world.county_admin, filename="map.zip", data=package()
    )
    admin = client_for(world.county_admin)

    admin.get(result_url(upload))
    admin.get(result_url(upload))

    assert run_queued() == ["checked"]


def test_a_check_whose_worker_died_says_so_on_the_page(world, client_for, upload):
    upload.status = "checking"
    upload.save(update_fields=["status"])
    tasks.check_lost(upload.pk)

    page = client_for(world.county_admin).get(result_url(upload))

    assert "Stride could not finish with this file" in page.content.decode()
    assert not page.context["working"]


def test_a_row_with_two_problems_is_one_row_to_fix(world, client_for):
    admin = client_for(world.county_admin)
    two = package(
        {
            "services": lambda text: text.replace(",classes@", ",classes at ").replace(
                "https://hopefamily.example.org/parenting", "not a web address"
            )
        }
    )
    admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", two)})
    run_queued()

    page = admin.get(result_url(DirectoryImport.objects.get()))

    assert page.context["report"]["problems"] == 2
    assert "1 row needs fixing before the whole file can be imported" in page.content.decode()


# A big file is read by the task, not in the upload's request


def test_a_big_file_is_read_by_the_task_not_in_the_request(world, client_for, monkeypatch):
    monkeypatch.setattr(uploads, "READ_NOW_UP_TO", 100)  # every test file is "big" here
    admin = client_for(world.county_admin)
    monkeypatch.setattr(hsds, "read_package", counted(hsds.read_package))

    admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", package())})

    assert hsds.read_package.calls == 0  # the request only kept the bytes
    assert run_queued() == ["checked"]
    assert hsds.read_package.calls == 1
    assert DirectoryImport.objects.get().report["changes_anything"]


def test_a_big_file_that_cannot_be_read_says_why_on_its_page(world, client_for, monkeypatch):
    monkeypatch.setattr(uploads, "READ_NOW_UP_TO", 10)
    admin = client_for(world.county_admin)

    admin.post(
        reverse("resources:import"),
        {"file": SimpleUploadedFile("map.json", b'{"name": "no resources here"}')},
    )
    assert run_queued() == ["failed"]
    page = admin.get(result_url(DirectoryImport.objects.get())).content.decode()

    assert "Stride can't read this file: datapackage.json isn&#x27;t a data package" in page
    assert not Service.objects.exists()


def counted(function):
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        return function(*args, **kwargs)

    wrapper.calls = 0
    return wrapper
