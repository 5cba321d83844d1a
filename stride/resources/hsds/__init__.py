"""A county's directory in and out as an Open Referral HSDS data package (1.x, 2.0 or 3.0 in, 3.0 out).

The package is a Frictionless tabular data package: a zip of CSV files with
an optional `datapackage.json`, or one `datapackage.json` carrying its rows
inline. How Stride's records map onto the HSDS tables:

- Provider -> organizations (id = hsds_id, name, description, email,
  website); its phone -> phones (organization_id, number, extension).
- Location -> locations (id, organization_id, name, latitude, longitude,
  location_type physical); its street address -> addresses (location_id,
  address_1, city, state_province, postal_code, country US, address_type
  physical).
- Service -> services (id, organization_id, name, description, url, email,
  status, application_process, fees_description, eligibility_description,
  assured_date = last_verified_on); phone -> phones (service_id); locations
  -> service_at_locations; opening hours -> schedules (freq WEEKLY, byday
  MO..SU, opens_at and closes_at as HH:MM); languages -> languages (code,
  name); counties served -> service_areas (name = the county's name).
- Stride's own fields are attributes (link_id, link_entity, taxonomy_term_id,
  value) on terms of the taxonomy "stride" in taxonomy_terms.csv, known by
  their code: `category:<kind>` (one per service), `circumstance:<code>` (one
  per circumstance the service is meant for), `months_on_aid_from` and
  `months_on_aid_up_to` (value = the month) and, on an organization,
  `contracted` (value true or false).

Importing matches records by id within the county (organizations by id,
locations and services by organization and id), so importing the same file
twice changes nothing. Records the file leaves out are kept as they are: the
ones an earlier import brought in (`from_import`) are listed "gone" (a record
typed in by hand never is, whatever its id), and gone active services are
paused only when the administrator asks (apply's pause_gone). A
table the package leaves out leaves that part of its records alone (no
schedules.csv: hours stay as they are), and so does a column a table leaves
out; a table that is there says everything about the records it covers.
Rows keep the number a spreadsheet shows them on (the header is row 1; the
first object of an inline JSON resource is row 2, as in its CSV).

The modules, in the order a file goes through them (this one only re-exports):
- tables.py: the HSDS tables and their columns; taxonomy.py: Stride's own
  terms; values.py: phones, ZIP codes, times and languages in cells.
- versions.py: HSDS 1.x, 2.0 and 3.0, each one table of names for the 3.0 tables and
  columns the checker reads.
- reading.py: read_package(), a zip, a JSON file or a CSV file into tables of rows
  under 3.0 names (read_files(): loose files, a folder's); a UTF-16 file is read too.
- flat.py: the flat 211 export (iCarol's one wide CSV of agencies, sites and
  programs), which reading.py hands it when a lone CSV file has its columns.
- cells.py and checking.py: every row checked, every problem collected, one
  read_ method per table; dry_run.py: check(), what an import would add or
  change, as plan.py's ImportPlan.
- partial.py: check_good_rows(), the plan of the good rows, with the rows skipped and why.
- writing.py: apply(), the plan written in one transaction (skip_bad: the good rows only).
- exporting.py: export_zip() and export_json().
"""

from .dry_run import check
from .exporting import export_json, export_zip
from .flat import VERSION as FLAT
from .partial import check_good_rows
from .plan import ImportPlan, ImportRefused, RowProblem, Summary
from .reading import HsdsError, read_files, read_package
from .tables import Tables
from .values import language_name
from .writing import apply

__all__ = [
    "FLAT",
    "HsdsError",
    "ImportPlan",
    "ImportRefused",
    "RowProblem",
    "Tables",
    "Summary",
    "apply",
    "check",
    "check_good_rows",
    "export_json",
    "export_zip",
    "language_name",
    "read_files",
    "read_package",
]
