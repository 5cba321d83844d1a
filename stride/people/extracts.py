"""Reading a state's caseload extract: CSV or XLSX, in the columns the state's system writes.

Nothing here raises on a bad file: a file that cannot be read, or a cell that
cannot be understood, becomes a `Problem` with the row it is on, so the person
importing sees every reason at once and nothing is saved.

A CSV file is UTF-8 (with or without the byte-order mark) unless the person
importing names Windows-1252 or Latin-1; Stride never guesses an encoding. A
file named as one thing that reads as another is refused with a message saying
which to choose.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .identity import normalise_ssn

UTF8 = "utf-8"
ENCODINGS = {
    UTF8: gettext_lazy("UTF-8 (most files)"),
    "cp1252": gettext_lazy("Windows-1252 (older Windows programs)"),
    "latin-1": gettext_lazy("Latin-1 (ISO-8859-1)"),
}
# 100,000 households with a dozen columns is about 20 MB as CSV.
MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"


class Kind:
    """What kind of problem a row has: the report groups rows by these."""

    FILE = "file"
    MISSING = "missing"
    DATE = "date"
    SSN = "ssn"
    VALUE = "value"
    DUPLICATE = "duplicate"
    COACH = "coach"
    COUNTY = "county"
    REFUSED = "refused"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    kind: str
    message: str


@dataclass
class Table:
    """The header and the data rows of a file, each row with its number as a spreadsheet shows it."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _file_problem(message: str, row: int = 1) -> Table:
    return Table(problems=[Problem(row, "", Kind.FILE, message)])


def is_workbook(data: bytes, filename: str) -> bool:
    return filename.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC)


def read(data: bytes, filename: str, encoding: str = UTF8) -> Table:
    """The rows of `data`, or the problems that stop it being read: never an exception."""
    if len(data) > MAX_BYTES:
        return _file_problem(
            _("The file is over %(size)s MB: split it and import the parts.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        return _file_problem(_("The file is empty."))
    if is_workbook(data, filename):
        return _read_workbook(data)
    text = _decode(data, encoding)
    if isinstance(text, Table):
        return text
    if "\0" in text:
        return _file_problem(
            _("The file holds a null character: save it again as plain CSV."),
            _line_of(text, text.index("\0")),
        )
    return _read_csv(text)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode(data: bytes, encoding: str) -> str | Table:
    if encoding not in ENCODINGS:
        return _file_problem(_("Choose the file's encoding from the list."))
    if encoding == UTF8:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return _file_problem(
                _(
                    "This file is not UTF-8. Choose the encoding the state's system wrote "
                    "it in: Windows-1252 or Latin-1."
                ),
                data[: error.start].count(b"\n") + 1,
            )
    if data.startswith(b"\xef\xbb\xbf"):
        return _file_problem(_("This file says it is UTF-8: choose UTF-8 and upload it again."))
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # Accented letters written as UTF-8 would turn into pairs of wrong letters.
            return _file_problem(_("This file reads as UTF-8: choose UTF-8 and upload it again."))
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        return _file_problem(
            _("This row has a character %(encoding)s does not have: choose another encoding.")
            % {"encoding": ENCODINGS[encoding]},
            data[: error.start].count(b"\n") + 1,
        )


def _read_csv(text: str) -> Table:
    table = Table()
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                table.header = [cell.strip() for cell in cells]
                continue
            if not _add_row(table, number, cells):
                return table
    except csv.Error as error:
        return _file_problem(_csv_reason(error), number + 1)
    return _checked_header(table)


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("A cell is longer than %(limit)s characters: shorten it or split the row.") % {
            "limit": f"{csv.field_size_limit():,}"
        }
    return _("This row can't be read as CSV: check its quotes and commas.")


def _add_row(table: Table, number: int, cells: list[str]) -> bool:
    """Keep a data row (blank rows are left out); False once the file is too long."""
    if not any(cell.strip() for cell in cells):
        return True
    if len(table.rows) >= MAX_ROWS:
        table.rows = []
        table.problems = [
            Problem(
                1, "", Kind.FILE, _("Split the file: at most %(rows)s rows.") % {"rows": MAX_ROWS}
            )
        ]
        return False
    table.rows.append((number, [cell.strip() for cell in cells]))
    return True


def _checked_header(table: Table) -> Table:
    if not table.header or not any(table.header):
        return _file_problem(_("The first row must name the columns."))
    named = [name.casefold() for name in table.header if name]
    twice = sorted({name for name in named if named.count(name) > 1})
    if twice:
        return _file_problem(
            _("The first row names a column more than once: %(names)s.")
            % {"names": ", ".join(twice)}
        )
    return table


def _read_workbook(data: bytes) -> Table:
    # openpyxl is imported here: only an import of a workbook needs it.
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    table = Table()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_workbook_cell(value) for value in values]
            if number == 1:
                table.header = [cell.strip() for cell in cells]
                continue
            if not _add_row(table, number, cells):
                break
        book.close()
    except Exception:  # noqa: BLE001 - a damaged workbook fails in many ways inside openpyxl
        return _file_problem(
            _("This file can't be read as an Excel workbook (.xlsx): save it again and retry.")
        )
    if table.problems:
        return table
    while table.header and not table.header[-1]:
        table.header.pop()
    return _checked_header(table)


def _workbook_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?")


def parse_date(text: str) -> date | None:
    """A date written MM/DD/YYYY, YYYYMMDD or YYYY-MM-DD; None for an empty cell.

    Raises ValueError, with the message to show, for anything else.
    """
    text = text.strip()
    if not text:
        return None
    if found := _US_DATE.fullmatch(text):
        month, day, year = found.groups()
    elif (found := _COMPACT_DATE.fullmatch(text)) or (found := _ISO_DATE.fullmatch(text)):
        year, month, day = found.groups()
    else:
        raise ValueError(_("Write dates as MM/DD/YYYY, YYYYMMDD or YYYY-MM-DD."))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("This date is not on the calendar.")) from None


def parse_ssn(text: str) -> str:
    """Nine digits or "" (with or without dashes). Raises ValueError with the message to show."""
    try:
        return normalise_ssn(text)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
