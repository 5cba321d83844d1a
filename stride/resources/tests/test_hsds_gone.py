"""Re-importing a county's file: what the new file no longer holds is "gone".

An earlier import brings in the good package of tests/hsds/; the later file is
the same without the food pantry (its service row and every row that belongs to
it). Gone services are reported, paused only when the administrator confirms
it, and never deleted; services typed in by hand are never gone.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions, hsds
from stride.resources.models import DirectoryImport, Provider, Service

from .test_hsds import package, tables
from .test_hsds_import_pages import run_queued

pytestmark = pytest.mark.django_db

WITH_PANTRY = ("services", "schedules", "languages", "service_areas", "service_at_locations")


def without_pantry() -> dict:
    """Edits that take the food pantry, and the rows that belong to it, out of the package."""

    def drop(text: str) -> str:
        return "".join(line for line in text.splitlines(True) if "svc-pantry" not in line)

    return {name: drop for name in (*WITH_PANTRY, "attributes")}


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


@pytest.fixture
def imported(world, admin) -> None:
    hsds.apply(admin, world.county, tables())


@pytest.fixture
def by_hand(world, admin, imported) -> Service:
    """A service typed in by hand at an imported provider: no file ever held it."""
    return actions.add_service(
        admin,
        Provider.objects.get(hsds_id="org-hope"),
        actions.ServiceDetails(name="Diaper bank", category="food"),
    )


def pantry() -> Service:
    return Service.objects.get(hsds_id="svc-pantry")


def test_the_dry_run_reports_a_service_the_later_file_no_longer_holds_as_gone(world, by_hand):
    plan = hsds.check(world.county, tables(without_pantry()))

    assert plan.ok
    assert plan.counts["services"] == {"new": 0, "changed": 0, "unchanged": 2, "gone": 1}
    assert plan.counts["organizations"]["gone"] == plan.counts["locations"]["gone"] == 0
    assert plan.gone == [pantry()]
    assert plan.changes_anything


def test_importing_without_confirmation_leaves_a_gone_service_as_it_is(world, admin, by_hand):
    events = AuditEvent.objects.count()

    plan = hsds.apply(admin, world.county, tables(without_pantry()))

    assert plan.gone == [pantry()] and plan.paused == 0
    assert pantry().status == Service.Status.ACTIVE and pantry().version == 1
    assert AuditEvent.objects.count() == events


def test_importing_with_confirmation_pauses_it_with_an_audit_event_and_deletes_nothing(
    world, admin, by_hand
):
    count = Service.objects.count()

    plan = hsds.apply(admin, world.county, tables(without_pantry()), pause_gone=True)

    assert plan.paused == 1
    assert pantry().status == Service.Status.INACTIVE and pantry().version == 2
    assert Service.objects.count() == count
    event = AuditEvent.objects.get(action="change", record_type="Service")
    assert event.record_id == pantry().uuid and event.fields == ["status"]
    assert event.actor == world.county_admin
    by_hand.refresh_from_db()
    assert by_hand.status == Service.Status.ACTIVE and by_hand.version == 1
    again = hsds.check(world.county, tables(without_pantry()))
    assert again.counts["services"]["gone"] == 0 and not again.changes_anything


def test_a_service_typed_in_by_hand_is_never_gone(world, admin, by_hand):
    plan = hsds.apply(admin, world.county, tables(without_pantry()), pause_gone=True)

    assert by_hand not in plan.gone
    by_hand.refresh_from_db()
    assert by_hand.status == Service.Status.ACTIVE


def test_re_importing_the_same_file_reports_nothing_gone_and_changes_nothing(world, admin, by_hand):
    events = AuditEvent.objects.count()

    plan = hsds.apply(admin, world.county, tables(), pause_gone=True)

    assert {table: count["gone"] for table, count in plan.counts.items()} == {
        "organizations": 0,
        "locations": 0,
        "services": 0,
    }
    assert plan.gone == [] and plan.paused == 0 and not plan.changes_anything
    assert AuditEvent.objects.count() == events
    assert set(Service.objects.values_list("status", flat=True)) == {"active", "inactive"}


def test_a_file_without_a_services_table_leaves_every_service_not_gone(world, imported):
    plan = hsds.check(world.county, tables(leave_out=WITH_PANTRY + ("attributes",)))

    assert plan.gone == [] and plan.counts["services"]["gone"] == 0


def test_a_provider_the_later_file_leaves_out_is_counted_gone(world, imported):
    def drop_ride(text: str) -> str:
        return "".join(line for line in text.splitlines(True) if "org-ride" not in line)

    plan = hsds.check(world.county, tables({"organizations": drop_ride}))

    assert plan.counts["organizations"]["gone"] == 1


def test_a_gone_service_s_row_skipped_for_a_problem_is_not_gone(world, imported):
    bad = tables()
    bad["services"][1]["email"] = "not an address"  # the pantry's row

    plan = hsds.check_good_rows(world.county, bad)

    assert plan.skipped and plan.gone == []


def test_the_command_reports_gone_services_and_pauses_them_with_pause_gone(
    world, imported, tmp_path
):
    path = tmp_path / "later.zip"
    path.write_bytes(package(without_pantry()))
    out = io.StringIO()

    call_command("import_hsds", "Fresno County", str(path), "--apply", stdout=out)

    assert "services: 0 new, 0 changed, 2 unchanged, 1 gone" in out.getvalue()
    assert (
        "No longer in the file: Food pantry (Hope Family Center, id svc-pantry)" in out.getvalue()
    )
    assert "--pause-gone" in out.getvalue()
    assert pantry().status == Service.Status.ACTIVE

    out = io.StringIO()
    call_command("import_hsds", "Fresno County", str(path), "--apply", "--pause-gone", stdout=out)

    assert "1 service no longer in the file paused." in out.getvalue()
    assert pantry().status == Service.Status.INACTIVE


def upload(client, data: bytes) -> DirectoryImport:
    client.post(reverse("resources:import"), {"file": SimpleUploadedFile("later.zip", data)})
    assert run_queued() == ["checked"]
    return DirectoryImport.objects.latest("uploaded_at")


def test_the_result_page_lists_the_gone_services_and_offers_to_pause_them(
    world, client_for, imported
):
    client = client_for(world.county_admin)
    later = upload(client, package(without_pantry()))
    url = reverse("resources:import_result", args=[later.uuid])

    page = client.get(url)

    html = page.content.decode()
    assert "No longer in the file" in html and "Food pantry" in html
    assert 'name="pause_gone"' in html
    assert "Pause the 1 service no longer in the file" in html
    key = re.search(r'name="form_key" value="([^"]+)"', html)[1]
    client.post(url, {"rows": "all", "pause_gone": "on", "form_key": key})
    run_queued()

    assert pantry().status == Service.Status.INACTIVE
    later.refresh_from_db()
    assert later.report["paused"] == 1
    assert "1 service no longer in the file was paused." in client.get(url).content.decode()


def test_importing_from_the_page_without_the_box_leaves_the_gone_service_active(
    world, client_for, imported
):
    client = client_for(world.county_admin)
    later = upload(client, package(without_pantry()))
    url = reverse("resources:import_result", args=[later.uuid])
    key = re.search(r'name="form_key" value="([^"]+)"', client.get(url).content.decode())[1]

    client.post(url, {"rows": "all", "form_key": key})
    run_queued()

    later.refresh_from_db()
    assert later.status == DirectoryImport.Status.IMPORTED
    assert pantry().status == Service.Status.ACTIVE


def without_ride_depot() -> dict:
    """Edits that take Ride Ready's depot (and its address) out of the package."""

    def drop(text: str) -> str:
        return "".join(line for line in text.splitlines(True) if "loc-ride-depot" not in line)

    return {name: drop for name in ("locations", "addresses", "service_at_locations")}


def test_gone_organizations_and_locations_are_listed_by_name_as_services_are(world, imported):
    def drop_ride(text: str) -> str:
        return "".join(line for line in text.splitlines(True) if "org-ride" not in line)

    plan = hsds.check(world.county, tables({"organizations": drop_ride} | without_ride_depot()))

    ride = Provider.objects.get(hsds_id="org-ride")
    assert plan.gone_providers == [ride]
    assert [(place.name, place.provider.name) for place in plan.gone_locations] == [
        ("Ride Ready depot", "Ride Ready")
    ]
    assert plan.counts["organizations"]["gone"] == plan.counts["locations"]["gone"] == 1


def test_the_command_and_the_result_page_name_a_gone_location(
    world, imported, client_for, tmp_path
):
    path = tmp_path / "later.zip"
    path.write_bytes(package(without_ride_depot()))
    out = io.StringIO()

    call_command("import_hsds", "Fresno County", str(path), stdout=out)

    assert (
        "Location no longer in the file: Ride Ready depot (Ride Ready, id loc-ride-depot)"
        in out.getvalue()
    )
    client = client_for(world.county_admin)
    later = upload(client, package(without_ride_depot()))
    html = client.get(reverse("resources:import_result", args=[later.uuid])).content.decode()
    assert "Places no longer in the file" in html and "Ride Ready depot (Ride Ready)" in html


def test_what_an_import_brought_in_is_marked_so_and_what_was_typed_in_is_not(world, by_hand):
    assert Service.objects.get(hsds_id="svc-pantry").from_import
    assert Provider.objects.get(hsds_id="org-hope").from_import
    assert not by_hand.from_import


def test_a_service_typed_in_by_hand_is_never_gone_whatever_its_id(world, admin, by_hand):
    Service.objects.filter(pk=by_hand.pk).update(hsds_id="svc-diapers")  # an id like a file's

    plan = hsds.check(world.county, tables())

    assert plan.gone == [] and plan.counts["services"]["gone"] == 0


def test_a_service_a_file_brought_in_is_gone_even_when_its_id_looks_like_stride_s(world, admin):
    def renamed(text: str) -> str:
        return text.replace("svc-pantry", "stride-0a1b2c3d")  # as a Stride export names it

    hsds.apply(
        admin, world.county, tables({name: renamed for name in (*WITH_PANTRY, "attributes")})
    )

    plan = hsds.check(world.county, tables(without_pantry()))

    assert [service.hsds_id for service in plan.gone] == ["stride-0a1b2c3d"]
