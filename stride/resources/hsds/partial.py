"""A partial import: the rows with problems set aside, and the good rows checked on their own.

Leaving out a bad row can leave rows that point at it without their parent
(the phones of a service skipped for its own problem): those are found from
the ids of the rows left out, without checking again, and skipped with that
reason; then the good rows are checked once. Should that check find more (a
reference only a check can follow), the rows it blames are left out in turn
until no problem remains. A problem on a table's header (a missing column)
skips every row of that file's table. A table all of whose rows are skipped
is left out, so the records it would cover stay as they are, as when a file
leaves a table out. When a pass finds problems but no row to leave out, the
plan keeps them and an import of it is refused, as without skipping.
"""

from django.utils.translation import gettext_lazy

from stride.core.models import Organisation

from .. import crosswalk
from ..models import Location, Provider
from .dry_run import check, count_gone
from .plan import ImportPlan, RowProblem
from .tables import SPECS, TABLE_ORDER, Row, Tables
from .taxonomy import stride_terms, term_id

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
Lost = set[tuple[str, str]]  # (3.0 table, id) of the rows left out


def check_good_rows(
    county: Organisation, tables: Tables, whole: ImportPlan | None = None
) -> ImportPlan:
    """What importing the good rows would do, with the rows it would skip and why.

    `whole` is the check of the whole file when the caller has made it already.
    """
    skipped: dict[RowProblem, None] = {}  # in the order found, once each
    lost: Lost = set()
    current = tables
    plan = whole if whole is not None else check(county, tables)
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
        lost |= {(table, row.get("id", "").strip()) for table, row in out if row.get("id")}
        current = _without(current, bad)
        belonging = _belonging(county, current, lost)
        for problem in belonging:
            skipped[problem] = None
        current = _without(current, {(problem.table, problem.row) for problem in belonging})
        plan = check(county, current)
    plan.skipped = list(skipped)
    count_gone(county, tables, plan)  # a skipped row's record is not gone: the file holds it
    plan.good_rows, plan.skipped_rows = _file_rows(tables, current)
    return plan


def _belonging(county: Organisation, tables: Tables, lost: Lost) -> list[RowProblem]:
    """The rows that point at a row left out (or at one of these), each with that reason.

    Found from ids alone, in the order the tables refer to each other, as the check
    would find them, so the good rows need checking only once. A reference the
    check would still follow (an organization or place the directory already
    has, a 211 code the crosswalk reads as it is) is not lost.
    """
    lost = lost - {
        (table, row.get("id", "").strip()) for table, rows in tables.items() for row in rows
    }
    in_directory = {
        "organization_id": set(
            Provider.objects.filter(county=county).values_list("hsds_id", flat=True)
        ),
        "location_id": set(
            Location.objects.filter(provider__county=county).values_list("hsds_id", flat=True)
        ),
        "taxonomy_term_id": {term_id(meaning) for meaning, _name, _d in stride_terms()},
    }
    walk = crosswalk.load()
    belonging: list[RowProblem] = []
    for table in sorted(tables, key=lambda name: TABLE_ORDER.index(name) if name in SPECS else 99):
        for row in tables[table]:
            column = _pointing_at_lost(table, row, lost, in_directory, walk)
            if column:
                shown = row.source.column(column) if row.source is not None else column
                place = _place(table, row)
                belonging.append(RowProblem(place[0], place[1], shown, str(BELONGS_TO_SKIPPED)))
                if row.get("id", "").strip():
                    lost.add((table, row.get("id", "").strip()))
    return belonging


def _pointing_at_lost(
    table: str, row: Row, lost: Lost, in_directory: dict[str, set[str]], walk: crosswalk.Crosswalk
) -> str:
    """The column of the row that points at a row left out; "" when none does."""
    for column, targets in POINTS_AT.items():
        value = (row.get(column) or "").strip()
        if not value or not any((target, value) in lost for target in targets):
            continue
        if column == "organization_id" and table in ("services", "locations"):
            if value in in_directory[column]:
                continue  # the check finds it in the directory
        if column == "location_id" and table == "service_at_locations":
            if value in in_directory[column]:
                continue
        if column == "taxonomy_term_id" and (
            value in in_directory[column] or walk.place([value], [])
        ):
            continue  # a stride term's own id, or a 211 code as it is
        if column == "link_id":
            entity = (row.get("link_entity") or "").strip().lower()
            wanted = {"service": "services", "organization": "organizations"}.get(entity)
            if wanted is not None and (wanted, value) not in lost:
                continue
        return column
    return ""


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
