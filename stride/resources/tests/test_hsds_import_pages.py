"""The upload pages: problems summed up by kind, the full list as CSV, the defaults, and the choice.

A county administrator uploads the good package of tests/hsds/ with rows
edited, so each problem sits on a row we know.
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stride.core import spreadsheets
from stride.core.models import AuditEvent
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


@pytest.fixture
def upload(world, client_for) -> DirectoryImport:
    client_for(world.county_admin).post(
        reverse("resources:import"), {"file": SimpleUploadedFile("county 211.zip", bad_package())}
    )
    return DirectoryImport.objects.get()


def result_url(upload: DirectoryImport) -> str:
    return reverse("resources:import_result", args=[upload.uuid])


def key_on(page) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page.content.decode())[1]


def test_the_result_sums_up_the_problems_by_kind_with_their_first_rows(world, client_for, upload):
    page = client_for(world.county_admin).get(result_url(upload))

    kinds = page.context["plan"].problem_kinds
    assert [(kind.message, kind.count) for kind in kinds] == [
        ("enter an email address, like help@example.org.", 1),
        ("enter a 10-digit US phone number, like (559) 555-0123.", 6),
    ]
    [_email, phones] = kinds
    assert [(p.table, p.row, p.column) for p in phones.first] == [
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

    [kind] = page.context["plan"].default_kinds
    assert (kind.message, kind.count) == ("Web addresses without https://: https:// added.", 1)
    assert "Web addresses without https://: https:// added. (1 row)" in page.content.decode()


def test_the_result_offers_the_good_rows_and_all_or_nothing(world, client_for, upload):
    page = client_for(world.county_admin).get(result_url(upload))

    good = page.context["good"]
    assert good.ok and good.skipped_rows == 15  # 7 bad rows, and 8 of parenting's
    html = page.content.decode()
    assert f"Import the {good.good_rows} good rows and skip these 15" in html
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


def test_importing_the_good_rows_leaves_the_bad_ones_out(world, client_for, upload):
    admin = client_for(world.county_admin)
    page = admin.get(result_url(upload))

    done = admin.post(result_url(upload), {"rows": "good", "form_key": key_on(page)}, follow=True)

    assert "The good rows are imported; 15 rows were left out." in done.content.decode()
    assert set(Service.objects.values_list("hsds_id", flat=True)) == {"svc-pantry", "svc-bus"}
    assert (
        Service.objects.get(hsds_id="svc-bus").provider.website == "https://rideready.example.org"
    )
    upload.refresh_from_db()
    assert upload.applied_at is not None
    assert upload.counts["services"] == {"new": 2, "changed": 0, "unchanged": 0}


def test_all_or_nothing_stays_refused_while_the_file_has_problems(world, client_for, upload):
    admin = client_for(world.county_admin)
    page = admin.get(result_url(upload))

    refused = admin.post(result_url(upload), {"rows": "all", "form_key": key_on(page)})

    assert refused.status_code == 200 and refused.context["refused"]
    assert "Nothing was imported: an all-or-nothing import" in refused.content.decode()
    assert not Service.objects.exists()
    upload.refresh_from_db()
    assert upload.applied_at is None


def test_pressing_import_the_good_rows_twice_imports_once(world, client_for, upload):
    admin = client_for(world.county_admin)
    key = key_on(admin.get(result_url(upload)))

    first = admin.post(result_url(upload), {"rows": "good", "form_key": key})
    again = admin.post(result_url(upload), {"rows": "good", "form_key": key})

    assert first.status_code == 302
    assert again.status_code == 200 and again.context["plan"] is None  # the import, as done
    assert Service.objects.count() == 2
    assert AuditEvent.objects.filter(record_type="Service", action="create").count() == 2


def test_nobody_outside_the_county_can_import_the_good_rows(world, client_for, upload):
    url = result_url(upload)

    assert client_for(world.coach).post(url, {"rows": "good"}).status_code == 403
    assert client_for(world.other_county_admin).post(url, {"rows": "good"}).status_code == 404
    assert not Service.objects.exists()
