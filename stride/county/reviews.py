"""Reviews of staff work: who reads which, and a subject's reviews over time.

A coach reads their own reviews and nobody else's; a supervisor those of the coaches they
review (`access.reviewable_workers`); a county administrator every review of the county's
coaches and programs (`access.reviewable_programs`). Anyone else reads none: 404.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from stride.core import access
from stride.core.models import Organisation, User

from .models import PracticeReview
from .rubrics import Area, Item, Kind, Level, Rubric, versions

# A history shows the latest reviews of a kind, oldest on the left.
HISTORY_LENGTH = 12
BAR_STEP = 30
BAR_WIDTH = 22
CHART_HEIGHT = 100  # 0% to 100%; the dates sit below


def visible(user: User) -> QuerySet[PracticeReview]:
    """The reviews `user` may read."""
    if not user.is_authenticated or not user.is_active:
        return PracticeReview.objects.none()
    scope = Q(worker=user)
    if user.role in access.REVIEWER_ROLES:
        scope |= Q(worker__in=access.reviewable_workers(user))
        scope |= Q(program__in=access.reviewable_programs(user))
    return PracticeReview.objects.filter(scope)


def rubric_of(review: PracticeReview) -> Rubric:
    """The version of the rubric the review was rated on."""
    return versions(_kind(review.kind)).get(review.form_version)


def _kind(value: str) -> Kind:
    return "skills_matrix" if value == PracticeReview.Kind.SKILLS else "fidelity"


def latest_rubric(kind: str) -> Rubric:
    return versions(_kind(kind)).latest()


def may_review_worker(user: User, worker: User) -> bool:
    return access.reviewable_workers(user).filter(pk=worker.pk).exists()


def may_review_program(user: User, program: Organisation) -> bool:
    return access.reviewable_programs(user).filter(pk=program.pk).exists()


@dataclass(frozen=True)
class Bar:
    review: PracticeReview
    share: int | None  # how close to full, in percent
    x: int

    @property
    def height(self) -> int:
        return self.share or 0

    @property
    def y(self) -> int:
        return CHART_HEIGHT - self.height

    @property
    def middle(self) -> int:
        return self.x + BAR_WIDTH // 2

    # As county/_bars.html draws a bar (the county goal's chart draws its months the same way).
    so_far = False

    @property
    def when(self) -> date:
        return self.review.observed_on

    @property
    def drawn(self) -> bool:
        return self.share is not None


@dataclass(frozen=True)
class Row:
    """One item of the latest rubric, with the level each review gave it."""

    area: Area
    item: Item
    levels: list[Level | None]
    notes: list[str]


@dataclass(frozen=True)
class History:
    kind: str
    rubric: Rubric  # the latest version: its items are the rows
    bars: list[Bar]  # one per review, oldest first
    rows: list[Row]

    @property
    def reviews(self) -> list[PracticeReview]:
        return [bar.review for bar in self.bars]

    @property
    def width(self) -> int:
        # Room for a full history, so one review draws one bar, not one bar the page wide.
        return max(len(self.bars), HISTORY_LENGTH) * BAR_STEP

    level_y = None  # no target line
    path = ""  # no path to a target


def history(kind: str, reviews: Sequence[PracticeReview]) -> History:
    """`reviews` (newest first, as read) drawn oldest first, with their items side by side."""
    ordered = list(reversed(reviews[:HISTORY_LENGTH]))
    rubric = latest_rubric(kind)
    bars = [
        Bar(review, rubric_of(review).share(review.ratings), index * BAR_STEP)
        for index, review in enumerate(ordered)
    ]
    rows = []
    for area in rubric.areas:
        for item in area.items:
            levels = [rubric_of(r).levels.get(r.ratings.get(item.key, ""), None) for r in ordered]
            notes = [str(r.notes.get(item.key, "")) for r in ordered]
            rows.append(Row(area, item, levels, notes))
    return History(kind, rubric, bars, rows)


def to_grow(review: PracticeReview) -> list[tuple[Area, Item, Level]]:
    """The skills a skills review rated as an area to grow, in the rubric's order."""
    rubric = rubric_of(review)
    found = []
    for area in rubric.areas:
        for item in area.items:
            level = rubric.levels.get(review.ratings.get(item.key, ""))
            if level is not None and level.to_grow:
                found.append((area, item, level))
    return found


def rated(review: PracticeReview) -> list[tuple[Area, list[tuple[Item, Level | None, str]]]]:
    """Each area of the review's own rubric version, with each item's level and note."""
    rubric = rubric_of(review)
    return [
        (
            area,
            [
                (
                    item,
                    rubric.levels.get(review.ratings.get(item.key, "")),
                    str(review.notes.get(item.key, "")),
                )
                for item in area.items
            ],
        )
        for area in rubric.areas
    ]
