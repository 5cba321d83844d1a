"""The cliff chart: money in hand as the line, health coverage as a band of its own, and
numbers a browser reads written the same way in every language.

No PolicyEngine here: the curve is stored the way the benefits worker stores it, from
plain figures (`figures_at`) for a parent of one in Fresno: Medicaid for both up to
$30,000 of pay, for the child alone up to $50,000 (the parent then buys coverage), none
after; TANF ends past $22,000.
"""

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from stride.benefits import actions, curves, engine, presenting, watch
from stride.benefits.models import CliffFlag, Curve, HouseholdBudget
from stride.core.audit import Actor
from stride.people import actions as people_actions
from stride.people.actions import PersonDetails
from stride.people.models import Member, Participant

pytestmark = pytest.mark.django_db

PLAIN = re.compile(r"-?\d+(\.\d+)?")


def figures_at(pay: float) -> dict[str, float]:
    """A parent of one: Medicaid valued at $13,000 a person, as states spend per enrollee."""
    medicaid = 26_000.0 if pay <= 30_000 else 13_000.0 if pay <= 50_000 else 0.0
    cost = 0.0 if pay <= 30_000 else round(1_000 + 0.05 * (pay - 30_000), 2)
    return {
        "earnings": pay,
        "tanf": 5_000.0 if pay <= 22_000 else 0.0,
        "snap": max(0.0, round(3_600 - 0.3 * pay, 2)),
        "child_care_help": 0.0,
        "eitc": 0.0,
        "ctc": 0.0,
        "taxes": round(0.1 * max(0.0, pay - 30_000), 2),
        "health": medicaid + (2_000.0 if pay > 30_000 else 0.0),
        "child_care_paid": 0.0,
        "medicaid": medicaid,
        "chip": 0.0,
        "coverage_cost": cost,
    }


def worked_out(request: curves.Request) -> dict[str, Any]:
    pays = engine.pay_axis(request.top)
    rows = [figures_at(pay) for pay in pays]
    names = [*engine.COLUMNS, *engine.COVERAGE]
    points = []
    for point in request.points:
        row = figures_at(point.earnings)
        points.append(
            {**asdict(point), "figures": {**row, "net_resources": engine.net_resources(row)}}
        )
    return {
        "curve": {"earnings": pays, "columns": {name: [r[name] for r in rows] for name in names}},
        "points": points,
        "limits": [],
    }


@pytest.fixture
def family(world) -> Participant:
    household = world.case.household
    people_actions.update_household(
        Actor(world.coach), household, household.version, zip_code="93721"
    )
    people_actions.add_member(
        Actor(world.coach),
        household,
        PersonDetails("Sofia", "Lopez", date(2021, 3, 1), Member.Relationship.CHILD),
    )
    actions.save_money(
        Actor(world.coach),
        world.case,
        0,
        Decimal("1100"),
        {world.case.member: {"yearly_earnings": Decimal("24000"), "weekly_hours": Decimal("30")}},
    )
    world.case.refresh_from_db()
    return world.case


def ready_page(client, url: str, language: str = "en") -> str:
    """The page once the worker has computed its curve."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    curve: Curve = client.get(url).context["curve"]
    curve.data = worked_out(curves.Request.from_json(curve.request))
    curve.status, curve.computed_at, curve.seconds = Curve.Status.READY, timezone.now(), 1.0
    curve.save()
    return client.get(url).content.decode()


def svg_of(page: str) -> ElementTree.Element:
    found = re.search(r"<svg.*?</svg>", page, re.S)
    assert found, "no chart on the page"
    return ElementTree.fromstring(found.group(0))  # noqa: S314 (the page we just rendered)


NUMERIC = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("whose", ["staff", "participant"])
def test_every_number_the_browser_reads_in_the_chart_is_plain(
    world, family, client_for, language, whose
):
    staff = whose == "staff"
    client = client_for(world.coach if staff else world.participant_user)
    url = reverse("benefits:calculator", args=[family.uuid]) if staff else reverse("benefits:mine")
    svg = svg_of(ready_page(client, url, language))
    numbers = svg.get("viewBox", "").split()
    for element in svg.iter():
        numbers += [element.get(name) for name in NUMERIC if element.get(name) is not None]
        if element.get("points"):
            pairs = element.get("points", "").split()
            assert len(pairs) == 81 and all(len(pair.split(",")) == 2 for pair in pairs)
            numbers += [number for pair in pairs for number in pair.split(",")]
    assert numbers and all(PLAIN.fullmatch(number) for number in numbers), numbers
    assert [float(n) for n in svg.get("viewBox", "").split()] == [0, 0, 720, 420]


def test_the_line_is_money_in_hand_without_the_value_of_health_coverage(world, family, client_for):
    client = client_for(world.coach)
    page = ready_page(client, reverse("benefits:calculator", args=[family.uuid]))
    # At $24,000 of pay: pay and SNAP ($3,600 - $7,200 = 0), no TANF, no tax: $24,000 in hand,
    # not the $50,000 that adding Medicaid's $26,000 would make.
    now = page.split("<tbody>")[1].split("</tr>")[0]
    assert "<strong>$24,000</strong>" in now
    assert "$26,000" in now  # the value of health coverage stays in the table
    assert "$50,000</strong>" not in now
    # The dip where TANF ends is drawn and named; losing Medicaid makes no dip of its own.
    assert "Past $22,000 a year, a raise costs more than it brings" in page
    assert "health coverage falls" not in page and "health coverage ends" not in page


def test_health_coverage_is_a_band_of_its_own_with_its_words(world, family, client_for):
    page = ready_page(client_for(world.coach), reverse("benefits:calculator", args=[family.uuid]))
    svg = svg_of(page)
    band = [rect for rect in svg.iter() if "stride-curve__health" in (rect.get("class") or "")]
    assert [rect.get("class").split("--")[-1] for rect in band] == ["covered", "some", "costs"]
    assert "Covered by Medicaid or CHIP, up to $30,000 pay a year." in page
    assert (
        "Medicaid or CHIP for some of the family; coverage for the others costs $1,050 to "
        "$2,000 a year after help with premiums, from $31,000 to $50,000 pay a year."
    ) in page
    assert (
        "No Medicaid or CHIP; coverage costs $2,050 to $3,500 a year after help with premiums, "
        "from $51,000 pay a year."
    ) in page


def test_a_curve_stored_before_the_band_shows_the_line_and_says_health_is_in_the_table():
    request = {"top": 80_000.0}
    data = {
        "curve": {
            "earnings": engine.pay_axis(80_000.0),
            "columns": {
                name: [figures_at(pay)[name] for pay in engine.pay_axis(80_000.0)]
                for name in engine.COLUMNS
            },
        },
        "points": [],
    }
    with translation.override("en"):
        shown = presenting.picture(data, request, "en")
    assert shown.coverage == []
    assert shown.rows[80].net == 75_000  # $80,000 of pay less $5,000 of tax


def test_money_on_a_spanish_page_stays_in_the_us_format(world, family, client_for):
    client = client_for(world.coach)
    page = ready_page(client, reverse("benefits:calculator", args=[family.uuid]), "es")
    assert "$24,000 al año" in page and "$13,200 al año" in page  # pay, and rent of $1,100 a month
    assert not re.search(r"\$\d{1,3}\.\d{3}\b", page)  # never $24.000
    assert "Sueldo por hora ($)" in page


def test_the_watch_flags_dips_in_money_in_hand_not_the_value_of_medicaid(
    world, family, monkeypatch
):
    """At $28,000 the parent is $3,000 short of losing Medicaid (valued at $13,000): the
    chart shows that on its band; the Today page must not call it a cliff."""

    def computed(households, top, count=81):
        pays = engine.pay_axis(top, count)
        rows = [figures_at(pay) for pay in pays]
        names = [*engine.COLUMNS, *engine.COVERAGE]
        columns = {name: [row[name] for row in rows] for name in names}
        return [engine.Curve(pays, dict(columns)) for _ in households]

    monkeypatch.setattr(engine, "curves", computed)
    budget = HouseholdBudget.objects.get(household=family.household)
    actions.save_money(
        Actor(world.coach),
        family,
        budget.version,
        Decimal("1100"),
        {family.member: {"yearly_earnings": Decimal("28000"), "weekly_hours": Decimal("30")}},
    )
    watch.check([family.household_id])
    assert not CliffFlag.objects.filter(participant=family).exists()
    # Inside the dip where TANF ends (money in hand), the family is flagged as before.
    budget.refresh_from_db()
    actions.save_money(
        Actor(world.coach),
        family,
        budget.version,
        Decimal("1100"),
        {family.member: {"yearly_earnings": Decimal("24000"), "weekly_hours": Decimal("30")}},
    )
    watch.check([family.household_id])
    [flag] = CliffFlag.objects.filter(participant=family)
    assert (flag.kind, flag.start, flag.ended) == (CliffFlag.Kind.INSIDE, 22_000, ["tanf"])


def test_hours_in_the_marked_pays_are_written_as_the_page_writes_numbers(world, family, client_for):
    client = client_for(world.coach)
    url = reverse("benefits:calculator", args=[family.uuid]) + "?weekly_hours=37.5"
    assert "Now: 37.5 hours a week" in ready_page(client, url, "en")
    spanish = ready_page(client, url + "&offer_a_hours=32.5&offer_a_wage=18", "es")
    assert "Ahora: 37,5 horas por semana" in spanish
    assert "32,5 horas por semana a $18.00 por hora" in spanish  # hours the Spanish way, pay US
