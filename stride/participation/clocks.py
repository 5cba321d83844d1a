"""Time clocks: how many months of a time limit a participant has used, from their months on aid.

Each clock is a data file in `rules/clocks/` with its citations: the limit,
when it was in force, the months it does not count, and whether a month in
which the work requirement was met stops it. Rule sets no longer in force
stay as history, so an agency can see how to write its own. No Django here.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import yaml

from .rules import RULES_DIR

CLOCKS_DIR = RULES_DIR / "clocks"
ALL_PROGRAMS = "*"


@dataclass(frozen=True)
class MonthNotCounted:
    code: str
    label: dict[str, str]
    cite: str


@dataclass(frozen=True)
class ClockRule:
    code: str
    name: dict[str, str]
    summary: dict[str, str]
    jurisdiction: str
    programs: frozenset[str]
    in_force_from: date
    in_force_until: date | None
    counts_from: date
    limit_months: int
    warn_months_left: int
    not_counted: dict[str, MonthNotCounted]
    # The seed's 24-month clock: a month that met the federal work requirement did not count.
    stops_when_requirement_met: bool
    extension: dict[str, str] | None
    cites: tuple[str, ...]

    def applies_to(self, program_code: str | None) -> bool:
        return ALL_PROGRAMS in self.programs or program_code in self.programs

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )


@dataclass(frozen=True)
class LedgerMonth:
    month: date
    program: str | None = None
    exemption: str = ""
    requirement_met: bool = False


@dataclass(frozen=True)
class ClockReading:
    rule: ClockRule
    used: int
    not_counted: dict[str, int]

    @property
    def skipped(self) -> int:
        """Months on aid this clock did not count."""
        return sum(self.not_counted.values())

    @property
    def left(self) -> int:
        return max(0, self.rule.limit_months - self.used)

    @property
    def reached(self) -> bool:
        return self.used >= self.rule.limit_months

    @property
    def warn(self) -> bool:
        return self.left <= self.rule.warn_months_left


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _clock(data: dict[str, Any]) -> ClockRule:
    return ClockRule(
        code=data["code"],
        name=data["name"],
        summary=data["summary"],
        jurisdiction=data["jurisdiction"],
        programs=frozenset(data["programs"]),
        in_force_from=_date(data["in_force"]["from"]),  # type: ignore[arg-type]
        in_force_until=_date(data["in_force"].get("until")),
        counts_from=_date(data["counts_from"]),  # type: ignore[arg-type]
        limit_months=int(data["limit_months"]),
        warn_months_left=int(data.get("warn_months_left", 6)),
        not_counted={
            code: MonthNotCounted(code, rule["label"], rule["cite"])
            for code, rule in data.get("months_not_counted", {}).items()
        },
        stops_when_requirement_met=bool(data.get("stops_when_requirement_met", False)),
        extension=data.get("extension"),
        cites=tuple(data["cites"]),
    )


@cache
def clock_rules() -> tuple[ClockRule, ...]:
    """Every rule set shipped, in force or not, oldest first."""
    rules = []
    for path in sorted(CLOCKS_DIR.glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            for data in yaml.safe_load(handle)["clocks"]:
                rules.append(_clock(data))
    return tuple(sorted(rules, key=lambda rule: (rule.in_force_from, rule.code)))


def clocks_for(program_code: str | None, on: date) -> list[ClockRule]:
    """The clocks running for a participant in `program_code` on `on`."""
    return [
        rule for rule in clock_rules() if rule.in_force_on(on) and rule.applies_to(program_code)
    ]


def exemption_codes() -> dict[str, MonthNotCounted]:
    """Every reason a month may not count, across the clocks in force or not."""
    codes: dict[str, MonthNotCounted] = {}
    for rule in clock_rules():
        for code, reason in rule.not_counted.items():
            codes.setdefault(code, reason)
    return codes


def read_clock(rule: ClockRule, months: Iterable[LedgerMonth], on: date) -> ClockReading:
    """Months `rule` counts among `months`, up to and including the month of `on`."""
    used = 0
    not_counted: Counter[str] = Counter()
    if rule.in_force_until is not None:
        on = min(on, rule.in_force_until)
    last = on.replace(day=1)
    seen: set[date] = set()
    for month in months:
        start = month.month.replace(day=1)
        if start in seen or start > last or start < rule.counts_from.replace(day=1):
            continue
        seen.add(start)
        if not rule.applies_to(month.program):
            continue
        if month.exemption and month.exemption in rule.not_counted:
            not_counted[month.exemption] += 1
        elif rule.stops_when_requirement_met and month.requirement_met:
            not_counted["requirement_met"] += 1
        else:
            used += 1
    return ClockReading(rule, used, dict(not_counted))
