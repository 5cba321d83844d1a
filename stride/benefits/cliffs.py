"""Where a raise leaves a family worse off, read from a curve of net resources.

Imports no Django and no PolicyEngine: it works on plain lists, so the rules
are tested on their own (with hypothesis) and the watch runs on stored curves.

A cliff starts at the last point of pay before net resources fall; its
bottom is the lowest point before they climb back; it is cleared at the
first point of pay where the family has at least what it had at the start.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Changes smaller than this (a year) are rounding, not a cliff.
TOLERANCE = 1.0


@dataclass(frozen=True)
class Cliff:
    start: float  # the pay just before resources fall
    bottom: float  # the pay where they are lowest
    loss: float  # resources at the start minus at the bottom
    cleared_at: (
        float | None
    )  # the first pay with resources back where they were; None past the curve
    programs: tuple[tuple[str, float], ...]  # each program that fell, how much; largest first
    ended: tuple[str, ...]  # programs that stop altogether between start and bottom


def find(
    earnings: Sequence[float],
    net: Sequence[float],
    programs: Mapping[str, Sequence[float]] | None = None,
    min_loss: float = TOLERANCE,
) -> list[Cliff]:
    """Every cliff along the curve, in order of pay; each at least `min_loss` deep."""
    if len(earnings) != len(net):
        raise ValueError("earnings and net resources must have the same points")
    programs = programs or {}
    cliffs = []
    index = 0
    last = len(net) - 1
    while index < last:
        if net[index + 1] >= net[index] - TOLERANCE:
            index += 1
            continue
        start = index
        recovered = next(
            (later for later in range(start + 1, len(net)) if net[later] >= net[start] - TOLERANCE),
            None,
        )
        stretch = range(start + 1, recovered if recovered is not None else len(net))
        bottom = min(stretch, key=lambda point: (net[point], point))
        loss = net[start] - net[bottom]
        if loss >= min_loss:
            cliffs.append(
                Cliff(
                    start=earnings[start],
                    bottom=earnings[bottom],
                    loss=round(loss, 2),
                    cleared_at=earnings[recovered] if recovered is not None else None,
                    programs=_fallen(programs, start, bottom),
                    ended=tuple(
                        name
                        for name, values in programs.items()
                        if values[start] > TOLERANCE and min(values[start : bottom + 1]) <= 0
                    ),
                )
            )
        if recovered is None:
            break
        index = recovered
    return cliffs


def _fallen(
    programs: Mapping[str, Sequence[float]], start: int, bottom: int
) -> tuple[tuple[str, float], ...]:
    drops = [
        (name, round(values[start] - values[bottom], 2))
        for name, values in programs.items()
        if values[start] - values[bottom] > TOLERANCE
    ]
    return tuple(sorted(drops, key=lambda drop: -drop[1]))


@dataclass(frozen=True)
class Target:
    """A pay the family is heading for: the next rung of a ladder, a saved offer."""

    label: str
    earnings: float


@dataclass(frozen=True)
class Flag:
    kind: str  # "near": a raise soon meets a cliff; "inside": already in one; "target": a goal lands in one
    cliff: Cliff
    earnings: float  # the family's pay now, or the target's
    label: str = ""  # the target's name


def watch(
    cliffs: Sequence[Cliff],
    current: float,
    distance: float = 3000.0,
    targets: Sequence[Target] = (),
) -> list[Flag]:
    """What a coach should hear about: pay within `distance` below a cliff, pay
    already inside one, and targets that land inside one."""
    flags = []
    for cliff in cliffs:
        if cliff.start >= current and cliff.start - current <= distance:
            flags.append(Flag("near", cliff, current))
        elif _inside(cliff, current):
            flags.append(Flag("inside", cliff, current))
        for target in targets:
            if _inside(cliff, target.earnings):
                flags.append(Flag("target", cliff, target.earnings, target.label))
    return flags


def _inside(cliff: Cliff, pay: float) -> bool:
    return cliff.start < pay and (cliff.cleared_at is None or pay < cliff.cleared_at)
