"""Printables: the coaching worksheets and reminders as PDFs, in English or Spanish.

Each one is an HTML template under `coaching/print/` that carries its own
print CSS (page size included), so a PDF needs nothing from the web pages.
Filled from a record, an empty field prints as lines to write on; blank,
the whole form does. The context builders here read only through objects
the caller has already fetched with the access module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from stride.core.models import User
from stride.people.models import Household, Participant

from .models import Achievement, CoachingSession, Goal, Obstacle, Review, Step

# Empty rows added after the filled ones, and the rows of a blank form.
SPARE_ROWS = 1
BLANK_STEPS = 3
BLANK_POTHOLES = 6
BLANK_STOPS = 4
# What fits on the small printables.
CARD_STEPS = 2
POSTCARD_STEPS = 3


@dataclass(frozen=True)
class Printable:
    kind: str
    template: str


PRINTABLES = {
    kind: Printable(kind, f"coaching/print/{kind}.html")
    for kind in ("worksheet", "roadmap", "potholes", "card", "postcard")
}


# One achievement, never blank: a certificate names the person who earned it.
CERTIFICATE = Printable("certificate", "coaching/print/certificate.html")


class FetchRefused(ValueError):
    pass


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The templates carry their own CSS and draw with CSS alone: nothing is fetched,
    # so words typed into a record can never make the renderer open a file or a URL.
    raise FetchRefused(url)


def render_pdf(printable: Printable, context: dict[str, Any], language: str) -> bytes:
    """The printable as PDF bytes, its text and dates in `language`."""
    pdf: bytes = lay_out(printable, context, language).write_pdf()
    return pdf


def lay_out(printable: Printable, context: dict[str, Any], language: str) -> Any:
    """The printable laid out in pages (a WeasyPrint document, its `pages` counted), not yet
    written: a long one's maker can say how far it has got between the two."""
    with translation.override(language):
        html = render_to_string(
            printable.template,
            context | {"printed_on": timezone.localdate(), "language": language},
        )
    # Imported here: WeasyPrint takes about a second to import, and most
    # processes (web workers, the task worker, manage.py) never draw a PDF.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_refuse_fetch).render()


def language_for(asked: str | None, household: Household | None, fallback: str) -> str:
    """The language asked for, else the household's preferred one, else `fallback`."""
    offered = {code for code, _name in settings.LANGUAGES}
    if asked in offered:
        return str(asked)
    if household is not None and household.language in offered:
        return household.language
    return fallback if fallback in offered else settings.LANGUAGE_CODE


def _coach_name(user: User | None) -> str:
    return user.get_full_name() if user is not None else ""


def _numbers_after(rows: list[Any], count: int) -> range:
    """Numbers for `count` empty rows that follow the filled ones."""
    return range(len(rows) + 1, len(rows) + 1 + count)


def worksheet(goal: Goal | None) -> dict[str, Any]:
    """Goal, Plan, Do, Review and revise: one goal on one worksheet."""
    steps: list[Step] = list(goal.steps.all()) if goal else []
    review: Review | None = goal.reviews.first() if goal else None
    return {
        "goal": goal,
        "person": goal.participant if goal else None,
        "steps": steps,
        "spare_steps": _numbers_after(steps, SPARE_ROWS if goal else BLANK_STEPS),
        "review": review,
        "scale": range(1, 11),
        "decisions": Review.Decision.choices,
    }


def potholes(goal: Goal | None) -> dict[str, Any]:
    """What could get in the way of a goal, and the plan for each."""
    obstacles: list[Obstacle] = list(goal.obstacles.all()) if goal else []
    return {
        "goal": goal,
        "person": goal.participant if goal else None,
        "obstacles": obstacles,
        "spare_rows": range(SPARE_ROWS + 1 if goal else BLANK_POTHOLES),
    }


def _planned_steps(goal: Goal | None, limit: int) -> list[Step]:
    if goal is None:
        return []
    return list(goal.steps.filter(status=Step.Status.PLANNED)[:limit])


def card(goal: Goal | None) -> dict[str, Any]:
    """A pocket reminder: the goal on the front, the next steps on the back."""
    steps = _planned_steps(goal, CARD_STEPS)
    return {
        "goal": goal,
        "coach_name": _coach_name(goal.participant.coach)
        if goal is not None and goal.participant is not None
        else "",
        "steps": steps,
        "spare_steps": range(CARD_STEPS - len(steps)),
    }


def roadmap(person: Participant | None) -> dict[str, Any]:
    """A long-term goal and the progress goals on the way to it."""
    destination: Goal | None = None
    if person is not None:
        destination = (
            person.goals.filter(term=Goal.Term.LONG, status__in=Goal.OPEN_STATUSES)
            .order_by("-created_at", "-pk")
            .first()
        )
    stops: list[Goal] = []
    if destination is not None:
        stops = list(destination.progress_goals.order_by("target_date", "created_at", "pk"))
    return {
        "person": person,
        "destination": destination,
        "stops": stops,
        "spare_stops": _numbers_after(stops, SPARE_ROWS if destination else BLANK_STOPS),
    }


def postcard(person: Participant | None, now: datetime | None = None) -> dict[str, Any]:
    """The latest open goal, the next appointment and the next steps."""
    goal: Goal | None = None
    session: CoachingSession | None = None
    if person is not None:
        goal = person.goals.filter(status__in=Goal.OPEN_STATUSES).first()
        session = person.coaching_sessions.select_related("coach").first()
    # An appointment already past would mislead: the card then leaves it to be written in.
    appointment = session.next_appointment if session else None
    if appointment is not None and appointment < (now or timezone.now()):
        appointment = None
    coach = (session.coach if session and session.coach else None) or (
        person.coach if person else None
    )
    steps = _planned_steps(goal, POSTCARD_STEPS)
    return {
        "person": person,
        "goal": goal,
        "appointment": appointment,
        "coach_name": _coach_name(coach),
        "steps": steps,
        "spare_steps": range(POSTCARD_STEPS - len(steps)),
    }


def certificate(achievement: Achievement) -> dict[str, Any]:
    """A certificate for a goal reached or a milestone, with the coach's name to sign."""
    return {
        "achievement": achievement,
        "coach_name": _coach_name(achievement.participant.coach),
    }


BUILDERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "worksheet": worksheet,
    "potholes": potholes,
    "card": card,
    "roadmap": roadmap,
    "postcard": postcard,
}


def blank(kind: str) -> dict[str, Any]:
    """The context of a blank form: every builder accepts no record."""
    return BUILDERS[kind](None)
