"""Demo data from the apps above `people`.

`people.demo` builds the agency, staff and households; each app whose
records hang off participants registers a step here (from its AppConfig's
ready), and the steps run after the households exist, in the same
transaction. People cannot import those apps: the order of apps forbids it.
"""

from collections.abc import Callable

Progress = Callable[[str], None]
DemoStep = Callable[[int, Progress], None]

_steps: list[DemoStep] = []


def demo_step(step: DemoStep) -> DemoStep:
    if step not in _steps:
        _steps.append(step)
    return step


def run_demo_steps(seed: int, progress: Progress) -> None:
    for step in _steps:
        step(seed, progress)
