"""The flat 211 export (iCarol's one wide CSV) read as organisations, places and services.

The file is written here, small, with every column the reader knows (as iCarol
names them) and a few it does not, in the encodings a county's spreadsheet
saves it in.
"""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride.core.audit import Actor
from stride.resources import hsds
from stride.resources.hsds import flat
from stride.resources.models import Location, Provider, Service

pytestmark = pytest.mark.django_db

HEADER = (
    "ResourceAgencyNum", "PublicName", "AgencyClassification", "TaxonomyLevelName",
    "ParentAgencyNum", "AgencyDescription", "EmailAddressMain", "WebsiteAddress",
    "AgencyStatus", "MadeInactiveOn", "ApplicationProcess", "FeeStructureSource", "Eligibility",
    "LastVerifiedOn", "HoursOfOperation", "Hours", "PhoneNumberBusinessLine",
    "PhoneNumberBusinessLineIsPrivate", "Phone1Number", "Phone1IsPrivate", "Phone1Type",
    "Phone2Number", "Phone2IsPrivate", "Phone2Type", "Phone3Number", "Phone3IsPrivate",
    "Phone3Type", "Phone4Number", "Phone4IsPrivate", "Phone4Type", "Phone5Number",
    "Phone5IsPrivate", "Phone5Type", "PhoneTollFree",
    "PhoneTollFreeIsPrivate", "PhoneNumberHotline", "PhoneNumberHotlineIsPrivate",
    "PhysicalAddress1", "PhysicalAddress2", "PhysicalCity", "PhysicalStateProvince",
    "PhysicalPostalCode", "PhysicalCountry", "PhysicalAddressIsPrivate", "Latitude", "Longitude",
    "ConnectsToSiteNum", "ConnectsToProgramNum", "LanguagesOfferedList", "LanguagesOffered",
    "CoverageArea", "Coverage", "CoverageAreaText", "TaxonomyCodes", "TaxonomyTerms",
    "TaxonomyTermsNotDeactivated", "TaxonomyTerm", "Custom_Facebook",
)  # fmt: skip
UNKNOWN = ["AgencyClassification", "Custom_Facebook"]


def export_rows() -> list[dict[str, str]]:
    return [
        dict(
            ResourceAgencyNum="1001", PublicName="Hope Family Center", TaxonomyLevelName="Agency",
            ParentAgencyNum="0", AgencyDescription="Family help at the Café on Main.",
            EmailAddressMain="hi@hope.example.org", WebsiteAddress="hope.example.org",
            PhoneNumberBusinessLine="(559) 555-0123", AgencyClassification="Nonprofit",
            Custom_Facebook="hopefresno",
        ),
        dict(
            ResourceAgencyNum="2001", PublicName="Main office", TaxonomyLevelName="Site",
            ParentAgencyNum="1001", PhysicalAddress1="1 Main St", PhysicalAddress2="Suite 4",
            PhysicalCity="Fresno", PhysicalStateProvince="CA", PhysicalPostalCode="93721",
            PhysicalCountry="United States", Latitude="36.7378", Longitude="-119.7871",
        ),
        dict(
            ResourceAgencyNum="2002", PublicName="Safe house", TaxonomyLevelName="Site",
            ParentAgencyNum="1001", PhysicalAddress1="9 Quiet Ln", PhysicalCity="Fresno",
            PhysicalStateProvince="CA", PhysicalPostalCode="93721",
            PhysicalAddressIsPrivate="Yes", Latitude="36.75", Longitude="-119.8",
        ),
        dict(
            ResourceAgencyNum="3001", PublicName="Food pantry", TaxonomyLevelName="Program",
            ParentAgencyNum="1001", AgencyDescription="Groceries each week.",
            AgencyStatus="Active", ApplicationProcess="Walk in.", FeeStructureSource="Free",
            Eligibility="Families in Fresno County", LastVerifiedOn="3/31/2025 10:15:00 AM",
            HoursOfOperation="Mon-Fri 9am-5pm; closed holidays",
            Phone1Number="559-555-0124 ext. 7", Phone1Type="Voice",
            LanguagesOfferedList="English; Spanish", CoverageArea="CA - Fresno County - Fresno; Statewide",
            TaxonomyCodes="BD-1800.2000; BD-1800.1900", TaxonomyTerms="Food Pantries; Food Lines",
        ),
        dict(
            ResourceAgencyNum="3002", PublicName="Legal clinic", TaxonomyLevelName="Program",
            ParentAgencyNum="1001", Hours="By appointment", Phone1Number="555",
            Phone2Number="(559) 555-0199", PhoneTollFree="(800) 555-0100",
            PhoneTollFreeIsPrivate="Yes", LanguagesOffered="English and Klingon",
            Coverage="Fresno County", TaxonomyCodes="not-a-code", TaxonomyTerm="Legal Aid",
        ),
        dict(
            ResourceAgencyNum="4001", PublicName="Food pantry at Main office",
            TaxonomyLevelName="ProgramAtSite", ParentAgencyNum="1001",
            ConnectsToSiteNum="2001", ConnectsToProgramNum="3001",
        ),
        dict(
            ResourceAgencyNum="1002", PublicName="Valley Shelter", TaxonomyLevelName="Agency",
            ParentAgencyNum="0", PhoneNumberHotline="559 555 0150", MadeInactiveOn="",
            Phone3Number="(559) 555-0177", Phone3Type="Fax",
            PhysicalAddress1="5 Elm St", PhysicalCity="Fresno", PhysicalStateProvince="CA",
            PhysicalPostalCode="93722", CoverageAreaText="Kern County",
            TaxonomyCodes="BH-1800.1500",
        ),
    ]  # fmt: skip


def export(rows: list[dict[str, str]] | None = None, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(export_rows() if rows is None else rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def admin(world) -> Actor:
    return Actor(world.county_admin, "127.0.0.1")


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "cp1252", "utf-16"], ids=["utf-8 bom", "windows-1252", "utf-16"]
)
def test_the_dry_run_reads_every_level_and_says_what_it_left_out(world, encoding):
    tables = hsds.read_package(export(encoding=encoding), "icarol_export.csv")

    plan = hsds.check(world.county, tables)

    assert plan.version == "flat"
    assert plan.problems == []
    assert plan.counts == {
        "organizations": {"new": 2, "changed": 0, "unchanged": 0, "gone": 0},
        "locations": {"new": 3, "changed": 0, "unchanged": 0, "gone": 0},
        "services": {"new": 3, "changed": 0, "unchanged": 0, "gone": 0},
    }
    assert plan.unread_columns == {"icarol_export": UNKNOWN}
    assert tables["organizations"][0]["description"] == "Family help at the Café on Main."
    assert plan.warnings == [
        "1 entry in TaxonomyCodes isn't a taxonomy code (like BD-1800.2000) and was left out: "
        "row 6.",
        "1 phone number the file marks private was left out: row 6.",
        "1 place keeps its address private in the file, so it was read without its address or "
        "map point: row 4.",
        "1 agency has no program in the file, so it was read as its own service too: row 8.",
        "1 language Stride can't name was left out: Klingon (row 6).",
    ]
    defaults = {(d.table, d.row, d.column, d.message) for d in plan.defaults}
    assert defaults >= {
        ("icarol_export", 2, "WebsiteAddress", "Web addresses without https://: https:// added."),
        ("icarol_export", 5, "HoursOfOperation",
         "Opening hours Stride can't read as days and times: kept as a note."),
        ("icarol_export", 6, "Hours",
         "Opening hours Stride can't read as days and times: kept as a note."),
        ("icarol_export", 5, "CoverageArea",
         "Service areas that aren't a county's name: kept as text."),
        ("icarol_export", 6, "AgencyStatus", "Services with no status: imported as active."),
    }  # fmt: skip
    assert (plan.placed, plan.to_sort) == (3, 0)


def test_importing_it_keeps_the_files_numbers_and_a_second_import_changes_nothing(world, admin):
    tables = hsds.read_package(export(), "icarol_export.csv")

    hsds.apply(admin, world.county, tables)

    hope = Provider.objects.get(county=world.county, hsds_id="1001")
    assert (hope.name, hope.website, hope.phone) == (
        "Hope Family Center", "https://hope.example.org", "(559) 555-0123",
    )  # fmt: skip
    main = Location.objects.get(provider=hope, hsds_id="2001")
    assert (main.address_1, main.city, main.postal_code, main.latitude) == (
        "1 Main St, Suite 4", "Fresno", "93721", 36.7378,
    )  # fmt: skip
    safe = Location.objects.get(provider=hope, hsds_id="2002")
    assert (safe.address_1, safe.latitude, safe.longitude) == ("", None, None)
    pantry = Service.objects.get(provider=hope, hsds_id="3001")
    assert (pantry.category, pantry.area, pantry.status) == ("food", "supports", "active")
    assert (pantry.fees_description, pantry.application_process) == ("Free", "Walk in.")
    assert pantry.eligibility_description == "Families in Fresno County"
    assert pantry.last_verified_on == date(2025, 3, 31)
    assert pantry.phone == "(559) 555-0124 ext. 7"
    assert pantry.hours_note == "Mon-Fri 9am-5pm; closed holidays"
    assert sorted(pantry.languages.values_list("code", flat=True)) == ["en", "es"]
    assert list(pantry.serves.all()) == [world.county]
    assert pantry.areas_note == "Statewide"
    assert [location.hsds_id for location in pantry.locations.all()] == ["2001"]
    assert "BD-1800.2000 Food Pantries" in pantry.file_terms
    clinic = Service.objects.get(provider=hope, hsds_id="3002")
    assert (clinic.category, clinic.phone, clinic.hours_note) == (
        "legal", "(559) 555-0199", "By appointment",
    )  # fmt: skip
    assert list(clinic.languages.values_list("code", flat=True)) == ["en"]
    shelter = Service.objects.get(provider__hsds_id="1002", hsds_id="1002")
    assert (shelter.category, shelter.phone) == ("safety", "(559) 555-0150")
    assert [location.hsds_id for location in shelter.locations.all()] == ["1002"]
    assert list(shelter.serves.all()) == [world.other_county]

    again = hsds.apply(admin, world.county, hsds.read_package(export(), "icarol_export.csv"))

    assert not again.changes_anything
    assert again.counts["services"] == {"new": 0, "changed": 0, "unchanged": 3, "gone": 0}


def test_a_zip_or_a_loose_file_holding_it_reads_as_the_file_does(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("county/icarol_export.csv", export())
        archive.writestr("county/readme.txt", "From our 211.")
    zipped = hsds.check(world.county, hsds.read_package(buffer.getvalue(), "211.zip"))
    loose = hsds.check(world.county, hsds.read_files({"icarol_export.csv": export()}, "upload"))

    for plan in (zipped, loose):
        assert (plan.version, plan.problems) == ("flat", [])
        assert plan.counts["services"]["new"] == 3


def test_a_program_whose_agency_is_not_in_the_file_is_a_problem_on_its_row(world, admin):
    rows = export_rows()
    rows[4]["ParentAgencyNum"] = "1999"

    plan = hsds.check(world.county, hsds.read_package(export(rows), "icarol_export.csv"))

    assert [(p.table, p.row, p.column) for p in plan.problems] == [
        ("icarol_export", 6, "ParentAgencyNum")
    ]
    partial = hsds.apply(
        admin, world.county, hsds.read_package(export(rows), "x.csv"), skip_bad=True
    )
    assert [(p.table, p.row, p.column) for p in partial.skipped] == [("x", 6, "ParentAgencyNum")]
    assert not Service.objects.filter(hsds_id="3002").exists()
    assert Service.objects.filter(hsds_id="3001").exists()


def test_a_bad_phone_number_is_a_problem_named_by_its_column(world):
    rows = export_rows()
    rows[0]["PhoneNumberBusinessLine"] = "call us"

    plan = hsds.check(world.county, hsds.read_package(export(rows), "icarol_export.csv"))

    assert [(p.table, p.row, p.column) for p in plan.problems] == [
        ("icarol_export", 2, "PhoneNumberBusinessLine")
    ]


def test_without_levels_a_row_is_an_agency_or_a_program_by_its_parent_number(world):
    rows = [
        {"ResourceAgencyNum": "1", "PublicName": "Hope", "ParentAgencyNum": "0"},
        {"ResourceAgencyNum": "2", "PublicName": "Pantry", "ParentAgencyNum": "1",
         "TaxonomyCodes": "BD-1800.2000"},
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, ["ResourceAgencyNum", "PublicName", "ParentAgencyNum",
                                  "TaxonomyCodes"])  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)

    plan = hsds.check(world.county, hsds.read_package(out.getvalue().encode(), "export.csv"))

    assert plan.problems == []
    assert [change.key for change in plan.providers] == ["1"]
    assert [(change.provider_key, change.key) for change in plan.services] == [("1", "2")]
    assert plan.services[0].values["category"] == "food"


def test_programs_at_sites_alone_carry_their_agency_site_and_program_side_by_side(world, admin):
    columns = [
        "ResourceAgencyNum",
        "PublicName",
        "TaxonomyLevelName",
        "ParentAgencyNum",
        "ParentAgency",
        "ConnectsToSiteNum",
        "SiteAgencyNamePublic",
        "ConnectsToProgramNum",
        "PhysicalAddress1",
        "PhysicalCity",
        "PhysicalStateProvince",
        "PhysicalPostalCode",
        "TaxonomyCodes",
        "Phone1Number",
    ]
    rows = [
        ["4001", "Food pantry", "ProgramAtSite", "1001", "Hope Family Center", "2001",
         "Main office", "3001", "1 Main St", "Fresno", "CA", "93721", "BD-1800.2000",
         "(559) 555-0124"],
        ["4002", "Food pantry", "ProgramAtSite", "1001", "Hope Family Center", "2002",
         "East office", "3001", "8 East Ave", "Fresno", "CA", "93727", "BD-1800.2000",
         "(559) 555-0124"],
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([columns, *rows])
    data = out.getvalue().encode()

    plan = hsds.check(world.county, hsds.read_package(data, "programs_at_sites.csv"))

    assert (plan.problems, plan.unread_columns) == ([], {})
    assert [change.key for change in plan.providers] == ["1001"]
    assert [change.key for change in plan.locations] == ["2001", "2002"]
    assert [change.key for change in plan.services] == ["3001"]
    hsds.apply(admin, world.county, hsds.read_package(data, "programs_at_sites.csv"))
    pantry = Service.objects.get(provider__name="Hope Family Center", hsds_id="3001")
    assert (pantry.name, pantry.category, pantry.phone) == ("Food pantry", "food", "(559) 555-0124")
    assert sorted(pantry.locations.values_list("name", "address_1")) == [
        ("East office", "8 East Ave"), ("Main office", "1 Main St"),
    ]  # fmt: skip
    again = hsds.apply(admin, world.county, hsds.read_package(data, "programs_at_sites.csv"))
    assert not again.changes_anything


def test_a_lone_csv_that_is_neither_is_refused_naming_both(world):
    with pytest.raises(hsds.HsdsError, match="or send your 211's flat export: one CSV file with "
                       "ResourceAgencyNum and PublicName columns"):  # fmt: skip
        hsds.read_package(b"AgencyNum,Name\n1,Hope\n", "icarol_export.csv")


def test_an_hsds_table_alone_is_not_taken_for_a_flat_export():
    assert not flat.recognises(["id", "organization_id", "name", "description"])
    assert flat.recognises(["resource agency num", "Public_Name"])


# Broken rows: each comes back as a problem on its row, a warning, or a default.

CELLS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
BROKEN = st.fixed_dictionaries(
    {
        "ResourceAgencyNum": st.sampled_from(["", "3001", "9001", "9002"]) | CELLS,
        "PublicName": st.sampled_from(["", "Pantry"]) | CELLS,
        "TaxonomyLevelName": st.sampled_from(["", "Program", "Site", "ProgramAtSite", "Agency",
                                               "Galaxy"]),
        "ParentAgencyNum": st.sampled_from(["", "0", "1001", "1999"]) | CELLS,
        "Phone1Number": st.sampled_from(["", "555", "(559) 555-0100", "call us"]) | CELLS,
        "TaxonomyCodes": st.sampled_from(["", "BD", "XYZ-12", "BD-1800.2000; ??"]) | CELLS,
        "ConnectsToSiteNum": st.sampled_from(["", "2001", "2999"]),
        "ConnectsToProgramNum": st.sampled_from(["", "3001", "3999"]),
        "HoursOfOperation": CELLS,
        "LanguagesOfferedList": st.sampled_from(["", "Spanish", "Elvish; English"]) | CELLS,
        "CoverageArea": CELLS,
        "LastVerifiedOn": st.sampled_from(["", "2/30/2025", "3/31/2025", "soon"]),
        "Latitude": st.sampled_from(["", "0", "91", "north"]),
        "PhysicalPostalCode": st.sampled_from(["", "93721", "00000", "ABC"]),
    }
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(BROKEN, min_size=1, max_size=4))
def test_broken_rows_never_crash_the_reader_and_come_back_as_problems_or_defaults(world, broken):
    rows = export_rows() + broken
    data = export(rows)

    tables = hsds.read_package(data, "icarol_export.csv")
    plan = hsds.check(world.county, tables)

    for item in plan.problems + plan.defaults:
        assert item.message
        assert item.table == "icarol_export"
    for line, row in enumerate(broken, start=len(export_rows()) + 2):
        if not any(value.strip() for value in row.values()):
            continue
        on_its_row = {p.row for p in plan.problems}
        warned = {
            int(number)
            for warning in plan.warnings
            if "TaxonomyCodes" in warning
            for number in re.findall(r"\b\d+\b", warning.partition(":")[2])
        }
        level = flat.LEVELS.get(flat.key(row["TaxonomyLevelName"]))
        if row["ParentAgencyNum"].strip() == "1999" and level == flat.PROGRAM:
            assert line in on_its_row  # its agency is missing
        if row["Phone1Number"].strip() in ("555", "call us") and level == flat.PROGRAM:
            assert line in on_its_row  # not a phone number
        if row["TaxonomyCodes"].strip() == "XYZ-12" and level == flat.PROGRAM:
            assert line in warned  # not a taxonomy code: left out, with its row named


def test_the_command_says_it_read_a_flat_export_in_its_own_words(world, tmp_path):
    path = tmp_path / "icarol_export.csv"
    path.write_bytes(export())
    out = io.StringIO()

    call_command("import_hsds", "Fresno County", str(path), stdout=out)

    assert "Read as a flat 211 export: one CSV file of agencies, sites and programs." in (
        out.getvalue()
    )
    assert "HSDS" not in out.getvalue()


def test_skipped_rows_are_counted_and_named_as_the_file_s_rows(world, tmp_path):
    rows = export_rows()
    rows[3]["EmailAddressMain"] = "not an address"  # the food pantry's row: one row of the file
    tables = hsds.read_package(export(rows), "icarol_export.csv")

    plan = hsds.check_good_rows(world.county, tables)

    # The pantry's row, and the ProgramAtSite row that puts it at the main office.
    assert plan.skipped_rows == 2
    assert plan.good_rows == len(rows) - 2
    assert {(p.table, p.row) for p in plan.skipped} == {("icarol_export", 5), ("icarol_export", 7)}
    path = tmp_path / "icarol_export.csv"
    path.write_bytes(export(rows))
    out = io.StringIO()
    call_command("import_hsds", "Fresno County", str(path), "--skip-bad", stdout=out)
    assert "2 rows of the file with problems (or belonging to one) left out." in out.getvalue()
    assert f"{len(rows) - 2} good rows of the file read." in out.getvalue()
