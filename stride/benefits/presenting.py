"""A computed curve as a page shows it: the chart, its data table and the cliffs in words."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stride.careers import catalogue
from stride.core import fields

from . import cliffs, engine
from .models import CliffFlag

PROGRAM_NAMES = {
    "tanf": gettext_lazy("TANF cash aid"),
    "snap": gettext_lazy("SNAP food help"),
    "child_care_help": gettext_lazy("child care help"),
    "eitc": gettext_lazy("the earned income tax credit"),
    "ctc": gettext_lazy("the child tax credit"),
    "health": gettext_lazy("health coverage"),
}
# Dips smaller than this (a year) are not drawn or named.
SHOWN_LOSS = 100.0
# Figures below this (a year) are rounding: no coverage, no cost.
CENTS = 1.0

# The chart's own units; site.css sizes its text so that it reads at 12 px or more
# on a 360 px phone, where the chart is drawn at under half this width.
WIDTH, HEIGHT = 720, 420
LEFT, RIGHT, TOP, BOTTOM = 92, 24, 20, 96
STRIP_GAP, STRIP_HEIGHT = 8, 16  # the health band, under the pay axis


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


@dataclass
class Row:
    earnings: float
    figures: dict[str, float]
    net: float
    in_cliff: bool


@dataclass
class Marked:
    kind: str
    label: str  # short, on the chart: "Now", "A", "1"
    name: str  # in the table: "Offer A: 40 hours at $18.00"
    earnings: float
    net: float
    figures: dict[str, float]
    x: float = 0.0
    y: float = 0.0


@dataclass
class Coverage:
    """A stretch of pay where the family's health coverage is the same kind."""

    kind: str  # "covered", "some" (some of the family), "costs" or "none"
    start: float  # the first and last pay of the axis in the stretch
    end: float
    costs: tuple[float, float]  # the least and most coverage costs a year in the stretch
    words: str = ""
    x: float = 0.0
    width: float = 0.0


@dataclass
class Chart:
    net_line: str
    pay_line: str
    bands: list[tuple[float, float]]  # x and width of each cliff
    x_ticks: list[tuple[float, str, bool]]  # x, label, and whether a phone leaves it out
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top

    @property
    def strip_y(self) -> int:
        return self.bottom + STRIP_GAP

    @property
    def strip_height(self) -> int:
        return STRIP_HEIGHT

    @property
    def tick_y(self) -> int:
        return self.bottom + 52

    @property
    def title_y(self) -> int:
        return self.height - 8


@dataclass
class Picture:
    rows: list[Row]
    cliffs: list[cliffs.Cliff]
    marked: list[Marked]
    chart: Chart
    limits: list[str]
    words: list[str] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)  # empty for curves from before it


def picture(data: dict[str, Any], request: dict[str, Any], language: str) -> Picture:
    """The chart draws money in hand; health coverage is a band of its own under it."""
    curve = engine.Curve.from_json(data["curve"])
    figures = [dict(zip(curve.columns, values, strict=True)) for values in curve.rows()]
    in_hand = curve.money_in_hand
    programs = {name: curve.columns[name] for name in engine.IN_HAND_PROGRAMS}
    found = cliffs.find(curve.earnings, in_hand, programs, SHOWN_LOSS)
    rows = [
        Row(pay, row, total, _in_any(found, pay))
        for pay, row, total in zip(curve.earnings, figures, in_hand, strict=True)
    ]
    marked = [_marked(point, language) for point in data.get("points", [])]
    top = request["top"]
    chart = _chart(curve.earnings, in_hand, curve.columns["earnings"], found, marked, top)
    coverage = _coverage(curve)
    for stretch in coverage:
        stretch.x = _x(stretch.start, top)
        stretch.width = round(_x(_stretch_end(curve.earnings, stretch, top), top) - stretch.x, 1)
    return Picture(
        rows=rows,
        cliffs=found,
        marked=marked,
        chart=chart,
        limits=[str(PROGRAM_NAMES[name]) for name in data.get("limits", [])],
        words=[cliff_words(cliff) for cliff in found],
        coverage=coverage,
    )


def _coverage(curve: engine.Curve) -> list[Coverage]:
    """Stretches of pay by who has Medicaid or CHIP and what coverage costs, with words."""
    columns = curve.columns
    if not all(name in columns for name in engine.COVERAGE):
        return []
    stretches: list[Coverage] = []
    for index, pay in enumerate(curve.earnings):
        public = columns["medicaid"][index] + columns["chip"][index] > CENTS
        cost = columns["coverage_cost"][index]
        paid = cost > CENTS
        kind = "some" if public and paid else "covered" if public else "costs" if paid else "none"
        if stretches and stretches[-1].kind == kind:
            going = stretches[-1]
            going.end = pay
            going.costs = (min(going.costs[0], cost), max(going.costs[1], cost))
        else:
            stretches.append(Coverage(kind, pay, pay, (cost, cost)))
    first, last = curve.earnings[0], curve.earnings[-1]
    for stretch in stretches:
        stretch.words = coverage_words(stretch, stretch.start == first, stretch.end == last)
    return stretches


def _stretch_end(pays: list[float], stretch: Coverage, top: float) -> float:
    """Where a stretch's part of the band ends: at the next stretch's first pay."""
    later = [pay for pay in pays if pay > stretch.end]
    return min(later[0], top) if later else top


def coverage_words(stretch: Coverage, first: bool, last: bool) -> str:
    low, high = stretch.costs
    cost = (
        money(low)
        if round(low, -1) == round(high, -1)
        else _("%(low)s to %(high)s") % {"low": money(low), "high": money(high)}
    )
    if stretch.kind == "covered":
        what = _("Covered by Medicaid or CHIP")
    elif stretch.kind == "some":
        what = _(
            "Medicaid or CHIP for some of the family; coverage for the others costs "
            "%(cost)s a year after help with premiums"
        ) % {"cost": cost}
    elif stretch.kind == "costs":
        what = _("No Medicaid or CHIP; coverage costs %(cost)s a year after help with premiums") % {
            "cost": cost
        }
    else:
        what = _("No Medicaid or CHIP, and no help with premiums")
    pays = {"start": money(stretch.start), "end": money(stretch.end)}
    if first and last:
        where = _("at every pay on this chart")
    elif first:
        where = _("up to %(end)s pay a year") % pays
    elif last:
        where = _("from %(start)s pay a year") % pays
    else:
        where = _("from %(start)s to %(end)s pay a year") % pays
    return _("%(what)s, %(where)s.") % {"what": what, "where": where}


def _in_any(found: Sequence[cliffs.Cliff], pay: float) -> bool:
    return any(
        cliff.start < pay and (cliff.cleared_at is None or pay < cliff.cleared_at)
        for cliff in found
    )


def _marked(point: dict[str, Any], language: str) -> Marked:
    figures = point["figures"]
    kind, label = point["kind"], point["label"]
    hours = point["weekly_hours"]
    if kind == "now":
        short, name = _("Now"), _("Now: %(hours)s hours a week") % {"hours": _hours(hours)}
    elif kind == "offer":
        wage = point["earnings"] / (hours * 52) if hours else 0
        short = label
        name = _("Offer %(letter)s: %(hours)s hours a week at %(wage)s an hour") % {
            "letter": label,
            "hours": _hours(hours),
            "wage": f"${wage:,.2f}",
        }
    else:
        short, title = rung_label(label, language)
        name = _("Rung %(number)s: %(title)s (typical pay)") % {"number": short, "title": title}
    return Marked(kind, short, name, point["earnings"], engine.money_in_hand(figures), figures)


def _hours(hours: float) -> str:
    """Hours as the page writes numbers ("37,5" in Spanish); money stays US ($18.00)."""
    return fields.page_number(Decimal(str(hours)).normalize())


def rung_label(label: str, language: str) -> tuple[str, str]:
    """A rung named in a request or a flag ("rung:industry/ladder/level"): its number and title."""
    industry, ladder_key, level = label.removeprefix("rung:").split("/")
    try:
        rung = catalogue.rung(catalogue.ladder(industry, ladder_key), level)
    except KeyError:
        return level, level
    return str(catalogue.LEVELS.index(level) + 1), rung.title.in_language(language)


def _chart(
    pays: list[float],
    net: list[float],
    pay_alone: list[float],
    found: Sequence[cliffs.Cliff],
    marked: list[Marked],
    top: float,
) -> Chart:
    values = [*net, *pay_alone, *(point.net for point in marked)]
    low = min(0.0, min(values))
    step = _nice_step((max(values) - low) / 5)
    high = step * (int(max(values) / step) + 1)
    plot_h = HEIGHT - TOP - BOTTOM

    def x(pay: float) -> float:
        return _x(pay, top)

    def y(value: float) -> float:
        return round(TOP + (high - value) / (high - low) * plot_h, 1)

    for point in marked:
        point.x, point.y = x(min(point.earnings, top)), y(point.net)
    bands = [
        (x(cliff.start), round(x(cliff.cleared_at or top) - x(cliff.start), 1)) for cliff in found
    ]
    x_step = top / 8
    return Chart(
        net_line=" ".join(f"{x(p)},{y(v)}" for p, v in zip(pays, net, strict=True)),
        pay_line=" ".join(f"{x(p)},{y(v)}" for p, v in zip(pays, pay_alone, strict=True)),
        bands=bands,
        x_ticks=[(x(x_step * i), _thousands(x_step * i), i % 2 == 1) for i in range(9)],
        y_ticks=[(y(v), _thousands(v)) for v in _range(low, high, step)],
    )


def _x(pay: float, top: float) -> float:
    return round(LEFT + pay / top * (WIDTH - LEFT - RIGHT), 1)


def _nice_step(rough: float) -> float:
    for step in (1_000, 2_000, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000):
        if rough <= step:
            return float(step)
    return 200_000.0


def _range(low: float, high: float, step: float) -> list[float]:
    start = step * int(low / step)
    return [start + step * i for i in range(int((high - start) / step) + 1)]


def _thousands(value: float) -> str:
    return f"${value / 1000:,.0f}k" if value else "$0"


def _programs(drops: Sequence[Sequence[Any]], ended: Sequence[str]) -> str:
    parts = []
    for name, drop in drops:
        program = PROGRAM_NAMES[name]
        if name in ended:
            parts.append(
                _("%(program)s ends (%(amount)s)") % {"program": program, "amount": money(drop)}
            )
        else:
            parts.append(
                _("%(program)s falls by %(amount)s") % {"program": program, "amount": money(drop)}
            )
    return "; ".join(parts)


def cliff_words(cliff: cliffs.Cliff) -> str:
    words = _(
        "Past %(start)s a year, a raise costs more than it brings: at %(bottom)s the family "
        "has %(loss)s less a year than at %(start)s (%(programs)s)."
    ) % {
        "start": money(cliff.start),
        "bottom": money(cliff.bottom),
        "loss": money(cliff.loss),
        "programs": _programs(cliff.programs, cliff.ended),
    }
    if cliff.cleared_at is None:
        return words + " " + _("Within this chart, the family does not get back to where it was.")
    return (
        words
        + " "
        + _("From %(cleared)s a year the family is better off again.")
        % {"cleared": money(cliff.cleared_at)}
    )


def flag_words(flag: CliffFlag, language: str) -> str:
    """A cliff-watch flag in a sentence for the coach: what happens, and the pay to plan past."""
    ended = [str(PROGRAM_NAMES[name]) for name in flag.ended]
    biggest = [str(PROGRAM_NAMES[name]) for name, _drop in flag.programs[:2]]
    what = (
        _("would end %(programs)s") % {"programs": _(" and ").join(ended)}
        if ended
        else _("would cut %(programs)s") % {"programs": _(" and ").join(biggest)}
    )
    past = (
        _("plan the next step past %(pay)s") % {"pay": money(float(flag.cleared_at))}
        if flag.cleared_at is not None
        else _("talk it through before taking a raise")
    )
    figures = {
        "bottom": money(float(flag.bottom)),
        "what": what,
        "loss": money(float(flag.loss)),
        "past": past,
        "pay": money(float(flag.earnings)),
    }
    if flag.kind == CliffFlag.Kind.NEAR:
        return _("A raise to %(bottom)s a year %(what)s: %(loss)s less a year; %(past)s.") % figures
    if flag.kind == CliffFlag.Kind.INSIDE:
        return _(
            "At %(pay)s a year the family is in a dip: up to %(loss)s a year less than at "
            "%(start)s; %(past)s."
        ) % {**figures, "start": money(float(flag.start))}
    target = _target_name(flag.label, language)
    return _(
        "%(target)s, at %(pay)s a year, lands in a dip where a raise %(what)s: %(loss)s less "
        "a year; %(past)s."
    ) % {**figures, "target": target}


def _target_name(label: str, language: str) -> str:
    if label.startswith("rung:"):
        number, title = rung_label(label, language)
        return _("Rung %(number)s: %(title)s") % {"number": number, "title": title}
    return _("A saved job offer (%(letter)s)") % {"letter": label.rsplit(":", 1)[-1]}
