"""Every route, for every kind of person: who gets the page, who gets 403, who gets 404.

A new route without a row in RULES fails this test: each route must say
who may reach it before it ships.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import answer_all
from stride.benefits import engine
from stride.benefits.models import Scenario
from stride.careers import actions as careers
from stride.careers import catalogue as career_ladders
from stride.careers.models import LocalPartner
from stride.casefile import copies as records_copies
from stride.casefile.models import RecordsCopy
from stride.coaching import actions as coaching
from stride.coaching import printouts
from stride.coaching.models import Goal, MeetingSummary
from stride.core import spreadsheets
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.county import actions as county_planning
from stride.county import reviews as county_reviews
from stride.county.models import (
    CountyGoal,
    Initiative,
    InitiativeActivity,
    PracticeReview,
    SelfAssessmentRound,
)
from stride.county.self_assessment import versions as self_assessment_versions
from stride.guides import actions as guides
from stride.guides.models import Guide
from stride.participation import actions as participation
from stride.participation.models import Activity, AidMonth, WorkActivity
from stride.people import exiters, matching
from stride.people.models import CaseloadExtract, ExitersFile, MatchReview
from stride.portal import invitations
from stride.reminders import actions as reminders
from stride.reminders import calendar
from stride.reminders.models import Consent, Message
from stride.resources import actions as resources
from stride.resources import hsds
from stride.resources.models import DirectoryImport, Provider, Referral, Service
from stride.retention import actions as retention
from stride.retention import sweep as retention_sweep
from stride.retention.models import Hold, Run

pytestmark = pytest.mark.django_db

EVERYONE = {
    "coach", "coach_same_team", "coach_same_county", "supervisor", "county_admin",
    "other_county_coach", "other_county_supervisor", "other_county_admin", "state_admin",
    "sysadmin", "participant_user",
}  # fmt: skip
CASELOAD_READERS = EVERYONE - {"sysadmin", "participant_user"}
CASE_EDITORS = CASELOAD_READERS - {"state_admin"}
AUDIT_READERS = {
    "supervisor",
    "county_admin",
    "state_admin",
    "other_county_supervisor",
    "other_county_admin",
}
REASSIGNERS = {"supervisor", "county_admin", "other_county_supervisor", "other_county_admin"}
# Who can see the case that belongs to `coach` in the first county.
IN_SCOPE = {"coach", "supervisor", "county_admin", "state_admin"}


def scoped(allowed_roles: set[str], in_scope: set[str] = IN_SCOPE, ok: int = 200) -> dict[str, int]:
    """Allowed roles get `ok` on an in-scope record and 404 otherwise; the rest get 403."""
    return {
        name: (ok if name in in_scope else 404) if name in allowed_roles else 403
        for name in EVERYONE
    } | {"anonymous": 302}


def same(status: int, anonymous: int = 302, **exceptions: int) -> dict[str, int]:
    return {name: exceptions.get(name, status) for name in EVERYONE} | {"anonymous": anonymous}


def api(statuses: dict[str, int]) -> dict[str, int]:
    return statuses | {"anonymous": 401}  # with WWW-Authenticate: Token


def _goal(world):
    return Goal.objects.filter(participant=world.case).first() or coaching.set_goal(
        Actor(world.coach),
        world.case,
        coaching.GoalDetails("Finish my GED this spring", "learning"),
    )


def _achievement(world):
    return world.case.achievements.first() or coaching.recognise(
        Actor(world.coach), world.case, "First week of class", incentive_amount=Decimal("25")
    )


def _step(world):
    goal = _goal(world)
    return goal.steps.first() or coaching.add_step(
        Actor(world.coach), goal, coaching.StepDetails("Call the adult school")
    )


def _session(world):
    return world.case.coaching_sessions.first() or coaching.record_session(
        Actor(world.coach),
        world.case,
        coaching.SessionDetails(timezone.now() - timedelta(hours=1), "phone", 30),
    )


def _meeting_summary(world):
    session = _session(world)
    return MeetingSummary.objects.filter(session=session).first() or coaching.send_summary(
        Actor(world.coach), session, {"day": timezone.localdate().isoformat()}
    )


def _assessment(world, slug: str, *, finished: bool = True) -> Response:
    existing = Response.objects.filter(
        participant=world.case, instrument=slug, completed_at__isnull=not finished
    ).first()
    if existing:
        return existing
    instrument = catalogue().latest(slug)
    response = assessments.start(Actor(world.coach), world.case, instrument, "with_coach")
    if finished:
        answers = answer_all(instrument, lambda item, values: values[-1])
        response = assessments.save_answers(Actor(world.coach), response, answers, response.version)
        response = assessments.finish(Actor(world.coach), response, response.version)
    return response


def _triage_left_for_later(world) -> Response:
    """An unfinished triage holding a private "no" (issue 16's probe)."""
    existing = Response.objects.filter(
        participant=world.case, instrument="triage", completed_at__isnull=True
    ).first()
    if existing:
        return existing
    triage = catalogue().latest("triage")
    response = assessments.start(Actor(world.coach), world.case, triage, "with_coach")
    return assessments.save_answers(
        Actor(world.coach), response, {"safe_at_home": "no"}, response.version
    )


def _service(world) -> Service:
    existing = Service.objects.filter(county=world.county).first()
    if existing:
        return existing
    provider = Provider.objects.create(
        county=world.county, hsds_id="org-1", name="Fresno Adult School"
    )
    details = resources.ServiceDetails("GED classes", "adult_education", fits=("no_diploma",))
    return resources.add_service(Actor(world.county_admin), provider, details)


def _referral(world) -> Referral:
    return Referral.objects.filter(participant=world.case).first() or resources.refer(
        Actor(world.coach), world.case, _service(world)
    )


def _partner_link(world) -> dict[str, str]:
    # A link works until the service sends its update, so every GET is answered.
    return {"token": resources.make_partner_link(Actor(world.coach), _referral(world))}


def _directory_import(world) -> DirectoryImport:
    _service(world)
    return DirectoryImport.objects.create(
        county=world.county,
        uploaded_by=world.county_admin,
        filename="map.zip",
        data=hsds.export_zip(world.county),
    )


# A row close to the world's case (same birth date and SSN ending, another first name).
EXTRACT = (
    b"CASE_NO,FNAME,LNAME,DOB,SSN,AID_BEGIN,WORKER\n"
    b"NEW0002,Mariana,Lopez,04/02/1990,456-78-6789,2026-01-01,coach\n"
)


def _records_copy(world, who: str) -> RecordsCopy:
    """A ready printed copy of the case's record, made for `who` (the coach, or the
    participant for themselves), as the task makes it."""
    user = world.people()[who]
    found = RecordsCopy.objects.filter(requested_by=user).first()
    if found:
        return found
    copy = records_copies.request_copy(Actor(user), world.case, "en")
    records_copies.make(copy)
    return RecordsCopy.objects.get(pk=copy.pk)


def _caseload_extract(world) -> CaseloadExtract:
    found = CaseloadExtract.objects.filter(source__name="CalSAWS").last()
    if found:
        return found
    actor = Actor(world.county_admin)
    extract = matching.receive(
        actor, world.county, None, "CalSAWS", world.program, "x.csv", "utf-8", EXTRACT
    )
    header = matching.table_of(extract).header
    mapping = matching.suggested_mapping(header) | {
        "case_number": "CASE_NO", "aid_start": "AID_BEGIN", "coach": "WORKER"
    }  # fmt: skip
    matching.save_mapping(extract.source, header, mapping, actor)
    return extract


def _hold(world) -> Hold:
    """A legal hold standing on the case."""
    return Hold.objects.filter(participant=world.case).first() or retention.place_hold(
        Actor(world.supervisor), world.case, "A fair hearing is asked for"
    )


def _retention_run(world) -> Run:
    """A dry run of the first county's retention policy, done (the task's work, run here)."""
    made = Run.objects.filter(county=world.county).first()
    if made is None:
        actor = Actor(world.county_admin)
        made = retention_sweep.start(actor, world.county, True)
        retention_sweep.execute(made, actor)
    return made


def _exiters_file(world) -> ExitersFile:
    """A county's federal exiters file, made (the task's work, run here)."""
    actor = Actor(world.county_admin)
    quarter = exiters.ended_quarters(timezone.localdate())[0]
    made = exiters.request_file(actor, world.county, quarter)
    exiters.make(made, actor)
    return made


def _match_review(world) -> MatchReview:
    found = MatchReview.objects.filter(participant=world.case).first()
    if found:
        return found
    source = _caseload_extract(world).source
    held = matching.receive(
        Actor(world.county_admin), world.county, source, "", None, "y.csv", "utf-8", EXTRACT
    )
    matching.apply(Actor(world.county_admin), held, world.county_admin, good_only=False)
    return MatchReview.objects.get(participant=world.case)


def _activity(world) -> Activity:
    return Activity.objects.get_or_create(
        county=world.county, name="Job club", federal_activity=WorkActivity.JOB_SEARCH
    )[0]


def _hours(world):
    return world.case.hours_entries.first() or participation.add_hours(
        Actor(world.coach),
        world.case,
        participation.Hours(_activity(world), timezone.localdate(), Decimal("3")),
    )


def _plan(world):
    return world.case.activity_plans.first() or participation.add_plan(
        Actor(world.coach),
        world.case,
        participation.Plan(_activity(world), timezone.localdate(), Decimal("15"), (0, 1, 2)),
    )


def _aid_month(world) -> AidMonth:
    return AidMonth.objects.get_or_create(
        participant=world.case, month=timezone.localdate().replace(day=1)
    )[0]


def _self_assessment_round(world) -> SelfAssessmentRound:
    """An open round of the first county, rated by its administrator (who may settle it)."""
    existing = SelfAssessmentRound.objects.filter(county=world.county).first()
    if existing:
        return existing
    made = county_planning.start_round(Actor(world.county_admin), world.county, "Spring")
    parts = self_assessment_versions().get(made.form_version).components
    county_planning.send_rating(Actor(world.county_admin), made, dict.fromkeys(parts, "partway"))
    return made


def _practice_review(world, kind: str) -> PracticeReview:
    """The first county's coach's review, by their supervisor; a skills review has one skill
    to grow (open questions), from which a professional goal can start."""
    existing = PracticeReview.objects.filter(worker=world.coach, kind=kind).first()
    if existing:
        return existing
    rubric = county_reviews.latest_rubric(kind)
    ratings = dict.fromkeys(rubric.items, rubric.scale[0].value)
    if kind == PracticeReview.Kind.SKILLS:
        ratings["open_questions"] = "growing"
    return county_planning.write_review(
        Actor(world.supervisor),
        kind,
        county_planning.ObservationDetails(
            "Rosa Vega", "supervisor", timezone.localdate(), ratings, {}
        ),
        worker=world.coach,
    )


def _county_goal(world) -> CountyGoal:
    existing = CountyGoal.objects.filter(county=world.county).first()
    if existing:
        return existing
    return county_planning.set_county_goal(
        Actor(world.county_admin),
        world.county,
        county_planning.GoalDetails(
            "engagement",
            Decimal("40"),
            "improve",
            Decimal("10"),
            timezone.localdate() + timedelta(days=200),
            "quarter",
        ),
    )


def _guide(world) -> Guide:
    """A published guide of the first county (its coaches read it; its administrator keeps it)."""
    existing = Guide.objects.filter(county=world.county).first()
    if existing:
        return existing
    return guides.add_guide(
        Actor(world.county_admin),
        world.county,
        guides.GuideDetails("A review in four questions", "What went well?", stages=["review"]),
        published=True,
    )


def _initiative(world) -> Initiative:
    existing = Initiative.objects.filter(county=world.county).first()
    if existing:
        return existing
    return county_planning.add_initiative(
        Actor(world.county_admin), world.county, "Coaching in every office", ""
    )


def _initiative_activity(world) -> InitiativeActivity:
    existing = InitiativeActivity.objects.filter(initiative__county=world.county).first()
    if existing:
        return existing
    return county_planning.add_initiative_activity(
        Actor(world.county_admin), _initiative(world), "Job club", "Four a month", ["engagement"]
    )


def _welcome_link(world) -> dict[str, str]:
    # Valid when made; signing the participant in (as the walk does) uses it up, and a used
    # link answers 200 with what to do next, so every person gets 200 either way.
    return resolve(invitations.invite(Actor(world.coach), world.case)).kwargs


def _ladder(world) -> dict[str, str]:
    industry, ladder = career_ladders.load().pairs()[0]
    return {"industry": industry.key, "ladder": ladder.key}


def _local_partner(world) -> LocalPartner:
    existing = LocalPartner.objects.filter(county=world.county).first()
    if existing:
        return existing
    keys = _ladder(world)
    details = careers.PartnerDetails(keys["industry"], keys["ladder"], "entry", "training", "Class")
    return careers.add_partner(Actor(world.county_admin), world.county, details)


def _scenario(world) -> Scenario:
    # A saved picture as the calculator stores it (pay alone, no benefits); the walk never
    # computes a curve.
    pays = engine.pay_axis(80000, 3)
    columns = {name: pays if name == "earnings" else [0.0] * len(pays) for name in engine.COLUMNS}
    return Scenario.objects.filter(participant=world.case).first() or Scenario.objects.create(
        participant=world.case,
        title="Two offers",
        request={"household": {}, "top": 80000.0, "points": []},
        data={"curve": {"earnings": pays, "columns": columns}, "points": [], "limits": []},
        engine_version="2.68.0",
        computed_at=timezone.now(),
        created_by=world.coach,
    )


def _appointment(world):
    return world.case.coaching_sessions.filter(
        next_appointment__isnull=False
    ).first() or coaching.record_session(
        Actor(world.coach),
        world.case,
        coaching.SessionDetails(
            timezone.now() - timedelta(hours=1),
            "phone",
            30,
            next_appointment=timezone.now() + timedelta(days=7),
        ),
    )


def _consent(world) -> Consent:
    return reminders.give_consent(
        Actor(world.coach), world.case, "sms", "559-555-0101", Consent.How.IN_PERSON
    )


def _reminder(world) -> Message:
    """A step's reminder, queued on the text consent the case gave."""
    found = Message.objects.filter(participant=world.case, about=Message.About.STEP).first()
    if found:
        return found
    if not Consent.objects.filter(participant=world.case, revoked_at__isnull=True).exists():
        _consent(world)
    step = coaching.add_step(
        Actor(world.coach),
        _goal(world),
        coaching.StepDetails(
            "Call the job center",
            due_on=timezone.localdate() + timedelta(days=7),
            wants_reminder=True,
        ),
    )
    return Message.objects.get(about=Message.About.STEP, about_id=step.uuid)


def _audit_event(world) -> str:
    return str(AuditEvent.objects.filter(participant=world.case.uuid).first().uuid)


# route name -> (kwargs from the world, expected status for each person)
def _webhook(world):
    """A subscription of the first county, with one delivery in its log."""
    from stride.people import actions as people
    from stride.webhooks import actions as webhooks
    from stride.webhooks.models import Subscription

    made = Subscription.objects.filter(county=world.county).first()
    if made is None:
        made = webhooks.create_subscription(
            Actor(world.county_admin),
            webhooks.SubscriptionDetails(
                "Eligibility system", "https://example.org/hooks", ["participant.assigned"],
                world.county,
            ),
        )  # fmt: skip
        people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
    return made


def _webhook_delivery(world):
    return _webhook(world).deliveries.first()


def _integration(world):
    """An integration account of the first county, made by its administrator."""
    from stride.api import integrations

    return integrations.accounts_for(world.county_admin).first() or integrations.create_account(
        Actor(world.county_admin), name="Eligibility feed", county=world.county, contact_email=""
    )


RULES = {
    "home": (None, same(302)),
    "core:login": (None, same(302, anonymous=200)),
    "core:logout": (None, same(405, anonymous=405)),
    "core:two_factor": (None, same(200)),
    "api_tokens:list": (None, same(200, participant_user=403)),
    "api_tokens:revoke": (None, same(405)),  # POST only
    "core:accounts": (None, same(403, sysadmin=200)),
    "core:account_new": (None, same(403, sysadmin=200)),
    "core:account_update": (lambda w: {"uuid": w.coach.uuid}, same(405)),  # POST only
    "core:accounts_waiting": (
        None,
        same(403, county_admin=200, other_county_admin=200, state_admin=200),
    ),  # fmt: skip
    "core:account_confirm": (lambda w: {"uuid": w.coach.uuid}, same(405)),  # POST only
    "core:password_forgot": (None, same(200, anonymous=200)),
    # A wrong link answers "does not work anymore" to everyone.
    "core:password_set": (lambda w: {"uidb64": "AAAA", "token": "x-y"}, same(200, anonymous=200)),
    "core:healthz": (None, same(200, anonymous=200)),
    "set_language": (None, same(302, anonymous=302)),
    "people:caseload": (None, scoped(CASELOAD_READERS, EVERYONE)),
    "people:caseload_export": (None, scoped(CASELOAD_READERS, EVERYONE)),
    "people:household_new": (None, scoped(CASE_EDITORS, EVERYONE)),
    "staff:participant": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "people:participant_audit": (lambda w: {"uuid": w.case.uuid}, scoped(AUDIT_READERS)),
    # A records request: the coach, supervisors and county administrators of the case; the
    # PDF is made by a task for the one who asked, whose copy it stays.
    "staff:records": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "staff:records_json": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "staff:records_pdf": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS, EVERYONE, 405)),
    "staff:records_copy_pdf": (
        lambda w: {"uuid": _records_copy(w, "coach").uuid},
        scoped(CASE_EDITORS, {"coach"}),
    ),
    # A county's caseload extracts are its administrator's; supervisors settle the rows that
    # may be someone in their teams' caseloads.
    "people:caseload_import": (None, same(403, county_admin=200, other_county_admin=200)),
    "people:import_columns": (
        lambda w: {"uuid": _caseload_extract(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "people:import_result": (
        lambda w: {"uuid": _caseload_extract(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "people:import_problems": (
        lambda w: {"uuid": _caseload_extract(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    # A county's federal exiters file (SSNs) is its administrator's alone.
    "people:exiters": (None, same(403, county_admin=200, other_county_admin=200)),
    "people:exiters_file": (
        lambda w: {"uuid": _exiters_file(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "people:exiters_download": (
        lambda w: {"uuid": _exiters_file(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    # A county's retention policy and its runs are its administrator's; legal holds are
    # placed and lifted by supervisors and administrators on the participants they read.
    "retention:policy": (None, same(403, county_admin=200, other_county_admin=200)),
    "retention:policy_edit": (
        lambda w: {"record_type": "notes"},
        same(403, county_admin=200, other_county_admin=200),
    ),
    "retention:holds": (None, same(403, **dict.fromkeys(REASSIGNERS, 200))),
    "retention:hold_new": (lambda w: {"uuid": w.case.uuid}, scoped(REASSIGNERS)),
    "retention:hold_lift": (lambda w: {"uuid": _hold(w).uuid}, scoped(REASSIGNERS)),
    "retention:runs": (None, same(403, county_admin=200, other_county_admin=200)),
    "retention:run": (
        lambda w: {"uuid": _retention_run(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "retention:run_csv": (
        lambda w: {"uuid": _retention_run(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "retention:apply": (None, same(403, county_admin=200, other_county_admin=200)),
    "people:match_reviews": (None, same(403, **dict.fromkeys(REASSIGNERS, 200))),
    "people:match_review": (
        lambda w: {"uuid": _match_review(w).uuid},
        same(403, **dict.fromkeys(REASSIGNERS, 404) | {"supervisor": 200, "county_admin": 200}),
    ),
    "people:reassign": (lambda w: {"uuid": w.case.uuid}, scoped(REASSIGNERS)),
    "people:enrollment_edit": (
        lambda w: {"uuid": w.case.current_enrollment.uuid},
        scoped(CASE_EDITORS),
    ),
    "people:enrollment_exit": (
        lambda w: {"uuid": w.case.current_enrollment.uuid},
        scoped(CASE_EDITORS),
    ),
    "people:household_edit": (lambda w: {"uuid": w.case.household.uuid}, scoped(CASE_EDITORS)),
    "people:member_new": (lambda w: {"uuid": w.case.household.uuid}, scoped(CASE_EDITORS)),
    "people:member_edit": (lambda w: {"uuid": w.case.member.uuid}, scoped(CASE_EDITORS)),
    "people:member_remove": (lambda w: {"uuid": w.case.member.uuid}, scoped(CASE_EDITORS)),
    "staff:today": (None, scoped(CASE_EDITORS, EVERYONE)),
    "staff:today_list": (lambda w: {"kind": "steps"}, scoped(CASE_EDITORS, EVERYONE)),
    # A supervisor's team; a coach of another team is a 404 to its supervisor.
    "staff:team": (None, same(403, supervisor=200, other_county_supervisor=200)),
    "staff:team_list": (
        lambda w: {"coach": w.coach.uuid, "kind": "caseload"},
        same(403, supervisor=200, other_county_supervisor=404),
    ),
    "staff:measures": (None, same(403, **dict.fromkeys(AUDIT_READERS, 200))),
    "staff:measure": (
        lambda w: {"key": "engagement"},
        same(403, **dict.fromkeys(AUDIT_READERS, 200)),
    ),
    "coaching:participant_goals": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "coaching:goal_new": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "coaching:goal_storming": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "coaching:session_new": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "coaching:sessions": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    # The notes are the holding coach's (and a supervisor's): the county administrator
    # sees the case but is refused the notes' form.
    "coaching:session_notes": (
        lambda w: {"uuid": _session(w).uuid},
        scoped(CASE_EDITORS) | {"county_admin": 403},
    ),
    # Calling off the next appointment: whoever may edit the case.
    "coaching:appointment_cancel": (
        lambda w: {"uuid": _appointment(w).uuid},
        scoped(CASE_EDITORS),
    ),
    "coaching:achievement_new": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "coaching:incentives": (None, scoped(REASSIGNERS, EVERYONE)),
    "coaching:certificate": (lambda w: {"uuid": _achievement(w).uuid}, scoped(CASELOAD_READERS)),
    "coaching:professional_goals": (None, scoped(CASE_EDITORS, EVERYONE)),
    "coaching:professional_goal_new": (None, scoped(CASE_EDITORS, EVERYONE)),
    "coaching:incentive_decide": (lambda w: {"uuid": _achievement(w).uuid}, same(405)),
    "coaching:goal": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASELOAD_READERS)),
    "coaching:goal_edit": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:step_new": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:obstacles_new": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:review_new": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:step_edit": (lambda w: {"uuid": _step(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:step_mark": (lambda w: {"uuid": _step(w).uuid}, same(405)),  # POST only
    "coaching:step_move": (lambda w: {"uuid": _step(w).uuid}, same(405)),  # POST only
    # A county's guides for coaches: its coaches, supervisors and administrator read them,
    # nobody reads another county's (404), and the state and system administrators, who work
    # in no county, and participants get 403. Only the county's administrator keeps them.
    "guides:list": (None, same(200, state_admin=403, sysadmin=403, participant_user=403)),
    "guides:guide": (
        lambda w: {"uuid": _guide(w).uuid},
        same(
            200,
            other_county_coach=404,
            other_county_supervisor=404,
            other_county_admin=404,
            state_admin=403,
            sysadmin=403,
            participant_user=403,
        ),
    ),
    "guides:new": (None, same(403, county_admin=200, other_county_admin=200)),
    "guides:edit": (
        lambda w: {"uuid": _guide(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "guides:history": (
        lambda w: {"uuid": _guide(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "guides:restore": (lambda w: {"uuid": _guide(w).uuid}, same(405)),  # POST only
    "guides:publish": (lambda w: {"uuid": _guide(w).uuid}, same(405)),  # POST only
    "county:settings": (None, same(403, county_admin=200, other_county_admin=200)),
    # A county's self-assessment: its supervisors and administrators take part, the state
    # administrator reads every county's; a coach (and anyone else) gets 404.
    "county:self_assessments": (
        None,
        same(404, **dict.fromkeys(AUDIT_READERS, 200)),
    ),
    "county:self_assessment_new": (
        None,
        same(
            404,
            **dict.fromkeys(AUDIT_READERS, 403)
            | dict.fromkeys(["county_admin", "other_county_admin"], 200),
        ),
    ),
    "county:self_assessment": (
        lambda w: {"uuid": _self_assessment_round(w).uuid},
        same(404, supervisor=200, county_admin=200, state_admin=200),
    ),
    # The county administrator has sent theirs (the fixture), so is sent on to the round.
    "county:self_assessment_rate": (
        lambda w: {"uuid": _self_assessment_round(w).uuid},
        same(404, supervisor=200, county_admin=302, state_admin=403),
    ),
    "county:self_assessment_settle": (
        lambda w: {"uuid": _self_assessment_round(w).uuid},
        same(404, supervisor=403, county_admin=200, state_admin=403),
    ),
    # Reviews of practice: a coach reads their own (every coach has the list of theirs); a
    # supervisor reviews the coaches of their team, a county administrator every coach and
    # program of the county; anyone else gets 404, and a coach may not correct a review.
    "county:reviews": (
        None,
        same(200, state_admin=404, sysadmin=404, participant_user=404),
    ),
    "county:worker_reviews": (
        lambda w: {"uuid": w.coach.uuid},
        same(404, coach=200, supervisor=200, county_admin=200),
    ),
    "county:worker_review_new": (
        lambda w: {"uuid": w.coach.uuid, "kind": "fidelity"},
        same(404, supervisor=200, county_admin=200),
    ),
    "county:program_reviews": (lambda w: {"uuid": w.county.uuid}, same(404, county_admin=200)),
    "county:program_review_new": (lambda w: {"uuid": w.county.uuid}, same(404, county_admin=200)),
    "county:review": (
        lambda w: {"uuid": _practice_review(w, "fidelity").uuid},
        same(404, coach=200, supervisor=200, county_admin=200),
    ),
    "county:review_edit": (
        lambda w: {"uuid": _practice_review(w, "fidelity").uuid},
        same(404, coach=403, supervisor=200, county_admin=200),
    ),
    "county:review_goal": (
        lambda w: {"uuid": _practice_review(w, "skills_matrix").uuid, "item": "open_questions"},
        same(404, coach=403, supervisor=200, county_admin=200),
    ),
    # County goals: read as the self-assessment is; the county administrator writes them.
    "county:goals": (None, same(404, **dict.fromkeys(AUDIT_READERS, 200))),
    "county:success": (
        None,
        same(
            404,
            **dict.fromkeys(AUDIT_READERS, 403)
            | dict.fromkeys(["county_admin", "other_county_admin"], 200),
        ),
    ),
    "county:goal_new": (
        None,
        same(
            404,
            **dict.fromkeys(AUDIT_READERS, 403)
            | dict.fromkeys(["county_admin", "other_county_admin"], 200),
        ),
    ),
    "county:activity_goal_new": (
        None,
        same(
            404,
            **dict.fromkeys(AUDIT_READERS, 403)
            | dict.fromkeys(["county_admin", "other_county_admin"], 200),
        ),
    ),
    "county:goal": (
        lambda w: {"uuid": _county_goal(w).uuid},
        same(404, supervisor=200, county_admin=200, state_admin=200),
    ),
    "county:client_measures": (
        None,
        same(
            404,
            **dict.fromkeys(AUDIT_READERS, 403)
            | dict.fromkeys(["county_admin", "other_county_admin"], 200),
        ),
    ),
    # The logic model: read as the goals are; the county administrator writes it.
    "county:logic_model": (None, same(404, **dict.fromkeys(AUDIT_READERS, 200))),
    "county:initiative": (
        lambda w: {"uuid": _initiative(w).uuid},
        same(404, supervisor=200, county_admin=200, state_admin=200),
    ),
    "county:initiative_activity_remove": (
        lambda w: {"uuid": _initiative_activity(w).uuid},
        same(405),  # POST only
    ),
    "county:initiative_remove": (lambda w: {"uuid": _initiative(w).uuid}, same(405)),  # POST only
    "reminders:consent": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "reminders:consent_withdraw": (lambda w: {"uuid": _consent(w).uuid}, same(405)),  # POST only
    "reminders:times": (lambda w: {"uuid": w.case.uuid}, same(405)),  # POST only
    "portal:reminders": (None, same(404, participant_user=200)),
    "portal:reminder_consent": (None, same(405)),  # POST only
    "portal:reminder_stop": (lambda w: {"uuid": _consent(w).uuid}, same(405)),  # POST only
    "reminders:county_settings": (None, same(403, county_admin=200, other_county_admin=200)),
    # The provider's webhooks: POST only, signed, and no sign-in.
    "reminders:sms_inbound": (None, same(405, anonymous=405)),
    "reminders:sms_status": (None, same(405, anonymous=405)),
    # No email provider is chosen in tests: its delivery-report address does not exist.
    "reminders:email_status": (None, same(404, anonymous=404)),
    # The demo outbox is there only with DEBUG on (the suite runs with it off).
    "reminders:outbox": (None, scoped(CASELOAD_READERS, in_scope=set())),
    "reminders:outbox_reply": (None, same(405)),  # POST only
    "reminders:calendar": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "reminders:appointment_ics": (
        lambda w: {"uuid": _appointment(w).uuid},
        scoped(CASELOAD_READERS),
    ),
    "reminders:my_calendar": (None, same(404, participant_user=200)),
    "reminders:my_appointment_ics": (
        lambda w: {"uuid": _appointment(w).uuid},
        same(404, participant_user=200),
    ),
    # The private feed is read by a phone's calendar: its secret, not a sign-in, opens it.
    "reminders:feed": (
        lambda w: {"secret": calendar.make_feed_address(Actor(w.coach), w.case)},
        same(200, anonymous=200),
    ),
    "reminders:my_postcards": (None, same(405)),  # POST only
    "reminders:participant_postcards": (
        lambda w: {"uuid": w.case.uuid},
        same(403, **dict.fromkeys(CASE_EDITORS, 405)),  # POST only, for those who edit cases
    ),
    "reminders:postcards": (None, same(403, **dict.fromkeys(CASE_EDITORS, 200))),
    "reminders:postcards_print": (None, same(403, **dict.fromkeys(CASE_EDITORS, 405))),
    "coaching:print_worksheet": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASELOAD_READERS)),
    "coaching:print_potholes": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASELOAD_READERS)),
    "coaching:print_card": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASELOAD_READERS)),
    "coaching:print_roadmap": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "coaching:print_postcard": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    # Blank forms hold no case data: everyone who sees caseloads may print them.
    "coaching:print_blank": (lambda w: {"kind": "card"}, scoped(CASELOAD_READERS, EVERYONE)),
    # The meeting on one page; its other inline forms post only (coaching/tests/test_meeting.py
    # posts to each one as each kind of person).
    "coaching:meeting": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "coaching:meeting_summary": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "coaching:meeting_session": (lambda w: {"uuid": w.case.uuid}, same(405, anonymous=405)),
    "coaching:meeting_step_mark": (lambda w: {"uuid": _step(w).uuid}, same(405, anonymous=405)),
    "coaching:meeting_step_date": (lambda w: {"uuid": _step(w).uuid}, same(405, anonymous=405)),
    "coaching:meeting_step_new": (lambda w: {"uuid": _goal(w).uuid}, same(405, anonymous=405)),
    # The folded pothole and review forms are drawn when opened, for those who keep the case.
    "coaching:meeting_obstacle_new": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:meeting_review": (lambda w: {"uuid": _goal(w).uuid}, scoped(CASE_EDITORS)),
    "coaching:meeting_summary_send": (lambda w: {"uuid": w.case.uuid}, same(405, anonymous=405)),
    "portal:home": (None, same(404, participant_user=200)),
    # The participant's own pages: staff get 404 like any record outside their scope.
    "portal:goal": (lambda w: {"uuid": _goal(w).uuid}, same(404, participant_user=200)),
    "portal:step_mark": (lambda w: {"uuid": _step(w).uuid}, same(405)),  # POST only
    "portal:idea_new": (None, same(404, participant_user=200)),
    # The summaries of their meetings (portal/tests/test_meeting_summaries.py posts "read").
    "portal:meetings": (None, same(404, participant_user=200)),
    "portal:meeting_read": (lambda w: {"uuid": _meeting_summary(w).uuid}, same(405)),
    "portal:welcome": (_welcome_link, same(200, anonymous=200)),  # the link is the key
    "portal:invite": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "portal:forgot": (None, same(200, anonymous=200)),  # anyone may ask for a link
    "assessments:participant": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "assessments:result": (
        lambda w: {"uuid": _assessment(w, "bridge").uuid},
        scoped(CASELOAD_READERS | {"participant_user"}, IN_SCOPE | {"participant_user"}),
    ),
    # Only staff fill in a response begun with a coach; the participant's own are sent to them.
    # One with private questions (this triage holds a private "no") is continued only by the
    # participant's coach and supervisors: a county administrator gets 403 as on the private
    # page. One without (the bridge) any case editor in scope continues: test_private_answers.
    "assessments:fill": (
        lambda w: {"uuid": _triage_left_for_later(w).uuid},
        same(
            404, coach=200, supervisor=200, county_admin=403, state_admin=403, participant_user=403
        ),
    ),
    # Private answers: the participant's own coach and supervisors, nobody else in scope.
    "assessments:private": (
        lambda w: {"uuid": _assessment(w, "triage").uuid},
        same(
            404, coach=200, supervisor=200, county_admin=403, state_admin=403, participant_user=403
        ),
    ),  # fmt: skip
    "assessments:discard": (
        lambda w: {"uuid": _assessment(w, "bridge", finished=False).uuid},
        same(405),
    ),  # POST only
    "assessments:summary": (None, scoped(AUDIT_READERS, EVERYONE)),
    # Instruments hold no case data: every staff member may read them.
    "assessments:instruments": (None, same(200, participant_user=403)),
    "assessments:instrument": (
        lambda w: {"slug": "bridge", "version": 1},
        same(200, participant_user=403),
    ),
    "portal:assessments": (None, same(404, participant_user=200)),
    # The resource map holds no case data: staff read their own county's, administrators keep it.
    "resources:services": (None, same(200, sysadmin=403, participant_user=403)),
    "resources:export": (None, same(200, sysadmin=403, participant_user=403)),
    "resources:service": (
        lambda w: {"uuid": _service(w).uuid},
        same(404, **dict.fromkeys(IN_SCOPE | {"coach_same_team", "coach_same_county"}, 200)),
    ),
    "resources:service_new": (None, same(403, county_admin=200, other_county_admin=200)),
    # Each county keeps its own map; the state administrator reads every county's.
    "resources:service_edit": (
        lambda w: {"uuid": _service(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "resources:review": (None, same(403, county_admin=200, other_county_admin=200)),
    "resources:to_sort": (None, same(403, county_admin=200, other_county_admin=200)),
    "resources:import": (None, same(403, county_admin=200, other_county_admin=200)),
    "resources:import_result": (
        lambda w: {"uuid": _directory_import(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "resources:import_problems": (
        lambda w: {"uuid": _directory_import(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "resources:gaps": (None, scoped(AUDIT_READERS, EVERYONE)),
    "resources:family": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "resources:family_print": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "resources:refer": (
        lambda w: {"uuid": w.case.uuid, "service_uuid": _service(w).uuid},
        scoped(CASE_EDITORS),
    ),
    "resources:referral": (lambda w: {"uuid": _referral(w).uuid}, scoped(CASELOAD_READERS)),
    "resources:partner_link": (lambda w: {"uuid": _referral(w).uuid}, same(405)),  # POST only
    "resources:partner": (_partner_link, same(200, anonymous=200)),  # the link is the key
    "portal:services": (None, same(404, participant_user=200)),
    "portal:hours": (None, same(404, participant_user=200)),
    "participation:participant": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "participation:time_on_aid": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "participation:aid_month": (lambda w: {"uuid": _aid_month(w).uuid}, scoped(CASE_EDITORS)),
    # POST only: the forms on the participant's page send them.
    "participation:verify": (lambda w: {"uuid": _hours(w).uuid}, same(405)),
    "participation:remove": (lambda w: {"uuid": _hours(w).uuid}, same(405)),
    "participation:end_plan": (lambda w: {"uuid": _plan(w).uuid}, same(405)),
    "participation:rules": (None, same(200, sysadmin=403, participant_user=403)),
    "participation:import": (
        None,
        same(200, sysadmin=403, participant_user=403, state_admin=403),
    ),
    "participation:report": (None, same(403, **dict.fromkeys(AUDIT_READERS, 200))),
    "participation:activities": (None, same(200, sysadmin=403, participant_user=403)),
    "participation:activity_new": (None, same(403, county_admin=200, other_county_admin=200)),
    "participation:activity_edit": (
        lambda w: {"uuid": _activity(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "portal:services_print": (None, same(404, participant_user=200)),
    # The participant's own records request.
    "portal:records": (None, same(404, participant_user=200)),
    "portal:records_json": (None, same(404, participant_user=200)),
    "portal:records_pdf": (None, same(405)),
    "portal:records_copy_pdf": (
        lambda w: {"uuid": _records_copy(w, "participant_user").uuid},
        same(404, participant_user=200),
    ),
    # Career ladders are public facts: staff who see caseloads explore them; participants are
    # sent to their own careers pages.
    "careers:explorer": (None, same(200, sysadmin=403, participant_user=302)),
    "careers:ladder": (_ladder, same(200, sysadmin=403, participant_user=302)),
    "careers:make_goal": (lambda w: {"uuid": w.case.uuid, **_ladder(w)}, same(405)),  # POST only
    # Local partners are kept like the resource map.
    "careers:partners": (None, same(200, sysadmin=403, participant_user=403)),
    "careers:partner_new": (None, same(403, county_admin=200, other_county_admin=200)),
    "careers:partner_edit": (
        lambda w: {"uuid": _local_partner(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "careers:partner_remove": (
        lambda w: {"uuid": _local_partner(w).uuid},
        same(403, county_admin=200, other_county_admin=404),
    ),
    "portal:careers": (None, same(404, participant_user=200)),
    "portal:career_ladder": (_ladder, same(404, participant_user=200)),
    "portal:career_goal": (_ladder, same(405)),  # POST only
    # The benefits calculator: staff who see the case; the participant has their own page and
    # polls their own curve.
    "benefits:calculator": (lambda w: {"uuid": w.case.uuid}, scoped(CASELOAD_READERS)),
    "benefits:curve": (
        lambda w: {"uuid": w.case.uuid},
        scoped(CASELOAD_READERS | {"participant_user"}, IN_SCOPE | {"participant_user"}),
    ),
    "benefits:retry": (lambda w: {"uuid": w.case.uuid}, same(405)),  # POST only
    "benefits:save": (lambda w: {"uuid": w.case.uuid}, same(405)),  # POST only
    "benefits:money": (lambda w: {"uuid": w.case.uuid}, scoped(CASE_EDITORS)),
    "benefits:scenario": (
        lambda w: {"uuid": _scenario(w).uuid},
        same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200)),
    ),
    "benefits:mine": (None, same(404, participant_user=200)),
    "api:api-root": (None, api(same(200))),
    "api:schema": (None, same(200, anonymous=200)),  # describes the API, holds no records
    "api:participant-list": (None, api(same(200))),
    "api:participant-detail": (
        lambda w: {"uuid": w.case.uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:household-list": (None, api(same(200))),
    "api:household-detail": (
        lambda w: {"uuid": w.case.household.uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:audit-event-list": (None, api(scoped(AUDIT_READERS, AUDIT_READERS))),
    "api:audit-event-detail": (
        lambda w: {"uuid": _audit_event(w)},
        api(scoped(AUDIT_READERS)),
    ),
    "api:goal-list": (None, api(same(200))),
    "api:goal-detail": (
        lambda w: {"uuid": _goal(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:step-list": (None, api(same(200))),
    "api:step-detail": (
        lambda w: {"uuid": _step(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:achievement-list": (None, api(same(200))),
    "api:achievement-detail": (
        lambda w: {"uuid": _achievement(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:assessment-list": (None, api(same(200))),
    "api:assessment-detail": (
        lambda w: {"uuid": _assessment(w, "bridge").uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:instrument-list": (None, api(same(200))),
    "api:instrument-detail": (lambda w: {"slug": "triage"}, api(same(200))),
    "api:service-list": (None, api(same(200))),  # empty for those who read no map
    "api:service-detail": (
        lambda w: {"uuid": _service(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"coach_same_team", "coach_same_county"}, 200))),
    ),
    "api:referral-list": (None, api(same(200))),
    "api:referral-detail": (
        lambda w: {"uuid": _referral(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:participation-list": (None, api(same(200))),
    "api:career-list": (None, api(same(200))),  # the partners shown follow the directory
    "api:career-detail": (lambda w: {"industry": _ladder(w)["industry"]}, api(same(200))),
    "api:time-clock-list": (None, api(same(200))),
    "api:time-clock-detail": (
        lambda w: {"uuid": w.case.uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:benefit-scenario-list": (None, api(same(200))),
    "api:benefit-scenario-detail": (
        lambda w: {"uuid": _scenario(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:reminder-list": (None, api(same(200))),
    "api:reminder-detail": (
        lambda w: {"uuid": _reminder(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:message-list": (None, api(same(200))),
    "api:message-detail": (
        lambda w: {"uuid": _reminder(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    # Reviews of practice: whoever may read them on the pages (county.reviews.visible).
    "api:fidelity-review-list": (None, api(same(200))),
    "api:fidelity-review-detail": (
        lambda w: {"uuid": _practice_review(w, "fidelity").uuid},
        api(same(404, coach=200, supervisor=200, county_admin=200)),
    ),
    # County goals: whoever reads the county's planning pages (access.planning_counties).
    "api:county-goal-list": (None, api(same(200))),
    "api:county-goal-detail": (
        lambda w: {"uuid": _county_goal(w).uuid},
        api(same(404, supervisor=200, county_admin=200, state_admin=200)),
    ),
    # The measures pages' figures: whoever reads those pages.
    "api:measure-list": (None, api(same(403, **dict.fromkeys(AUDIT_READERS, 200)))),
    "api:measure-detail": (
        lambda w: {"key": "engagement"},
        api(same(403, **dict.fromkeys(AUDIT_READERS, 200))),
    ),
    "api:self-assessment-list": (None, api(same(200))),
    "api:self-assessment-detail": (
        lambda w: {"uuid": _self_assessment_round(w).uuid},
        api(same(404, supervisor=200, county_admin=200, state_admin=200)),
    ),
    # Consent on the participant's record: read as the record is; recorded (POST) by staff
    # who keep the case (stride/api/tests/test_reminders_api.py).
    "api:participant-reminder-consents": (
        lambda w: {"uuid": w.case.uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    # The API's writes take POST, PATCH or PUT only (stride/api/tests/test_coaching_writes.py
    # sends each as every person); a GET of a POST-only route is 405 to anyone with a token.
    "api:participant-goals": (lambda w: {"uuid": w.case.uuid}, api(same(405))),
    "api:goal-steps": (lambda w: {"uuid": _goal(w).uuid}, api(same(405))),
    "api:goal-potholes": (lambda w: {"uuid": _goal(w).uuid}, api(same(405))),
    "api:goal-reviews": (lambda w: {"uuid": _goal(w).uuid}, api(same(405))),
    "api:participant-coaching-sessions": (lambda w: {"uuid": w.case.uuid}, api(same(405))),
    "api:participant-hours": (lambda w: {"uuid": w.case.uuid}, api(same(405))),
    "api:participant-referrals": (lambda w: {"uuid": w.case.uuid}, api(same(405))),
    "api:household-members": (lambda w: {"uuid": w.case.household.uuid}, api(same(405))),
    "api:member-list": (None, api(same(200))),
    "api:member-detail": (
        lambda w: {"uuid": w.case.member.uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    "api:hours-list": (None, api(same(200))),
    "api:hours-detail": (
        lambda w: {"uuid": _hours(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    # A county's activities are read as its resource map is (access.directory_counties).
    "api:activity-list": (None, api(same(200))),
    "api:activity-detail": (
        lambda w: {"uuid": _activity(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"coach_same_team", "coach_same_county"}, 200))),
    ),
    "api:coaching-session-list": (None, api(same(200))),
    "api:coaching-session-detail": (
        lambda w: {"uuid": _session(w).uuid},
        api(same(404, **dict.fromkeys(IN_SCOPE | {"participant_user"}, 200))),
    ),
    # Webhooks: a county administrator keeps their county's, the system administrator all.
    "webhooks:subscriptions": (
        None,
        same(403, county_admin=200, other_county_admin=200, sysadmin=200),
    ),
    "webhooks:subscription_new": (
        None,
        same(403, county_admin=200, other_county_admin=200, sysadmin=200),
    ),
    "webhooks:subscription": (
        lambda w: {"uuid": _webhook(w).uuid},
        same(403, county_admin=200, other_county_admin=404, sysadmin=200),
    ),
    "webhooks:subscription_edit": (
        lambda w: {"uuid": _webhook(w).uuid},
        same(403, county_admin=200, other_county_admin=404, sysadmin=200),
    ),
    "webhooks:rotate": (lambda w: {"uuid": _webhook(w).uuid}, same(405)),  # POST only
    "webhooks:replay": (lambda w: {"uuid": _webhook_delivery(w).uuid}, same(405)),  # POST only
    # Integration accounts: kept by the same people as webhooks, county by county.
    "integrations:list": (None, same(403, county_admin=200, other_county_admin=200, sysadmin=200)),
    "integrations:new": (None, same(403, county_admin=200, other_county_admin=200, sysadmin=200)),
    "integrations:detail": (
        lambda w: {"uuid": _integration(w).uuid},
        same(403, county_admin=200, other_county_admin=404, sysadmin=200),
    ),
    "integrations:token_new": (lambda w: {"uuid": _integration(w).uuid}, same(405)),  # POST only
    "integrations:token_revoke": (lambda w: {"uuid": _integration(w).uuid}, same(405)),
    "integrations:set_active": (lambda w: {"uuid": _integration(w).uuid}, same(405)),
}


@pytest.fixture(autouse=True)
def no_pdf_rendering(monkeypatch):
    # The walk checks who gets in; test_printouts checks what is printed. The printables'
    # records are still read for each person, only the PDF itself is not drawn.
    monkeypatch.setattr(printouts, "render_pdf", lambda printable, context, language: b"%PDF-")


def all_route_names(patterns=None, namespace="") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += all_route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_route_has_an_access_rule():
    missing = sorted(set(all_route_names()) - set(RULES))
    assert not missing, f"Routes with no access rule in RULES: {missing}"


@pytest.mark.parametrize("route", sorted(RULES))
def test_each_person_gets_what_the_rule_says(world, route):
    kwargs_for, expected = RULES[route]
    people = world.people()
    url = reverse(route, kwargs=kwargs_for(world) if kwargs_for else None)
    got = {}
    dashed = []  # A choice field that opens on Django's "---------" instead of asking.
    stored = []  # Answers a browser may keep on disk (Cache-Control without no-store).
    loose_csv = []  # CSV not written by core.spreadsheets, so not neutralised.
    for name in sorted(expected):
        client = Client(HTTP_HOST="localhost")
        if name != "anonymous":
            client.force_login(people[name])
        response = client.get(url)
        got[name] = response.status_code
        if "no-store" not in response.get("Cache-Control", ""):
            stored.append(name)
        if response.get("Content-Type", "").startswith("text/csv") and not isinstance(
            response, spreadsheets.SpreadsheetResponse
        ):
            loose_csv.append(name)
        if response.get("Content-Type", "").startswith("text/html") and b"---------" in (
            response.content
        ):
            dashed.append(name)
    wrong = {name: (got[name], expected[name]) for name in expected if got[name] != expected[name]}
    assert not wrong, f"{url}: person -> (got, expected): {wrong}"
    assert not dashed, f"{url} shows '---------' in a choice field to {dashed}"
    assert not stored, f"{url} may be kept by the browser of {stored}"
    assert not loose_csv, f"{url} sends {loose_csv} a CSV not written by core.spreadsheets"
