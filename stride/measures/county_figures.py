"""The measures a county's planning follows (its goals, its client progress measures, its
logic model's outcomes), plugged into `county.live` from this app's `ready`.

A county goal is the county's: its figure counts every family of the county, whoever reads
the planning page (its supervisors and administrators, the state), and shows numbers only.
"""

from collections.abc import Collection
from datetime import date

from stride.core.models import Organisation
from stride.county.live import LiveMeasure, Reading
from stride.people.models import Participant

from .catalogue import BY_KEY, MEASURES
from .figures import ALL

# Shares where fewer is better cannot be a goal's measure: a goal's target lies above its
# baseline.
FEWER_IS_BETTER = {"ladder-none"}


def _live(key: str) -> LiveMeasure:
    measure = BY_KEY[key]
    return LiveMeasure(measure.key, str(measure.title), measure.is_rate)


class CountyFigures:
    def measures(self) -> list[LiveMeasure]:
        return [_live(measure.key) for measure in MEASURES]

    def goal_measures(self) -> list[LiveMeasure]:
        return [
            _live(measure.key)
            for measure in MEASURES
            if measure.is_rate and measure.key not in FEWER_IS_BETTER
        ]

    def readings(
        self, county: Organisation, keys: Collection[str], months: list[date]
    ) -> dict[str, dict[date, Reading]]:
        families = Participant.objects.filter(county=county)
        found: dict[str, dict[date, Reading]] = {}
        for key in keys:
            if key not in BY_KEY or not months:
                continue
            table = BY_KEY[key].count(families, months, ALL)[ALL]
            found[key] = {
                month: Reading(month, figure.numerator, figure.denominator)
                for month, figure in table.items()
            }
        return found


FIGURES = CountyFigures()
