"""Importing and exporting a county's directory as an HSDS data package.

The good package is the CSV files in tests/hsds/; bad variants edit its text
or its rows in the test, so each problem sits on a row we know.
"""

import io
import json
import random
import zipfile
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stride.core.audit import Actor
from stride.core.models import AuditEvent, Organisation
from stride.resources import hsds
from stride.resources.demo import build_directory
from stride.resources.hsds import HsdsError, ImportRefused, Tables
from stride.resources.models import Location, Provider, Schedule, Service

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "hsds"

Edits = dict[str, Callable[[str], str]]


def package(edits: Edits | None = None, leave_out: tuple[str, ...] = ()) -> bytes:
    """The good package as a zip, with some files' text edited or left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(HERE.glob("*.csv")):
            if path.stem in leave_out:
                continue
            text = path.read_text()
            if edits and path.stem in edits:
                text = edits[path.stem](text)
            archive.writestr(f"directory/{path.name}", text)
    return buffer.getvalue()


def tables(edits: Edits | None = None, leave_out: tuple[str, ...] = ()) -> Tables:
    return hsds.read_package(package(edits, leave_out), "directory.zip")


def row(tables: Tables, table: str, id: str) -> dict[str, str]:
    return next(item for item in tables[table] if item.get("id") == id)


def directory_events():
    return AuditEvent.objects.filter(record_type__in=["Provider", "Service"])


def where(plan: hsds.ImportPlan) -> set[tuple[str, int, str]]:
    return {(problem.table, problem.row, problem.column) for problem in plan.problems}


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


def test_the_dry_run_of_a_good_file_counts_what_it_would_add_and_writes_nothing(world):
    plan = hsds.check(world.county, tables())

    assert plan.ok and plan.problems == []
    assert plan.counts["organizations"] == {"new": 2, "changed": 0, "unchanged": 0, "gone": 0}
    assert plan.counts["locations"] == {"new": 2, "changed": 0, "unchanged": 0, "gone": 0}
    assert plan.counts["services"] == {"new": 3, "changed": 0, "unchanged": 0, "gone": 0}
    assert plan.changes_anything
    assert not Provider.objects.exists() and not directory_events().exists()


def test_applying_a_good_file_builds_the_directory_with_an_audit_event_per_record(world, admin):
    plan = hsds.apply(admin, world.county, tables())

    assert plan.ok
    hope = Provider.objects.get(county=world.county, hsds_id="org-hope")
    ride = Provider.objects.get(county=world.county, hsds_id="org-ride")
    assert hope.phone == "(559) 555-0123" and not hope.contracted
    assert ride.phone == "(559) 555-0188" and ride.contracted  # the fax number is not the phone
    depot = Location.objects.get(provider=ride, hsds_id="loc-ride-depot")
    assert (depot.address_1, depot.city, depot.state_province, depot.postal_code) == (
        "455 Olive Ave", "Fresno", "CA", "93728-1234",
    )  # fmt: skip
    assert depot.latitude == pytest.approx(36.7468)

    parenting = Service.objects.get(hsds_id="svc-parenting")
    assert parenting.county == world.county and parenting.provider == hope
    assert (parenting.category, parenting.area) == ("parenting", "supports")
    assert parenting.fits == ["children_under_6"]
    assert parenting.phone == "(559) 555-0124 ext. 12"
    assert parenting.last_verified_on == date(2025, 3, 31)
    assert parenting.open_evenings and not parenting.open_weekends
    assert list(parenting.serves.all()) == [world.county]
    assert [place.hsds_id for place in parenting.locations.all()] == ["loc-hope-main"]
    assert sorted(parenting.languages.values_list("code", flat=True)) == ["en", "es"]
    assert set(parenting.schedules.values_list("weekday", "opens_at", "closes_at")) == {
        (1, time(17, 30), time(20)),
        (3, time(17, 30), time(20)),
    }

    pantry = Service.objects.get(hsds_id="svc-pantry")
    assert pantry.open_weekends and not pantry.open_evenings
    assert sorted(pantry.languages.values_list("code", flat=True)) == ["en", "hmn"]
    bus = Service.objects.get(hsds_id="svc-bus")
    assert bus.status == "inactive" and bus.last_verified_on is None
    assert (bus.months_on_aid_min, bus.months_on_aid_max) == (1, 48)
    assert set(bus.serves.all()) == {world.county, world.other_county}

    events = directory_events()
    assert events.count() == 5
    assert set(events.values_list("action", flat=True)) == {"create"}
    assert set(events.values_list("actor", flat=True)) == {world.county_admin.pk}


def test_reimporting_a_good_file_changes_nothing(world, admin):
    hsds.apply(admin, world.county, tables())
    events = AuditEvent.objects.count()
    versions = list(Service.objects.order_by("pk").values_list("version", flat=True))

    plan = hsds.apply(admin, world.county, tables())

    assert not plan.changes_anything
    for table in ("organizations", "locations", "services"):
        assert plan.counts[table]["new"] == plan.counts[table]["changed"] == 0
    assert plan.counts["services"]["unchanged"] == 3
    assert AuditEvent.objects.count() == events
    assert list(Service.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_changed_row_changes_only_that_record_and_names_the_fields(world, admin):
    hsds.apply(admin, world.county, tables())
    edited = tables()
    row(edited, "services", "svc-pantry")["description"] = "Groceries twice a week."
    row(edited, "schedules", "sch-3")["closes_at"] = "19:00"
    row(edited, "organizations", "org-ride")["website"] = "https://ride.example.org"

    plan = hsds.apply(admin, world.county, edited)

    assert plan.counts["services"] == {"new": 0, "changed": 1, "unchanged": 2, "gone": 0}
    assert plan.counts["organizations"] == {"new": 0, "changed": 1, "unchanged": 1, "gone": 0}
    pantry = Service.objects.get(hsds_id="svc-pantry")
    assert pantry.description == "Groceries twice a week." and pantry.version == 2
    assert pantry.open_evenings
    change = AuditEvent.objects.get(action="change", record_type="Service")
    assert change.record_id == pantry.uuid
    assert change.fields == ["description", "schedules"]
    provider_change = AuditEvent.objects.get(action="change", record_type="Provider")
    assert provider_change.fields == ["website"]


def test_a_bad_file_reports_every_bad_row_and_changes_nothing(world, admin):
    bad = tables()
    row(bad, "phones", "ph-2")["number"] = "555-0124"
    row(bad, "addresses", "addr-1")["postal_code"] = "9372"
    row(bad, "services", "svc-bus")["organization_id"] = "org-nobody"
    row(bad, "services", "svc-pantry")["email"] = "pantry at hope"
    row(bad, "organizations", "org-ride")["id"] = "org-hope"
    row(bad, "schedules", "sch-2")["opens_at"] = "14:00"
    row(bad, "languages", "lang-5")["service_id"] = "svc-gone"

    plan = hsds.check(world.county, bad)

    assert not plan.ok
    assert where(plan) == {
        ("organizations", 3, "id"),
        ("addresses", 2, "postal_code"),
        ("services", 3, "email"),
        ("services", 4, "organization_id"),
        ("phones", 3, "number"),
        ("schedules", 3, "closes_at"),
        ("languages", 6, "service_id"),
        # org-ride is no longer in the file, so what points at it is unknown too...
        ("locations", 3, "organization_id"),
        ("phones", 4, "organization_id"),
        ("phones", 5, "organization_id"),
        ("attributes", 11, "link_id"),
        # ...but rows about the location and the service refused above are not blamed again.
    }
    messages = {(p.table, p.row): p.message for p in plan.problems}
    assert messages[("services", 3)] == "enter an email address, like help@example.org."
    assert messages[("languages", 6)] == "use the id of a service in services.csv."
    with pytest.raises(ImportRefused) as refused:
        hsds.apply(admin, world.county, bad)
    assert refused.value.plan.problems == plan.problems
    assert not Provider.objects.exists() and not Service.objects.exists()
    assert not directory_events().exists()


def test_missing_required_columns_are_one_problem_per_file(world):
    def drop(*columns: str) -> Callable[[str], str]:
        def edit(text: str) -> str:
            lines = [line.split(",") for line in text.splitlines()]
            header = lines[0]
            keep = [n for n, name in enumerate(header) if name not in columns]
            return "\n".join(",".join(line[n] for n in keep if n < len(line)) for line in lines)

        return edit

    plan = hsds.check(
        world.county,
        tables(
            {"locations": drop("name"), "phones": drop("number"), "attributes": drop("link_id")}
        ),
    )

    missing = {(p.table, p.row, p.column): p.message for p in plan.problems if p.row == 1}
    assert missing == {
        ("locations", 1, "name"): "add the missing column: name.",
        ("phones", 1, "number"): "add the missing column: number.",
        ("attributes", 1, "link_id"): "add the missing column: link_id.",
    }
    # Nothing else is blamed on the missing columns: rows pointing at locations are not reported.
    assert where(plan) == set(missing)


@pytest.mark.parametrize(
    "number, fine",
    [
        ("(559) 555-0123", True),
        ("+1 559 555 0123", True),
        ("559-555-0123 x204", True),
        ("559.555.0123 ext. 7", True),
        ("555-0123", False),
        ("(559) 555-01234", False),
        ("1-800-FLOWERS", False),
        ("2-559-555-0123", False),
    ],
)
def test_a_phone_number_is_a_10_digit_us_number(world, number, fine):
    edited = tables()
    row(edited, "phones", "ph-1")["number"] = number

    plan = hsds.check(world.county, edited)

    if fine:
        assert plan.ok
    else:
        [problem] = plan.problems
        assert (problem.table, problem.row, problem.column) == ("phones", 2, "number")
        assert problem.message == "enter a 10-digit US phone number, like (559) 555-0123."


@pytest.mark.parametrize(
    "zip_code, message",
    [
        ("93721-1234", None),
        ("9372", "enter a 5-digit ZIP code, like 93721, or a ZIP+4, like 93721-1234."),
        ("93721-12", "enter a 5-digit ZIP code, like 93721, or a ZIP+4, like 93721-1234."),
        ("00000", "there is no such ZIP code; check it for a typo."),
        ("", "fill this in; it can't be left empty."),
    ],
)
def test_a_zip_code_must_look_right_and_exist(world, zip_code, message):
    edited = tables()
    row(edited, "addresses", "addr-2")["postal_code"] = zip_code

    plan = hsds.check(world.county, edited)

    assert [(p.table, p.row, p.column, p.message) for p in plan.problems] == (
        [("addresses", 3, "postal_code", message)] if message else []
    )


def test_unknown_ids_are_reported_where_they_are_used(world):
    edited = tables()
    row(edited, "service_at_locations", "sal-1")["location_id"] = "loc-nowhere"
    row(edited, "phones", "ph-2")["service_id"] = "svc-nothing"
    row(edited, "attributes", "att-2")["taxonomy_term_id"] = "stride-no-such-term"
    row(edited, "service_areas", "area-4")["name"] = "Atlantis County"
    row(edited, "locations", "loc-hope-main")["organization_id"] = "org-elsewhere"

    plan = hsds.check(world.county, edited)

    assert where(plan) == {
        ("service_at_locations", 2, "location_id"),
        ("phones", 3, "service_id"),
        ("attributes", 3, "taxonomy_term_id"),
        ("locations", 2, "organization_id"),
    }
    # An area that is no county Stride knows is kept as words, and the dry run says so.
    assert [(d.table, d.row, d.column, d.message) for d in plan.defaults] == [
        ("service_areas", 5, "name", "Service areas that aren't a county's name: kept as text.")
    ]
    messages = {(p.table, p.column): p.message for p in plan.problems}
    assert messages[("phones", "service_id")] == "use the id of a service in services.csv."


def test_a_service_may_belong_to_an_organization_already_in_the_directory(world, admin):
    hsds.apply(admin, world.county, tables())
    only_services = tables(leave_out=("organizations", "locations", "addresses", "phones"))
    only_services["attributes"].pop()  # Ride Ready's contracted flag
    row(only_services, "services", "svc-pantry")["name"] = "Food pantry and CalFresh help"

    plan = hsds.apply(admin, world.county, only_services)

    assert plan.ok and plan.counts["services"] == {
        "new": 0,
        "changed": 1,
        "unchanged": 2,
        "gone": 0,
    }
    assert Service.objects.get(hsds_id="svc-pantry").name == "Food pantry and CalFresh help"


def test_a_service_id_another_organization_uses_is_refused(world, admin):
    hsds.apply(admin, world.county, tables())
    moved = tables(leave_out=("organizations", "locations", "addresses", "phones"))
    moved["attributes"].pop()
    row(moved, "services", "svc-bus")["organization_id"] = "org-hope"

    plan = hsds.check(world.county, moved)

    # svc-bus belongs to Ride Ready; rows about it are not blamed for its problem.
    assert where(plan) == {("services", 4, "id")}
    assert plan.problems[0].message == (
        "another organization in the directory already uses this id; use a new one."
    )


def test_duplicate_ids_name_the_row_that_has_the_id_first(world):
    edited = tables()
    row(edited, "services", "svc-bus")["id"] = "svc-parenting"
    row(edited, "taxonomy_terms", "stride-category-food")["id"] = "stride-category-parenting"

    plan = hsds.check(world.county, edited)

    duplicates = [p for p in plan.problems if p.column == "id"]
    assert [(p.table, p.row, p.message) for p in duplicates] == [
        ("services", 4, "use another id: row 2 already has this one."),
        ("taxonomy_terms", 3, "use another id: row 2 already has this one."),
    ]


def test_codes_times_months_and_coordinates_must_make_sense(world):
    edited = tables()
    row(edited, "services", "svc-pantry")["status"] = "open"
    row(edited, "schedules", "sch-1")["byday"] = "MO,XX"
    row(edited, "schedules", "sch-4")["closes_at"] = "5 o'clock"
    row(edited, "attributes", "att-9")["value"] = "0"
    row(edited, "attributes", "att-8")["value"] = "3"
    row(edited, "taxonomy_terms", "stride-circumstance-food")["code"] = "circumstance:hungry"
    row(edited, "locations", "loc-ride-depot")["latitude"] = "136.7"
    row(edited, "languages", "lang-2")["code"] = "spanish"

    plan = hsds.check(world.county, edited)

    assert where(plan) == {
        ("services", 3, "status"),
        ("attributes", 10, "value"),
        ("taxonomy_terms", 6, "code"),
        ("locations", 3, "latitude"),
        ("languages", 3, "code"),
    }
    messages = {(p.table, p.column): p.message for p in plan.problems}
    assert messages[("attributes", "value")] == "make this at least the first month on aid (3)."
    # Hours Stride cannot read are no problem: they are kept, as written, as a note.
    assert {(d.table, d.row, d.column) for d in plan.defaults} == {
        ("schedules", 2, "byday"),
        ("schedules", 5, "closes_at"),
    }
    bus = next(change for change in plan.services if change.key == "svc-bus")
    assert bus.values["hours_note"] == "MO,TU,WE,TH,FR 08:00-5 o'clock"


def test_opening_time_must_come_before_closing_time(world):
    edited = tables()
    row(edited, "schedules", "sch-2")["closes_at"] = "09:00"

    plan = hsds.check(world.county, edited)

    [problem] = plan.problems
    assert (problem.table, problem.row, problem.column) == ("schedules", 3, "closes_at")
    assert problem.message == "make the closing time later than the opening time."


def test_a_service_has_one_kind_and_one_without_is_left_to_sort(world):
    edited = tables()
    edited["attributes"] = [a for a in edited["attributes"] if a["id"] != "att-1"]
    row(edited, "attributes", "att-6")["link_id"] = "svc-pantry"

    plan = hsds.check(world.county, edited)

    assert where(plan) == {("attributes", 7, "taxonomy_term_id")}  # svc-pantry has two
    # svc-parenting and svc-bus have none, and no 211 term either: staff will sort them.
    assert plan.to_sort == 2


def test_records_and_tables_left_out_of_the_file_are_kept(world, admin):
    hsds.apply(admin, world.county, tables())
    edited = tables(leave_out=("schedules", "languages", "phones"))
    edited["services"] = [s for s in edited["services"] if s["id"] != "svc-bus"]
    edited["service_at_locations"] = [
        s for s in edited["service_at_locations"] if s["id"] != "sal-3"
    ]
    edited["service_areas"] = [s for s in edited["service_areas"] if s["service_id"] != "svc-bus"]
    edited["attributes"] = [a for a in edited["attributes"] if a["link_id"] != "svc-bus"]

    plan = hsds.apply(admin, world.county, edited)

    assert plan.ok and not plan.changes_anything
    assert Service.objects.filter(hsds_id="svc-bus").exists()
    assert Schedule.objects.filter(service__hsds_id="svc-parenting").count() == 2
    assert Service.objects.get(hsds_id="svc-parenting").phone == "(559) 555-0124 ext. 12"


def test_importing_into_one_county_leaves_another_countys_directory_alone(world, admin):
    kern_admin = Actor(world.other_county_admin)
    hsds.apply(kern_admin, world.other_county, tables())

    plan = hsds.apply(admin, world.county, tables())

    assert plan.counts["services"]["new"] == 3  # matched within the county only
    assert Provider.objects.filter(county=world.other_county).count() == 2
    assert Service.objects.filter(county=world.other_county).count() == 3
    assert Service.objects.filter(county=world.county).count() == 3


def test_export_then_import_round_trips(world, admin):
    build_directory(world.county, random.Random(1), date.today())
    exported = hsds.export_zip(world.county)

    same = hsds.check(world.county, hsds.read_package(exported, "fresno.zip"))
    assert same.ok, same.problems[:3]
    assert not same.changes_anything
    assert (
        same.counts["services"]["unchanged"] == Service.objects.filter(county=world.county).count()
    )

    fresh = Organisation.objects.create(name="Tulare County", kind="county", parent=world.agency)
    hsds.apply(admin, fresh, hsds.read_package(exported, "fresno.zip"))
    again = hsds.export_zip(fresh)
    assert _csv_files(again) == _csv_files(exported)


def test_json_package_round_trips(world, admin):
    build_directory(world.county, random.Random(1), date.today())
    package = hsds.export_json(world.county)
    data = json.dumps(package).encode()

    same = hsds.check(world.county, hsds.read_package(data, "datapackage.json"))
    assert same.ok and not same.changes_anything

    fresh = Organisation.objects.create(name="Tulare County", kind="county", parent=world.agency)
    hsds.apply(admin, fresh, hsds.read_package(data, "datapackage.json"))
    again = hsds.export_json(fresh)
    assert again["resources"] == package["resources"]


def test_the_export_is_a_tabular_data_package_in_hsds_names(world):
    build_directory(world.county, random.Random(1), date.today())

    with zipfile.ZipFile(io.BytesIO(hsds.export_zip(world.county))) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        assert descriptor["profile"] == "tabular-data-package"
        assert descriptor["name"] == "fresno-county-directory"
        names = {resource["name"] for resource in descriptor["resources"]}
        assert names == {
            "organizations", "services", "locations", "addresses", "service_at_locations",
            "phones", "schedules", "languages", "service_areas", "taxonomy_terms", "attributes",
        }  # fmt: skip
        for resource in descriptor["resources"]:
            assert resource["profile"] == "tabular-data-resource"
            assert resource["schema"]["primaryKey"] == "id"
            header = archive.read(resource["path"]).decode().splitlines()[0].split(",")
            assert header == [f["name"] for f in resource["schema"]["fields"]]
        schedules = archive.read("schedules.csv").decode().splitlines()
        assert any(',WEEKLY,"MO,TU,WE,TH,FR",09:00,17:00' in line for line in schedules)
        terms = archive.read("taxonomy_terms.csv").decode()
        assert "stride-category-food,category:food" in terms

    inline = hsds.export_json(world.county)
    assert all("data" in r and "path" not in r for r in inline["resources"])
    services = next(r for r in inline["resources"] if r["name"] == "services")["data"]
    assert {"id", "organization_id", "assured_date", "status"} <= set(services[0])
    locations = next(r for r in inline["resources"] if r["name"] == "locations")["data"]
    assert isinstance(locations[0]["latitude"], float)


def test_a_file_that_is_not_a_data_package_is_refused():
    with pytest.raises(HsdsError, match="neither a zip of HSDS CSV files nor a JSON data package"):
        hsds.read_package(b"name,phone\nHope,555\n", "list.txt")
    with pytest.raises(HsdsError, match="list.csv holds no directory tables"):
        hsds.read_package(b"name,phone\nHope,555\n", "list.csv")
    with pytest.raises(HsdsError, match="holds no directory tables"):
        empty = io.BytesIO()
        with zipfile.ZipFile(empty, "w") as archive:
            archive.writestr("notes.txt", "hello")
        hsds.read_package(empty.getvalue(), "notes.zip")
    with pytest.raises(HsdsError, match="isn't valid JSON"):
        hsds.read_package(b'{"resources": [', "datapackage.json")
    with pytest.raises(HsdsError, match="holds no directory tables"):  # its one table is missing
        hsds.read_package(
            json.dumps({"resources": [{"name": "services", "path": "services.csv"}]}).encode(),
            "datapackage.json",
        )


def test_rows_keep_the_row_number_a_spreadsheet_shows(world):
    assert [item.line for item in tables()["services"]] == [2, 3, 4]
    # A blank row is skipped but counted; a cell of two lines is still one row.
    edited = tables(
        {
            "phones": lambda text: text.replace("ph-2", ",,,,,\nph-2"),
            "services": lambda text: text.replace(
                ",Free evening parenting classes and playgroups.,",
                ',"Free evening\nparenting classes and playgroups.",',
            ),
        }
    )
    assert [item.line for item in edited["phones"]] == [2, 4, 5, 6]
    assert [item.line for item in edited["services"]] == [2, 3, 4]
    assert row(edited, "services", "svc-parenting")["description"].startswith("Free evening\n")

    edited["phones"][1]["number"] = "555"
    [problem] = hsds.check(world.county, edited).problems
    assert (problem.table, problem.row) == ("phones", 4)


def test_import_command_dry_run_prints_problems_and_changes_nothing(world, tmp_path):
    path = tmp_path / "directory.zip"
    path.write_bytes(package({"phones": lambda text: text.replace("559.555.0124", "555-0124")}))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_hsds", "Fresno County", str(path), stdout=out, stderr=out)

    assert "phones.csv row 3, number: enter a 10-digit US phone number" in out.getvalue()
    assert not Provider.objects.exists()


def test_import_and_export_commands(world, tmp_path):
    path = tmp_path / "directory.zip"
    path.write_bytes(package())
    out = io.StringIO()

    call_command("import_hsds", "fresno county", str(path), stdout=out)
    assert "services: 3 new" in out.getvalue()
    assert not Provider.objects.exists()

    call_command("import_hsds", "Fresno County", str(path), "--apply", stdout=out)
    assert Service.objects.filter(county=world.county).count() == 3
    assert AuditEvent.objects.filter(channel="system", record_type="Service").count() == 3

    call_command("export_hsds", "Fresno County", str(tmp_path / "out.zip"), stdout=out)
    call_command("export_hsds", "Fresno County", str(tmp_path / "out.json"), stdout=out)
    exported = hsds.read_package((tmp_path / "out.zip").read_bytes(), "out.zip")
    assert {item["id"] for item in exported["services"]} == {
        "svc-parenting",
        "svc-pantry",
        "svc-bus",
    }
    inline = json.loads((tmp_path / "out.json").read_text())
    assert inline["profile"] == "tabular-data-package"

    with pytest.raises(CommandError, match="No county"):
        call_command("export_hsds", "Atlantis County", str(tmp_path / "x.zip"), stdout=out)


def _csv_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith(".csv")}
