"""The HSDS 3.0 tables Stride reads and writes: their columns, types and references."""

from collections.abc import Mapping
from dataclasses import dataclass, field

DAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}
DAY_CODES = {number: code for code, number in DAYS.items()}


# The tables: (column, Frictionless type) as HSDS 3.0 names them, what an import needs,
# and which columns point at which table.


@dataclass(frozen=True)
class TableSpec:
    fields: tuple[tuple[str, str], ...]
    required: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> list[str]:
        return [name for name, _kind in self.fields]


def _strings(names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, "string") for name in names.split())


SPECS: dict[str, TableSpec] = {
    "organizations": TableSpec(
        _strings("id name description email website"),
        ("id", "name"),
    ),
    "services": TableSpec(
        _strings(
            "id organization_id name description url email status application_process "
            "fees_description eligibility_description"
        )
        + (("assured_date", "date"),),
        ("id", "organization_id", "name"),  # a blank status is active
        (("organization_id", "organizations"),),
    ),
    "locations": TableSpec(
        _strings("id location_type organization_id name")
        + (("latitude", "number"), ("longitude", "number")),
        ("id", "organization_id", "name"),
        (("organization_id", "organizations"),),
    ),
    "addresses": TableSpec(
        _strings("id location_id address_1 city state_province postal_code country address_type"),
        ("location_id", "address_1", "city", "state_province", "postal_code"),
        (("location_id", "locations"),),
    ),
    "service_at_locations": TableSpec(
        _strings("id service_id location_id"),
        ("service_id", "location_id"),
        (("service_id", "services"), ("location_id", "locations")),
    ),
    "phones": TableSpec(
        _strings("id organization_id service_id number")
        + (("extension", "number"), ("type", "string")),
        ("number",),
        (("organization_id", "organizations"), ("service_id", "services")),
    ),
    "schedules": TableSpec(
        _strings("id service_id freq byday opens_at closes_at description"),
        ("byday", "opens_at", "closes_at"),
        (("service_id", "services"),),
    ),
    "languages": TableSpec(
        _strings("id service_id code name"),
        ("service_id",),
        (("service_id", "services"),),
    ),
    "service_areas": TableSpec(
        _strings("id service_id name"),
        ("name",),
        (("service_id", "services"),),
    ),
    "taxonomy_terms": TableSpec(
        _strings("id code name description taxonomy"),
        ("id",),  # a stride term needs its code, or an id that says it (1.x has no code)
    ),
    "attributes": TableSpec(
        _strings("id link_id link_type link_entity taxonomy_term_id value"),
        ("link_id", "taxonomy_term_id"),
        (("taxonomy_term_id", "taxonomy_terms"),),
    ),
}
TABLE_ORDER = list(SPECS)


# Rows and problems


@dataclass(frozen=True, eq=False)  # one per table of the file: known by identity
class Source:
    """The file's table a row comes from, and the file's names for 3.0 columns it renames."""

    name: str
    columns: Mapping[str, str] = field(default_factory=dict)  # 3.0 column -> the file's

    def column(self, name: str) -> str:
        return ", ".join(self.columns.get(part, part) for part in name.split(", "))


class Row(dict[str, str]):
    """One row of a table, and the row a spreadsheet shows it on (the header is row 1).

    A big directory holds a million of them: `__slots__` spares each an instance dict.
    """

    __slots__ = ("line", "source")

    def __init__(self, values: Mapping[str, str], line: int, source: Source | None = None) -> None:
        super().__init__(values)
        self.line = line
        self.source = source


class Tables(dict[str, list[Row]]):
    """A package's tables under their 3.0 names, and what reading it found.

    `unread` names the tables Stride does not read, with the reason, and
    `unread_columns` the columns it does not read in the tables it does, both
    by the file's own names; `warnings` are what reading passed over.
    """

    def __init__(self, tables: Mapping[str, list[Row]] | None = None, version: str = "3.0") -> None:
        super().__init__(tables or {})
        self.version = version
        self.unread: dict[str, str] = {}
        self.unread_columns: dict[str, list[str]] = {}
        self.warnings: list[str] = []
