"""What a participant's page shows, worked out from records already read.

No queries here: the view reads the participant's goals and the steps of
their open goals (through the access module), and these functions arrange
them, so the page costs the same whatever the number of goals or steps.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from stride.coaching.models import Goal, Step


@dataclass
class GoalSummary:
    goal: Goal
    done: int
    total: int
    next_step: Step | None


@dataclass
class Stop:
    goal: Goal
    state: str  # "reached", "current" or "paused"


@dataclass
class Roadmap:
    destination: Goal
    stops: list[Stop]

    @property
    def reached(self) -> int:
        return sum(1 for stop in self.stops if stop.state == "reached")


def _steps_by_goal(steps: list[Step]) -> dict[int, list[Step]]:
    by_goal: dict[int, list[Step]] = defaultdict(list)
    for step in sorted(steps, key=lambda step: (step.position, step.pk)):
        by_goal[step.goal_id].append(step)
    return by_goal


def is_open(step: Step) -> bool:
    return step.status != Step.Status.DONE


def goal_summaries(goals: list[Goal], steps: list[Step]) -> list[GoalSummary]:
    """The open goals with their progress and the next step still to do."""
    by_goal = _steps_by_goal(steps)
    summaries = []
    for goal in goals:
        if not goal.is_open:
            continue
        plan = by_goal.get(goal.pk, [])
        summaries.append(
            GoalSummary(
                goal=goal,
                done=sum(1 for step in plan if not is_open(step)),
                total=len(plan),
                next_step=next((step for step in plan if is_open(step)), None),
            )
        )
    return summaries


def next_steps(goals: list[Goal], steps: list[Step]) -> list[Step]:
    """Steps still to do across open goals, soonest date first; each knows its goal."""
    open_goals = {goal.pk: goal for goal in goals if goal.is_open}
    open_steps = [step for step in steps if is_open(step) and step.goal_id in open_goals]
    for step in open_steps:
        step.goal = open_goals[step.goal_id]
    return sorted(
        open_steps,
        key=lambda step: (step.due_on is None, step.due_on or date.max, step.position, step.pk),
    )


def _stop_state(goal: Goal) -> str:
    if goal.status == Goal.Status.ACHIEVED:
        return "reached"
    return "current" if goal.is_open else "paused"


def roadmaps(goals: list[Goal]) -> list[Roadmap]:
    """Each open long-term goal with the goals on the way to it: reached first, then by date."""
    on_the_way: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id is not None and goal.status != Goal.Status.REPLACED:
            on_the_way[goal.parent_id].append(goal)
    maps = []
    for goal in goals:
        if goal.term != Goal.Term.LONG or not goal.is_open:
            continue
        ordered = sorted(
            on_the_way.get(goal.pk, []),
            key=lambda stop: (
                stop.status != Goal.Status.ACHIEVED,
                stop.status_since if stop.status == Goal.Status.ACHIEVED else date.min,
                stop.target_date is None,
                stop.target_date or date.max,
                stop.created_at,
            ),
        )
        maps.append(Roadmap(goal, [Stop(stop, _stop_state(stop)) for stop in ordered]))
    return maps
