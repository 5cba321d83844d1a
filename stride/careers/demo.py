"""Demo careers: local partners in every county, and career roadmaps for some families.

Partners are fictional and say so. Some adults who took the career interests
assessment chose the ladder that best matches their interests and have a
roadmap for it, written in their household's language. The demo adult who
can sign in has none, so the demo shows "Make this my goal" working. Rows go
in with bulk inserts, chunk by chunk.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from stride.assessments.models import Response
from stride.coaching.models import Goal, GoalStatusChange
from stride.core.demo import Progress, demo_step
from stride.core.models import Organisation
from stride.core.vocabulary import LifeArea
from stride.people.models import Household, Participant

from . import catalogue, ranking
from .actions import roadmap_words
from .catalogue import Careers, Industry, Ladder
from .models import CareerPlan, LocalPartner

CHUNK = 2000
PLAN_SHARE = 0.4  # of the adults with interest results
LADDERS_PER_COUNTY = 5

# (training providers, employers) by industry; other industries use the generic names.
NAMES = {
    "healthcare": (["Valley Health Careers Institute", "Community College Nursing Program"],
                   ["Riverside Care Home", "County General Hospital"]),
    "business-it": (["Adult School Computer Lab", "Tech Start Bootcamp"],
                    ["Orchard Credit Union", "County IT Services"]),
    "construction": (["Building Trades Pre-Apprenticeship", "Electrical Training Alliance"],
                     ["Sierra Electric Co.", "Main Street Builders"]),
    "hospitality": (["Culinary Skills Kitchen", "Hospitality Training Center"],
                    ["Grand Valley Hotel", "Harvest Table Restaurant"]),
    "transportation-logistics": (["Commercial Driving School", "Forklift Safety Center"],
                                 ["Central Valley Logistics", "Fast Lane Freight"]),
    "manufacturing": (["Manufacturing Skills Academy", "Community College Machining"],
                      ["Golden State Packaging", "Precision Parts Inc."]),
}  # fmt: skip
GENERIC = (["Workforce Training Center", "Community College Career Programs"],
           ["County Public Works", "Valley Employers Network"])  # fmt: skip
OFFERS = {
    LocalPartner.Kind.TRAINING: "Classes for this step, with help applying for training funds.",
    LocalPartner.Kind.EMPLOYER: "Hires at this step and trains new staff on the job.",
}


@demo_step
def build_careers_demo(seed: int, progress: Progress) -> None:
    try:
        careers = catalogue.load()
    except catalogue.CatalogueError as error:
        progress(f"careers: skipped, the careers file does not load ({error})")
        return
    rng = random.Random(seed + 17)
    partners = _partners(careers, rng)
    plans = _plans(careers, rng)
    progress(f"careers: {partners} local partners, {plans} career roadmaps")


def _partners(careers: Careers, rng: random.Random) -> int:
    today = timezone.localdate()
    rows = []
    for county in Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk"):
        place = county.name.replace(" County", "")
        for industry, ladder in rng.sample(
            careers.pairs(), min(LADDERS_PER_COUNTY, len(careers.pairs()))
        ):
            trainers, employers = NAMES.get(industry.key, GENERIC)
            for rung in ladder.rungs:
                for kind, names in (
                    (LocalPartner.Kind.TRAINING, trainers),
                    (LocalPartner.Kind.EMPLOYER, employers),
                ):
                    if rng.random() < 0.35:
                        continue
                    wage = Decimal(str(round(rung.wage.hourly * rng.uniform(0.85, 1.0), 2)))
                    rows.append(
                        LocalPartner(
                            county=county,
                            industry_key=industry.key,
                            ladder_key=ladder.key,
                            level=rung.level,
                            soc=rung.soc,
                            kind=kind,
                            name=f"{place} {rng.choice(names)} (demo)",
                            offer=OFFERS[kind],
                            address=f"{rng.randint(100, 9999)} Main Street, {place}",
                            phone=f"(559) 555-{rng.randint(100, 199):04d}",
                            starting_wage=wage if kind == LocalPartner.Kind.EMPLOYER else None,
                            schedule_notes=rng.choice(
                                ["Evening classes", "Day shifts", "Weekday mornings", ""]
                            ),
                            last_verified_on=today - timedelta(days=rng.randint(5, 500)),
                        )
                    )
    LocalPartner.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows)


def _plans(careers: Careers, rng: random.Random) -> int:
    today = timezone.localdate()
    interested = (
        Participant.objects.filter(user__isnull=True)
        .filter(
            Exists(
                Response.objects.filter(
                    participant=OuterRef("pk"),
                    instrument="career_interests",
                    completed_at__isnull=False,
                )
            )
        )
        .order_by("pk")
        .values_list("pk", "coach_id", "household__language")
    )
    tops = dict(
        Response.objects.filter(instrument="career_interests", completed_at__isnull=False)
        .order_by("completed_at")
        .values_list("participant_id", "result__top")
    )
    words: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    made = 0
    rows = list(interested)
    for start in range(0, len(rows), CHUNK):
        roots: list[Goal] = []
        children: list[Goal] = []
        plans: list[CareerPlan] = []
        for pk, coach_id, language in rows[start : start + CHUNK]:
            if rng.random() >= PLAN_SHARE:
                continue
            industry, ladder = _best(careers, tops.get(pk) or [])
            language = language if language == Household.Language.SPANISH else "en"
            key = (industry.key, ladder.key, language)
            if key not in words:
                words[key] = roadmap_words(ladder, catalogue.LEVELS[0], language)
            destination, stops = words[key]
            created = timezone.make_aware(
                datetime.combine(today - timedelta(days=rng.randint(3, 60)), time(11))
            )
            common = {
                "participant_id": pk,
                "created_by_id": coach_id,
                "life_area": LifeArea.WORK,
                "proposed_by": Goal.ProposedBy.TOGETHER,
                "created_at": created,
                "status_since": created.date(),
            }
            root = Goal(words=destination, term=Goal.Term.LONG, **common)
            roots.append(root)
            children += [Goal(words=stop, parent=root, **common) for stop in stops]
            plans.append(
                CareerPlan(
                    participant_id=pk,
                    industry_key=industry.key,
                    ladder_key=ladder.key,
                    level=catalogue.LEVELS[0],
                    goal=root,
                    created_by_id=coach_id,
                )
            )
        Goal.objects.bulk_create(roots, batch_size=CHUNK)
        Goal.objects.bulk_create(children, batch_size=CHUNK)  # their parents now have keys
        GoalStatusChange.objects.bulk_create(
            (
                GoalStatusChange(
                    goal=goal,
                    status=Goal.Status.ACTIVE,
                    on=goal.status_since,
                    by_id=goal.created_by_id,
                )
                for goal in roots + children
            ),
            batch_size=CHUNK,
        )
        CareerPlan.objects.bulk_create(plans, batch_size=CHUNK)
        made += len(plans)
    return made


def _best(careers: Careers, top: list[str]) -> tuple[Industry, Ladder]:
    return ranking.rank(careers.pairs(), top, lambda pair: pair[1].codes)[0]
