"""Demo reviews of practice: the demo supervisor's reviews of the demo coach, and the county
administrator's fidelity reviews of the county, a few months apart, so each page shows a
history to compare."""

import random
from datetime import timedelta

from django.utils import timezone

from stride.core.audit import Actor
from stride.core.demo import Progress, demo_promise, demo_step
from stride.core.models import User

from .actions import ObservationDetails, write_review
from .models import PracticeReview
from .reviews import latest_rubric

# Months ago of each round of reviews, oldest first: the ratings rise as practice settles in.
ROUNDS = (7, 4, 1)


def _details(
    kind: str, round_index: int, rng: random.Random, who: User, role: str
) -> ObservationDetails:
    rubric = latest_rubric(kind)
    # The scale from its lowest score to the top; each later round sits higher on it.
    scale = sorted(rubric.levels.values(), key=lambda level: level.score)
    centre = (round_index + 1) * (len(scale) - 1) / len(ROUNDS)
    ratings = {
        key: scale[max(0, min(len(scale) - 1, round(centre + rng.choice((-1, 0, 0, 1)))))].value
        for key in rubric.items
    }
    return ObservationDetails(
        observer_name=who.get_full_name(),
        observer_role=role,
        observed_on=timezone.localdate() - timedelta(days=30 * ROUNDS[round_index]),
        ratings=ratings,
        notes={},
    )


@demo_step
def build_reviews_demo(seed: int, progress: Progress) -> None:
    supervisor = User.objects.filter(username="supervisor").select_related("organisation").first()
    admin = User.objects.filter(username="county-admin").select_related("organisation").first()
    coach = User.objects.filter(username="coach").first()
    if supervisor is None or admin is None or coach is None or admin.organisation is None:
        return
    county = admin.organisation.county()
    rng = random.Random(seed)
    written = 0
    for round_index in range(len(ROUNDS)):
        for kind in (PracticeReview.Kind.FIDELITY, PracticeReview.Kind.SKILLS):
            details = _details(
                kind, round_index, rng, supervisor, PracticeReview.Observer.SUPERVISOR
            )
            write_review(Actor(supervisor), kind, details, worker=coach)
            written += 1
        details = _details(
            PracticeReview.Kind.FIDELITY, round_index, rng, admin, PracticeReview.Observer.MANAGER
        )
        write_review(Actor(admin), PracticeReview.Kind.FIDELITY, details, program=county)
        written += 1
    progress(f"reviews of practice: {written}")


@demo_promise("The demo coach has fidelity and skills reviews from their supervisor to compare")
def the_coach_has_reviews_over_time() -> bool:
    mine = PracticeReview.objects.filter(worker__username="coach")
    return all(
        mine.filter(kind=kind).count() >= 2
        for kind in (PracticeReview.Kind.FIDELITY, PracticeReview.Kind.SKILLS)
    )
