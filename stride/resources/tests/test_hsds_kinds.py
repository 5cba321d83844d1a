"""Kinds of service from a 211 directory: the taxonomy crosswalk, and services left to sort.

A service is never refused for its kind: the crosswalk places 211 taxonomy codes
and HSDS term names on Stride's kinds of service, and what it cannot place is
imported "to sort", for staff who keep the directory to place on their page.
"""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions, crosswalk, hsds
from stride.resources.crosswalk import CrosswalkError
from stride.resources.models import Service

pytestmark = pytest.mark.django_db


def csv_text(*rows: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def package_1x(services_taxonomy: bool = True) -> bytes:
    """Four services: one by a 211 code in taxonomy.csv, one by a term's name, one by a bare
    code in services.taxonomy_ids, one with nothing the crosswalk knows."""
    files = {
        "organizations.csv": csv_text(("id", "name"), ("o1", "Hope Family Center")),
        "services.csv": csv_text(
            ("id", "organization_id", "name", "status", "taxonomy_ids"),
            ("s-pantry", "o1", "Pantry", "active", ""),
            ("s-shelter", "o1", "Safe house", "active", ""),
            ("s-lawyer", "o1", "Tenant lawyer", "active", "FT-1234.5000"),
            ("s-choir", "o1", "Community choir", "active", ""),
        ),
        "taxonomy.csv": csv_text(
            ("id", "name", "parent_id", "vocabulary"),
            ("BD-1800.2000", "Food Pantries", "BD-1800", "AIRS"),
            ("t-dv", "Domestic Violence Shelters", "", "local"),
            ("t-arts", "Arts and Culture", "", "local"),
        ),
    }
    if services_taxonomy:
        files["services_taxonomy.csv"] = csv_text(
            ("id", "service_id", "taxonomy_id"),
            ("st1", "s-pantry", "BD-1800.2000"),
            ("st2", "s-shelter", "t-dv"),
            ("st3", "s-choir", "t-arts"),
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


@pytest.mark.parametrize(
    "codes, names, kind",
    [
        (["BD-1800.2000"], [], "food"),
        (["BH-1800.1500-100"], [], "safety"),  # the longer prefix before BH, housing
        (["BH-3800"], [], "housing"),
        (["bt-4500.6500"], [], "transportation"),
        (["FT-3000"], [], "legal"),
        (["LR-8000"], [], "disability"),  # LR is rehabilitation in 211 HSIS, not legal help
        (["RX-8450"], [], "substance_use"),
        (["BDX-1800"], [], ""),  # a prefix matches whole parts only
        (["LN-1500"], [], "health"),  # a top-level letter holds its two-letter branches
        (["RP-1400.8000"], [], "mental_health"),
        (["L"], [], "health"),
        (["L1-2000"], [], ""),
        (["LEGAL AID"], ["Legal Aid"], "legal"),  # a term's name in the code's place
        (["YZ-1000"], ["Food Pantries"], "food"),
        ([], ["After School Programs"], "after_school"),
        ([], ["Seafood festival"], ""),  # whole words only
        ([], ["Taxonomy A"], ""),
    ],
)
def test_the_shipped_crosswalk_places_codes_by_longest_prefix_then_names(codes, names, kind):
    assert crosswalk.load().place(codes, names) == kind


def test_a_crosswalk_naming_no_kind_of_service_is_refused_with_its_line(tmp_path):
    path = Path(tmp_path / "crosswalk.yaml")
    text = "version: 1\ncodes:\n  - {prefix: BD, name: Food, category: food}\n"
    text += "  - {prefix: BH, name: Housing, category: homes}\nnames: []\n"

    with pytest.raises(CrosswalkError) as refused:
        crosswalk.parse(path, text)

    assert (refused.value.line, refused.value.key) == (4, "codes[1].category")
    assert "'homes' is not a kind of service" in str(refused.value)
    with pytest.raises(CrosswalkError, match="listed twice"):
        crosswalk.parse(
            path, text.replace("BH, name: Housing, category: homes", "BD, name: F, category: food")
        )


def test_services_are_placed_by_the_crosswalk_and_the_rest_imported_to_sort(world, admin):
    tables = hsds.read_package(package_1x(), "county-211.zip")

    plan = hsds.check(world.county, tables)
    assert plan.problems == []
    assert (plan.placed, plan.to_sort) == (3, 1)

    hsds.apply(admin, world.county, tables)
    kinds = dict(Service.objects.values_list("hsds_id", "category"))
    assert kinds == {"s-pantry": "food", "s-shelter": "safety", "s-lawyer": "legal", "s-choir": ""}
    choir = Service.objects.get(hsds_id="s-choir")
    assert (choir.area, choir.file_terms) == ("", "t-arts Arts and Culture")
    assert Service.objects.get(hsds_id="s-pantry").file_terms == "BD-1800.2000 Food Pantries"
    assert not hsds.apply(admin, world.county, tables).changes_anything


def test_a_kind_staff_chose_stays_when_the_same_file_comes_again(world, admin):
    tables = hsds.read_package(package_1x(), "county-211.zip")
    hsds.apply(admin, world.county, tables)
    choir = Service.objects.get(hsds_id="s-choir")
    actions.place_service(admin, choir, "parenting", choir.version)

    plan = hsds.apply(admin, world.county, tables)

    assert not plan.changes_anything and plan.to_sort == 0
    assert Service.objects.get(hsds_id="s-choir").category == "parenting"


def test_a_stride_export_with_a_service_to_sort_re_imports_unchanged(world, admin):
    hsds.apply(admin, world.county, hsds.read_package(package_1x(), "county-211.zip"))

    exported = hsds.read_package(hsds.export_zip(world.county), "export.zip")
    plan = hsds.apply(admin, world.county, exported)

    assert plan.problems == [] and not plan.changes_anything
    assert Service.objects.get(hsds_id="s-choir").category == ""


@pytest.fixture
def to_sort(world, admin) -> Service:
    hsds.apply(admin, world.county, hsds.read_package(package_1x(), "county-211.zip"))
    return Service.objects.get(hsds_id="s-choir")


def client_for(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_the_page_lists_the_countys_services_to_sort_with_the_files_words(world, to_sort):
    page = client_for(world.county_admin).get(reverse("resources:to_sort"))

    assert page.status_code == 200
    assert [service.hsds_id for service in page.context["page"]] == ["s-choir"]
    assert "The file calls it: t-arts Arts and Culture" in page.content.decode()
    other = client_for(world.other_county_admin).get(reverse("resources:to_sort"))
    assert list(other.context["page"]) == []


def test_placing_a_service_gives_its_kind_and_area_with_an_audit_event(world, to_sort):
    response = client_for(world.county_admin).post(
        reverse("resources:to_sort"),
        {"service": to_sort.uuid, "version": to_sort.version, "category": "english"},
        follow=True,
    )

    to_sort.refresh_from_db()
    assert (to_sort.category, to_sort.area) == ("english", "education")
    assert "Community choir is now under English classes." in response.content.decode()
    event = AuditEvent.objects.filter(record_type="Service", action="change").latest("pk")
    assert sorted(event.fields) == ["area", "category"]


def test_placing_is_refused_for_another_countys_service_a_stale_page_or_no_kind(world, to_sort):
    outsider = client_for(world.other_county_admin).post(
        reverse("resources:to_sort"),
        {"service": to_sort.uuid, "version": to_sort.version, "category": "food"},
    )
    assert outsider.status_code == 404
    coach = client_for(world.coach).post(reverse("resources:to_sort"), {})
    assert coach.status_code == 403

    keeper = client_for(world.county_admin)
    stale = keeper.post(
        reverse("resources:to_sort"),
        {"service": to_sort.uuid, "version": to_sort.version + 1, "category": "food"},
        follow=True,
    )
    empty = keeper.post(
        reverse("resources:to_sort"),
        {"service": to_sort.uuid, "version": to_sort.version, "category": ""},
        follow=True,
    )
    assert "Choose a kind of service." in empty.content.decode()
    assert stale.status_code == empty.status_code == 200
    to_sort.refresh_from_db()
    assert to_sort.category == ""
