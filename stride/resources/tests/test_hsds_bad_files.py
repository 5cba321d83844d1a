"""Bad directory files: each answers with the reason (and the row where there is one), never a 500.

The import page is posted the files that used to fail with a server error; the
reader and the checker are fed arbitrary bytes and JSON, and only ever answer
an HsdsError or a plan with its problems. Nothing is kept from a file that
cannot be read, and nothing in the directory changes.
"""

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride.resources import hsds
from stride.resources.models import DirectoryImport, Provider, Service

from .test_hsds_import_pages import run_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.county_admin)
    return client


def upload(client: Client, name: str, data: bytes, follow: bool = False):
    return client.post(
        reverse("resources:import"), {"file": SimpleUploadedFile(name, data)}, follow=follow
    )


def refused_with(response) -> str:
    """The message next to the file field; nothing kept, nothing changed."""
    assert response.status_code == 200
    assert not DirectoryImport.objects.exists()
    assert not Provider.objects.exists() and not Service.objects.exists()
    (message,) = response.context["form"].errors["file"]
    assert message in response.content.decode().replace("&#x27;", "'")
    return message


def zipped(**files: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_json_nested_fifty_thousand_deep_is_refused(admin):
    deep = b'{"resources": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    assert "nests its JSON too deeply" in refused_with(upload(admin, "map.json", deep))


def test_a_csv_cell_over_the_limit_names_its_file_and_row(admin):
    huge = "x" * (csv.field_size_limit() + 1)
    package = zipped(**{"organizations.csv": f"id,name\n1,Clinic\n2,{huge}\n"})
    message = refused_with(upload(admin, "map.zip", package))
    assert "organizations.csv, row 3" in message
    assert "a cell is longer than 131,072 characters" in message


def test_json_that_is_not_utf8_is_refused(admin):
    assert "isn't valid JSON" in refused_with(upload(admin, "map.json", b'{"resources": "\xff"}'))


def test_a_number_too_long_to_read_is_refused(admin):
    data = b'{"resources": [], "n": ' + b"9" * 5000 + b"}"
    assert "isn't valid JSON" in refused_with(upload(admin, "map.json", data))


def test_an_empty_file_is_refused(admin):
    response = upload(admin, "map.json", b"")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not DirectoryImport.objects.exists()
    assert "is empty" in refused_with(upload(admin, "map.json", b"  \n"))


def test_a_file_too_big_is_refused(admin, monkeypatch):
    monkeypatch.setattr(hsds.reading, "MAX_FILE_BYTES", 1000)
    data = json.dumps({"resources": [], "padding": "x" * 1000}).encode()
    assert "is over" in refused_with(upload(admin, "map.json", data))


def test_rows_that_are_not_a_list_are_refused(admin):
    data = json.dumps({"resources": [{"name": "organizations", "data": "Clinic"}]}).encode()
    assert "must be a list" in refused_with(upload(admin, "map.json", data))


def test_a_schema_whose_fields_are_not_a_list_is_read_without_them(admin):
    package = {
        "resources": [
            {"name": "organizations", "schema": {"fields": 5}, "data": [{"id": "1", "name": "A"}]}
        ]
    }
    response = upload(admin, "map.json", json.dumps(package).encode(), follow=True)
    assert response.status_code == 200
    assert DirectoryImport.objects.count() == 1
    assert not Provider.objects.exists()


def test_not_a_number_in_a_number_column_is_a_problem_on_its_row(world, admin):
    package = zipped(
        **{
            "organizations.csv": "id,name\norg-1,Clinic\n",
            "locations.csv": "id,organization_id,name,latitude,longitude\n"
            "loc-1,org-1,Main office,NaN,inf\n",
        }
    )
    upload(admin, "map.zip", package)
    assert run_queued() == ["checked"]  # the check, as the task worker runs it
    response = admin.get(
        reverse("resources:import_result", args=[DirectoryImport.objects.get().uuid])
    )
    assert response.status_code == 200
    report = response.context["report"]
    bad = {
        (p["table"], p["row"], p["column"])
        for kind in report["problem_kinds"]
        for p in kind["first"]
    }
    assert {("locations", 2, "latitude"), ("locations", 2, "longitude")} <= bad
    assert "Enter a latitude between -90 and 90" in response.content.decode()
    assert not Provider.objects.exists()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    try:
        hsds.read_package(data, "file")
    except hsds.HsdsError as error:
        assert str(error)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["organizations", "services", "locations", "id", "name", "data"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["name", "data", "schema", "fields", "path", "id", "latitude"])
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=30,
)
PACKAGES = st.builds(
    lambda resources: {"resources": resources},
    st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["organizations", "services", "locations", "phones"])},
            optional={"data": st.lists(JSON, max_size=4) | JSON, "schema": JSON},
        ),
        max_size=3,
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(PACKAGES)
def test_any_json_package_is_checked_or_refused_with_a_reason(world, package):
    try:
        tables = hsds.read_package(json.dumps(package).encode(), "map.json")
    except hsds.HsdsError as error:
        assert str(error)
        return
    plan = hsds.check(world.county, tables)
    for problem in plan.problems:
        assert problem.message
