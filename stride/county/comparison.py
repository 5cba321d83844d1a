"""Ratings side by side, the answer they suggest, and rounds compared as a picture.

Numbers are in the SVG's own units (its viewBox); the template draws the bars
beside a table of the same figures.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .self_assessment import PROGRESS_TOP, Area, Component, Point, SelfAssessment

# How many settled rounds the picture compares: the latest ones.
ROUNDS_SHOWN = 4
WIDTH = 600
BAR_LEFT, BAR_SPAN = 0, 380
BAR_HEIGHT, BAR_GAP, TITLE_HEIGHT, AREA_GAP = 18, 6, 22, 14


def suggested(form: SelfAssessment, answers: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """For each component, the rating given most often; a tie goes to the more modest rating
    (less far along, then the earlier column), so a county does not overstate where it is."""
    order = {point.value: n for n, point in enumerate(form.scale)}
    chosen: dict[str, str] = {}
    for key in form.components:
        counts = Counter(a[key] for a in answers if a.get(key) in form.points)
        if counts:
            chosen[key] = min(
                counts,
                key=lambda v: (-counts[v], form.points[v].progress, order[v]),
            )
    return chosen


def area_progress(form: SelfAssessment, answers: Mapping[str, str]) -> dict[str, float]:
    """Each area's average progress (0 to PROGRESS_TOP) over its rated components."""
    averages: dict[str, float] = {}
    for area in form.areas:
        levels = [
            form.points[answers[c.key]].progress
            for c in area.components
            if answers.get(c.key) in form.points
        ]
        if levels:
            averages[area.key] = round(sum(levels) / len(levels), 1)
    return averages


@dataclass(frozen=True)
class ComponentRow:
    component: Component
    ratings: list[tuple[str, Point | None]]  # each rater's name and rating
    suggested: Point | None
    final: Point | None
    agreed: bool  # every rater gave the same rating


@dataclass(frozen=True)
class AreaRows:
    area: Area
    rows: list[ComponentRow]


def side_by_side(
    form: SelfAssessment,
    names: Sequence[str],
    answers: Sequence[Mapping[str, str]],
    final: Mapping[str, str],
) -> list[AreaRows]:
    """Every component with each rater's rating (`names` and `answers` in the same order),
    the rating given most often and the settled one."""
    suggestion = suggested(form, answers)
    return [
        AreaRows(
            area,
            [
                ComponentRow(
                    c,
                    [
                        (name, form.points.get(a.get(c.key, "")))
                        for name, a in zip(names, answers, strict=True)
                    ],
                    form.points.get(suggestion.get(c.key, "")),
                    form.points.get(final.get(c.key, "")),
                    len({a.get(c.key) for a in answers}) == 1,
                )
                for c in area.components
            ],
        )
        for area in form.areas
    ]


@dataclass(frozen=True)
class Bar:
    name: str  # the round's name
    value: float
    y: float
    width: float
    shade: int  # 1 for the oldest round shown, up to the number of rounds


@dataclass(frozen=True)
class AreaBars:
    title: str
    title_y: float
    bars: list[Bar]
    priority_in: list[str]  # names of the rounds that picked this area


@dataclass(frozen=True)
class RoundsChart:
    areas: list[AreaBars]
    names: list[str]  # the rounds shown, oldest first
    height: float
    width: int = WIDTH
    bar_left: int = BAR_LEFT
    bar_height: int = BAR_HEIGHT
    top: int = PROGRESS_TOP


@dataclass(frozen=True)
class Settled:
    """A settled round, as the picture needs it."""

    name: str
    form: SelfAssessment
    final: Mapping[str, str]
    priorities: Sequence[str]


def rounds_chart(latest: SelfAssessment, rounds: Sequence[Settled]) -> RoundsChart | None:
    """Each area of the latest version, with one bar per settled round (oldest first) as long
    as the area's average progress; None before any round is settled."""
    shown = list(rounds)[-ROUNDS_SHOWN:]
    if not shown:
        return None
    progress = [area_progress(r.form, r.final) for r in shown]
    y = 0.0
    areas: list[AreaBars] = []
    for area in latest.areas:
        title_y = y + 16
        y += TITLE_HEIGHT
        bars = []
        for n, (r, averages) in enumerate(zip(shown, progress, strict=True)):
            if area.key in averages:
                value = averages[area.key]
                bars.append(Bar(r.name, value, y, round(BAR_SPAN * value / PROGRESS_TOP, 1), n + 1))
                y += BAR_HEIGHT + BAR_GAP
        areas.append(
            AreaBars(
                str(area.title), title_y, bars, [r.name for r in shown if area.key in r.priorities]
            )
        )
        y += AREA_GAP
    return RoundsChart(areas, [r.name for r in shown], y)
