"""A partial import: the rows with problems set aside, and the good rows checked on their own.

Leaving out a bad row can leave rows that point at it without their parent
(the phones of a service skipped for its own problem): the check runs again
on what is left until no problem remains, and those rows are skipped with
that reason. A problem on a table's header (a missing column) skips every row
of that file's table. A table all of whose rows are skipped is left out, so
the records it would cover stay as they are, as when a file leaves a table
out. When a pass finds problems but no row to leave out, the plan keeps them
and an import of it is refused, as without skipping.
"""

from django.utils.translation import gettext_lazy

from stride.core.models import Organisation

from .dry_run import check, count_gone
from .plan import ImportPlan, RowProblem
from .tables import SPECS, Row, Tables

BELONGS_TO_SKIPPED = gettext_lazy(
    "skipped: the row it belongs to was skipped for a problem of its own."
)

# The tables a column's id points at (link_id: a service's or an organization's).
POINTS_AT: dict[str, tuple[str, ...]] = {
    "organization_id": ("organizations",),
    "service_id": ("services",),
    "location_id": ("locations",),
    "service_at_location_id": ("service_at_locations",),
    "taxonomy_term_id": ("taxonomy_terms",),
    "link_id": ("services", "organizations"),
}

Place = tuple[str, int]  # the file's table (or the 3.0 table of rows without one) and row


def check_good_rows(county: Organisation, tables: Tables) -> ImportPlan:
    """What importing the good rows would do, with the rows it would skip and why."""
    skipped: dict[RowProblem, None] = {}  # in the order found, once each
    lost: set[tuple[str, str]] = set()  # (3.0 table, id) of the rows skipped so far
    current = tables
    plan = check(county, current)
    while not plan.ok:
        index = _by_place(current)
        bad = {(problem.table, problem.row) for problem in plan.problems}
        for problem in plan.problems:
            skipped[_reason(problem, index.get((problem.table, problem.row), []), lost)] = None
        out = [
            (table, row)
            for table, rows in current.items()
            for row in rows
            if _place(table, row) in bad or (_place(table, row)[0], 1) in bad
        ]
        if not out:
            break  # problems no row can be left out for: refused, as without skipping
        lost |= {(table, row.get("id", "")) for table, row in out if row.get("id")}
        current = _without(current, bad)
        plan = check(county, current)
    plan.skipped = list(skipped)
    count_gone(county, tables, plan)  # a skipped row's record is not gone: the file holds it
    plan.good_rows, plan.skipped_rows = _file_rows(tables, current)
    return plan


def _reason(problem: RowProblem, rows: list[Row], lost: set[tuple[str, str]]) -> RowProblem:
    """The problem, or "it belongs to a skipped row" when its column points at one."""
    if problem.row == 1 or not rows:
        return problem
    row, names = rows[0], {}
    if row.source is not None:
        names = {file_name: name for name, file_name in row.source.columns.items()}
    for column in problem.column.split(", "):
        column = names.get(column, column)
        value = row.get(column, "").strip()
        if value and any((target, value) in lost for target in POINTS_AT.get(column, ())):
            return RowProblem(problem.table, problem.row, problem.column, str(BELONGS_TO_SKIPPED))
    return problem


def _place(table: str, row: Row) -> Place:
    return (row.source.name if row.source else table, row.line)


def _by_place(tables: Tables) -> dict[Place, list[Row]]:
    index: dict[Place, list[Row]] = {}
    for table, rows in tables.items():
        for row in rows:
            index.setdefault(_place(table, row), []).append(row)
    return index


def _without(tables: Tables, bad: set[Place]) -> Tables:
    kept = Tables(version=tables.version)
    kept.unread, kept.unread_columns = tables.unread, tables.unread_columns
    kept.warnings = tables.warnings
    for table, rows in tables.items():
        left = [
            row
            for row in rows
            if _place(table, row) not in bad and (_place(table, row)[0], 1) not in bad
        ]
        if left:
            kept[table] = left
    return kept


def _file_rows(tables: Tables, kept: Tables) -> tuple[int, int]:
    """The file's rows kept whole, and those left out in whole or in part.

    Counted as the file's rows: a flat 211 export's row makes several 3.0 rows
    (an agency's organization and phone), and is left out when any of them is.
    """
    keeping = {id(row) for rows in kept.values() for row in rows}
    rows: set[Place] = set()
    out: set[Place] = set()
    for table, table_rows in tables.items():
        if table not in SPECS:
            continue
        for row in table_rows:
            rows.add(_place(table, row))
            if id(row) not in keeping:
                out.add(_place(table, row))
    return len(rows) - len(out), len(out)
