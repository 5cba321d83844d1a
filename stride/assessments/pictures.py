"""Where the shapes of a result's picture go; templates draw them as SVG beside a data table.

Numbers are in the SVG's own units (its viewBox); the browser scales the
whole picture to the screen, from a phone to a desk.
"""

import textwrap
from dataclasses import dataclass
from datetime import date

from .history import History

WIDTH = 600
DECK_TOP, DECK_HEIGHT = 24, 18
GROUND = 232
PILLAR_WIDTH = 64


@dataclass(frozen=True)
class Pillar:
    labels: list[tuple[str, int]]  # lines of the pillar's name, with where each goes
    x: float
    now: float
    before: float | None
    now_top: float
    before_top: float | None

    @property
    def centre(self) -> float:
        return self.x + PILLAR_WIDTH / 2

    @property
    def now_height(self) -> float:
        return GROUND - self.now_top


@dataclass(frozen=True)
class Bridge:
    pillars: list[Pillar]
    levels: list[tuple[int, float, float]]  # (level, y of its guide line, y of its number)
    width: int = WIDTH
    height: int = GROUND + 64
    deck_top: int = DECK_TOP
    deck_height: int = DECK_HEIGHT
    deck_bottom: int = DECK_TOP + DECK_HEIGHT
    ground: int = GROUND
    pillar_width: int = PILLAR_WIDTH

    @property
    def slot_height(self) -> int:
        return self.ground - self.deck_bottom


def bridge(history: History) -> Bridge:
    """The five pillars under the bridge deck, each as tall as the family's level on it."""
    top_level = len(history.instrument.ladder or []) or 5
    span = GROUND - (DECK_TOP + DECK_HEIGHT)

    def y(level: float) -> float:
        return round(GROUND - span * level / top_level, 1)

    rows = history.section_rows()
    gap = (WIDTH - 40 - PILLAR_WIDTH * len(rows)) / max(len(rows) - 1, 1)
    pillars = [
        Pillar(
            labels=[
                (line, GROUND + 18 + 15 * n)
                for n, line in enumerate(textwrap.wrap(row.label, 14)[:3])
            ],
            x=round(20 + i * (PILLAR_WIDTH + gap), 1),
            now=row.now or 0,
            before=row.before,
            now_top=y(row.now or 0),
            before_top=y(row.before) if row.before is not None else None,
        )
        for i, row in enumerate(rows)
    ]
    return Bridge(pillars, [(level, y(level), y(level) - 3) for level in range(1, top_level + 1)])


@dataclass(frozen=True)
class Point:
    when: date
    value: float
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    points: list[Point]
    levels: list[tuple[int, float, float]]  # (value, y of its guide line, y of its number)
    low: int
    high: int
    width: int = WIDTH
    height: int = 220

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def over_time(history: History) -> Line:
    """The overall result at each sitting on the latest version, left to right in time."""
    instrument = history.instrument
    scored = [item for item in instrument.items.values() if item.scored]
    low = min(instrument.value_range(item)[0] for item in scored)
    high = max(instrument.value_range(item)[1] for item in scored)
    if instrument.scoring.method == "sum":
        low, high = low * len(scored), high * len(scored)
    sittings = [s for s in history.comparable if s.result.overall is not None]
    top, bottom, left, right = 16, 190, 48, WIDTH - 24

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * (value - low) / max(high - low, 1), 1)

    step = (right - left) / max(len(sittings) - 1, 1)
    points = [
        Point(
            s.completed_at.date(),
            s.result.overall or 0,
            round(left + i * step if len(sittings) > 1 else (left + right) / 2, 1),
            y(s.result.overall or 0),
        )
        for i, s in enumerate(sittings)
    ]
    every = max(1, (high - low) // 5)
    guides = [(value, y(value), y(value) + 4) for value in range(low, high + 1, every)]
    return Line(points, guides, low, high)
