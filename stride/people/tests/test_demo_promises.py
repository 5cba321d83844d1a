"""The demo keeps its promises on any date.

The demo is built from today's date, so the families it holds change with
the calendar. The README's logins and what each sees, and what the browser
tests rely on, are registered promises (`core.demo.demo_promise`); here the
demo is built at dates spread over two years, month ends, a leap day and the
hours when California's date is behind UTC's, and every promise is checked.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from stride.core.demo import promises
from stride.people.demo import _Names, build_demo

MOMENTS = [
    datetime(2026, 1, 1, 18, 0, tzinfo=UTC),
    datetime(2026, 2, 28, 20, 0, tzinfo=UTC),
    datetime(2026, 3, 1, 7, 59, tzinfo=UTC),  # still February 28 in California
    datetime(2026, 5, 31, 23, 0, tzinfo=UTC),
    datetime(2026, 8, 31, 19, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 9, 30, tzinfo=UTC),  # the night the clocks go back
    datetime(2026, 12, 7, 3, 46, tzinfo=UTC),  # the day the suite first failed on its demo
    datetime(2026, 12, 31, 22, 0, tzinfo=UTC),
    datetime(2027, 3, 14, 10, 30, tzinfo=UTC),  # the night the clocks go forward
    datetime(2027, 6, 30, 16, 0, tzinfo=UTC),
    datetime(2027, 10, 1, 6, 0, tzinfo=UTC),  # still September 30 in California
    datetime(2028, 2, 29, 17, 0, tzinfo=UTC),  # a leap day
]


def test_every_app_registers_promises():
    assert len(promises()) >= 10, [promise.words for promise in promises()]


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda moment: moment.strftime("%Y-%m-%dT%H%M"))
def test_the_demo_keeps_every_promise(db, moment):
    with time_machine.travel(moment, tick=False):
        # build_demo refuses a demo that breaks a promise; name each one that fails.
        try:
            build_demo(40, progress=lambda line: None)
        except RuntimeError as refusal:
            pytest.fail(f"on {moment:%Y-%m-%d %H:%M} UTC: {refusal}")
        broken = [promise.words for promise in promises() if not promise.holds()]
    assert broken == []


def test_a_family_is_found_alone_even_when_every_family_shares_a_last_name(db, monkeypatch):
    # At 100,000 households every common last name is shared, as here with one name for all.
    monkeypatch.setattr(_Names, "family", lambda self, rng: (self.english, "Garcia"))
    with time_machine.travel(MOMENTS[6], tick=False):
        build_demo(40, progress=lambda line: None)
    findable = [p for p in promises() if "finds alone" in p.words]
    assert findable and findable[0].holds()
