"""HSDS 1.x and 2.0 packages read as well as 3.0: each version's names, values and packaging.

The packages are written here, small, with every table and column the readers
know for each version, beside tables and columns Stride leaves unread.
"""

import csv
import io
import json
import zipfile
from datetime import time
from pathlib import Path

import pytest
from django.core.management import call_command

from stride.core.audit import Actor
from stride.resources import hsds
from stride.resources.hsds.values import parse_day, parse_time
from stride.resources.models import Location, Provider, Service

pytestmark = pytest.mark.django_db

SAMPLE_1_1 = Path("/work/shared/hsds/1.1-sample")


def csv_text(*rows: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def version_1_files() -> dict[str, str]:
    return {
        "organizations.csv": csv_text(
            ("id", "name", "alternate_name", "description", "email", "url", "tax_status"),
            (
                "o1",
                "Hope Family Center",
                "Hope",
                "Family help.",
                "hi@hope.example.org",
                "https://hope.example.org",
                "nonprofit",
            ),
        ),
        "services.csv": csv_text(
            (
                "id",
                "organization_id",
                "program_id",
                "name",
                "description",
                "url",
                "email",
                "status",
                "application_process",
                "wait_time",
                "fees",
            ),
            (
                "s1",
                "o1",
                "",
                "Food pantry",
                "Groceries.",
                "https://hope.example.org/food",
                "food@hope.example.org",
                "active",
                "Walk in.",
                "none",
                "Free",
            ),
        ),
        "locations.csv": csv_text(
            ("id", "organization_id", "name", "transportation", "latitude", "longitude"),
            ("l1", "o1", "Main office", "Bus 41", "36.7378", "-119.7871"),
        ),
        "physical_addresses.csv": csv_text(
            (
                "id",
                "location_id",
                "attention",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "country",
            ),
            ("a1", "l1", "Front desk", "1 Main St", "Fresno", "CA", "93721", "US"),
        ),
        "postal_addresses.csv": csv_text(
            ("id", "location_id", "address_1", "city", "state_province", "postal_code"),
            ("p1", "l1", "PO Box 9", "Fresno", "CA", "93721"),
        ),
        "services_at_location.csv": csv_text(
            ("id", "service_id", "location_id", "description"), ("sal1", "s1", "l1", "")
        ),
        "phones.csv": csv_text(
            (
                "id",
                "location_id",
                "service_id",
                "organization_id",
                "number",
                "extension",
                "type",
                "language",
            ),
            ("ph1", "", "", "o1", "(559) 555-0123", "", "voice", "en"),
            ("ph2", "", "s1", "", "559-555-0124", "7", "voice", "en"),
        ),
        "regular_schedules.csv": csv_text(
            (
                "id",
                "service_id",
                "location_id",
                "service_at_location_id",
                "weekday",
                "opens_at",
                "closes_at",
            ),
            ("r1", "s1", "l1", "", "1", "09:00:00", "17:00:00"),
            ("r2", "s1", "l1", "", "Wednesday", "8:00am", "5:30pm"),
            ("r3", "", "", "sal1", "Sat", "10am", "12pm"),
        ),
        "languages.csv": csv_text(
            ("id", "service_id", "location_id", "language"),
            ("lg1", "s1", "", "English"),
            ("lg2", "s1", "", "Spanish"),
        ),
        "service_areas.csv": csv_text(
            ("id", "service_id", "service_area", "description"),
            ("sa1", "s1", "Fresno County", "The whole county"),
        ),
        "taxonomy.csv": csv_text(
            ("id", "name", "parent_id", "parent_name", "vocabulary"),
            ("stride-category-food", "Food", "", "", "stride"),
        ),
        "services_taxonomy.csv": csv_text(
            ("id", "service_id", "taxonomy_id", "taxonomy_detail"),
            ("st1", "s1", "stride-category-food", ""),
        ),
    }


def version_2_files() -> dict[str, str]:
    return {
        "organizations.csv": csv_text(
            ("id", "name", "description", "email", "url", "logo"),
            (
                "o1",
                "Hope Family Center",
                "Family help.",
                "hi@hope.example.org",
                "https://hope.example.org",
                "logo.png",
            ),
        ),
        "services.csv": csv_text(
            (
                "id",
                "organization_id",
                "name",
                "description",
                "url",
                "email",
                "status",
                "application_process",
                "fees",
                "fees_description",
                "eligibility_description",
                "assured_date",
            ),
            (
                "s1",
                "o1",
                "Food pantry",
                "Groceries.",
                "https://hope.example.org/food",
                "food@hope.example.org",
                "active",
                "Walk in.",
                "no",
                "Free",
                "Anyone.",
                "2025-03-31",
            ),
        ),
        "locations.csv": csv_text(
            ("id", "organization_id", "location_type", "name", "latitude", "longitude"),
            ("l1", "o1", "physical", "Main office", "36.7378", "-119.7871"),
        ),
        "addresses.csv": csv_text(
            (
                "id",
                "location_id",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "country",
                "address_type",
            ),
            ("a1", "l1", "1 Main St", "Fresno", "CA", "93721", "US", "physical"),
        ),
        "service_at_location.csv": csv_text(
            ("id", "service_id", "location_id"), ("sal1", "s1", "l1")
        ),
        "phones.csv": csv_text(
            ("id", "organization_id", "service_id", "number", "extension", "type"),
            ("ph1", "o1", "", "(559) 555-0123", "", "voice"),
            ("ph2", "", "s1", "559-555-0124", "7", "voice"),
        ),
        "schedules.csv": csv_text(
            ("id", "service_id", "freq", "byday", "opens_at", "closes_at"),
            ("r1", "s1", "WEEKLY", "MO", "09:00", "17:00"),
            ("r2", "s1", "WEEKLY", "WE", "8:00am", "5:30pm"),
            ("r3", "s1", "WEEKLY", "SA", "10:00", "12:00"),
        ),
        "languages.csv": csv_text(
            ("id", "service_id", "name", "code", "note"),
            ("lg1", "s1", "English", "en", ""),
            ("lg2", "s1", "Spanish", "es", ""),
        ),
        "service_areas.csv": csv_text(
            ("id", "service_id", "name", "description"), ("sa1", "s1", "Fresno County", "")
        ),
        "taxonomy_terms.csv": csv_text(
            ("id", "term", "description", "parent_id", "taxonomy", "language"),
            ("stride-category-food", "Food", "", "", "stride", "en"),
            ("stride-contracted", "Contracted provider", "", "", "stride", "en"),
        ),
        "service_attributes.csv": csv_text(
            ("id", "service_id", "taxonomy_term_id"), ("sat1", "s1", "stride-category-food")
        ),
        "other_attributes.csv": csv_text(
            ("id", "link_id", "link_type", "taxonomy_term_id"),
            ("oat1", "o1", "organization", "stride-contracted"),
        ),
    }


def zipped(files: dict[str, str], descriptor: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"export/{name}", text)
        if descriptor is not None:
            archive.writestr("export/datapackage.json", json.dumps(descriptor))
    return buffer.getvalue()


def descriptor(files: dict[str, str], version: str, *missing: str) -> dict:
    names = [*files, *missing]
    return {
        "name": "county-211",
        "version": version,
        "resources": [{"name": name.removesuffix(".csv"), "path": name} for name in names],
    }


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


def assert_imported_as_the_3_0_file_would(county, other_county=None, contracted=False):
    hope = Provider.objects.get(county=county, hsds_id="o1")
    assert (hope.website, hope.phone, hope.contracted) == (
        "https://hope.example.org", "(559) 555-0123", contracted,
    )  # fmt: skip
    place = Location.objects.get(provider=hope, hsds_id="l1")
    assert (place.address_1, place.city, place.postal_code) == ("1 Main St", "Fresno", "93721")
    pantry = Service.objects.get(provider=hope, hsds_id="s1")
    assert (pantry.category, pantry.area, pantry.status) == ("food", "supports", "active")
    assert pantry.fees_description == "Free"
    assert pantry.phone == "(559) 555-0124 ext. 7"
    assert sorted(pantry.languages.values_list("code", flat=True)) == ["en", "es"]
    assert set(pantry.schedules.values_list("weekday", "opens_at", "closes_at")) == {
        (1, time(9), time(17)),
        (3, time(8), time(17, 30)),
        (6, time(10), time(12)),
    }
    assert list(pantry.serves.all()) == [county]
    assert [location.hsds_id for location in pantry.locations.all()] == ["l1"]


def test_an_hsds_1_package_reads_its_own_table_and_column_names(world, admin):
    files = version_1_files()
    tables = hsds.read_package(zipped(files, descriptor(files, "1.1")), "county-211.zip")

    plan = hsds.check(world.county, tables)

    assert plan.version == "1.x"
    assert plan.problems == []
    assert plan.counts["services"] == {"new": 1, "changed": 0, "unchanged": 0, "gone": 0}
    assert plan.unread == {"postal_addresses": "Stride keeps the street address of a place, "
                           "not its postal address"}  # fmt: skip
    # Columns read under another name are not listed as unread: url, fees, weekday, language...
    assert plan.unread_columns == {
        "locations": ["transportation"],
        "organizations": ["alternate_name", "tax_status"],
        "phones": ["language"],
        "languages": ["location_id"],
        "physical_addresses": ["attention"],
        "service_areas": ["description"],
        "services": ["program_id", "wait_time"],
        "services_at_location": ["description"],
        "services_taxonomy": ["taxonomy_detail"],
        "taxonomy": ["parent_id", "parent_name"],
    }
    hsds.apply(admin, world.county, tables)
    assert_imported_as_the_3_0_file_would(world.county)
    assert not hsds.apply(admin, world.county, tables).changes_anything


def test_an_hsds_2_package_reads_its_own_table_and_column_names(world, admin):
    files = version_2_files()
    tables = hsds.read_package(zipped(files, descriptor(files, "2.0.1")), "county-211.zip")

    plan = hsds.check(world.county, tables)

    assert plan.version == "2.0"
    assert plan.problems == []
    # 2.0 services carry fees and fees_description: the second is read, the first listed.
    assert plan.unread_columns == {
        "languages": ["note"],
        "organizations": ["logo"],
        "service_areas": ["description"],
        "services": ["fees"],
        "taxonomy_terms": ["parent_id", "language"],
    }
    hsds.apply(admin, world.county, tables)
    assert_imported_as_the_3_0_file_would(world.county, contracted=True)
    assert not hsds.apply(admin, world.county, tables).changes_anything


@pytest.mark.parametrize(
    "files, version",
    [(version_1_files(), "1.x"), (version_2_files(), "2.0")],
    ids=["1.x", "2.0"],
)
def test_without_a_datapackage_json_the_version_is_told_by_its_tables(world, files, version):
    plan = hsds.check(world.county, hsds.read_package(zipped(files), "county-211.zip"))

    assert (plan.version, plan.problems) == (version, [])
    assert plan.counts["services"]["new"] == 1


def test_loose_csv_files_and_a_folder_read_like_a_zip(world, tmp_path):
    files = version_1_files()
    loose = hsds.read_files({name: text.encode() for name, text in files.items()}, "upload")
    assert hsds.check(world.county, loose).version == "1.x"
    assert [row["id"] for row in loose["service_at_locations"]] == ["sal1"]

    for name, text in files.items():
        (tmp_path / name).write_text(text)
    out = io.StringIO()
    call_command("import_hsds", "Fresno County", str(tmp_path), stdout=out)
    assert "Read as HSDS 1.x." in out.getvalue()
    assert "services: 1 new, 0 changed, 0 unchanged" in out.getvalue()


def test_a_file_the_datapackage_json_lists_but_leaves_out_is_passed_over_with_a_warning(world):
    files = version_1_files()
    data = zipped(files, descriptor(files, "1.1", "funding.csv"))

    plan = hsds.check(world.county, hsds.read_package(data, "county-211.zip"))

    assert plan.problems == []
    assert plan.warnings == [
        "The datapackage.json lists the funding table in funding.csv, which isn't in the "
        "file; the rest was read without it."
    ]


def test_a_problem_is_named_by_the_files_own_table_and_column(world):
    files = version_1_files()
    files["services.csv"] = files["services.csv"].replace("active", "open")
    files["languages.csv"] = files["languages.csv"].replace("Spanish", "Elvish")
    files["regular_schedules.csv"] = files["regular_schedules.csv"].replace("Wednesday", "Funday")
    files["organizations.csv"] = files["organizations.csv"].replace(
        "https://hope.example.org", "not a web address"
    )

    plan = hsds.check(world.county, hsds.read_package(zipped(files), "county-211.zip"))

    assert {(p.table, p.row, p.column) for p in plan.problems} == {
        ("services", 2, "status"),
        ("organizations", 2, "url"),
        ("languages", 3, "language"),
    }
    assert [(d.table, d.row, d.column) for d in plan.defaults] == [
        ("regular_schedules", 3, "weekday")
    ]


def test_a_missing_column_is_named_as_the_version_names_it(world):
    files = version_1_files()
    files["regular_schedules.csv"] = csv_text(("id", "service_id", "opens_at", "closes_at"))
    files["regular_schedules.csv"] += "r1,s1,09:00,17:00\n"

    plan = hsds.check(world.county, hsds.read_package(zipped(files), "county-211.zip"))

    assert [(p.table, p.row, p.column, p.message) for p in plan.problems] == [
        ("regular_schedules", 1, "weekday", "add the missing column: weekday.")
    ]


def test_a_utf_16_csv_file_is_read(world):
    files = version_1_files()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            encoded = text.encode("utf-16") if name == "organizations.csv" else text.encode()
            archive.writestr(name, encoded)

    tables = hsds.read_package(buffer.getvalue(), "county-211.zip")

    assert tables["organizations"][0]["name"] == "Hope Family Center"
    assert hsds.check(world.county, tables).problems == []
    no_bom = files["organizations.csv"].encode("utf-16-le")
    assert hsds.read_files({"organizations.csv": no_bom}, "x")["organizations"][0]["id"] == "o1"


@pytest.mark.parametrize(
    "text, day",
    [("1", 1), ("7", 7), ("0", 7), ("MO", 1), ("tu", 2), ("Wed", 3), ("Thursday", 4),
     ("fri.", 5), ("8", None), ("Funday", None), ("", None)],
)  # fmt: skip
def test_weekdays_read_as_numbers_codes_or_names(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    "text, clock",
    [("8:00am", time(8)), ("8am", time(8)), ("5:30 PM", time(17, 30)), ("12pm", time(12)),
     ("12:15am", time(0, 15)), ("5:30 p.m.", time(17, 30)), ("17:30:00", time(17, 30)),
     ("13pm", None), ("0am", None), ("noonish", None)],
)  # fmt: skip
def test_times_read_on_a_12_or_24_hour_clock(text, clock):
    assert parse_time(text) == clock


@pytest.mark.skipif(not SAMPLE_1_1.exists(), reason="the shared HSDS 1.1 sample is not here")
def test_open_referrals_1_1_sample_is_read_as_1_x_with_every_table_accounted_for(world):
    files = {path.name: path.read_bytes() for path in SAMPLE_1_1.iterdir()}
    tables = hsds.read_files(files, "1.1-sample")
    plan = hsds.check(world.county, tables)

    assert plan.version == "1.x"
    assert plan.counts["organizations"]["new"] == 10
    assert "physical_addresses" not in plan.unread
    assert "services_at_location" not in plan.unread
    assert set(plan.unread) >= {"postal_addresses", "holiday_schedules", "contacts", "funding"}
