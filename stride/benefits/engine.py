"""The adapter between Stride's households and PolicyEngine-US.

Imports no Django. PolicyEngine itself is imported on first use: loading it
takes about half a minute and over a gigabyte, so only the benefits worker
ever calls the functions that compute; a web process may import this module
for its types, keys and version without paying for the engine.

A curve is one simulation: every household of a batch is copied along an
axis of the earner's yearly pay (PolicyEngine's axes), and only the
variables the chart needs are calculated.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from importlib.metadata import version
from typing import Any

ROLES = ("head", "spouse", "child", "adult")

# Chart column -> PolicyEngine variable, each summed to the household. Only
# what the chart shows: the whole of household_net_income would walk every
# program PolicyEngine knows (WIC, school meals, utilities...) at each point.
COLUMNS: dict[str, str] = {
    "earnings": "household_market_income",
    "tanf": "tanf",
    "snap": "snap",
    "child_care_help": "child_care_subsidies",
    "eitc": "eitc",
    "ctc": "ctc",
    "taxes": "household_tax",  # after refundable credits; negative when credits exceed tax
    "health": "healthcare_benefit_value",  # Medicaid, CHIP and premium credits, valued
    "child_care_paid": "childcare_expenses",  # what the family pays after any subsidy
}
ADDED = ("earnings", "tanf", "snap", "child_care_help", "health")
SUBTRACTED = ("taxes", "child_care_paid")
# Money in hand, the chart's line: what the family has to spend. Health coverage
# is valued at the state's spending per enrollee ($27,000 to $42,000 a year), far
# more than a family could spend; the chart shows it as a band of its own.
IN_HAND_ADDED = ("earnings", "tanf", "snap")
# The programs whose loss makes a dip in money in hand (health coverage's makes none).
IN_HAND_PROGRAMS = ("tanf", "snap", "child_care_help", "eitc", "ctc")
# Who is covered and what coverage costs, for the chart's health band. Not in
# COLUMNS, so curves stored before it (and figures made up by tests) need not have it.
COVERAGE: dict[str, str] = {
    "medicaid": "medicaid_cost",  # Medicaid, valued; zero for those not on it
    "chip": "chip",
    "coverage_cost": "marketplace_net_premium",  # Marketplace premiums after premium credits
}
# The programs whose loss makes a cliff, in the order a page names them.
PROGRAMS = ("tanf", "snap", "child_care_help", "eitc", "ctc", "health")


@dataclass(frozen=True)
class Person:
    age: int
    role: str = "child"
    earnings: float = 0.0  # a year, before tax
    weekly_hours: float = 0.0  # usual hours of work a week
    care_days_per_week: float = 0.0  # a child's days in paid child care
    care_hours_per_day: float = 0.0
    care_cost: float = 0.0  # a year, before any subsidy

    def __post_init__(self) -> None:
        # 20000 and 20000.0 are the same pay: store one spelling, so keys agree.
        for name in ("earnings", "weekly_hours", "care_days_per_week", "care_hours_per_day"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "care_cost", float(self.care_cost))


@dataclass(frozen=True)
class Household:
    state: str  # two-letter code
    year: int
    people: tuple[Person, ...]
    rent: float = 0.0  # a year
    earner: int = 0  # the person whose pay the curve changes
    county: str = ""  # "Los Angeles County"; without it, the state's first county

    def __post_init__(self) -> None:
        object.__setattr__(self, "rent", float(self.rent))

    def key(self) -> str:
        """The same household always gives the same key: the cache of curves uses it."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Household":
        people = tuple(Person(**person) for person in data["people"])
        return cls(**{**data, "people": people})

    def paid(self, earnings: float, weekly_hours: float | None = None) -> "Household":
        """The same household with the earner paid `earnings` a year (and working these hours)."""
        earner = self.people[self.earner]
        hours = earner.weekly_hours if weekly_hours is None else weekly_hours
        changed = replace(earner, earnings=earnings, weekly_hours=hours)
        people = self.people[: self.earner] + (changed,) + self.people[self.earner + 1 :]
        return replace(self, people=people)


@dataclass(frozen=True)
class Gap:
    """Something missing that PolicyEngine would silently read as zero."""

    person: int
    missing: str  # "weekly_hours" | "care_schedule"


def gaps(household: Household) -> list[Gap]:
    """PolicyEngine takes missing hours and child care days as zero, which drops
    work-tested benefits and child care subsidies without a word; find them first."""
    found = []
    for index, person in enumerate(household.people):
        if person.role != "child" and person.earnings > 0 and person.weekly_hours <= 0:
            found.append(Gap(index, "weekly_hours"))
        if person.care_cost > 0 and (
            person.care_days_per_week <= 0 or person.care_hours_per_day <= 0
        ):
            found.append(Gap(index, "care_schedule"))
    return found


@dataclass
class Curve:
    """A household's yearly figures at each point of pay, one list per column."""

    earnings: list[float]
    columns: dict[str, list[float]] = field(default_factory=dict)

    @property
    def net_resources(self) -> list[float]:
        """Earnings, TANF, SNAP, child care help and health coverage, less taxes
        (after the EITC and child tax credit) and what child care still costs."""
        return [net_resources(dict(zip(self.columns, row, strict=True))) for row in self.rows()]

    @property
    def money_in_hand(self) -> list[float]:
        """What the family has to spend at each point: the line of the chart and the watch."""
        return [money_in_hand(dict(zip(self.columns, row, strict=True))) for row in self.rows()]

    def rows(self) -> list[tuple[float, ...]]:
        return list(zip(*self.columns.values(), strict=True))

    def to_json(self) -> dict[str, Any]:
        return {"earnings": self.earnings, "columns": self.columns}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Curve":
        return cls(earnings=list(data["earnings"]), columns=dict(data["columns"]))


def net_resources(figures: dict[str, float]) -> float:
    return round(
        sum(figures[name] for name in ADDED) - sum(figures[name] for name in SUBTRACTED), 2
    )


def money_in_hand(figures: dict[str, float]) -> float:
    """Pay, TANF and SNAP, less taxes (after the EITC and child tax credit) and what child
    care still costs: health coverage and child care help are not money to spend."""
    return round(
        sum(figures[name] for name in IN_HAND_ADDED) - sum(figures[name] for name in SUBTRACTED),
        2,
    )


def engine_version() -> str:
    """The installed PolicyEngine-US version, read without importing it."""
    return version("policyengine-us")


def pay_axis(top: float, count: int = 81) -> list[float]:
    """The points of yearly pay a curve is computed at: 0 to `top` in equal steps."""
    step = top / (count - 1)
    return [round(step * index, 2) for index in range(count)]


def situation(
    households: Sequence[Household], top: float | None = None, count: int = 81
) -> dict[str, Any]:
    """PolicyEngine's description of the households; with `top`, copied along the pay axis."""
    people: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, dict[str, Any]]] = {
        name: {} for name in ("households", "spm_units", "families", "tax_units", "marital_units")
    }
    earner_indexes = []
    for number, household in enumerate(households):
        year = str(household.year)
        names = [f"h{number}p{index}" for index in range(len(household.people))]
        earner_indexes.append(len(people) + household.earner)
        care_cost = 0.0
        for name, person in zip(names, household.people, strict=True):
            people[name] = _person(
                person, year, rent=household.rent if person.role == "head" else 0
            )
            care_cost += person.care_cost
        couple = [
            n for n, p in zip(names, household.people, strict=True) if p.role in ("head", "spouse")
        ]
        others = [n for n, p in zip(names, household.people, strict=True) if p.role == "adult"]
        groups["households"][f"h{number}"] = {
            "members": names,
            "state_name": {year: household.state},
            **_county(household, year),
        }
        groups["spm_units"][f"h{number}"] = {
            "members": names,
            "spm_unit_pre_subsidy_childcare_expenses": {year: care_cost},
        }
        groups["families"][f"h{number}"] = {"members": names}
        tax_unit = [n for n in names if n not in others]
        groups["tax_units"][f"h{number}"] = {"members": tax_unit, **_standard_deduction(year)}
        if couple:
            groups["marital_units"][f"h{number}"] = {"members": couple}
        for other in others:
            groups["tax_units"][other] = {"members": [other], **_standard_deduction(year)}
            groups["marital_units"][other] = {"members": [other]}
    result: dict[str, Any] = {"people": people, **groups}
    if top is not None:
        year = str(households[0].year)
        result["axes"] = [
            [
                {
                    "name": "employment_income",
                    "index": index,
                    "min": 0,
                    "max": top,
                    "count": count,
                    "period": year,
                }
                for index in earner_indexes
            ]
        ]
    return result


def _standard_deduction(year: str) -> dict[str, Any]:
    # Families on TANF take the standard deduction; letting PolicyEngine try
    # itemising too works the income tax out twice at every point of the curve.
    return {"tax_unit_itemizes": {year: False}}


def _county(household: Household, year: str) -> dict[str, Any]:
    """Every household names a county: once one in a simulation does, PolicyEngine
    reads the others' as unknown. Without a known one, the state's first county,
    as PolicyEngine picks for a household alone."""
    name = re.sub(r"[^A-Z0-9]+", "_", household.county.upper()).strip("_")
    code = f"{name}_{household.state}"
    return {"county": {year: code if code in _counties() else _first_county(household.state)}}


@cache
def _counties() -> dict[str, str]:
    from policyengine_us.variables.household.demographic.geographic.county.county_enum import (  # type: ignore[import-untyped]
        County,
    )

    return {member.name: member.value for member in County if member.name != "UNKNOWN"}


@cache
def _first_county(state: str) -> str:
    inside = [(value, name) for name, value in _counties().items() if value.endswith(f", {state}")]
    return min(inside)[1] if inside else "UNKNOWN"


def _person(person: Person, year: str, rent: float) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "age": {year: person.age},
        "employment_income": {year: person.earnings},
        "weekly_hours_worked_before_lsr": {year: person.weekly_hours},
        # PolicyEngine values Medicaid against the average cost index of everyone
        # of the state in the simulation, so a family's figures would depend on the
        # other families in a batch and on the other points of its own curve. With
        # both indexes at 1, Medicaid is worth the state's spending per enrollee.
        "medicaid_slcsp_cost_index_filled": {year: 1.0},
        "medicaid_slcsp_state_average_cost_index": {year: 1.0},
    }
    if rent:
        facts["rent"] = {year: rent}
    if person.care_cost or person.care_days_per_week:
        days_a_month = round(person.care_days_per_week * 52 / 12)
        facts |= {
            "childcare_days_per_week": {year: person.care_days_per_week},
            "childcare_hours_per_day": {year: person.care_hours_per_day},
            "childcare_attending_days_per_month": {year: days_a_month},
            "pre_subsidy_childcare_expenses": {year: person.care_cost},
        }
    return facts


def curves(households: Sequence[Household], top: float, count: int = 81) -> list[Curve]:
    """Each household's curve from no pay to `top` a year, all in one simulation."""
    simulation = _simulation(situation(households, top, count))
    year = households[0].year
    width = len(households)
    earnings = pay_axis(top, count)
    found = [Curve(earnings=earnings) for _ in households]
    for column, variable in {**COLUMNS, **COVERAGE}.items():
        # Copies come point-major: every household at the first point, then the next.
        values = simulation.calculate(variable, year, map_to="household").tolist()
        for number, curve in enumerate(found):
            curve.columns[column] = [round(v, 2) for v in values[number::width]]
    return found


def points(households: Sequence[Household]) -> list[dict[str, float]]:
    """Each household's figures as it stands (no axis): current pay, offers, rungs."""
    simulation = _simulation(situation(households))
    year = households[0].year
    rows: list[dict[str, float]] = [{} for _ in households]
    for column, variable in {**COLUMNS, **COVERAGE}.items():
        values = simulation.calculate(variable, year, map_to="household").tolist()
        for row, value in zip(rows, values, strict=True):
            row[column] = round(value, 2)
    for row in rows:
        row["net_resources"] = net_resources(row)
    return rows


def _simulation(described: dict[str, Any]) -> Any:
    from policyengine_us import Simulation  # type: ignore[import-untyped]  # worker only

    return Simulation(situation=described)


@cache
def limits(state: str, year: int) -> tuple[str, ...]:
    """The programs PolicyEngine does not model for `state`: a page names them."""
    from policyengine_us.system import system  # type: ignore[import-untyped]
    from policyengine_us.variables.gov.hhs.tanf.cash.tanf_if_takes_up import (  # type: ignore[import-untyped]
        STATE_TANF_VARIABLES,
    )

    prefix = f"{state.lower()}_"
    care = system.parameters(f"{year}-01-01").gov.hhs.ccdf.child_care_subsidy_programs
    missing = []
    if not any(name.startswith(prefix) for name in STATE_TANF_VARIABLES):
        missing.append("tanf")
    if not any(name.startswith(prefix) for name in care):
        missing.append("child_care_help")
    return tuple(missing)


def warm(year: int) -> None:
    """Load PolicyEngine and walk every chart variable once, so the first curve is fast."""
    household = Household(
        state="CA",
        year=year,
        people=(
            Person(age=30, role="head", earnings=20000, weekly_hours=30),
            Person(age=3, care_days_per_week=5, care_hours_per_day=8, care_cost=9000),
        ),
    )
    curves([household], top=60000, count=5)
    limits("CA", year)


def batches(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
