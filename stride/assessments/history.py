"""A participant's results over time, compared like with like.

Two results are compared only when they were answered on the same version of
the instrument; when the one before was on another version, the history says
so instead of showing a change that the new questions may have caused.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .instruments import Instrument, catalogue
from .models import Response
from .scoring import Result


@dataclass(frozen=True)
class Sitting:
    response: Response
    instrument: Instrument
    result: Result

    @property
    def completed_at(self) -> datetime:
        assert self.response.completed_at is not None  # only finished responses are sittings
        return self.response.completed_at


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: a section (pillar) or an item."""

    key: str
    label: str
    now: float | None
    before: float | None

    @property
    def change(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return round(self.now - self.before, 2)


@dataclass(frozen=True)
class History:
    sittings: list[Sitting]  # finished, oldest first

    @property
    def latest(self) -> Sitting:
        return self.sittings[-1]

    @property
    def instrument(self) -> Instrument:
        return self.latest.instrument

    @property
    def previous(self) -> Sitting | None:
        """The most recent earlier result on the same version as the latest."""
        version = self.latest.response.instrument_version
        earlier = [s for s in self.sittings[:-1] if s.response.instrument_version == version]
        return earlier[-1] if earlier else None

    @property
    def versions_differ(self) -> bool:
        """True when the result just before the latest was answered on another version."""
        return (
            len(self.sittings) > 1
            and self.sittings[-2].response.instrument_version
            != self.latest.response.instrument_version
        )

    @property
    def comparable(self) -> list[Sitting]:
        """The results on the latest version, oldest first: the ones a chart may join up."""
        version = self.latest.response.instrument_version
        return [s for s in self.sittings if s.response.instrument_version == version]

    def section_rows(self) -> list[Row]:
        before = self.previous.result.sections if self.previous else {}
        return [
            Row(
                section.key,
                str(section.title),
                self.latest.result.sections.get(section.key),
                before.get(section.key),
            )
            for section in self.instrument.sections
            if section.key in self.latest.result.sections
        ]

    def item_rows(self) -> list[Row]:
        before = self.previous.result.items if self.previous else {}
        return [
            Row(key, str(item.text), self.latest.result.items.get(key), before.get(key))
            for key, item in self.instrument.items.items()
            if key in self.latest.result.items
        ]


def histories(responses: Iterable[Response]) -> dict[str, History]:
    """Finished responses grouped by instrument, each group oldest first."""
    by_instrument: dict[str, list[Sitting]] = defaultdict(list)
    instruments = catalogue()
    for response in sorted(
        (r for r in responses if r.completed_at is not None),
        key=lambda r: (r.completed_at, r.pk),
    ):
        by_instrument[response.instrument].append(
            Sitting(
                response,
                instruments.get(response.instrument, response.instrument_version),
                Result.from_json(response.result),
            )
        )
    return {slug: History(sittings) for slug, sittings in by_instrument.items()}
