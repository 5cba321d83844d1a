"""What a step of the cliff watch costs: how long a curve may wait behind it (issue 22).

    .venv/bin/python bench/watch_steps.py [--steps 1,2,5,10,20,50,100] [--runs 3]

The benefits worker works a watch batch `tasks.STEP` households to a simulation and
gives way to a waiting curve between steps, so a curve waits at most one step. This
warms PolicyEngine (`engine.warm`), makes 200 households of varied make-up as
bench/benefits.py does (no database), then times `engine.curves` on `--runs`
different groups of each step size: the median seconds of one simulation (the
longest a curve waits behind the watch), that per household (what the watch pays),
and both against a step of one household. Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benefits  # noqa: E402 (bench/benefits.py: its households, no Django)

from stride.benefits import engine  # noqa: E402

TOP = 80_000.0  # curves.LOWEST_TOP, the watch's axis (curves.py imports Django)
YEAR = 2026


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1,2,5,10,20,50,100", help="step sizes, by commas")
    parser.add_argument("--runs", type=int, default=3, help="groups timed for each size")
    args = parser.parse_args()
    steps = [int(step) for step in args.steps.split(",")]
    households = benefits.watch_households(max(steps) * args.runs, YEAR)
    started = time.perf_counter()
    engine.warm(YEAR)
    warm = time.perf_counter() - started
    load = os.getloadavg()[0]
    rows = []
    for step in steps:
        times = []
        for run in range(args.runs):
            group = households[run * step : (run + 1) * step]
            began = time.perf_counter()
            engine.curves(group, TOP)
            times.append(time.perf_counter() - began)
        rows.append((step, statistics.median(times)))
    alone = rows[0][1] if steps[0] == 1 else None
    print(
        f"### The watch's steps ({args.runs} groups each; PolicyEngine warmed in {warm:.0f} s; "
        f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)\n"
    )
    print(
        "| Step (households) | a simulation, s | a household, s | ÷ one alone | a household ÷ one alone |"
    )
    print("|--:|--:|--:|--:|--:|")
    for step, seconds in rows:
        ratio = f"{seconds / alone:.2f}" if alone else ""
        each = f"{seconds / step / alone:.2f}" if alone else ""
        print(f"| {step} | {seconds:.2f} | {seconds / step:.3f} | {ratio} | {each} |")
    print()


if __name__ == "__main__":
    main()
