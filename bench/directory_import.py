"""Time and peak memory of importing a county's 211 directory: HSDS 1.x and the flat 211 export.

Run from the project root against an already migrated database (DATABASE_URL,
PostgreSQL for the figures in docs/performance.md):

    .venv/bin/python bench/directory_import.py [--sizes 10000 100000]
        [--formats hsds1 flat] [--limit 1200] [--keep DIR]

or all of it in a throwaway cluster: `bench/run directory`.

For each size N and each format, the directory of N services is written into
a temporary folder (`--keep DIR`: into DIR, kept), then four steps run, each
in a child process of its own so that their peak memories do not mix:

1. read: the folder's files read from disk and `hsds.read_files` (what
   `manage.py import_hsds COUNTY FOLDER` does first);
2. check: read again (untimed), then the dry run `hsds.check`;
3. import: read again (untimed), then `hsds.apply(..., skip_bad=True)`, the
   good rows written in one transaction and the bad rows left out;
4. re-import: the same file again, which must change nothing: its plan has
   no new or changed record, and every table of the directory holds the same
   rows as before (row counts and an md5 of each table's rows, asserted).

Each step gives its wall time, the CPU time of its process, the time inside
cursor.execute and the number of statements, and the process's peak
resident memory (ru_maxrss), beside the same process's resident memory once
Django and the importer were loaded and before the file was read (the
baseline: the step's own memory is the difference). A step that passes
`--limit` seconds is stopped; every step samples, 100 times a second of
its CPU time, the function it is in, and prints where its CPU time went (to
stderr, and in full for a stopped step).

What the files hold (the same directory in both formats, seeded, so every
run writes the same bytes): organisations of one to eight services (four
on average), each at one to three places of a real ZIP code in and around
Fresno (most with a map point); phones of organisations, services and
places (extensions, fax lines); weekly hours for four services in five
(days as numbers or names, times as 09:00:00, 17:00 or 5:30pm; a few
"by appointment", kept as a note); one to four languages; the areas served
(the county, a neighbour, a city and "California", the last two kept as
text); one to three 211 taxonomy codes, most of a prefix the crosswalk
places, some target-population (Y) codes it does not, and a few services
with none (to sort); bare domains for websites (given https://) and blank
statuses (active). About one service in a hundred has a problem (its
organisation is not in the file, a 7-digit phone, a 4-digit ZIP, an email
without @, a language Stride can't name, hours that close before they open),
so the import skips some rows. HSDS 1.x is the tables and columns of
Open Referral's 1.1 package (organizations, locations, physical_addresses,
services, services_at_location, phones, regular_schedules, languages,
service_areas, taxonomy, services_taxonomy and a datapackage.json that lists
them); the flat export is one CSV of Agency, Site, Program and
ProgramAtSite rows with 116 columns, those flat.py reads and others an
iCarol export carries that it does not.

Prints a Markdown table, the file sizes, the machine and the command.
"""

import argparse
import csv
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

SEED = 2026
FORMATS = {"hsds1": "HSDS 1.x package", "flat": "flat 211 export"}
COUNTY = {"hsds1": "Cedar County", "flat": "Pine County"}
NEIGHBOUR = "Madera County"
STEPS = ("read", "check", "import", "re-import")

# Places: (city, ZIP, latitude, longitude), real ZIP codes and their centres.
PLACES = [
    ("Fresno", "93701", 36.7504, -119.7930),
    ("Fresno", "93702", 36.7412, -119.7523),
    ("Fresno", "93703", 36.7686, -119.7612),
    ("Fresno", "93704", 36.8010, -119.8020),
    ("Fresno", "93705", 36.7865, -119.8282),
    ("Fresno", "93706", 36.6413, -119.9048),
    ("Clovis", "93611", 36.8261, -119.6789),
    ("Clovis", "93612", 36.8104, -119.7133),
    ("Sanger", "93657", 36.8222, -119.4035),
    ("Selma", "93662", 36.5543, -119.6426),
    ("Reedley", "93654", 36.6619, -119.3805),
    ("Kerman", "93630", 36.6944, -120.1794),
    ("Madera", "93636", 36.9768, -119.8701),
]
STREETS = ["Main St", "Blackstone Ave", "Shaw Ave", "Ventura Ave", "Tulare St", "Olive Ave",
           "Kings Canyon Rd", "Cedar Ave", "First St", "Herndon Ave", "Clovis Ave", "Academy Ave"]  # fmt: skip
# 211 codes: (code, term), most of a prefix the crosswalk places; Y codes (target populations)
# and T codes it does not. The names are descriptive, for the bench.
KINDS = [
    ("BD-1800.2000", "Food Pantries"),
    ("BD-5000.8300", "Soup Kitchens"),
    ("BH-1800.8500", "Homeless Shelter"),
    ("BH-1800.1500", "Domestic Violence Shelters"),
    ("BH-3800.7000", "Rent Payment Assistance"),
    ("BT-4500.6500", "Transportation Expense Assistance"),
    ("FT-3200.1500", "Tenant Legal Assistance"),
    ("HH-0500.8000", "Adult Basic Education"),
    ("LN-1500", "Community Clinics"),
    ("ND-3500.3600", "Job Search Assistance"),
    ("NL-1000.2500", "Emergency Cash Grants"),
    ("RP-1400.8000", "Counseling Services"),
    ("RX-8450", "Substance Use Disorder Treatment"),
    ("TJ-3000.8000", "Volunteer Opportunities"),
]
POPULATIONS = [
    ("YF-3000", "Families"),
    ("YN-8000", "Veterans"),
    ("YB-9500", "Youth"),
    ("YV-3000", "Older Adults"),
]
LANGUAGES = ["Spanish", "Hmong", "Punjabi", "Vietnamese", "Tagalog", "Arabic", "Lao", "Khmer"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WORDS = [
    "families",
    "children",
    "parents",
    "adults",
    "neighbours",
    "veterans",
    "seniors",
    "youth",
    "students",
    "tenants",
    "workers",
    "help",
    "support",
    "groceries",
    "meals",
    "rent",
    "utilities",
    "rides",
    "clinic",
    "counselling",
    "classes",
    "training",
    "resume",
    "interview",
    "childcare",
    "appointment",
    "walk-in",
    "weekly",
    "monthly",
    "free",
    "low-cost",
    "referrals",
    "bilingual",
    "staff",
    "volunteers",
    "community",
    "county",
    "city",
    "local",
    "safe",
    "welcoming",
]
# Columns of an iCarol export that flat.py does not read (with those it does: 116 in all).
FLAT_EXTRA = (
    "AgencyClassification", "AlternateName", "AKA", "OfficialName", "LegalStatus",
    "TaxID", "YearIncorporated", "ExcludeFromWebsite", "ExcludeFromDirectory",
    "DisabilitiesAccess", "PhysicalLocationDescription", "BusServiceAccess",
    "MailingAttentionName", "MailingAddress1", "MailingAddress2", "MailingCity",
    "MailingStateProvince", "MailingPostalCode", "MailingCountry", "MailingAddressIsPrivate",
    "PhoneFax", "PhoneFaxDescription", "PhoneTTY", "PhoneTTYDescription", "Phone1Name",
    "Phone1Description", "Phone2Name", "Phone2Description", "Phone3Name", "Phone3Description",
    "Phone4Name", "Phone4Description", "Phone5Name", "Phone5Description",
    "MainContactName", "MainContactTitle", "MainContactPhone", "MainContactEmail",
    "SeniorWorkerName", "SeniorWorkerTitle", "SeniorWorkerPhone", "SeniorWorkerEmail",
    "DocumentsRequired", "IntakeProcedure", "AccessibilityNotes", "PaymentMethods",
    "ServiceAreaSummary", "CustomField1", "CustomField2", "Custom_Facebook", "Custom_Twitter",
    "Custom_Instagram", "LastVerifiedByName", "LastVerifiedByTitle", "LastVerifiedByEmail",
    "LastVerificationApprovedBy", "ReadyToVerify", "CreatedDate", "UpdatedDate",
    "SearchHints", "ExternalID", "Latitude2", "Longitude2",
)  # fmt: skip
FLAT_READ = (
    "ResourceAgencyNum", "PublicName", "TaxonomyLevelName", "ParentAgencyNum",
    "AgencyDescription", "EmailAddressMain", "WebsiteAddress", "AgencyStatus", "MadeInactiveOn",
    "ApplicationProcess", "FeeStructureSource", "Eligibility", "LastVerifiedOn",
    "HoursOfOperation", "PhoneNumberBusinessLine", "PhoneNumberBusinessLineIsPrivate",
    "Phone1Number", "Phone1IsPrivate", "Phone1Type", "Phone2Number", "Phone2IsPrivate",
    "Phone2Type", "Phone3Number", "Phone3IsPrivate", "Phone3Type", "Phone4Number",
    "Phone4IsPrivate", "Phone4Type", "Phone5Number", "Phone5IsPrivate", "Phone5Type",
    "PhoneTollFree", "PhoneTollFreeIsPrivate", "PhoneNumberHotline",
    "PhoneNumberHotlineIsPrivate", "PhysicalAddress1", "PhysicalAddress2", "PhysicalCity",
    "PhysicalStateProvince", "PhysicalPostalCode", "PhysicalCountry",
    "PhysicalAddressIsPrivate", "Latitude", "Longitude", "ConnectsToSiteNum",
    "ConnectsToProgramNum", "LanguagesOfferedList", "CoverageArea", "TaxonomyCodes",
    "TaxonomyTerms", "TaxonomyTermsNotDeactivated", "Coverage", "CoverageAreaText",
)  # fmt: skip
FLAT_HEADER = FLAT_READ + FLAT_EXTRA

HSDS1_COLUMNS = {
    "organizations": "id name alternate_name description email url tax_status tax_id "
    "year_incorporated legal_status",
    "locations": "id organization_id name alternate_name description transportation "
    "latitude longitude",
    "physical_addresses": "id location_id attention address_1 address_2 address_3 address_4 "
    "city region state_province postal_code country",
    "services": "id organization_id program_id name alternate_name description url email "
    "status interpretation_services application_process wait_time fees accreditations "
    "licenses taxonomy_ids",
    "services_at_location": "id service_id location_id description",
    "phones": "id location_id service_id organization_id contact_id service_at_location_id "
    "number extension type language description department",
    "regular_schedules": "id service_id location_id service_at_location_id weekday opens_at "
    "closes_at",
    "languages": "id service_id location_id language",
    "service_areas": "id service_id service_area description",
    "taxonomy": "id name parent_id parent_name vocabulary",
    "services_taxonomy": "id service_id taxonomy_id taxonomy_detail",
}


# The directory, one organisation at a time


class Directory:
    """A seeded county directory of `size` services, organisation by organisation."""

    def __init__(self, size: int, county: str) -> None:
        self.size = size
        self.county = county
        self.rng = random.Random(SEED)
        self.problems: Counter[str] = Counter()

    def ident(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def text(self, low: int, high: int) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def phone(self) -> str:
        number = f"(559) {self.rng.randint(200, 999)}-{self.rng.randint(0, 9999):04d}"
        return number

    def problem(self, kind: str, rate: float = 0.002) -> bool:
        if self.rng.random() < rate:
            self.problems[kind] += 1
            return True
        return False

    def organisations(self) -> Iterator[dict]:
        made = 0
        number = 0
        while made < self.size:
            number += 1
            count = min(self.size - made, self.rng.choice([1, 1, 2, 3, 3, 4, 4, 5, 6, 7, 8, 4]))
            made += count
            name = f"{self.rng.choice(WORDS).title()} {self.rng.choice(WORDS).title()} {number}"
            org = {
                "id": self.ident(),
                "number": 100000 + number,
                "name": f"{name} Center",
                "description": self.text(15, 60),
                "email": f"info@org{number}.example.org",
                "url": self.rng.choice(
                    [f"org{number}.example.org", f"https://org{number}.example.org", ""]
                ),
                "phone": self.phone(),
                "locations": [],
                "services": [],
            }
            for place_number in range(self.rng.choice([1, 1, 1, 2, 2, 3])):
                city, zip_code, lat, lon = self.rng.choice(PLACES)
                bad_zip = self.problem("ZIP code of 4 digits")
                org["locations"].append(
                    {
                        "id": self.ident(),
                        "number": 400000 + number * 10 + place_number,
                        "name": f"{name} {city} office",
                        "address_1": f"{self.rng.randint(10, 9999)} {self.rng.choice(STREETS)}",
                        "address_2": self.rng.choice(["", "", "", f"Suite {self.rng.randint(1, 300)}"]),
                        "city": city,
                        "postal_code": zip_code[:4] if bad_zip else zip_code,
                        "latitude": f"{lat + self.rng.uniform(-0.03, 0.03):.5f}" if self.rng.random() < 0.9 else "",
                        "longitude": f"{lon + self.rng.uniform(-0.03, 0.03):.5f}" if self.rng.random() < 0.9 else "",
                        "phone": self.phone() if self.rng.random() < 0.3 else "",
                    }
                )  # fmt: skip
            for service_number in range(count):
                org["services"].append(self.service(org, name, number, service_number))
            yield org

    def service(self, org: dict, name: str, number: int, service_number: int) -> dict:
        rng = self.rng
        if rng.random() < 0.05:
            codes = []  # no taxonomy code: to sort
        else:
            codes = rng.sample(KINDS, rng.choice([1, 1, 2]))
            if rng.random() < 0.3:
                codes.append(rng.choice(POPULATIONS))
            if rng.random() < 0.05:
                codes = [rng.choice(POPULATIONS)]  # only a code the crosswalk cannot place
        languages = ["English"] + rng.sample(LANGUAGES, rng.choice([0, 1, 1, 1, 2, 3]))
        if self.problem("language Stride can't name"):
            languages.append("Klingon")
        hours = []
        if rng.random() < 0.8:
            closing = rng.choice(["17:00:00", "5:00pm", "17:30", "4:30pm"])
            opening = rng.choice(["09:00:00", "8:00am", "08:30", "9:00am"])
            if self.problem("hours that close before they open"):
                opening, closing = "18:00", "09:00"
            days = range(1, 6) if rng.random() < 0.8 else range(1, 7)
            by_name = rng.random() < 0.5
            hours = [(DAY_NAMES[d - 1] if by_name else str(d), opening, closing) for d in days]
            if rng.random() < 0.04:
                hours = [("Monday", "by appointment", "")]
        areas = [self.county]
        if rng.random() < 0.3:
            areas.append(NEIGHBOUR)
        if rng.random() < 0.1:
            areas.append(rng.choice(["Fresno", "California"]))  # kept as text
        return {
            "id": self.ident(),
            "number": 700000 + number * 10 + service_number,
            "organization_id": self.ident() if self.problem("organisation not in the file") else org["id"],
            "name": f"{(codes[0][1] if codes else 'Community help')} at {name}",
            "description": self.text(20, 90),
            "url": rng.choice(["", f"org{number}.example.org/s{service_number}"]),
            "email": f"s{service_number}org{number}.example.org" if self.problem("email without @") else rng.choice(["", f"help@org{number}.example.org"]),
            "status": rng.choice(["active", "active", "active", "", "inactive"]),
            "application_process": self.text(5, 20),
            "fees": rng.choice(["Free", "Sliding scale", "", "$10 a visit"]),
            "eligibility": self.text(5, 25),
            "phone": "555-0123" if self.problem("phone of 7 digits") else (self.phone() if rng.random() < 0.7 else ""),
            "extension": str(rng.randint(1, 999)) if rng.random() < 0.1 else "",
            "fax": self.phone() if rng.random() < 0.2 else "",
            "codes": codes,
            "languages": languages,
            "hours": hours,
            "areas": areas,
            "at": rng.sample(org["locations"], min(len(org["locations"]), rng.choice([1, 1, 2]))),
        }  # fmt: skip


def write_hsds1(folder: Path, directory: Directory) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: (folder / f"{name}.csv").open("w", newline="") for name in HSDS1_COLUMNS}
    out = {
        name: csv.DictWriter(files[name], columns.split(), lineterminator="\r\n")
        for name, columns in HSDS1_COLUMNS.items()
    }
    for writer in out.values():
        writer.writeheader()
    row_id = iter(range(1, 10**9))
    terms: dict[str, str] = {}
    for org in directory.organisations():
        out["organizations"].writerow(
            {"id": org["id"], "name": org["name"], "description": org["description"],
             "email": org["email"], "url": org["url"], "tax_status": "nonprofit",
             "legal_status": "non-profit", "year_incorporated": "1998"}
        )  # fmt: skip
        out["phones"].writerow(
            {"id": next(row_id), "organization_id": org["id"], "number": org["phone"],
             "type": "voice", "language": "en"}
        )  # fmt: skip
        for place in org["locations"]:
            out["locations"].writerow(
                {"id": place["id"], "organization_id": org["id"], "name": place["name"],
                 "description": "Open to the public.", "latitude": place["latitude"],
                 "longitude": place["longitude"]}
            )  # fmt: skip
            out["physical_addresses"].writerow(
                {"id": next(row_id), "location_id": place["id"], "address_1": place["address_1"],
                 "address_2": place["address_2"], "city": place["city"], "region": "Central Valley",
                 "state_province": "CA", "postal_code": place["postal_code"], "country": "US"}
            )  # fmt: skip
            if place["phone"]:
                out["phones"].writerow(
                    {"id": next(row_id), "location_id": place["id"], "number": place["phone"],
                     "type": "voice"}
                )  # fmt: skip
        for service in org["services"]:
            sid = service["id"]
            out["services"].writerow(
                {"id": sid, "organization_id": service["organization_id"],
                 "name": service["name"], "description": service["description"],
                 "url": service["url"], "email": service["email"], "status": service["status"],
                 "application_process": service["application_process"],
                 "fees": service["fees"], "interpretation_services": "over the phone"}
            )  # fmt: skip
            at_ids = []
            for place in service["at"]:
                at_ids.append(next(row_id))
                out["services_at_location"].writerow(
                    {"id": at_ids[-1], "service_id": sid, "location_id": place["id"]}
                )
            if service["phone"]:
                out["phones"].writerow(
                    {"id": next(row_id), "service_id": sid, "number": service["phone"],
                     "extension": service["extension"], "type": "voice"}
                )  # fmt: skip
            if service["fax"]:
                out["phones"].writerow(
                    {"id": next(row_id), "service_id": sid, "number": service["fax"],
                     "type": "fax"}
                )  # fmt: skip
            for day, opens, closes in service["hours"]:
                out["regular_schedules"].writerow(
                    {"id": next(row_id), "service_id": sid, "weekday": day, "opens_at": opens,
                     "closes_at": closes}
                )  # fmt: skip
            for language in service["languages"]:
                out["languages"].writerow(
                    {"id": next(row_id), "service_id": sid, "language": language}
                )
            for area in service["areas"]:
                out["service_areas"].writerow(
                    {"id": next(row_id), "service_id": sid, "service_area": area}
                )
            for code, term in service["codes"]:
                terms[code] = term
                out["services_taxonomy"].writerow(
                    {"id": next(row_id), "service_id": sid, "taxonomy_id": code}
                )
    for code, term in sorted(terms.items()):
        out["taxonomy"].writerow({"id": code, "name": term, "vocabulary": "AIRS"})
    for file in files.values():
        file.close()
    package = {
        "name": "county-211-directory",
        "profile": "tabular-data-package",
        "resources": [
            {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource"}
            for name in HSDS1_COLUMNS
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2))


def write_flat(folder: Path, directory: Directory) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "211-export.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, FLAT_HEADER, lineterminator="\r\n")
        writer.writeheader()
        connection_number = iter(range(900000, 10**9))
        for org in directory.organisations():
            extra = {"AgencyClassification": "Nonprofit", "LegalStatus": "501(c)(3)",
                     "TaxID": f"77-{org['number']:07d}", "CreatedDate": "1/5/2016"}  # fmt: skip
            writer.writerow(
                {"ResourceAgencyNum": org["number"], "PublicName": org["name"],
                 "TaxonomyLevelName": "Agency", "ParentAgencyNum": "0",
                 "AgencyDescription": org["description"], "EmailAddressMain": org["email"],
                 "WebsiteAddress": org["url"], "PhoneNumberBusinessLine": org["phone"],
                 "AgencyStatus": "Active", **extra}
            )  # fmt: skip
            for place in org["locations"]:
                writer.writerow(
                    {"ResourceAgencyNum": place["number"], "PublicName": place["name"],
                     "TaxonomyLevelName": "Site", "ParentAgencyNum": org["number"],
                     "PhysicalAddress1": place["address_1"], "PhysicalAddress2": place["address_2"],
                     "PhysicalCity": place["city"], "PhysicalStateProvince": "CA",
                     "PhysicalPostalCode": place["postal_code"], "PhysicalCountry": "United States",
                     "Latitude": place["latitude"], "Longitude": place["longitude"],
                     "Phone1Number": place["phone"], "Phone1Type": "Voice" if place["phone"] else "",
                     "DisabilitiesAccess": "Ramp at the side door.", **extra}
                )  # fmt: skip
            for service in org["services"]:
                parent = org["number"]
                if service["organization_id"] != org["id"]:
                    parent = 990000 + service["number"]  # an agency that is not in the file
                hours = ""
                if service["hours"]:
                    _first, opens, closes = service["hours"][0]
                    days = [day if not day.isdigit() else DAY_NAMES[int(day) - 1]
                            for day, _opens, _closes in service["hours"]]  # fmt: skip
                    hours = f"{days[0][:3]}-{days[-1][:3]} {opens}-{closes}; closed holidays"
                    if opens == "by appointment":
                        hours = "By appointment"
                writer.writerow(
                    {"ResourceAgencyNum": service["number"], "PublicName": service["name"],
                     "TaxonomyLevelName": "Program", "ParentAgencyNum": parent,
                     "AgencyDescription": service["description"],
                     "EmailAddressMain": service["email"], "WebsiteAddress": service["url"],
                     "AgencyStatus": {"active": "Active", "inactive": "Inactive"}.get(service["status"], ""),
                     "ApplicationProcess": service["application_process"],
                     "FeeStructureSource": service["fees"], "Eligibility": service["eligibility"],
                     "LastVerifiedOn": "3/31/2026", "HoursOfOperation": hours,
                     "Phone1Number": service["phone"], "Phone1Type": "Voice" if service["phone"] else "",
                     "Phone2Number": service["fax"], "Phone2Type": "Fax" if service["fax"] else "",
                     "LanguagesOfferedList": "; ".join(service["languages"]),
                     "CoverageArea": "; ".join(f"CA - {area}" for area in service["areas"]),
                     "TaxonomyCodes": "; ".join(code for code, _term in service["codes"]),
                     "TaxonomyTerms": "; ".join(term for _code, term in service["codes"]),
                     "DocumentsRequired": "Photo ID; proof of address", **extra}
                )  # fmt: skip
                for place in service["at"]:
                    writer.writerow(
                        {"ResourceAgencyNum": next(connection_number),
                         "PublicName": f"{service['name']} - {place['name']}",
                         "TaxonomyLevelName": "ProgramAtSite", "ParentAgencyNum": parent,
                         "ConnectsToSiteNum": place["number"],
                         "ConnectsToProgramNum": service["number"]}
                    )  # fmt: skip


WRITERS = {"hsds1": write_hsds1, "flat": write_flat}


# One step, in a child process


class Sampler:
    """Where the CPU time goes: the function running, sampled 100 times per CPU second."""

    def __init__(self) -> None:
        self.own: Counter[str] = Counter()
        self.within: Counter[str] = Counter()
        self.samples = 0

    def __call__(self, _signum, frame) -> None:
        self.samples += 1
        seen = set()
        first = True
        while frame is not None:
            code = frame.f_code
            where = f"{Path(code.co_filename).name}:{code.co_name}"
            if first:
                self.own[where] += 1
                first = False
            if where not in seen:
                self.within[where] += 1
                seen.add(where)
            frame = frame.f_back

    def start(self) -> None:
        signal.signal(signal.SIGPROF, self)
        signal.setitimer(signal.ITIMER_PROF, 0.01, 0.01)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)

    def report(self, top: int) -> list[str]:
        total = max(self.samples, 1)
        lines = [f"CPU samples: {self.samples} (10 ms each)", "own time:"]
        lines += [f"  {n / total:6.1%} {where}" for where, n in self.own.most_common(top)]
        lines.append("within (the function or what it calls):")
        lines += [f"  {n / total:6.1%} {where}" for where, n in self.within.most_common(top * 2)]
        return lines


class StepTimeout(Exception):
    pass


def fingerprint(county_id: int) -> dict[str, tuple[int, str]]:
    """Rows and an md5 of the rows of every table of the county's directory."""
    from django.db import connection

    from stride.resources.models import Location, Provider, Schedule, Service, ServiceLanguage

    queries = {
        "providers": (Provider, "county_id = %s"),
        "locations": (Location, "provider_id IN (SELECT id FROM resources_provider WHERE county_id = %s)"),
        "services": (Service, "county_id = %s"),
        "languages": (ServiceLanguage, "service_id IN (SELECT id FROM resources_service WHERE county_id = %s)"),
        "schedules": (Schedule, "service_id IN (SELECT id FROM resources_service WHERE county_id = %s)"),
        "serves": (Service.serves.through, "service_id IN (SELECT id FROM resources_service WHERE county_id = %s)"),
        "at places": (Service.locations.through, "service_id IN (SELECT id FROM resources_service WHERE county_id = %s)"),
    }  # fmt: skip
    found = {}
    with connection.cursor() as cursor:
        for label, (model, where) in queries.items():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "  # noqa: S608 (our own table names)
                f"FROM {table} t WHERE {where}",
                [county_id],
            )
            found[label] = tuple(cursor.fetchone())
    return found


def run_step(args: argparse.Namespace) -> None:
    """One step in this process; prints one JSON line of figures on stdout."""
    from django.conf import settings
    from django.db import connection
    from pages import DatabaseTimer, is_data_query  # sets Django up

    from stride.core import zips
    from stride.core.audit import Actor
    from stride.core.models import AuditEvent, Organisation
    from stride.resources import hsds

    settings.DEBUG = False
    zips.find("93701")  # the ZIP list, read once per process by any check: part of the baseline
    county = Organisation.objects.get(kind=Organisation.Kind.COUNTY, name=COUNTY[args.format])
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    folder = Path(args.folder)
    sampler = Sampler()
    timer = DatabaseTimer()
    statements = 0

    def counting(execute, sql, params, many, context):
        nonlocal statements
        if is_data_query(sql):
            statements += 1
        return timer(execute, sql, params, many, context)

    def read():
        files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
        return hsds.read_files(files, folder.name)

    def stop(_signum, _frame):
        raise StepTimeout

    result: dict = {"step": args.step, "baseline_kb": baseline}
    tables = None if args.step == "read" else read()
    before = fingerprint(county.pk) if args.step == "re-import" else None
    events_before = AuditEvent.objects.count()
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(args.limit)
    sampler.start()
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        with connection.execute_wrapper(counting):
            if args.step == "read":
                tables = read()
                result["rows"] = sum(len(rows) for rows in tables.values())
                result["version"] = tables.version
            elif args.step == "check":
                plan = hsds.check(county, tables)
                result["problems"] = len(plan.problems)
                result["problem_kinds"] = {s.message: s.count for s in plan.problem_kinds}
                result["counts"] = plan.counts
                result["placed"], result["to_sort"] = plan.placed, plan.to_sort
            else:
                plan = hsds.apply(Actor.system(), county, tables, skip_bad=True)
                result["counts"] = plan.counts
                result["skipped_rows"], result["good_rows"] = plan.skipped_rows, plan.good_rows
                result["placed"], result["to_sort"] = plan.placed, plan.to_sort
                result["changes_anything"] = plan.changes_anything
        result["seconds"] = time.perf_counter() - start
        result["finished"] = True
    except StepTimeout:
        result["seconds"] = time.perf_counter() - start
        result["finished"] = False
    signal.alarm(0)
    sampler.stop()
    result["cpu"] = time.process_time() - start_cpu
    result["sql_seconds"], result["statements"] = timer.seconds, statements
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if result["finished"] and args.step != "read":
        result["audit_events"] = AuditEvent.objects.count() - events_before
        after = fingerprint(county.pk)
        result["records"] = {label: rows for label, (rows, _md5) in after.items()}
        if before is not None:
            result["unchanged"] = before == after
    print("\n".join(sampler.report(15 if result["finished"] else 40)), file=sys.stderr)
    print(json.dumps(result))


def child(step: str, fmt: str, folder: Path, limit: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--step", step,
               "--format", fmt, "--folder", str(folder), "--limit", str(limit)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)  # noqa: S603 (this script)
    if done.returncode != 0:
        sys.exit(f"{step} of {folder} failed:\n{done.stderr[-4000:]}")
    sys.stderr.write(f"--- {fmt} {step}: where the CPU time went\n{done.stderr}\n")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["profile"] = done.stderr
    return figures


# The parent: files, steps, table


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def csv_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.csv"))


def megabytes(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", choices=list(FORMATS), default=list(FORMATS))
    parser.add_argument("--limit", type=int, default=1200, help="seconds a step may take")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=list(FORMATS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_step(args)
        return

    from pages import machine  # sets Django up

    from stride.core.models import Organisation

    agency = Organisation.objects.filter(kind=Organisation.Kind.AGENCY).first()
    if agency is None:
        agency = Organisation.objects.create(
            name="Bench State Agency", kind=Organisation.Kind.AGENCY
        )
    for name in (*COUNTY.values(), NEIGHBOUR):
        if Organisation.objects.filter(kind=Organisation.Kind.COUNTY, name=name).exists():
            if name != NEIGHBOUR:
                sys.exit(
                    f"{name} exists already: run this in an empty database (bench/run directory)."
                )
            continue
        Organisation.objects.create(name=name, kind=Organisation.Kind.COUNTY, parent=agency)

    base = args.keep or Path(tempfile.mkdtemp(prefix="stride-directory-"))
    rows = []
    sizes_said = []
    try:
        for size in args.sizes:
            for fmt in args.formats:
                folder = base / f"{fmt}-{size}"
                if folder.exists():
                    shutil.rmtree(folder)
                directory = Directory(size, COUNTY[fmt])
                start = time.perf_counter()
                WRITERS[fmt](folder, directory)
                written = time.perf_counter() - start
                problems = ", ".join(
                    f"{n} {kind}" for kind, n in sorted(directory.problems.items())
                )
                sizes_said.append(
                    f"- {FORMATS[fmt]}, {size:,} services: {csv_size(folder) / 1e6:,.1f} MB of CSV "
                    f"({len(list(folder.iterdir()))} files, written in {written:.0f} s); "
                    f"problems put in: {problems}"
                )
                print(sizes_said[-1], file=sys.stderr, flush=True)
                figures = {}
                for step in STEPS:
                    if step == "re-import" and not figures["import"]["finished"]:
                        continue
                    figures[step] = child(step, fmt, folder, args.limit)
                    print(f"{fmt} {size} {step}: {json.dumps({k: v for k, v in figures[step].items() if k != 'profile'})}", file=sys.stderr, flush=True)  # fmt: skip
                again = figures.get("re-import")
                if again and again["finished"]:
                    nothing = not again["changes_anything"] and again["unchanged"]
                    assert nothing, f"the second import of {folder} changed something: {again}"
                rows.append((fmt, size, csv_size(folder), figures))
                if not args.keep:
                    shutil.rmtree(folder)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    print(
        "| File | Services | CSV MB | Step | Wall s | CPU s | SQL s (statements) | Peak MB (baseline) | What it did |"
    )
    print("|---|--:|--:|---|--:|--:|--:|--:|---|")
    for fmt, size, size_bytes, figures in rows:
        for step, f in figures.items():
            wall = f"{f['seconds']:,.1f}" if f["finished"] else f"over {args.limit // 60} min"
            print(
                f"| {FORMATS[fmt]} | {size:,} | {size_bytes / 1e6:,.1f} | {step} | {wall} | "
                f"{f['cpu']:,.1f} | {f['sql_seconds']:,.1f} ({f['statements']:,}) | "
                f"{megabytes(f['peak_kb'])} ({megabytes(f['baseline_kb'])}) | {did(step, f)} |"
            )
    print()
    print("\n".join(sizes_said))
    print()
    for label, value in machine():
        print(f"- {label}: {value}")
    print(f"- Load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"- Command: {' '.join(['.venv/bin/python', 'bench/directory_import.py', *sys.argv[1:]])}"
    )


def did(step: str, f: dict) -> str:
    if not f["finished"]:
        return "stopped; profile on stderr"
    if step == "read":
        return f"{f['rows']:,} rows read as {f['version']}"
    counts = f.get("counts", {})
    new = ", ".join(f"{c['new']:,} {t}" for t, c in counts.items() if c.get("new"))
    changed = sum(c.get("changed", 0) for c in counts.values())
    if step == "check":
        return f"{f['problems']:,} problems; would add {new}; {f['placed']:,} placed, {f['to_sort']:,} to sort"
    if step == "import":
        return f"added {new or 'nothing'}; {f['skipped_rows']:,} rows skipped; {f['audit_events']:,} audit events"
    return (
        f"{changed:,} changed, {sum(c.get('new', 0) for c in counts.values()):,} new; "
        f"tables {'unchanged' if f['unchanged'] else 'CHANGED'}; {f['audit_events']:,} audit events"
    )


if __name__ == "__main__":
    main()
