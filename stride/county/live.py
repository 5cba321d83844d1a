"""The live figures a county's goals follow, month by month.

The figures are the measures app's (`stride/measures`), which sits above the domain apps:
county may not import it. So county says here what it needs, and the measures app plugs its
measures in from its AppConfig's `ready` (`register`), as the apps above `people` register
their demo steps with `core.demo`. A county's figures are counted over every family of the
county, and only as numbers: no name reaches a planning page.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from stride.core.models import Organisation

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Reading:
    """A measure in one month: a count, or a count out of a denominator."""

    month: date
    numerator: int
    denominator: int | None = None

    @property
    def percent(self) -> Decimal | None:
        """The share to one decimal place; None for a count, or when nobody was counted."""
        if not self.denominator:
            return None
        share = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return share.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LiveMeasure:
    key: str
    title: str
    is_rate: bool


class Source(Protocol):
    def measures(self) -> list[LiveMeasure]:
        """Every measure, in the order pages show them."""
        ...

    def goal_measures(self) -> list[LiveMeasure]:
        """The measures a county goal may follow: shares of families, where more is better."""
        ...

    def readings(
        self, county: Organisation, keys: Collection[str], months: list[date]
    ) -> dict[str, dict[date, Reading]]:
        """Each measure of `keys` in each of `months` (first days) for the whole county."""
        ...


_source: list[Source] = []


def register(source: Source) -> None:
    _source[:] = [source]


def source() -> Source:
    if not _source:
        raise ImproperlyConfigured("No app has registered the live measures (stride.measures).")
    return _source[0]


def goal_measures() -> dict[str, str]:
    return {measure.key: measure.title for measure in source().goal_measures()}


def every_measure() -> dict[str, LiveMeasure]:
    return {measure.key: measure for measure in source().measures()}
