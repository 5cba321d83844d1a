"""Two `bench/run pages` reports side by side, in reference units; which pages grew.

    bench/compare OLD.md NEW.md [--threshold 15]

A report (build/bench/report-*.md) holds, for each size of database, the pages'
table of bench/pages.py and the suggestions' table of bench/resources.py: per page
p50, p95 and max in ms, the queries, and the p50 of a fixed Python loop timed in
the same rounds (the reference). The machine's speed drifts from run to run, so
each time is divided by its own run's reference: a page grew if its p50 or p95 in
reference units is more than `--threshold` percent above the old one, or it runs
more than `--threshold` percent more queries.

Prints a Markdown table per size and kind of page, then every page that grew; exits
1 when any did, 2 when a report holds no table to compare, 0 otherwise. Pages are
matched by their label (the address after it is left out: the profile's UUID and
the searched name change with every seeded database). Needs only the standard
library.
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

THRESHOLD = 15.0  # percent
SIZE = re.compile(r"^#{2,3} ([\d,]+) households\b")
REFERENCE = re.compile(r"[Rr]eference[^|\n]*?p50:? ([\d.]+) ms")
ADDRESS = re.compile(r":\s*`[^`]*`\s*$")  # "Participant profile: `/people/<uuid>/`"
NEEDED = ("p50 ms", "p95 ms", "Queries")


@dataclass(frozen=True)
class Row:
    p50: float
    p95: float
    queries: str  # "6", or "6/7" when the warm-up requests differed
    reference: float  # ms of the reference loop in the same rounds

    @property
    def p50_units(self) -> float:
        return self.p50 / self.reference

    @property
    def p95_units(self) -> float:
        return self.p95 / self.reference

    @property
    def most_queries(self) -> int:
        return max(int(count) for count in self.queries.split("/"))


# (size, kind of table) -> page label -> row, in the order the report has them.
Report = dict[tuple[str, str], dict[str, Row]]


class ReportError(Exception):
    pass


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def number(text: str) -> float:
    return float(text.replace(",", ""))


def read(text: str) -> Report:
    """Every table of a report that has p50, p95 and queries per page, with its reference."""
    report: Report = {}
    size = ""
    reference: float | None = None
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            found = SIZE.match(line)
            if found:
                size = found.group(1)
            reference = None
        elif not line.startswith("|"):
            found = REFERENCE.search(line)
            if found:
                reference = float(found.group(1))
        if not (line.startswith("|") and all(name in cells(line) for name in NEEDED)):
            index += 1
            continue
        header = cells(line)
        table = []
        index += 2  # the header and its |---| line
        while index < len(lines) and lines[index].startswith("|"):
            table.append(cells(lines[index]))
            index += 1
        # A reference printed after its table (bench/resources.py) belongs to it too.
        after = reference
        for line in lines[index : index + 4]:
            found = REFERENCE.search(line)
            if found and not line.startswith("|"):
                after = float(found.group(1))
                break
        report[(size, header[0])] = rows(header, table, after)
    return report


def rows(header: list[str], table: list[list[str]], reference: float | None) -> dict[str, Row]:
    column = {name: header.index(name) for name in header}
    found = {}
    for values in table:
        p50 = number(values[column["p50 ms"]])
        if reference is None:  # derived from the row's own ratio when the text gives none
            if "p50 ÷ reference" not in column:
                raise ReportError(f"no reference loop for the table of {header[0]!r}")
            reference = p50 / number(values[column["p50 ÷ reference"]])
        label = ADDRESS.sub("", values[0])
        found[label] = Row(
            p50=p50,
            p95=number(values[column["p95 ms"]]),
            queries=values[column["Queries"]],
            reference=reference,
        )
    return found


def change(old: float, new: float) -> float:
    return (new / old - 1) * 100 if old else 0.0


def grown(old: Row, new: Row, threshold: float) -> list[str]:
    """Why a page grew, in words; empty when it did not."""
    reasons = []
    for name, before, after in (
        ("p50", old.p50_units, new.p50_units),
        ("p95", old.p95_units, new.p95_units),
    ):
        if change(before, after) > threshold:
            reasons.append(
                f"{name} {before:.2f} → {after:.2f} units (+{change(before, after):.0f}%)"
            )
    if change(old.most_queries, new.most_queries) > threshold:
        reasons.append(f"queries {old.queries} → {new.queries}")
    return reasons


def compare(old: Report, new: Report, threshold: float = THRESHOLD) -> tuple[str, list[str]]:
    """The side-by-side tables in Markdown, and one line for each page that grew."""
    out: list[str] = []
    grew: list[str] = []
    for key in [*old, *(key for key in new if key not in old)]:
        size, kind = key
        before, after = old.get(key, {}), new.get(key, {})
        title = f"{size} households, " if size else ""
        out.append(f"### {title}{kind.lower()}\n")
        out.append(
            "| Page | p50 ÷ ref, old | new | change | p95 ÷ ref, old | new | change | Queries |"
        )
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|")
        for label in [*before, *(label for label in after if label not in before)]:
            was, now = before.get(label), after.get(label)
            if was is None or now is None:
                where = "new report" if was is None else "old report"
                out.append(f"| {label} | | | only in the {where} | | | | |")
                continue
            reasons = grown(was, now, threshold)
            mark = f"**{label}**" if reasons else label
            queries = (
                now.queries if was.queries == now.queries else f"{was.queries} → {now.queries}"
            )
            out.append(
                f"| {mark} | {was.p50_units:.2f} | {now.p50_units:.2f} "
                f"| {change(was.p50_units, now.p50_units):+.0f}% | {was.p95_units:.2f} "
                f"| {now.p95_units:.2f} | {change(was.p95_units, now.p95_units):+.0f}% | {queries} |"
            )
            if reasons:
                grew.append(f"{title}{label}: {'; '.join(reasons)}")
        if before and after:
            old_ref = next(iter(before.values())).reference
            new_ref = next(iter(after.values())).reference
            out.append(f"\nReference loop p50: {old_ref:.1f} ms old, {new_ref:.1f} ms new.\n")
        else:
            out.append("")
    return "\n".join(out), grew


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the earlier report (build/bench/report-*.md)")
    parser.add_argument("new", type=Path, help="the later report")
    parser.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"percent of growth that names a page (default {THRESHOLD:g})",
    )
    args = parser.parse_args(argv)
    try:
        old, new = (read(path.read_text(encoding="utf-8")) for path in (args.old, args.new))
    except (OSError, ReportError, ValueError, IndexError) as error:
        print(f"bench/compare: {error}", file=sys.stderr)
        return 2
    for path, report in ((args.old, old), (args.new, new)):
        if not report:
            print(f"bench/compare: {path} holds no table of pages to compare", file=sys.stderr)
            return 2
    tables, grew = compare(old, new, args.threshold)
    print(f"# {args.old.name} → {args.new.name}\n")
    print(tables)
    if grew:
        print(f"Grew by more than {args.threshold:g}% (in reference units, or in queries):\n")
        for line in grew:
            print(f"- {line}")
        return 1
    print(f"No page grew by more than {args.threshold:g}%.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
