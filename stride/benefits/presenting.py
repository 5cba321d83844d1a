"""A computed curve as a page shows it: the chart, its data table and the cliffs in words."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stride.careers import catalogue

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

WIDTH, HEIGHT = 720, 380
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 48


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
class Chart:
    net_line: str
    pay_line: str
    bands: list[tuple[float, float]]  # x and width of each cliff
    x_ticks: list[tuple[float, str]]
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


@dataclass
class Picture:
    rows: list[Row]
    cliffs: list[cliffs.Cliff]
    marked: list[Marked]
    chart: Chart
    limits: list[str]
    words: list[str] = field(default_factory=list)


def picture(data: dict[str, Any], request: dict[str, Any], language: str) -> Picture:
    curve = engine.Curve.from_json(data["curve"])
    net = curve.net_resources
    programs = {name: curve.columns[name] for name in engine.PROGRAMS}
    found = cliffs.find(curve.earnings, net, programs, SHOWN_LOSS)
    rows = [
        Row(pay, dict(zip(curve.columns, values, strict=True)), total, _in_any(found, pay))
        for pay, values, total in zip(curve.earnings, curve.rows(), net, strict=True)
    ]
    marked = [_marked(point, language) for point in data.get("points", [])]
    chart = _chart(curve.earnings, net, curve.columns["earnings"], found, marked, request["top"])
    return Picture(
        rows=rows,
        cliffs=found,
        marked=marked,
        chart=chart,
        limits=[str(PROGRAM_NAMES[name]) for name in data.get("limits", [])],
        words=[cliff_words(cliff) for cliff in found],
    )


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
        short, name = _("Now"), _("Now: %(hours)s hours a week") % {"hours": f"{hours:g}"}
    elif kind == "offer":
        wage = point["earnings"] / (hours * 52) if hours else 0
        short = label
        name = _("Offer %(letter)s: %(hours)s hours a week at %(wage)s an hour") % {
            "letter": label,
            "hours": f"{hours:g}",
            "wage": f"${wage:,.2f}",
        }
    else:
        short, title = rung_label(label, language)
        name = _("Rung %(number)s: %(title)s (typical pay)") % {"number": short, "title": title}
    return Marked(kind, short, name, point["earnings"], figures["net_resources"], figures)


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
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(pay: float) -> float:
        return round(LEFT + pay / top * plot_w, 1)

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
        x_ticks=[(x(x_step * i), _thousands(x_step * i)) for i in range(9)],
        y_ticks=[(y(v), _thousands(v)) for v in _range(low, high, step)],
    )


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
