"""The defaults an import uses (each reported), and a partial import that skips the bad rows.

The package is the good one in tests/hsds/, with rows edited in each test so
each default or problem sits on a row we know.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import hsds
from stride.resources.hsds import ImportRefused, Tables
from stride.resources.hsds.partial import BELONGS_TO_SKIPPED
from stride.resources.models import Provider, Schedule, Service

from .test_hsds import package, row, tables
from .test_hsds_versions import version_1_files, zipped

pytestmark = pytest.mark.django_db

BELONGS = str(BELONGS_TO_SKIPPED)


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


def defaults(plan: hsds.ImportPlan) -> set[tuple[str, int, str, str]]:
    return {(d.table, d.row, d.column, d.message) for d in plan.defaults}


def skipped(plan: hsds.ImportPlan) -> dict[tuple[str, int], str]:
    return {(p.table, p.row): p.message for p in plan.skipped}


def service(plan: hsds.ImportPlan, key: str) -> hsds.plan.ServiceChange:
    return next(change for change in plan.services if change.key == key)


# Sensible defaults, each reported with its rows


def test_a_web_address_without_https_gets_it_and_the_dry_run_says_so(world, admin):
    file = tables()
    row(file, "organizations", "org-hope")["website"] = "hopefamily.example.org"
    row(file, "services", "svc-bus")["url"] = "www.rideready.example.org/bus"

    plan = hsds.check(world.county, file)

    assert plan.ok
    message = "Web addresses without https://: https:// added."
    assert defaults(plan) == {
        ("organizations", 2, "website", message),
        ("services", 4, "url", message),
    }
    [kind] = plan.default_kinds
    assert (kind.message, kind.count) == (message, 2)
    hsds.apply(admin, world.county, file)
    assert Provider.objects.get(hsds_id="org-hope").website == "https://hopefamily.example.org"
    assert Service.objects.get(hsds_id="svc-bus").url == "https://www.rideready.example.org/bus"


def test_text_that_is_no_web_address_even_with_https_is_still_a_problem(world):
    file = tables()
    row(file, "organizations", "org-hope")["website"] = "call us"

    plan = hsds.check(world.county, file)

    assert [(p.table, p.row, p.column) for p in plan.problems] == [("organizations", 2, "website")]
    assert plan.defaults == []


def test_a_blank_status_is_active_and_the_dry_run_says_so(world, admin):
    file = tables()
    row(file, "services", "svc-bus")["status"] = ""

    plan = hsds.check(world.county, file)

    assert plan.ok
    assert defaults(plan) == {
        ("services", 4, "status", "Services with no status: imported as active.")
    }
    hsds.apply(admin, world.county, file)
    assert Service.objects.get(hsds_id="svc-bus").status == "active"


def test_a_file_without_the_status_column_keeps_each_services_status(world, admin):
    hsds.apply(admin, world.county, tables())  # svc-bus is inactive
    file = tables()
    for item in file["services"]:
        del item["status"]

    plan = hsds.check(world.county, file)

    assert plan.ok and plan.defaults == [] and not plan.changes_anything
    hsds.apply(admin, world.county, file)
    assert Service.objects.get(hsds_id="svc-bus").status == "inactive"


def test_a_service_area_that_is_no_county_is_kept_as_text(world, admin):
    file = tables()
    row(file, "service_areas", "area-4")["name"] = "Clovis and Sanger"

    plan = hsds.check(world.county, file)

    assert plan.ok
    assert defaults(plan) == {
        ("service_areas", 5, "name", "Service areas that aren't a county's name: kept as text.")
    }
    hsds.apply(admin, world.county, file)
    bus = Service.objects.get(hsds_id="svc-bus")
    assert bus.areas_note == "Clovis and Sanger"
    assert list(bus.serves.all()) == [world.county]
    # The note goes out with an export and comes back in unchanged.
    again = hsds.read_package(hsds.export_zip(world.county), "export.zip")
    assert not hsds.check(world.county, again).changes_anything


def test_hours_stride_cannot_read_are_kept_as_a_note(world, admin):
    file = tables()
    row(file, "schedules", "sch-4").update(
        byday="", opens_at="", closes_at="", description="By appointment, most weekdays"
    )
    row(file, "schedules", "sch-3")["closes_at"] = "noonish"

    plan = hsds.check(world.county, file)

    assert plan.ok
    message = "Opening hours Stride can't read as days and times: kept as a note."
    assert defaults(plan) == {
        ("schedules", 4, "closes_at", message),
        ("schedules", 5, "byday", message),
    }
    hsds.apply(admin, world.county, file)
    bus = Service.objects.get(hsds_id="svc-bus")
    assert bus.hours_note == "By appointment, most weekdays"
    assert not bus.schedules.exists()
    pantry = Service.objects.get(hsds_id="svc-pantry")
    assert pantry.hours_note == "SA 10:00-noonish"
    assert list(pantry.schedules.values_list("weekday", flat=True)) == [2, 4]
    again = hsds.read_package(hsds.export_zip(world.county), "export.zip")
    assert not hsds.check(world.county, again).changes_anything


def test_an_hours_row_with_nothing_in_it_is_a_problem(world):
    file = tables()
    row(file, "schedules", "sch-4").update(byday="", opens_at="", closes_at="")

    plan = hsds.check(world.county, file)

    assert [(p.table, p.row, p.column, p.message) for p in plan.problems] == [
        ("schedules", 5, "byday", "fill this in; it can't be left empty.")
    ]


# A partial import: the good rows in, the bad ones (and the rows that belong to them) skipped


def parenting_without_a_real_email() -> Tables:
    file = tables()
    row(file, "services", "svc-parenting")["email"] = "classes at hope"
    return file


def test_the_good_rows_plan_skips_a_bad_service_and_every_row_that_belongs_to_it(world):
    plan = hsds.check_good_rows(world.county, parenting_without_a_real_email())

    assert plan.ok and plan.problems == []
    assert skipped(plan) == {
        ("services", 2): "enter an email address, like help@example.org.",
        ("phones", 3): BELONGS,
        ("schedules", 2): BELONGS,
        ("languages", 2): BELONGS,
        ("languages", 3): BELONGS,
        ("service_areas", 2): BELONGS,
        ("service_at_locations", 2): BELONGS,
        ("attributes", 2): BELONGS,
        ("attributes", 3): BELONGS,
    }
    assert {(p.table, p.column) for p in plan.skipped if p.table == "attributes"} == {
        ("attributes", "link_id")
    }
    assert plan.skipped_rows == 9
    total = sum(len(rows) for rows in tables().values())
    assert plan.good_rows == total - 9
    assert plan.counts["services"] == {"new": 2, "changed": 0, "unchanged": 0, "gone": 0}
    assert [kind.count for kind in plan.skipped_kinds] == [1, 8]
    assert not Service.objects.exists()


def test_importing_the_good_rows_leaves_out_the_bad_service_and_its_rows(world, admin):
    plan = hsds.apply(admin, world.county, parenting_without_a_real_email(), skip_bad=True)

    assert plan.skipped_rows == 9
    assert set(Service.objects.values_list("hsds_id", flat=True)) == {"svc-pantry", "svc-bus"}
    pantry = Service.objects.get(hsds_id="svc-pantry")
    assert sorted(pantry.languages.values_list("code", flat=True)) == ["en", "hmn"]
    assert Schedule.objects.filter(service=pantry).count() == 3
    assert AuditEvent.objects.filter(record_type="Service", action="create").count() == 2


def test_without_skipping_a_file_with_a_bad_row_still_changes_nothing(world, admin):
    with pytest.raises(ImportRefused) as refused:
        hsds.apply(admin, world.county, parenting_without_a_real_email())

    assert [(p.table, p.row) for p in refused.value.plan.problems] == [("services", 2)]
    assert refused.value.plan.skipped == []
    assert not Provider.objects.exists() and not Service.objects.exists()


def test_a_service_whose_organization_is_not_in_the_file_is_skipped_with_that_reason(world):
    file = tables()
    row(file, "services", "svc-bus")["organization_id"] = "org-nobody"

    plan = hsds.check_good_rows(world.county, file)

    reasons = skipped(plan)
    assert reasons[("services", 4)] == (
        "use the id of an organization in organizations.csv or the directory."
    )
    assert {reasons[place] for place in reasons if place != ("services", 4)} == {BELONGS}
    assert ("schedules", 5) in reasons and ("attributes", 9) in reasons
    assert [change.key for change in plan.services] == ["svc-parenting", "svc-pantry"]


def test_a_bad_organization_takes_its_places_services_and_their_rows_with_it(world, admin):
    file = tables()
    row(file, "organizations", "org-ride")["email"] = "ride ready"

    plan = hsds.apply(admin, world.county, file, skip_bad=True)

    reasons = skipped(plan)
    assert reasons.pop(("organizations", 3)) == "enter an email address, like help@example.org."
    # The place and service of Ride Ready, then their address, hours, phones and terms.
    assert {"locations", "services", "addresses", "schedules", "service_at_locations"} <= {
        table for table, _row in reasons
    }
    assert set(reasons.values()) == {BELONGS}
    assert ("phones", 4) in reasons and ("phones", 5) in reasons  # the org's own phones
    assert list(Provider.objects.values_list("hsds_id", flat=True)) == ["org-hope"]
    assert not Service.objects.filter(hsds_id="svc-bus").exists()


def test_a_row_pointing_at_an_id_no_table_of_its_kind_has_keeps_its_own_reason(world):
    file = tables()
    row(file, "organizations", "org-ride")["email"] = "ride ready"
    for item in file["services"]:
        del item["name"]  # services.csv is not read, so what points at a service waits a pass
    row(file, "languages", "lang-3")["service_id"] = "org-ride"  # an organization's id

    plan = hsds.check_good_rows(world.county, file)

    reasons = skipped(plan)
    assert reasons[("services", 1)] == "add the missing column: name."
    assert reasons[("languages", 2)] == BELONGS
    assert reasons[("languages", 4)] == "use the id of a service in services.csv."


def test_a_missing_column_skips_every_row_of_that_file(world):
    file = tables()
    for item in file["phones"]:
        del item["number"]

    plan = hsds.check_good_rows(world.county, file)

    assert skipped(plan) == {("phones", 1): "add the missing column: number."}
    assert plan.skipped_rows == 4 and plan.ok
    assert "phone" not in service(plan, "svc-parenting").values


def test_a_1_x_file_skips_a_service_and_names_its_rows_in_the_files_own_names(world, admin):
    files = version_1_files()
    files["services.csv"] = files["services.csv"].replace("food@hope.example.org", "food at hope")

    plan = hsds.check_good_rows(world.county, hsds.read_package(zipped(files), "county-211.zip"))

    assert {(p.table, p.row, p.column, p.message) for p in plan.skipped} >= {
        ("services", 2, "email", "enter an email address, like help@example.org."),
        ("services_taxonomy", 2, "service_id", BELONGS),
        ("regular_schedules", 2, "service_id", BELONGS),
        ("services_at_location", 2, "service_id", BELONGS),
    }
    assert plan.ok and plan.services == []
    assert plan.counts["organizations"] == {"new": 1, "changed": 0, "unchanged": 0, "gone": 0}


# The command


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "directory.zip"
    path.write_bytes(package({"services": lambda text: text.replace(",classes@", ",classes at ")}))
    return path


def test_the_command_without_skip_bad_refuses_and_says_how_to_skip(world, bad_file):
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 problem; nothing was changed"):
        call_command(
            "import_hsds", "Fresno County", str(bad_file), "--apply", stdout=out, stderr=err
        )

    assert "services.csv row 2, email: enter an email address" in err.getvalue()
    assert "Add --skip-bad to import the good rows" in out.getvalue()
    assert not Service.objects.exists()


def test_the_command_with_skip_bad_lists_what_it_would_skip_and_changes_nothing(world, bad_file):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_hsds", "Fresno County", str(bad_file), "--skip-bad", stdout=out, stderr=err
    )

    assert "Skipped: services.csv row 2, email: enter an email address" in err.getvalue()
    assert f"Skipped: phones.csv row 3, service_id: {BELONGS}" in err.getvalue()
    assert "9 rows of the file with problems (or belonging to one) left out." in out.getvalue()
    assert "services: 2 new" in out.getvalue()
    assert "Run again with --apply --skip-bad to import the good rows." in out.getvalue()
    assert not Service.objects.exists()


def test_the_command_with_apply_and_skip_bad_imports_the_good_rows(world, bad_file):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_hsds",
        "Fresno County",
        str(bad_file),
        "--apply",
        "--skip-bad",
        stdout=out,
        stderr=err,
    )

    assert "Imported." in out.getvalue()
    assert set(Service.objects.values_list("hsds_id", flat=True)) == {"svc-pantry", "svc-bus"}
    assert AuditEvent.objects.filter(channel="system", record_type="Service").count() == 2


def test_the_command_reports_each_default_with_its_count_and_rows(world, tmp_path):
    path = tmp_path / "directory.zip"
    path.write_bytes(package({"services": lambda text: text.replace(",active,", ",,")}))
    out = io.StringIO()

    call_command("import_hsds", "Fresno County", str(path), stdout=out)

    assert (
        "Services with no status: imported as active. 2 rows: "
        "services.csv row 2, status; services.csv row 3, status"
    ) in out.getvalue()
