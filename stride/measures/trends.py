"""A measure over months, drawn as a small bar chart beside its table."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from stride.people.models import Participant

from .figures import ALL, Figure, Measure

TREND_MONTHS = 12


@dataclass(frozen=True)
class Bar:
    month: date
    figure: Figure
    value: int | None  # a percent for a rate, a number for a count; None: nobody counted
    x: int
    y: int
    height: int


CHART_HEIGHT = 100  # the bars' area; the months' labels sit below it
BAR_STEP = 30
BAR_WIDTH = 22


@dataclass
class Trend:
    measure: Measure
    months: list[tuple[date, Figure]]

    @property
    def bars(self) -> list[Bar]:
        """Bars for a small chart: rates on a 0-100 scale, counts up to the highest month."""
        values = [
            figure.percent if self.measure.is_rate else figure.numerator
            for _month, figure in self.months
        ]
        top = 100 if self.measure.is_rate else max([v or 0 for v in values] + [1])
        bars = []
        for index, ((month, figure), value) in enumerate(zip(self.months, values, strict=True)):
            height = round((value or 0) * CHART_HEIGHT / top)
            bars.append(Bar(month, figure, value, index * BAR_STEP, CHART_HEIGHT - height, height))
        return bars

    @property
    def width(self) -> int:
        return len(self.months) * BAR_STEP


def trend(measure: Measure, participants: QuerySet[Participant], months: list[date]) -> Trend:
    """`measure` over `months` for everyone in `participants`."""
    table = measure.count(participants, months, ALL)[ALL]
    return Trend(measure, [(month, table[month]) for month in months])
