"""Demo goals, plans, potholes, reviews and sessions in every stage of the cycle.

Goals are in the participant's words (Spanish for some Spanish-speaking
households). Rows go in with bulk inserts, chunk by chunk, so the
100,000-household benchmark still seeds in minutes.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from stride.core.demo import Progress, demo_promise, demo_step
from stride.core.models import Role, User
from stride.people.models import Household, Participant

from .models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalStatusChange,
    Obstacle,
    Review,
    SkillArea,
    Step,
)

CHUNK = 2000

# (life area, goal in English, in Spanish, why it matters, measure, steps, potholes)
GOALS = [
    ("learning", "Get my GED before my son starts kindergarten", "Sacar mi GED antes de que mi hijo entre al kínder",
     "I want to show him school matters", "GED certificate in hand",
     ["Call the adult school about evening classes", "Take the practice test", "Study math 3 nights a week", "Sign up for the math test"],
     [("internal", "I get discouraged when math is hard", "Ask the tutor for help the same week"),
      ("external", "No one to watch the kids in the evening", "Ask my mom for Tuesdays and Thursdays")]),
    ("work", "Find a job as a medical assistant", "Encontrar trabajo de asistente médico",
     "Steady hours and a career I can grow in", "An offer letter",
     ["Update my resume with the coach", "Apply to 3 clinics", "Practice interview questions", "Buy interview clothes"],
     [("internal", "I freeze up in interviews", "Practice out loud twice before each one"),
      ("external", "The bus to the clinic takes 90 minutes", "Look for clinics on the 28 line")]),
    ("money", "Save $300 for emergencies by summer", "Ahorrar $300 para emergencias antes del verano",
     "So a car repair doesn't put us behind on rent", "$300 in savings",
     ["Open a savings account at the credit union", "Set up $25 to move every payday", "Track spending for two weeks"],
     [("internal", "I spend when I'm stressed", "Wait one day before buying anything over $20")]),
    ("home", "Move to a two-bedroom apartment", "Mudarnos a un departamento de dos recámaras",
     "The kids need their own room to sleep and study", "A signed lease",
     ["Ask about the housing support program", "Check my credit report", "Visit three apartments"],
     [("external", "Landlords ask for a big deposit", "Ask the coach about move-in help"),
      ("internal", "I put off calls that make me nervous", "Make calls first thing in the morning")]),
    ("health", "Walk 30 minutes, four days a week", "Caminar 30 minutos, cuatro días a la semana",
     "I want more energy for my kids", "A check mark on the calendar 4 days a week",
     ["Find a safe route near home", "Walk with my neighbor on Mondays", "Mark the calendar each day"],
     [("internal", "I skip it when I'm tired", "Walk right after dropping the kids off")]),
    ("family", "Read with my daughter every night", "Leer con mi hija todas las noches",
     "She is behind in reading and loves stories", "15 minutes of reading, 5 nights a week",
     ["Get library cards for both of us", "Pick three books together", "Set a bedtime reading time"],
     [("external", "I work late two nights", "Her grandma reads on those nights")]),
    ("work", "Become a licensed vocational nurse", "Llegar a ser enfermera vocacional con licencia",
     "A career that pays enough to leave aid", "LVN license",
     ["Finish the CNA course", "Work a year as a CNA", "Apply to the LVN program"],
     [("internal", "I doubt I'm smart enough", "Remember I passed the CNA test"),
      ("external", "The program costs money", "Apply for the training grant")]),
    ("learning", "Finish the forklift certification", "Terminar la certificación de montacargas",
     "Warehouse jobs near me ask for it", "Certificate from the training center",
     ["Sign up for the Saturday class", "Pass the written test", "Pass the driving test"],
     [("internal", "I worry about tests", "Take the practice quiz twice")]),
    ("community", "Volunteer at my son's school once a month", "Ser voluntaria en la escuela de mi hijo una vez al mes",
     "I want to know his teachers", "One volunteer day a month",
     ["Ask the front office how to sign up", "Get the TB test they need", "Choose a day that fits my schedule"],
     [("external", "The TB test clinic is far", "Go on the day I already have a ride")]),
    ("money", "Pay off the $450 phone bill", "Pagar la deuda de $450 del teléfono",
     "So I can get a plan in my own name", "Balance of $0",
     ["Call the company about a payment plan", "Pay $50 every two weeks"],
     [("internal", "I avoid opening bills", "Open mail every Sunday with the coach's checklist")]),
]  # fmt: skip

SESSION_TOPICS = [
    "Childcare for class nights", "Getting ready for an interview", "A hard week at home",
    "Planning the budget", "Next steps after the test", "Transportation to work",
    "Celebrating a finished step", "Choosing what to work on next",
]  # fmt: skip
SESSION_NOTES = [
    "Named what worked last time and planned the next step together.",
    "Talked through the week; chose one small step to do before we meet again.",
    "Practised what to say on the phone; feels more ready.",
    "Looked at what got in the way and picked a new detour.",
]

STATUS_WEIGHTS: dict[str, int] = {
    Goal.Status.ACTIVE: 60,
    Goal.Status.ACHIEVED: 18,
    Goal.Status.REVISED: 8,
    Goal.Status.REPLACED: 6,
    Goal.Status.SET_ASIDE: 8,
}
DECISION_FOR: dict[str, str] = {
    Goal.Status.ACHIEVED: Review.Decision.ACHIEVED,
    Goal.Status.REVISED: Review.Decision.CHANGE_GOAL,
    Goal.Status.REPLACED: Review.Decision.NEW_GOAL,
    Goal.Status.SET_ASIDE: Review.Decision.SET_ASIDE,
}


@demo_step
def build_coaching_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 4)
    today = timezone.localdate()
    rows = Participant.objects.order_by("pk").values_list(
        "pk", "coach_id", "assigned_since", "household__language", "user_id"
    )
    total = rows.count()
    for start in range(0, total, CHUNK):
        _chunk(list(rows[start : start + CHUNK]), rng, today)
        progress(f"coaching: {min(start + CHUNK, total)} of {total} participants")
    _professional_goals(rng, today)


PROFESSIONAL_GOALS = [
    (SkillArea.CUSTOMERS, "Ask more open questions and let participants lead the first meeting",
     ["Watch the recorded coaching session with my supervisor", "Try three open questions in each first meeting"]),
    (SkillArea.FRAMEWORK, "Help every participant on my caseload plan for one internal pothole",
     ["Review Potholes and Detours with the team", "Use the worksheet in every goal meeting this month"]),
    (SkillArea.WELL_BEING, "Take a real lunch break four days a week",
     ["Block lunch on my calendar", "Walk outside after lunch"]),
    (SkillArea.DAILY_TASKS, "Write session notes the same day",
     ["Keep 15 minutes after each meeting free", "Use the notes checklist"]),
]  # fmt: skip


def _professional_goals(rng: random.Random, today: date) -> None:
    """One or two professional goals for most coaches, for supervisors to see."""
    goals, steps, changes = [], [], []
    for coach_id in (
        User.objects.filter(role=Role.COACH).order_by("pk").values_list("pk", flat=True)
    ):
        for area, words, step_texts in rng.sample(PROFESSIONAL_GOALS, rng.choice([0, 1, 1, 2])):
            created = today - timedelta(days=rng.randint(10, 120))
            goal = Goal(
                staff_id=coach_id, created_by_id=coach_id, skill_area=area, words=words,
                created_at=timezone.make_aware(datetime.combine(created, time(9))),
                target_date=created + timedelta(days=90), status_since=created,
            )  # fmt: skip
            goals.append(goal)
            changes.append(
                GoalStatusChange(goal=goal, status=goal.status, on=created, by_id=coach_id)
            )
            done = rng.randint(0, len(step_texts))
            for position, what in enumerate(step_texts):
                status = Step.Status.DONE if position < done else Step.Status.PLANNED
                steps.append(Step(goal=goal, position=position, what=what, status=status,
                                  due_on=created + timedelta(days=14 * (position + 1))))  # fmt: skip
    Goal.objects.bulk_create(goals, batch_size=CHUNK)
    Step.objects.bulk_create(steps, batch_size=CHUNK)
    GoalStatusChange.objects.bulk_create(changes, batch_size=CHUNK)


ParticipantRow = tuple[int, int | None, date | None, str, int | None]


def _chunk(participants: list[ParticipantRow], rng: random.Random, today: date) -> None:
    roots: list[Goal] = []
    children: list[Goal] = []
    details: list[tuple[int, Goal, date, list[str], list[tuple[str, str, str]]]] = []
    sessions: list[CoachingSession] = []
    for pk, coach_id, assigned_since, language, user_id in participants:
        start = max(assigned_since or today - timedelta(days=365), today - timedelta(days=540))
        count = rng.choices([0, 1, 2, 3], weights=[12, 45, 30, 13])[0]
        roadmap = count >= 2 and rng.random() < 0.3
        # The parent who can sign in is mid-way through a roadmap, with steps still ahead.
        showcase = user_id is not None
        if showcase:
            count, roadmap = 3, True
        spanish = language == Household.Language.SPANISH and rng.random() < 0.7
        root = None
        for index, template in enumerate(rng.sample(GOALS, count)):
            area, english, spanish_words, why, measure, step_texts, potholes = template
            term = Goal.Term.LONG if roadmap and index == 0 else Goal.Term.SHORT
            status = Goal.Status.ACTIVE if term == Goal.Term.LONG or showcase else _status(rng)
            # Goals still being worked on were set in the last few months, so their steps
            # fall due around now; closed ones may go back to the start of coaching.
            earliest = start if status not in Goal.OPEN_STATUSES else today - timedelta(days=75)
            earliest = max(start, earliest)
            created = earliest + timedelta(days=rng.randint(0, max(0, (today - earliest).days - 7)))
            if showcase:
                created = max(start, today - timedelta(days=rng.randint(8, 20)))
            goal = Goal(
                participant_id=pk, created_by_id=coach_id, life_area=area,
                words=spanish_words if spanish else english, why_it_matters=why, measure=measure,
                target_date=created + timedelta(days=rng.randint(400, 730) if term == Goal.Term.LONG else rng.randint(30, 150)),
                term=term, difficulty=rng.randint(3, 9), confidence=rng.randint(4, 9),
                proposed_by=rng.choices(list(Goal.ProposedBy), weights=[70, 25, 5])[0],
                created_at=timezone.make_aware(datetime.combine(created, time(10))),
                status=status, status_since=created if status == Goal.Status.ACTIVE else min(today, created + timedelta(days=rng.randint(14, 90))),
            )  # fmt: skip
            if root is not None:
                goal.parent = root
            (roots if root is None else children).append(goal)
            if roadmap and index == 0:
                root = goal
            details.append((pk, goal, created, step_texts, potholes))
        if count:
            sessions += _sessions(pk, coach_id, start, today, rng)

    Goal.objects.bulk_create(roots, batch_size=CHUNK)
    Goal.objects.bulk_create(children, batch_size=CHUNK)  # their parents now have keys

    steps, obstacles, reviews, changes = [], [], [], []
    achievements = []
    for pk, goal, created, step_texts, potholes in details:
        changes.append(
            GoalStatusChange(
                goal=goal, status=Goal.Status.ACTIVE, on=created, by_id=goal.created_by_id
            )
        )
        if goal.status != Goal.Status.ACTIVE:
            changes.append(
                GoalStatusChange(
                    goal=goal, status=goal.status, on=goal.status_since, by_id=goal.created_by_id
                )
            )
            reviews.append(
                Review(
                    goal=goal,
                    created_at=timezone.make_aware(datetime.combine(goal.status_since, time(11))),
                    how_it_went=_how_it_went(goal.status),
                    decision=DECISION_FOR[goal.status],
                    by_id=goal.created_by_id,
                )
            )
            if goal.status == Goal.Status.ACHIEVED:
                achievements.append(
                    Achievement(
                        participant_id=pk, kind=Achievement.Kind.GOAL, goal=goal,
                        words=goal.words, on=goal.status_since, by_id=goal.created_by_id,
                    )
                )  # fmt: skip
        elif rng.random() < 0.1:
            # A milestone on the way, some with an incentive for the supervisor to decide.
            asked = rng.random() < 0.4
            achievements.append(
                Achievement(
                    participant_id=pk, kind=Achievement.Kind.MILESTONE,
                    goal=goal, words="Came to every meeting this month",
                    on=min(today, created + timedelta(days=30)),
                    incentive_amount=Decimal("25.00") if asked else None,
                    incentive=Achievement.Incentive.PENDING if asked else Achievement.Incentive.NONE,
                    by_id=goal.created_by_id,
                )
            )  # fmt: skip
        if goal.status == Goal.Status.ACTIVE and rng.random() < 0.4:
            reviews.append(
                Review(
                    goal=goal,
                    how_it_went="Two steps done; the third needs a new time.",
                    decision=rng.choice([Review.Decision.KEEP_GOING, Review.Decision.REVISE_PLAN]),
                    went_well="Asked for help early",
                    by_id=goal.created_by_id,
                )
            )
        if goal.status == Goal.Status.ACHIEVED:
            done = len(step_texts)
        elif goal.is_open:
            # Most steps whose week has passed are done; now and then the latest is not.
            passed = sum(
                1 for n in range(len(step_texts)) if created + timedelta(days=7 * (n + 1)) < today
            )
            done = max(0, passed - (1 if rng.random() < 0.35 else 0))
        else:
            done = rng.randint(0, len(step_texts) - 1)
        for position, what in enumerate(step_texts):
            due = created + timedelta(days=7 * (position + 1))
            status = (
                Step.Status.DONE
                if position < done
                else (
                    Step.Status.NOT_DONE
                    if position == done and due < today and rng.random() < 0.3
                    else Step.Status.PLANNED
                )
            )
            steps.append(
                Step(
                    goal=goal,
                    position=position,
                    what=what,
                    due_on=due,
                    status=status,
                    wants_reminder=rng.random() < 0.5,
                    status_on=min(due, today) if status != Step.Status.PLANNED else None,
                    outcome_note="Needed another week; planning a new day."
                    if status == Step.Status.NOT_DONE
                    else "",
                )
            )
        for kind, pothole, detour in potholes:
            if rng.random() < 0.8:
                obstacles.append(Obstacle(goal=goal, kind=kind, pothole=pothole, detour=detour))
    Step.objects.bulk_create(steps, batch_size=CHUNK)
    Obstacle.objects.bulk_create(obstacles, batch_size=CHUNK)
    Review.objects.bulk_create(reviews, batch_size=CHUNK)
    GoalStatusChange.objects.bulk_create(changes, batch_size=CHUNK)
    CoachingSession.objects.bulk_create(sessions, batch_size=CHUNK)
    Achievement.objects.bulk_create(achievements, batch_size=CHUNK)
    Participant.objects.filter(pk__in=[row[0] for row in participants]).update(
        last_contact_at=Subquery(
            CoachingSession.objects.filter(participant=OuterRef("pk")).order_by("-held_at").values("held_at")[:1]
        )
    )  # fmt: skip


def _status(rng: random.Random) -> str:
    return rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]


def _how_it_went(status: str) -> str:
    words: dict[str, str] = {
        Goal.Status.ACHIEVED: "Did every step. Proud of it!",
        Goal.Status.REVISED: "The class was full; we changed the goal to the next start date.",
        Goal.Status.REPLACED: "Something more important came up; we set a new goal.",
        Goal.Status.SET_ASIDE: "Family needs come first this month; coming back to it later.",
    }
    return words[status]


def _sessions(
    pk: int, coach_id: int | None, start: date, today: date, rng: random.Random
) -> list[CoachingSession]:
    sessions = []
    day = max(start, today - timedelta(days=120))
    while True:
        day += timedelta(days=rng.randint(7, 30))
        if day >= today:
            break
        held = timezone.make_aware(
            datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 30])))
        )
        sessions.append(CoachingSession(
            participant_id=pk, coach_id=coach_id, held_at=held,
            mode=rng.choices(list(CoachingSession.Mode), weights=[50, 30, 10, 10])[0],
            minutes=rng.choice([15, 20, 30, 45, 60]), topic=rng.choice(SESSION_TOPICS),
            stages=sorted(rng.sample(list(CoachingSession.Stage), rng.randint(1, 3))),
            notes=rng.choice(SESSION_NOTES),
        ))  # fmt: skip
    if sessions:
        last = sessions[-1]
        last.next_appointment = last.held_at + timedelta(days=rng.randint(7, 28))
    return sessions


@demo_promise("participant has open goals with next steps still to do")
def _next_steps() -> bool:
    return Step.objects.filter(
        goal__participant__user__username="participant",
        goal__status__in=Goal.OPEN_STATUSES,
        status=Step.Status.PLANNED,
        due_on__gte=timezone.localdate(),
    ).exists()


@demo_promise("participant has a roadmap: a long-term goal with goals on the way to it")
def _roadmap() -> bool:
    return Goal.objects.filter(
        participant__user__username="participant",
        term=Goal.Term.LONG,
        status__in=Goal.OPEN_STATUSES,
        progress_goals__isnull=False,
    ).exists()
