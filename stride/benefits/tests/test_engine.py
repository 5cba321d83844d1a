"""The adapter between a household and PolicyEngine-US, checked against PolicyEngine.

The figures are never typed into a test: for a few fixed households the
PolicyEngine situation is written out by hand, PolicyEngine is run on it, and
the adapter must give the same figures to the cent, both for the household as
it stands (`points`) and at the matching point of its curve (`curves`). Then
the parts of the adapter that can go wrong quietly: the unpacking of a batch,
the pay axis, the hours and child care schedules PolicyEngine reads as zero
when missing, the programs it does not model, the county, and the key the
cache of curves is stored under (the last with Hypothesis).

PolicyEngine is loaded once for the session (`warm_engine`); every module
using it runs in the same xdist worker. Each simulation takes a few seconds
even warm, so the tests share a handful of them.
"""

import copy
import json
from dataclasses import fields, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride.benefits import engine
from stride.benefits.engine import Gap, Household, Person

pytestmark = [
    pytest.mark.xdist_group("policyengine"),
    # PolicyEngine divides by zero under np.where when a household has no such income.
    pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning"),
]

YEAR = 2026
Y = str(YEAR)

# Every curve here runs from no pay to $40,000 in $5,000 steps, so each
# earner's pay below is a point of the curve.
TOP = 40_000.0
COUNT = 9

# What each chart column should hold, written out again rather than read from
# engine.COLUMNS, so a change to the adapter's mapping shows up here.
VARIABLES = {
    "earnings": "household_market_income",
    "tanf": "tanf",
    "snap": "snap",
    "child_care_help": "child_care_subsidies",
    "eitc": "eitc",
    "ctc": "ctc",
    "taxes": "household_tax",
    "health": "healthcare_benefit_value",
    "child_care_paid": "childcare_expenses",
    # The chart's health band (engine.COVERAGE): who has Medicaid or CHIP, and what
    # Marketplace coverage costs after premium credits.
    "medicaid": "medicaid_cost",
    "chip": "chip",
    "coverage_cost": "marketplace_net_premium",
}

# A single parent of two in Los Angeles: a 3-year-old in care 5 days x 8 h at
# $1,000 a month, and a 7-year-old.
CA_SINGLE_PARENT = Household(
    state="CA",
    county="Los Angeles County",
    year=YEAR,
    rent=14_400.0,
    people=(
        Person(age=29, role="head", earnings=20_000.0, weekly_hours=30.0),
        Person(age=3, care_days_per_week=5.0, care_hours_per_day=8.0, care_cost=12_000.0),
        Person(age=7),
    ),
)
# The same working parent and 3-year-old in Boston, with a 9-year-old.
MA_SINGLE_PARENT = Household(
    state="MA",
    county="Suffolk County",
    year=YEAR,
    rent=18_000.0,
    people=(
        Person(age=34, role="head", earnings=25_000.0, weekly_hours=30.0),
        Person(age=3, care_days_per_week=5.0, care_hours_per_day=8.0, care_cost=12_000.0),
        Person(age=9),
    ),
)
# Full time in Columbus, a baby in care 5 days x 9 h.
OH_SINGLE_PARENT = Household(
    state="OH",
    county="Franklin County",
    year=YEAR,
    rent=10_800.0,
    people=(
        Person(age=26, role="head", earnings=30_000.0, weekly_hours=40.0),
        Person(age=1, care_days_per_week=5.0, care_hours_per_day=9.0, care_cost=10_800.0),
        Person(age=5),
    ),
)
# Part time in the District, a 2-year-old in care at $1,500 a month.
DC_SINGLE_PARENT = Household(
    state="DC",
    county="District of Columbia",
    year=YEAR,
    rent=21_600.0,
    people=(
        Person(age=31, role="head", earnings=15_000.0, weekly_hours=25.0),
        Person(age=2, care_days_per_week=5.0, care_hours_per_day=8.0, care_cost=18_000.0),
        Person(age=6),
    ),
)
# Two parents in Houston with three children; the curve moves the second
# parent's pay (the earner is not the first person).
TX_TWO_PARENTS = Household(
    state="TX",
    county="Harris County",
    year=YEAR,
    rent=13_200.0,
    earner=1,
    people=(
        Person(age=35, role="head", earnings=28_000.0, weekly_hours=40.0),
        Person(age=33, role="spouse", earnings=10_000.0, weekly_hours=15.0),
        Person(age=4, care_days_per_week=2.0, care_hours_per_day=5.0, care_cost=3_600.0),
        Person(age=8),
        Person(age=12),
    ),
)
# A parent in Brooklyn living with the children's grandmother, who works too
# and files her own taxes.
NY_WITH_GRANDMOTHER = Household(
    state="NY",
    county="Kings County",
    year=YEAR,
    rent=19_200.0,
    people=(
        Person(age=27, role="head", earnings=20_000.0, weekly_hours=32.0),
        Person(age=2, care_days_per_week=4.0, care_hours_per_day=8.0, care_cost=9_600.0),
        Person(age=5),
        Person(age=56, role="adult", earnings=12_000.0, weekly_hours=20.0),
    ),
)

HOUSEHOLDS = {
    "ca_single_parent": CA_SINGLE_PARENT,
    "ma_single_parent": MA_SINGLE_PARENT,
    "oh_single_parent": OH_SINGLE_PARENT,
    "dc_single_parent": DC_SINGLE_PARENT,
    "tx_two_parents": TX_TWO_PARENTS,
    "ny_with_grandmother": NY_WITH_GRANDMOTHER,
}

# The same households as PolicyEngine situations, written out by hand.
# Children's pay and hours are left to PolicyEngine's defaults (zero); care
# days a month are days a week x 52 / 12, rounded.
BY_HAND = {
    "ca_single_parent": {
        "people": {
            "parent": {
                "age": {Y: 29},
                "employment_income": {Y: 20_000},
                "weekly_hours_worked_before_lsr": {Y: 30},
                "rent": {Y: 14_400},
            },
            "toddler": {
                "age": {Y: 3},
                "childcare_days_per_week": {Y: 5},
                "childcare_hours_per_day": {Y: 8},
                "childcare_attending_days_per_month": {Y: 22},
                "pre_subsidy_childcare_expenses": {Y: 12_000},
            },
            "schoolchild": {"age": {Y: 7}},
        },
        "families": {"family": {"members": ["parent", "toddler", "schoolchild"]}},
        "marital_units": {"parent": {"members": ["parent"]}},
        "tax_units": {
            "tax_unit": {
                "members": ["parent", "toddler", "schoolchild"],
                "tax_unit_itemizes": {Y: False},
            }
        },
        "spm_units": {
            "spm_unit": {
                "members": ["parent", "toddler", "schoolchild"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 12_000},
            }
        },
        "households": {
            "household": {
                "members": ["parent", "toddler", "schoolchild"],
                "state_name": {Y: "CA"},
                "county": {Y: "LOS_ANGELES_COUNTY_CA"},
            }
        },
    },
    "ma_single_parent": {
        "people": {
            "parent": {
                "age": {Y: 34},
                "employment_income": {Y: 25_000},
                "weekly_hours_worked_before_lsr": {Y: 30},
                "rent": {Y: 18_000},
            },
            "toddler": {
                "age": {Y: 3},
                "childcare_days_per_week": {Y: 5},
                "childcare_hours_per_day": {Y: 8},
                "childcare_attending_days_per_month": {Y: 22},
                "pre_subsidy_childcare_expenses": {Y: 12_000},
            },
            "schoolchild": {"age": {Y: 9}},
        },
        "families": {"family": {"members": ["parent", "toddler", "schoolchild"]}},
        "marital_units": {"parent": {"members": ["parent"]}},
        "tax_units": {
            "tax_unit": {
                "members": ["parent", "toddler", "schoolchild"],
                "tax_unit_itemizes": {Y: False},
            }
        },
        "spm_units": {
            "spm_unit": {
                "members": ["parent", "toddler", "schoolchild"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 12_000},
            }
        },
        "households": {
            "household": {
                "members": ["parent", "toddler", "schoolchild"],
                "state_name": {Y: "MA"},
                "county": {Y: "SUFFOLK_COUNTY_MA"},
            }
        },
    },
    "oh_single_parent": {
        "people": {
            "parent": {
                "age": {Y: 26},
                "employment_income": {Y: 30_000},
                "weekly_hours_worked_before_lsr": {Y: 40},
                "rent": {Y: 10_800},
            },
            "baby": {
                "age": {Y: 1},
                "childcare_days_per_week": {Y: 5},
                "childcare_hours_per_day": {Y: 9},
                "childcare_attending_days_per_month": {Y: 22},
                "pre_subsidy_childcare_expenses": {Y: 10_800},
            },
            "child": {"age": {Y: 5}},
        },
        "families": {"family": {"members": ["parent", "baby", "child"]}},
        "marital_units": {"parent": {"members": ["parent"]}},
        "tax_units": {
            "tax_unit": {
                "members": ["parent", "baby", "child"],
                "tax_unit_itemizes": {Y: False},
            }
        },
        "spm_units": {
            "spm_unit": {
                "members": ["parent", "baby", "child"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 10_800},
            }
        },
        "households": {
            "household": {
                "members": ["parent", "baby", "child"],
                "state_name": {Y: "OH"},
                "county": {Y: "FRANKLIN_COUNTY_OH"},
            }
        },
    },
    "dc_single_parent": {
        "people": {
            "parent": {
                "age": {Y: 31},
                "employment_income": {Y: 15_000},
                "weekly_hours_worked_before_lsr": {Y: 25},
                "rent": {Y: 21_600},
            },
            "toddler": {
                "age": {Y: 2},
                "childcare_days_per_week": {Y: 5},
                "childcare_hours_per_day": {Y: 8},
                "childcare_attending_days_per_month": {Y: 22},
                "pre_subsidy_childcare_expenses": {Y: 18_000},
            },
            "child": {"age": {Y: 6}},
        },
        "families": {"family": {"members": ["parent", "toddler", "child"]}},
        "marital_units": {"parent": {"members": ["parent"]}},
        "tax_units": {
            "tax_unit": {
                "members": ["parent", "toddler", "child"],
                "tax_unit_itemizes": {Y: False},
            }
        },
        "spm_units": {
            "spm_unit": {
                "members": ["parent", "toddler", "child"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 18_000},
            }
        },
        "households": {
            "household": {
                "members": ["parent", "toddler", "child"],
                "state_name": {Y: "DC"},
                "county": {Y: "DISTRICT_OF_COLUMBIA_DC"},
            }
        },
    },
    "tx_two_parents": {
        "people": {
            "mother": {
                "age": {Y: 35},
                "employment_income": {Y: 28_000},
                "weekly_hours_worked_before_lsr": {Y: 40},
                "rent": {Y: 13_200},
            },
            "father": {
                "age": {Y: 33},
                "employment_income": {Y: 10_000},
                "weekly_hours_worked_before_lsr": {Y: 15},
            },
            "preschooler": {
                "age": {Y: 4},
                "childcare_days_per_week": {Y: 2},
                "childcare_hours_per_day": {Y: 5},
                "childcare_attending_days_per_month": {Y: 9},
                "pre_subsidy_childcare_expenses": {Y: 3_600},
            },
            "child": {"age": {Y: 8}},
            "teenager": {"age": {Y: 12}},
        },
        "families": {
            "family": {"members": ["mother", "father", "preschooler", "child", "teenager"]}
        },
        "marital_units": {"parents": {"members": ["mother", "father"]}},
        "tax_units": {
            "tax_unit": {
                "members": ["mother", "father", "preschooler", "child", "teenager"],
                "tax_unit_itemizes": {Y: False},
            }
        },
        "spm_units": {
            "spm_unit": {
                "members": ["mother", "father", "preschooler", "child", "teenager"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 3_600},
            }
        },
        "households": {
            "household": {
                "members": ["mother", "father", "preschooler", "child", "teenager"],
                "state_name": {Y: "TX"},
                "county": {Y: "HARRIS_COUNTY_TX"},
            }
        },
    },
    "ny_with_grandmother": {
        "people": {
            "parent": {
                "age": {Y: 27},
                "employment_income": {Y: 20_000},
                "weekly_hours_worked_before_lsr": {Y: 32},
                "rent": {Y: 19_200},
            },
            "toddler": {
                "age": {Y: 2},
                "childcare_days_per_week": {Y: 4},
                "childcare_hours_per_day": {Y: 8},
                "childcare_attending_days_per_month": {Y: 17},
                "pre_subsidy_childcare_expenses": {Y: 9_600},
            },
            "child": {"age": {Y: 5}},
            "grandmother": {
                "age": {Y: 56},
                "employment_income": {Y: 12_000},
                "weekly_hours_worked_before_lsr": {Y: 20},
            },
        },
        "families": {"family": {"members": ["parent", "toddler", "child", "grandmother"]}},
        "marital_units": {
            "parent": {"members": ["parent"]},
            "grandmother": {"members": ["grandmother"]},
        },
        "tax_units": {
            "parent_and_children": {
                "members": ["parent", "toddler", "child"],
                "tax_unit_itemizes": {Y: False},
            },
            "grandmother": {"members": ["grandmother"], "tax_unit_itemizes": {Y: False}},
        },
        "spm_units": {
            "spm_unit": {
                "members": ["parent", "toddler", "child", "grandmother"],
                "spm_unit_pre_subsidy_childcare_expenses": {Y: 9_600},
            }
        },
        "households": {
            "household": {
                "members": ["parent", "toddler", "child", "grandmother"],
                "state_name": {Y: "NY"},
                "county": {Y: "KINGS_COUNTY_NY"},
            }
        },
    },
}


def run_by_hand(situation: dict, variables: dict[str, str] = VARIABLES) -> dict[str, float]:
    """PolicyEngine's own figures for a one-household situation, to the cent."""
    from policyengine_us import Simulation

    situation = copy.deepcopy(situation)
    for person in situation["people"].values():
        # The adapter's one valuation choice (engine._person): Medicaid at the state's
        # spending per enrollee, so no figure depends on who else is in the simulation.
        person["medicaid_slcsp_cost_index_filled"] = {Y: 1.0}
        person["medicaid_slcsp_state_average_cost_index"] = {Y: 1.0}
    simulation = Simulation(situation=situation)
    figures = {}
    for column, variable in variables.items():
        values = simulation.calculate(variable, YEAR, map_to="household")
        assert len(values) == 1
        figures[column] = round(float(values[0]), 2)
    return figures


def earner_pay(household: Household) -> float:
    return household.people[household.earner].earnings


@pytest.fixture(scope="module")
def by_hand(warm_engine):
    """PolicyEngine run on each situation written out above (one simulation each)."""
    checks = {
        "taxes_before_credits": "household_tax_before_refundable_credits",
        "refundable_credits": "household_refundable_tax_credits",
    }
    return {name: run_by_hand(BY_HAND[name], VARIABLES | checks) for name in HOUSEHOLDS}


@pytest.fixture(scope="module")
def points_now(warm_engine):
    """The adapter's figures for every household as it stands, in one simulation."""
    rows = warm_engine.points(list(HOUSEHOLDS.values()))
    return dict(zip(HOUSEHOLDS, rows, strict=True))


@pytest.fixture(scope="module")
def batch_curves(warm_engine):
    """Every household's curve, all in one simulation."""
    found = warm_engine.curves(list(HOUSEHOLDS.values()), top=TOP, count=COUNT)
    return dict(zip(HOUSEHOLDS, found, strict=True))


# Against PolicyEngine run by hand (with the adapter's Medicaid valuation, see
# run_by_hand).


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_a_household_as_it_stands_has_policyengines_own_figures(name, by_hand, points_now):
    expected = {column: by_hand[name][column] for column in VARIABLES}
    row = points_now[name]
    assert {column: row[column] for column in VARIABLES} == expected
    assert row["net_resources"] == engine.net_resources(expected)


@pytest.mark.parametrize(
    "name",
    [name if name == "ny_with_grandmother" else name for name in HOUSEHOLDS],
)
def test_the_curve_at_the_earners_pay_has_policyengines_own_figures(name, by_hand, batch_curves):
    """To the cent, give or take one: float32 sums over a curve's copies round differently."""
    expected = {column: by_hand[name][column] for column in VARIABLES}
    curve = batch_curves[name]
    at = curve.earnings.index(earner_pay(HOUSEHOLDS[name]))
    found = {column: values[at] for column, values in curve.columns.items()}
    assert found == pytest.approx(expected, abs=0.011)
    assert curve.net_resources[at] == pytest.approx(engine.net_resources(expected), abs=0.011)


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_net_resources_add_benefits_to_pay_and_take_off_taxes_and_care_costs(name, points_now):
    row = points_now[name]
    by_sum = (
        row["earnings"]
        + row["tanf"]
        + row["snap"]
        + row["child_care_help"]
        + row["health"]
        - row["taxes"]
        - row["child_care_paid"]
    )
    assert row["net_resources"] == pytest.approx(by_sum, abs=0.006)


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_taxes_are_after_refundable_credits_so_net_resources_counts_the_eitc_once(name, by_hand):
    """The EITC and child tax credit are shown, but not added: household_tax has them."""
    figures = by_hand[name]
    assert figures["taxes"] == pytest.approx(
        figures["taxes_before_credits"] - figures["refundable_credits"], abs=0.02
    )
    assert figures["refundable_credits"] >= figures["eitc"] - 0.01


def test_the_fixed_households_reach_the_programs_the_chart_shows(by_hand):
    """A guard on the examples themselves: they would prove little if all were zero."""
    for column in ("tanf", "snap", "child_care_help", "eitc", "ctc", "health"):
        assert any(figures[column] > 0 for figures in by_hand.values()), column
    assert all(figures["child_care_help"] > 0 for figures in by_hand.values())


# Curves


@pytest.mark.parametrize("name", ["tx_two_parents", "ny_with_grandmother"])
def test_a_curve_computed_in_a_batch_is_the_curve_computed_alone(name, batch_curves, warm_engine):
    """Copies come point-major; unpacking them any other way mixes households up."""
    [alone] = warm_engine.curves([HOUSEHOLDS[name]], top=TOP, count=COUNT)
    assert alone.earnings == batch_curves[name].earnings
    assert alone.columns == batch_curves[name].columns


def test_a_households_figures_do_not_depend_on_another_household_of_its_state_in_the_batch(
    by_hand, warm_engine
):
    neighbours = Household(
        state="CA",
        county="Los Angeles County",
        year=YEAR,
        rent=30_000.0,
        people=(
            Person(age=62, role="head", earnings=15_000.0, weekly_hours=20.0),
            Person(age=60, role="spouse"),
            Person(age=17),
        ),
    )
    alongside, _ = warm_engine.points([CA_SINGLE_PARENT, neighbours])
    assert {column: alongside[column] for column in VARIABLES} == {
        column: by_hand["ca_single_parent"][column] for column in VARIABLES
    }


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_the_curve_moves_the_earners_pay_and_leaves_everyone_elses(name, batch_curves):
    household = HOUSEHOLDS[name]
    curve = batch_curves[name]
    others = sum(p.earnings for i, p in enumerate(household.people) if i != household.earner)
    assert curve.earnings == engine.pay_axis(TOP, COUNT)
    assert set(curve.columns) == set(VARIABLES)
    assert all(len(values) == COUNT for values in curve.columns.values())
    assert curve.columns["earnings"] == [round(pay + others, 2) for pay in curve.earnings]


@given(
    top=st.integers(min_value=1_000, max_value=500_000).map(float),
    count=st.integers(min_value=2, max_value=201),
)
def test_the_pay_axis_runs_from_nothing_to_the_top_in_equal_steps(top, count):
    axis = engine.pay_axis(top, count)
    assert len(axis) == count
    assert axis[0] == 0
    assert axis[-1] == pytest.approx(top, abs=0.005)
    steps = [later - earlier for earlier, later in zip(axis, axis[1:], strict=False)]
    assert max(steps) - min(steps) <= 0.011
    assert all(step > 0 for step in steps)


# Hours and child care schedules


def test_policyengine_reads_missing_hours_and_care_days_as_zero_and_pays_no_subsidy(by_hand):
    """Why the adapter fills them in: the Boston parent, written out by hand again
    but leaving out the hours and the care schedule, gets nothing."""
    situation = copy.deepcopy(BY_HAND["ma_single_parent"])
    del situation["people"]["parent"]["weekly_hours_worked_before_lsr"]
    for fact in (
        "childcare_days_per_week",
        "childcare_hours_per_day",
        "childcare_attending_days_per_month",
    ):
        del situation["people"]["toddler"][fact]
    assert by_hand["ma_single_parent"]["child_care_help"] > 0
    assert run_by_hand(situation, {"child_care_help": "child_care_subsidies"}) == {
        "child_care_help": 0
    }


def test_a_working_parent_with_a_child_in_care_gets_help_only_with_hours_and_schedule(
    points_now, warm_engine
):
    complete = MA_SINGLE_PARENT
    parent, toddler, schoolchild = complete.people
    no_hours = replace(complete, people=(replace(parent, weekly_hours=0.0), toddler, schoolchild))
    no_schedule = replace(
        complete, people=(parent, replace(toddler, care_days_per_week=0.0), schoolchild)
    )
    neither = replace(
        complete,
        people=(
            replace(parent, weekly_hours=0.0),
            replace(toddler, care_days_per_week=0.0),
            schoolchild,
        ),
    )
    rows = warm_engine.points([no_hours, no_schedule, neither])

    assert points_now["ma_single_parent"]["child_care_help"] > 0
    assert engine.gaps(complete) == []
    assert [row["child_care_help"] for row in rows] == [0, 0, 0]
    assert engine.gaps(no_hours) == [Gap(0, "weekly_hours")]
    assert engine.gaps(no_schedule) == [Gap(1, "care_schedule")]
    assert engine.gaps(neither) == [Gap(0, "weekly_hours"), Gap(1, "care_schedule")]


money = st.floats(min_value=0, max_value=250_000, allow_nan=False).map(lambda v: round(v, 2))
hours = st.floats(min_value=0, max_value=80, allow_nan=False).map(lambda v: round(v, 1))
days = st.floats(min_value=0, max_value=7, allow_nan=False).map(lambda v: round(v, 1))
ages = st.integers(min_value=0, max_value=99)
people = st.builds(
    Person,
    age=ages,
    role=st.sampled_from(engine.ROLES),
    earnings=money | st.just(0.0),
    weekly_hours=hours | st.just(0.0),
    care_days_per_week=days | st.just(0.0),
    care_hours_per_day=st.floats(min_value=0, max_value=24).map(lambda v: round(v, 1))
    | st.just(0.0),
    care_cost=money | st.just(0.0),
)
STATES = ("CA", "MA", "OH", "DC", "TX", "NY", "PR")
COUNTIES = ("", "Los Angeles County", "Suffolk County", "Kings County", "Nowhere County")


@st.composite
def households(draw) -> Household:
    members = tuple(draw(st.lists(people, min_size=1, max_size=6)))
    return Household(
        state=draw(st.sampled_from(STATES)),
        year=draw(st.integers(min_value=2024, max_value=2030)),
        people=members,
        rent=draw(money),
        earner=draw(st.integers(min_value=0, max_value=len(members) - 1)),
        county=draw(st.sampled_from(COUNTIES)),
    )


@given(people)
def test_gaps_flag_adults_paid_without_hours_and_care_paid_without_a_schedule(person):
    household = Household(state="CA", year=YEAR, people=(person,))
    missing = {gap.missing for gap in engine.gaps(household)}
    assert ("weekly_hours" in missing) == (
        person.role != "child" and person.earnings > 0 and person.weekly_hours == 0
    )
    assert ("care_schedule" in missing) == (
        person.care_cost > 0 and (person.care_days_per_week == 0 or person.care_hours_per_day == 0)
    )


# Programs PolicyEngine does not model


def test_limits_names_nothing_where_policyengine_models_tanf_and_child_care(warm_engine):
    from policyengine_us.system import system
    from policyengine_us.variables.gov.hhs.tanf.cash.tanf_if_takes_up import (
        STATE_TANF_VARIABLES,
    )

    care = system.parameters(f"{YEAR}-01-01").gov.hhs.ccdf.child_care_subsidy_programs
    for state, tanf in [
        ("CA", "ca_tanf"),
        ("MA", "ma_tafdc"),
        ("OH", "oh_owf"),
        ("DC", "dc_tanf"),
        ("TX", "tx_tanf"),
    ]:
        assert tanf in STATE_TANF_VARIABLES
        assert f"{state.lower()}_child_care_subsidies" in care
        assert warm_engine.limits(state, YEAR) == (), state


def test_limits_names_child_care_help_for_a_year_policyengine_lists_no_programme(warm_engine):
    """PolicyEngine 2.68 lists a child care programme for every state from 2025;
    for 2024 Texas (like DC and Tennessee) has none."""
    from policyengine_us.system import system
    from policyengine_us.variables.gov.hhs.tanf.cash.tanf_if_takes_up import (
        STATE_TANF_VARIABLES,
    )

    listed = system.parameters("2024-01-01").gov.hhs.ccdf.child_care_subsidy_programs
    assert not [name for name in listed if name.startswith("tx_")]
    assert "tx_tanf" in STATE_TANF_VARIABLES
    assert warm_engine.limits("TX", 2024) == ("child_care_help",)


def test_limits_names_both_programs_where_policyengine_models_neither(warm_engine):
    from policyengine_us.system import system
    from policyengine_us.variables.gov.hhs.tanf.cash.tanf_if_takes_up import (
        STATE_TANF_VARIABLES,
    )

    care = system.parameters(f"{YEAR}-01-01").gov.hhs.ccdf.child_care_subsidy_programs
    assert not [name for name in [*STATE_TANF_VARIABLES, *care] if name.startswith("pr_")]
    assert warm_engine.limits("PR", YEAR) == ("tanf", "child_care_help")


# The county


def test_the_county_is_passed_under_policyengines_name_for_it(warm_engine):
    for county in ("Los Angeles County", "los angeles county", "Los Angeles  County "):
        described = warm_engine.situation([replace(CA_SINGLE_PARENT, county=county)])
        assert described["households"]["h0"]["county"] == {Y: "LOS_ANGELES_COUNTY_CA"}


@pytest.mark.parametrize(
    "county", ["", "Nowhere County", "Los Angeles", "Cook County", "Suffolk County"]
)
def test_a_county_policyengine_does_not_know_in_that_state_becomes_the_states_first(
    county, warm_engine
):
    # What PolicyEngine picks for a household alone with no county: said outright, so a
    # household in a batch with others that name theirs is not read as County.UNKNOWN.
    described = warm_engine.situation([replace(CA_SINGLE_PARENT, county=county)])
    assert described["households"]["h0"]["county"] == {Y: "ALAMEDA_COUNTY_CA"}


@pytest.fixture(scope="module")
def without_county_alone(warm_engine):
    """The Los Angeles family with no county, and with one PolicyEngine does not know."""
    return warm_engine.points(
        [replace(CA_SINGLE_PARENT, county=""), replace(CA_SINGLE_PARENT, county="Nowhere County")]
    )


def test_a_household_without_a_known_county_is_still_computed(without_county_alone):
    no_county, unknown = without_county_alone
    assert unknown == no_county
    assert no_county["child_care_help"] > 0


def test_a_household_without_a_county_has_the_same_figures_in_a_batch_with_one(
    without_county_alone, warm_engine
):
    """The other household is in another state, so Medicaid's state average is not involved."""
    no_county = replace(CA_SINGLE_PARENT, county="")
    _, batched = warm_engine.points([MA_SINGLE_PARENT, no_county])
    assert batched == without_county_alone[0]


# The household record and its key


@given(households())
def test_a_household_goes_through_json_and_back_unchanged(household):
    assert Household.from_json(household.to_json()) == household
    text = json.dumps(household.to_json())
    again = Household.from_json(json.loads(text))
    assert again == household
    assert again.key() == household.key()


@given(households())
def test_the_same_facts_give_the_same_key(household):
    rebuilt = Household(
        state=household.state,
        year=household.year,
        people=tuple(Person(**vars(person)) for person in household.people),
        rent=household.rent,
        earner=household.earner,
        county=household.county,
    )
    assert rebuilt.key() == household.key()
    assert len(household.key()) == 64


PERSON_FACTS = {
    "age": ages,
    "role": st.sampled_from(engine.ROLES),
    "earnings": money,
    "weekly_hours": hours,
    "care_days_per_week": days,
    "care_hours_per_day": hours,
    "care_cost": money,
}


def test_every_fact_of_a_person_is_drawn_for_the_key_tests():
    assert set(PERSON_FACTS) == {field.name for field in fields(Person)}


@given(households(), st.data())
def test_changing_any_fact_of_any_person_changes_the_key(household, data):
    index = data.draw(st.integers(min_value=0, max_value=len(household.people) - 1))
    person = household.people[index]
    fact = data.draw(st.sampled_from(sorted(PERSON_FACTS)))
    value = data.draw(PERSON_FACTS[fact].filter(lambda v: v != getattr(person, fact)))
    changed = replace(person, **{fact: value})
    people = household.people[:index] + (changed,) + household.people[index + 1 :]
    assert replace(household, people=people).key() != household.key()


HOUSEHOLD_FACTS = {
    "state": st.sampled_from(STATES),
    "county": st.sampled_from(COUNTIES),
    "rent": money,
    "year": st.integers(min_value=2024, max_value=2030),
}


@given(households(), st.data())
def test_changing_the_rent_state_county_or_year_changes_the_key(household, data):
    fact = data.draw(st.sampled_from(sorted(HOUSEHOLD_FACTS)))
    value = data.draw(HOUSEHOLD_FACTS[fact].filter(lambda v: v != getattr(household, fact)))
    assert replace(household, **{fact: value}).key() != household.key()


@given(households(), st.data())
def test_changing_who_earns_changes_the_key(household, data):
    earner = data.draw(st.integers(min_value=0, max_value=len(household.people) - 1))
    if earner != household.earner:
        assert replace(household, earner=earner).key() != household.key()


def test_equal_households_have_the_same_key_whether_pay_is_an_int_or_a_float():
    as_int = Household(
        state="CA",
        year=YEAR,
        people=(Person(age=30, role="head", earnings=20000, weekly_hours=30),),
    )
    as_float = Household(
        state="CA",
        year=YEAR,
        people=(Person(age=30, role="head", earnings=20000.0, weekly_hours=30.0),),
    )
    assert as_int == as_float
    assert as_int.key() == as_float.key()


@given(households(), money, st.none() | hours)
def test_paid_changes_only_the_earners_pay_and_hours(household, earnings, weekly_hours):
    after = household.paid(earnings, weekly_hours)
    for index, (before, now) in enumerate(zip(household.people, after.people, strict=True)):
        if index == household.earner:
            kept = before.weekly_hours if weekly_hours is None else weekly_hours
            assert now == replace(before, earnings=earnings, weekly_hours=kept)
        else:
            assert now == before
    assert replace(after, people=household.people) == household
