"""bench/compare: two `bench/run pages` reports side by side in reference units, and every
page that grew by more than 15% named (exit status 1).

The reports below are written as bench/run, bench/pages.py and bench/resources.py print
them; the old one is on a machine whose reference loop took 6.4 ms, the new one 11.2 ms,
so a page that took 1.75 times as long in ms cost the same."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("bench_compare", ROOT / "bench" / "compare.py")
assert _spec is not None and _spec.loader is not None
compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)


def pages_table(reference: float, rows: list[tuple[str, str, float, float, str]]) -> str:
    lines = [
        "### 100,000 households (coach's caseload: 56 participants)",
        "",
        "200 rounds of one request per page after 20 warm-up requests per page; settings.DEBUG "
        "= False; load average (1 min) 1.20 before, 1.10 after. Queries: SQL statements per "
        "request, without BEGIN/COMMIT. Python CPU: CPU time of this process (Django's own "
        "work). SQL: wall time inside cursor.execute (PostgreSQL, including planning, and the "
        f"local round trip). Reference: a fixed Python loop timed once per round, p50 "
        f"{reference:.1f} ms; p50 ÷ reference compares runs on a machine whose speed drifts.",
        "",
        "| Page | p50 ms | p95 ms | max ms | Queries | Python CPU p50 ms | SQL p50 ms "
        "| p50 ÷ reference |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for label, url, p50, p95, queries in rows:
        lines.append(
            f"| {label}: `{url}` | {p50:.1f} | {p95:.1f} | {p95 * 2:.1f} | {queries} | 1.0 "
            f"| 1.0 | {p50 / reference:.2f} |"
        )
    return (
        "\n".join(lines) + "\n\nHouseholds in the database: 100,000\n\n| Machine | |\n|---|---|\n"
    )


def resources_table(reference: float, p50: float, p95: float) -> str:
    return "\n".join(
        [
            "### Resource map: 10,000 active services in Fresno County (postgresql)",
            "",
            "Directory: 10,000 services. Family: the demo `participant`. A run is `family_of` "
            "then `for_family`. Reference: the fixed Python loop of bench/pages.py, p50 "
            f"{reference:.1f} ms.",
            "",
            "| Suggestions | p50 ms | p95 ms | max ms | Queries | Suiting / shown "
            "| Python CPU p50 ms | SQL p50 ms | p50 ÷ reference |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
            f"| Default view, 6 per area | {p50:.1f} | {p95:.1f} | 99.0 | 7 | 6,930 / 24 | 1.0 "
            f"| 1.0 | {p50 / reference:.2f} |",
            "",
            f"Active services in Fresno County: 10,000. Reference loop p50: {reference:.1f} ms.",
            "",
        ]
    )


def report(reference: float, pages, suggestions: tuple[float, float]) -> str:
    return (
        "# Stride page benchmark, 2026-12-07 10:00 UTC, commit 501dc15\n\n"
        "## 100,000 households\n\nseed_demo --households 100000: 3156.0 s (52.6 min)\n\n"
        + pages_table(reference, pages)
        + "\n"
        + resources_table(reference, *suggestions)
    )


OLD = report(
    6.4,
    [
        ("Caseload, first page (sort by name)", "/caseload/", 32.8, 45.0, "6"),
        ("Participant profile", "/people/0c1e/", 28.9, 40.0, "8"),
        ("Today", "/today/", 36.3, 50.0, "10"),
        ("Participant's own page (portal)", "/me/", 30.8, 42.0, "10"),
    ],
    (46.4, 60.0),
)
# In ms everything is slower (the machine is); in reference units the caseload is the same,
# the profile grew 14% (not named), Today's p50 grew by 77% with 4 more queries, /me/'s p95
# alone grew 20%, and the suggestions did not grow.
NEW = report(
    11.2,
    [
        ("Caseload, first page (sort by name)", "/caseload/", 57.4, 78.75, "6"),
        ("Participant profile", "/people/9f3a/", 57.7, 70.0, "8"),
        ("Today", "/today/", 112.2, 132.0, "14"),
        ("Participant's own page (portal)", "/me/", 53.9, 42.0 * 1.75 * 1.2, "10"),
    ],
    (81.2, 105.0),
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_report_is_read_page_by_page_with_its_reference():
    read = compare.read(OLD)
    assert list(read) == [("100,000", "Page"), ("100,000", "Suggestions")]
    pages = read[("100,000", "Page")]
    assert list(pages) == [
        "Caseload, first page (sort by name)",
        "Participant profile",
        "Today",
        "Participant's own page (portal)",
    ]
    today = pages["Today"]
    assert (today.p50, today.p95, today.queries, today.reference) == (36.3, 50.0, "10", 6.4)
    assert read[("100,000", "Suggestions")]["Default view, 6 per area"].reference == 6.4


def test_the_pages_that_grew_in_reference_units_or_queries_are_named(tmp_path, capsys):
    status = compare.main(
        [str(write(tmp_path, "old.md", OLD)), str(write(tmp_path, "new.md", NEW))]
    )
    out = capsys.readouterr().out
    assert status == 1
    named = out.split("Grew by more than 15%", 1)[1]
    assert "100,000 households, Today: p50 5.67 → 10.02 units (+77%)" in named
    assert "queries 10 → 14" in named
    assert "Participant's own page (portal): p95" in named and "p50" not in named.split("portal")[1]
    assert "Caseload" not in named and "profile" not in named and "Default view" not in named
    assert "| **Today** | 5.67 | 10.02 | +77% |" in out
    assert "| Participant profile | 4.52 | 5.15 | +14% |" in out
    assert "Reference loop p50: 6.4 ms old, 11.2 ms new." in out


def test_a_report_against_itself_names_nothing_and_exits_0(tmp_path, capsys):
    path = write(tmp_path, "old.md", OLD)
    assert compare.main([str(path), str(path)]) == 0
    assert "No page grew by more than 15%." in capsys.readouterr().out


def test_the_threshold_can_be_asked_for(tmp_path, capsys):
    old, new = write(tmp_path, "old.md", OLD), write(tmp_path, "new.md", NEW)
    assert compare.main([str(old), str(new), "--threshold", "10"]) == 1
    assert "Participant profile: p50 4.52 → 5.15 units (+14%)" in capsys.readouterr().out
    assert compare.main([str(old), str(new), "--threshold", "80"]) == 0  # Today: +77%, +40%
    assert "No page grew by more than 80%." in capsys.readouterr().out


def test_a_page_in_one_report_only_is_shown_but_not_named(tmp_path, capsys):
    fewer = OLD.replace("| Today: `/today/`", "| Later: `/later/`")
    status = compare.main([str(write(tmp_path, "a.md", fewer)), str(write(tmp_path, "b.md", OLD))])
    out = capsys.readouterr().out
    assert status == 0
    assert "| Later | | | only in the old report |" in out
    assert "| Today | | | only in the new report |" in out


def test_a_file_without_a_table_of_pages_is_an_error(tmp_path, capsys):
    empty = write(tmp_path, "empty.md", "# Stride page benchmark\n\nNothing ran.\n")
    assert compare.main([str(empty), str(write(tmp_path, "old.md", OLD))]) == 2
    assert "holds no table of pages" in capsys.readouterr().err


@pytest.mark.parametrize(("new", "status"), [(OLD, 0), (NEW, 1)])
def test_the_command_exits_as_the_comparison_says(tmp_path, new, status):
    old = write(tmp_path, "old.md", OLD)
    done = subprocess.run(
        [ROOT / "bench" / "compare", old, write(tmp_path, "new.md", new)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert "| Page | p50 ÷ ref, old | new | change |" in done.stdout
