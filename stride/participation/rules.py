"""The participation rules, read from the data files in `rules/`.

The numbers and their citations live in YAML so an agency can read them,
and a change in the law is a change of data. This module knows nothing of
Django, so the countable-hours engine can be tested on its own.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class Requirement:
    code: str
    weekly_hours: float
    core_hours: float
    cite: str


@dataclass(frozen=True)
class ParticipationRules:
    name: str
    source: str
    weeks_per_month: float
    # "fixed" (weeks_per_month for every month) or "actual_weeks" (the weeks that end in the month).
    weekly_divisor: str
    requirements: dict[str, Requirement]
    core_activities: frozenset[str]
    non_core_activities: frozenset[str]
    core_cite: str
    non_core_cite: str
    paid_activities: frozenset[str]
    job_search_weeks: int
    job_search_needy_weeks: int
    job_search_week_hours: float
    job_search_week_hours_under_six: float
    job_search_max_consecutive: int
    job_search_short_week_days: frozenset[int]
    job_search_cite: str
    excused_hours_a_year: float
    excused_hours_a_month: float
    excused_cite: str
    holidays_a_year: int
    holidays_cite: str
    vocational_months: int
    vocational_cite: str
    young_parent_age: int
    young_parent_education_hours: float
    young_parent_cite: str
    deemed_core_activities: frozenset[str]
    deemed_core_cite: str
    federal_minimum_wage: Decimal
    ladder: dict[str, float]

    def requirement(self, code: str) -> Requirement:
        return self.requirements[code]


def _read(name: str) -> dict[str, Any]:
    with open(RULES_DIR / name, encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def _divisor(choice: str) -> str:
    if choice not in ("fixed", "actual_weeks"):
        raise ValueError(f"weekly_divisor is fixed or actual_weeks, not {choice!r}")
    return choice


@cache
def participation_rules() -> ParticipationRules:
    data = _read("federal.yaml")
    job_search = data["job_search"]
    excused = data["excused_absences"]
    young = data["young_parents"]
    return ParticipationRules(
        name=data["name"],
        source=data["source"],
        weeks_per_month=float(data["weeks_per_month"]),
        weekly_divisor=_divisor(data["weekly_divisor"]),
        requirements={
            code: Requirement(
                code, float(rule["weekly_hours"]), float(rule["core_hours"]), rule["cite"]
            )
            for code, rule in data["requirements"].items()
        },
        core_activities=frozenset(data["core_activities"]),
        non_core_activities=frozenset(data["non_core_activities"]),
        core_cite=data["core_cite"],
        non_core_cite=data["non_core_cite"],
        paid_activities=frozenset(data["paid_activities"]),
        job_search_weeks=int(job_search["weeks"]),
        job_search_needy_weeks=int(job_search["needy_state_weeks"]),
        job_search_week_hours=float(job_search["week_hours"]),
        job_search_week_hours_under_six=float(
            job_search["week_hours_single_parent_child_under_six"]
        ),
        job_search_max_consecutive=int(job_search["max_consecutive_weeks"]),
        job_search_short_week_days=frozenset(job_search["short_week_days"]),
        job_search_cite=job_search["cite"],
        excused_hours_a_year=float(excused["hours_a_year"]),
        excused_hours_a_month=float(excused["hours_a_month"]),
        excused_cite=excused["cite"],
        holidays_a_year=int(data["holidays"]["days_a_year"]),
        holidays_cite=data["holidays"]["cite"],
        vocational_months=int(data["vocational_training"]["months_a_lifetime"]),
        vocational_cite=data["vocational_training"]["cite"],
        young_parent_age=int(young["under_age"]),
        young_parent_education_hours=float(young["education_weekly_hours"]),
        young_parent_cite=young["cite"],
        deemed_core_activities=frozenset(data["deemed_core"]["activities"]),
        deemed_core_cite=data["deemed_core"]["cite"],
        federal_minimum_wage=Decimal(str(data["deemed_core"]["federal_minimum_wage"])),
        ladder={step: float(share) for step, share in data["ladder"].items()},
    )
