"""A big directory file read and checked within its memory and time: rows kept lean, checked once.

The bench (bench/directory_import.py, docs/performance.md) measures a whole
directory; these tests hold each part of that work to what it should be.
"""

import tracemalloc
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stride.core.audit import Actor
from stride.resources import hsds
from stride.resources.hsds import checking, reading
from stride.resources.hsds.tables import Row

from .test_hsds import package, row, tables
from .test_hsds_flat import export
from .test_hsds_import_pages import run_queued
from .test_hsds_versions import version_1_files, zipped

pytestmark = pytest.mark.django_db


def test_a_row_carries_no_dict_of_its_own_beside_its_cells():
    cells = Row({"id": "svc-1"}, 2)

    assert not hasattr(cells, "__dict__")
    assert (cells.line, cells.source, cells["id"]) == (2, None, "svc-1")


def test_a_1_x_table_keeps_only_the_columns_stride_reads_and_names_the_others():
    files = version_1_files()
    header, *lines = files["services.csv"].splitlines()
    files["services.csv"] = "\n".join(
        [header + ",funding_source"] + [line + ",County grant" for line in lines]
    )

    tables = hsds.read_package(zipped(files), "county-211.zip")

    assert "funding_source" in tables.unread_columns["services"]
    assert all("funding_source" not in item for item in tables["services"])
    assert tables["services"][0]["fees_description"] != ""  # 1.x's fees, under its 3.0 name


def test_a_short_value_the_file_repeats_is_kept_once():
    tables = hsds.read_package(big_1_x_package(3), "county-211.zip")

    first, second = tables["services"][:2]
    assert first["organization_id"] == second["organization_id"] == "o1"
    assert first["organization_id"] is second["organization_id"]
    assert first["status"] is second["status"]


def test_a_flat_export_keeps_a_value_its_rows_repeat_once():
    tables = hsds.read_package(export(), "icarol_export.csv")

    by_id = {item["id"]: item for item in tables["services"]}
    pantry, clinic = by_id["3001"], by_id["3002"]
    assert pantry["organization_id"] == clinic["organization_id"] == "1001"
    assert pantry["organization_id"] is clinic["organization_id"]


def big_1_x_package(services: int) -> bytes:
    """The 1.x package with its one service copied, each copy with its own id and row."""
    files = version_1_files()
    service_header, service = files["services.csv"].splitlines()[:2]
    copies = [service.replace("s1", f"s{number}", 1) for number in range(services)]
    files["services.csv"] = "\n".join([service_header, *copies]) + "\n"
    return zipped(files)


def test_reading_a_file_holds_it_once_not_as_its_text_and_its_raw_rows_too():
    data = big_1_x_package(20_000)  # about 2 MB of services.csv
    tracemalloc.start()
    try:
        reading.read_package(data, "county-211.zip")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # The rows read, a few hundred bytes each; the whole text and a renamed copy of every
    # row on top took the peak to 44 MB before (19 MB since).
    assert peak < 30 * 1024 * 1024, peak


def counted_checks():
    return mock.patch.object(
        checking.Checker, "run", autospec=True, side_effect=checking.Checker.run
    )


def parenting_without_a_real_email():
    file = tables()
    row(file, "services", "svc-parenting")["email"] = "classes at hope"
    return file


def test_importing_the_good_rows_checks_the_file_then_the_good_rows_once_each(world):
    with counted_checks() as run:
        plan = hsds.apply(
            Actor(world.county_admin, "127.0.0.1"),
            world.county,
            parenting_without_a_real_email(),
            skip_bad=True,
        )

    assert plan.skipped_rows == 9  # the service, and the 8 rows that belong to it
    assert run.call_count == 2


def test_the_uploaded_file_s_check_and_its_good_rows_take_two_checks(world, client_for):
    data = package({"services": lambda text: text.replace(",classes@", ",classes at ")})
    client = client_for(world.county_admin)

    with counted_checks() as run:
        client.post(reverse("resources:import"), {"file": SimpleUploadedFile("d.zip", data)})
        assert run_queued() == ["checked"]

    assert run.call_count == 2
