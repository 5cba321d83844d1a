"""A participant's part of their records request from coaching: goals with their steps,
potholes, reviews and reflections; achievements; sessions with their notes; goal ideas and
meeting summaries (core/records.py says the shape)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry
from stride.people.models import Participant

from .models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalIdea,
    GoalStatusChange,
    MeetingSummary,
    Obstacle,
    Reflection,
    Review,
    Step,
)

GOAL_FIELDS = [
    "words", "why_it_matters", "looks_like", "measure", "target_date", "difficulty",
    "confidence", "term", "life_area", "proposed_by", "status", "status_since", "created_at",
]  # fmt: skip
STEP_FIELDS = [
    "what", "due_on", "where", "how", "who_helps", "resources", "wants_reminder", "status",
    "status_on", "outcome_note",
]  # fmt: skip


def _goal(goal: Goal) -> Item:
    return Item(
        goal.words,
        [
            *entries(goal, GOAL_FIELDS),
            entry("parent", _("Long-term goal it leads to"), goal.parent),
            entry("created_by", _("Written by"), goal.created_by),
        ],
        [
            Part(
                "steps",
                _("Steps"),
                [Item(step.what, entries(step, STEP_FIELDS)) for step in goal.steps.all()],
            ),
            Part(
                "potholes",
                _("Potholes and detours"),
                [
                    Item(obstacle.pothole, entries(obstacle, ["kind", "pothole", "detour"]))
                    for obstacle in goal.obstacles.all()
                ],
            ),
            Part(
                "reviews",
                _("Reviews"),
                [
                    Item(
                        str(review.get_decision_display()),
                        [
                            entry("created_at", _("When"), review.created_at),
                            *entries(
                                review,
                                ["how_it_went", "went_well", "learned", "next_time", "decision"],
                            ),
                            entry("by", _("By"), review.by),
                        ],
                    )
                    for review in goal.reviews.all()
                ],
            ),
            Part(
                "reflections",
                _("Reflections"),
                [
                    Item(
                        str(reflection),
                        [
                            entry("created_at", _("When"), reflection.created_at),
                            *entries(reflection, ["words"]),
                        ],
                    )
                    for reflection in goal.reflections.all()
                ],
            ),
            Part(
                "status_changes",
                _("Status over time"),
                [
                    Item(
                        str(change),
                        [*entries(change, ["status", "on"]), entry("by", _("By"), change.by)],
                    )
                    for change in goal.status_changes.all()
                ],
            ),
        ],
    )


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; a fixed number of queries."""
    goals = person.goals.select_related("parent", "created_by").prefetch_related(
        Prefetch("steps", Step.objects.order_by("position", "pk")),
        Prefetch("obstacles", Obstacle.objects.order_by("pk")),
        Prefetch("reviews", Review.objects.select_related("by")),
        Prefetch("reflections", Reflection.objects.all()),
        Prefetch("status_changes", GoalStatusChange.objects.select_related("by")),
    )
    achievements = access.belonging_to(Achievement.objects.all(), person).select_related(
        "goal", "decided_by", "by"
    )
    sessions = access.belonging_to(CoachingSession.objects.all(), person).select_related("coach")
    ideas = access.belonging_to(GoalIdea.objects.all(), person).select_related("goal", "by")
    summaries = access.belonging_to(MeetingSummary.objects.all(), person).select_related(
        "session", "sent_by"
    )
    return [
        Part("goals", _("Goals"), [_goal(goal) for goal in goals], empty=_("No goals yet.")),
        Part(
            "achievements",
            _("Achievements"),
            [
                Item(
                    achievement.words,
                    [
                        *entries(achievement, ["kind", "words", "on", "incentive_amount"]),
                        entry(
                            "incentive",
                            _("Incentive"),
                            achievement.incentive,
                            str(achievement.get_incentive_display()),
                        ),
                        entry("goal", _("Goal"), achievement.goal),
                        entry("decided_by", _("Decided by"), achievement.decided_by),
                        entry("decided_on", _("Decided on"), achievement.decided_on),
                    ],
                )
                for achievement in achievements
            ],
            empty=_("No achievements yet."),
        ),
        Part(
            "coaching_sessions",
            _("Coaching sessions and notes"),
            [
                Item(
                    str(session.get_mode_display()),
                    [
                        *entries(session, ["held_at", "mode", "minutes", "topic"]),
                        entry(
                            "stages",
                            _("Parts of the cycle covered"),
                            session.stages,
                            ", ".join(session.stage_names()) or "—",
                        ),
                        *entries(session, ["notes", "next_appointment"]),
                        entry("coach", _("Coach"), session.coach),
                    ],
                )
                for session in sessions
            ],
            empty=_("No coaching sessions yet."),
        ),
        Part(
            "goal_ideas",
            _("Goal ideas"),
            [
                Item(
                    idea.words,
                    [
                        *entries(idea, ["life_area", "words", "source", "created_at"]),
                        entry("goal", _("Became the goal"), idea.goal),
                    ],
                )
                for idea in ideas
            ],
            empty=_("No goal ideas yet."),
        ),
        Part(
            "meeting_summaries",
            _("Meeting summaries sent"),
            [
                Item(
                    str(summary),
                    [
                        entry("sent_at", _("Sent"), summary.sent_at),
                        entry("sent_by", _("Sent by"), summary.sent_by),
                        entry("read_at", _("Read"), summary.read_at),
                        entry("contents", _("Contents"), summary.contents, ""),
                    ],
                )
                for summary in summaries
            ],
            empty=_("No meeting summaries yet."),
        ),
    ]
