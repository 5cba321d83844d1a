"""Demo data from the apps above `people`, and the promises the demo keeps.

`people.demo` builds the agency, staff and households; each app whose
records hang off participants registers a step here (from its AppConfig's
ready), and the steps run after the households exist, in the same
transaction. People cannot import those apps: the order of apps forbids it.

The demo is built from today's date, so which families it holds changes with
the calendar. What the README and the browser tests rely on is written down as
promises, each registered by the app that keeps it; `seed_demo` refuses a demo
that breaks one, and a test builds the demo at many dates and checks them all.
"""

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]
DemoStep = Callable[[int, Progress], None]


@dataclass(frozen=True)
class Promise:
    words: str  # what the demo promises, in the words a reader of the README would use
    holds: Callable[[], bool]


_steps: list[DemoStep] = []
_promises: list[Promise] = []


def demo_step(step: DemoStep) -> DemoStep:
    if step not in _steps:
        _steps.append(step)
    return step


def run_demo_steps(seed: int, progress: Progress) -> None:
    for step in _steps:
        step(seed, progress)


def demo_promise(words: str) -> Callable[[Callable[[], bool]], Callable[[], bool]]:
    """Register a check of something the demo always gives, whatever the date."""

    def register(holds: Callable[[], bool]) -> Callable[[], bool]:
        if all(promise.words != words for promise in _promises):
            _promises.append(Promise(words, holds))
        return holds

    return register


def promises() -> list[Promise]:
    return list(_promises)


def broken_promises() -> list[str]:
    return [promise.words for promise in _promises if not promise.holds()]
