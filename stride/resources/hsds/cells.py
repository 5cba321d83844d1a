"""Checking one cell: where an import's problems are collected, and the checks of a value."""

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .plan import RowProblem
from .tables import Row, Tables
from .values import DATE_PATTERN, STATE_PATTERN, ZIP_PATTERN, parse_time, real_zip, validate_url

# The message for a cell that must be filled in; the row and column are reported beside it.
FILL_IN = gettext_lazy("fill this in; it can't be left empty.")
BARE_DOMAIN = gettext_lazy("Web addresses without https://: https:// added.")


class Cells:
    """The problems found so far, and the checks of one cell that every table's rows use."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.table = ""  # the table being read
        self.problems: list[RowProblem] = []
        self.defaults: list[RowProblem] = []
        self.broken: set[str] = set()
        self.file_table: dict[str, str] = {}  # the file's name of a table -> its 3.0 name
        self.columns = {
            name: set[str]().union(*(row.keys() for row in rows)) for name, rows in tables.items()
        }

    def bad(self, row: Row | int, column: str, message: object, table: str = "") -> None:
        """A problem on a row (or on row 1, the header), named as the file names its table and column."""
        table = table or self.table
        if isinstance(row, int):
            source = next((r.source for r in self.tables.get(table, ())), None)
            line = row
        else:
            source, line = row.source, row.line
        if source is not None:
            self.file_table[source.name] = table
            table, column = source.name, source.column(column)
        self.problems.append(RowProblem(table, line, column, str(message)))

    def used(self, row: Row, column: str, default: object) -> None:
        """A default the import uses for a cell (reported like a problem, but not one)."""
        table, source = self.table, row.source
        if source is not None:
            table, column = source.name, source.column(column)
        self.defaults.append(RowProblem(table, row.line, column, str(default)))

    def has(self, table: str) -> bool:
        """The package has this table, with the columns an import needs."""
        return table in self.tables and table not in self.broken

    def has_column(self, column: str) -> bool:
        return column in self.columns.get(self.table, set())

    def rows(self, table: str) -> list[Row]:
        self.table = table
        return self.tables[table] if self.has(table) else []

    def text(self, row: Row, column: str, required: bool = False, limit: int | None = None) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            self.bad(row, column, FILL_IN)
        elif limit is not None and len(value) > limit:
            message = _("shorten this to %(limit)d characters or fewer.")
            self.bad(row, column, message % {"limit": limit})
            return ""
        return value

    def ident(self, row: Row, seen: dict[str, int], required: bool = True) -> str:
        value = self.text(row, "id", required=required, limit=100)
        if value and value in seen:
            message = _("use another id: row %(row)d already has this one.")
            self.bad(row, "id", message % {"row": seen[value]})
            return ""
        if value:
            seen[value] = row.line
        return value

    def email(self, row: Row, column: str) -> str:
        value = self.text(row, column, limit=254)
        try:
            if value:
                validate_email(value)
        except ValidationError:
            self.bad(row, column, _("enter an email address, like help@example.org."))
        return value

    def url(self, row: Row, column: str) -> str:
        value = self.text(row, column, limit=200)
        if value and "://" not in value and len(value) <= 200 - len("https://"):
            try:
                validate_url(f"https://{value}")
            except ValidationError:
                pass
            else:
                self.used(row, column, BARE_DOMAIN)
                return f"https://{value}"
        try:
            if value:
                validate_url(value)
        except ValidationError:
            self.bad(row, column, _("enter a full web address, like https://example.org."))
        return value

    def put(self, values: dict[str, Any], column: str, value: Any, name: str = "") -> None:
        """Keep a value only when the table has the column: a left-out column changes nothing."""
        if self.has_column(column):
            values[name or column] = value

    def coordinate(self, row: Row, column: str, bound: float) -> float | None:
        text = self.text(row, column)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if -bound <= value <= bound:
            return value
        if column == "latitude":
            self.bad(row, column, _("enter a latitude between -90 and 90, like 36.7378."))
        else:
            self.bad(row, column, _("enter a longitude between -180 and 180, like -119.7871."))
        return None

    def state(self, row: Row) -> str:
        value = self.text(row, "state_province", required=True).upper()
        if value and not STATE_PATTERN.fullmatch(value):
            self.bad(row, "state_province", _("enter the two-letter state code, like CA."))
        return value

    def postal_code(self, row: Row) -> str:
        value = self.text(row, "postal_code", required=True)
        if value and not ZIP_PATTERN.fullmatch(value):
            message = _("enter a 5-digit ZIP code, like 93721, or a ZIP+4, like 93721-1234.")
            self.bad(row, "postal_code", message)
        elif value and not real_zip(value[:5]):
            self.bad(row, "postal_code", _("there is no such ZIP code; check it for a typo."))
        return value

    def assured_date(self, row: Row) -> date | None:
        text = self.text(row, "assured_date")[:10]  # a date-time says the day too
        if not text:
            return None
        try:
            if DATE_PATTERN.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.bad(row, "assured_date", _("enter the date as YYYY-MM-DD, like 2025-03-31."))
        return None

    def clock(self, row: Row, column: str) -> time | None:
        text = self.text(row, column, required=True)
        value = parse_time(text) if text else None
        if text and value is None:
            message = _("enter the time as HH:MM on a 24-hour clock, like 09:00 or 17:30.")
            self.bad(row, column, message)
        return value
