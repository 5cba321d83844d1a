"""Distributions and movement across a supervisor's or administrator's scope.

"Moved up" compares each family's latest bridge with the one it stood on six
months ago (or, for families first assessed since, their first one), on the
same version only, a pillar's level being its mean rounded down.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from django.utils import timezone

from stride.core import access
from stride.core.models import User

from .instruments import catalogue
from .models import Response
from .scoring import pillar_level

BRIDGE, QUALITY_OF_LIFE = "bridge", "quality_of_life"
MOVEMENT_WINDOW = timedelta(days=182)


@dataclass(frozen=True)
class PillarRow:
    key: str
    title: str
    counts: list[int]  # families at each level, lowest first
    moved_up: int

    @property
    def total(self) -> int:
        return sum(self.counts)

    def segments(self, width: int = 400) -> list[tuple[int, float, float]]:
        """(level, x, width) of each level's part of the pillar's bar."""
        parts, x = [], 0.0
        for level, count in enumerate(self.counts, start=1):
            share = width * count / self.total if self.total else 0.0
            parts.append((level, round(x, 1), round(share, 1)))
            x += share
        return parts


@dataclass(frozen=True)
class Summary:
    families_assessed: int
    families_compared: int
    moved_up_any: int
    pillars: list[PillarRow]
    level_names: list[str]
    quality: "Quality"


@dataclass(frozen=True)
class Quality:
    families: int  # with a quality of life result
    mean: float | None  # of their latest results
    compared: int  # with an earlier result on the same version
    better: int  # of those, feeling better now


def _finished(user: User, instrument: str) -> dict[int, list[tuple[int, datetime, dict[str, Any]]]]:
    """Finished results in scope for one instrument, by participant, oldest first."""
    rows = (
        access.visible_to(
            Response.objects.filter(instrument=instrument, completed_at__isnull=False), user
        )
        .order_by("participant_id", "completed_at", "pk")
        .values_list("participant_id", "instrument_version", "completed_at", "result")
    )
    by_participant: dict[int, list[tuple[int, datetime, dict[str, Any]]]] = defaultdict(list)
    for participant, version, completed_at, result in rows:
        if completed_at is not None:  # always, by the filter; this tells the type checker
            by_participant[participant].append((version, completed_at, result))
    return by_participant


def _baseline(
    sittings: list[tuple[int, datetime, dict[str, Any]]], since: datetime
) -> dict[str, Any] | None:
    """The result to measure movement from: six months ago, or the first one since."""
    version = sittings[-1][0]
    same = [s for s in sittings[:-1] if s[0] == version]
    before = [s for s in same if s[1] <= since]
    if before:
        return before[-1][2]
    return same[0][2] if same else None


def for_user(user: User, now: datetime | None = None) -> Summary:
    since = (now or timezone.now()) - MOVEMENT_WINDOW
    if BRIDGE not in catalogue():  # an agency that replaced the shipped instruments
        return Summary(0, 0, 0, [], [], _quality(user))
    bridge = catalogue().latest(BRIDGE)
    levels = len(bridge.ladder or [])
    counts = {section.key: [0] * levels for section in bridge.sections}
    moved = dict.fromkeys(counts, 0)
    compared = moved_any = 0
    bridges = _finished(user, BRIDGE)
    for sittings in bridges.values():
        latest = sittings[-1][2].get("sections", {})
        for key, mean in latest.items():
            if key in counts:
                counts[key][min(max(pillar_level(mean), 1), levels) - 1] += 1
        baseline = _baseline(sittings, since)
        if baseline is None:
            continue
        compared += 1
        rose = [
            key
            for key, mean in latest.items()
            if key in moved
            and key in baseline.get("sections", {})
            and pillar_level(mean) > pillar_level(baseline["sections"][key])
        ]
        for key in rose:
            moved[key] += 1
        moved_any += bool(rose)
    return Summary(
        families_assessed=len(bridges),
        families_compared=compared,
        moved_up_any=moved_any,
        pillars=[
            PillarRow(section.key, str(section.title), counts[section.key], moved[section.key])
            for section in bridge.sections
        ],
        level_names=[str(name) for name in bridge.ladder or []],
        quality=_quality(user),
    )


def _quality(user: User) -> Quality:
    quality_now: list[float] = []
    quality_better = quality_compared = 0
    for sittings in _finished(user, QUALITY_OF_LIFE).values():
        version, _when, result = sittings[-1]
        now_value = result.get("overall")
        if now_value is None:
            continue
        quality_now.append(now_value)
        earlier = [r["overall"] for v, _w, r in sittings[:-1] if v == version and r.get("overall")]
        if earlier:
            quality_compared += 1
            quality_better += now_value > earlier[-1]
    mean = round(fmean(quality_now), 2) if quality_now else None
    return Quality(len(quality_now), mean, quality_compared, quality_better)
