"""A form sent twice (a double click, a second press on a slow connection) makes one record.

Every route of the site says here whether its form adds a record. A route that
does is posted twice, as a browser would send it: the form is read off the
page that shows it, one-time key and all, and sent again with the same key.
One record is made, and the second answer goes where the first went. A new
route with no row in CREATES or ADDS_NOTHING fails the first test.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from stride.assessments.models import Response
from stride.benefits.models import Curve, Scenario
from stride.careers.models import CareerPlan, LocalPartner
from stride.casefile.models import RecordsCopy
from stride.coaching import actions as coaching
from stride.coaching.models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalIdea,
    MeetingSummary,
    Obstacle,
    Reflection,
    Review,
    Step,
)
from stride.core import submissions
from stride.core.audit import Actor
from stride.core.models import SubmissionKey, User
from stride.core.tests.test_url_walk import (
    EXTRACT,
    _activity,
    _county_goal,
    _goal,
    _initiative,
    _integration,
    _ladder,
    _practice_review,
    _retention_run,
    _self_assessment_round,
    _service,
    _session,
    _step,
    _webhook,
    _webhook_delivery,
    all_route_names,
)
from stride.county.models import (
    CountyGoal,
    CountyGoalReview,
    Initiative,
    InitiativeActivity,
    PracticeReview,
    SelfAssessmentRating,
    SelfAssessmentRound,
    SuccessDefinition,
)
from stride.county.rubrics import versions as rubric_versions
from stride.county.self_assessment import versions as self_assessment_versions
from stride.guides.models import Guide
from stride.participation.models import Activity, ActivityPlan, HoursEntry, WorkActivity
from stride.people.models import CaseloadExtract, ExitersFile, Household, Member
from stride.reminders.models import Consent
from stride.resources import hsds
from stride.resources.models import DirectoryImport, Referral, Service
from stride.retention.models import Hold, Run
from stride.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

ALREADY_SAVED = "That was already saved."


# Reading a form off a page, as a browser would send it.


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "submit":
                self._form.buttons.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind != "file":
                self._form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and name:
            self._form.buttons.append(name)
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]
            self._form.fields[self._select] = chosen
            self._select = None


def form_on(page_url: str, html: str, target: str, having: str | None = None) -> Form:
    """The form on the page that posts to `target` (and has the field `having`)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        action = urljoin(page_url, form.action) if form.action else page_url
        if urlsplit(action).path != urlsplit(target).path:
            continue
        if having is None or having in form.fields:
            form.action = action
            return form
    raise AssertionError(f"{page_url} shows no form that posts to {target}")


# The routes that add records, each with how to send its form.


@dataclass
class Case:
    who: str
    url: Callable[[Any], str]  # where the form posts
    fill: Callable[[Any], dict[str, Any]]  # what the person types or picks
    model: type[models.Model]  # the kind of record the form adds
    page: Callable[[Any], str] | None = None  # where the form is shown, if elsewhere
    press: str | None = None  # the submit button pressed, when it has a name
    having: str | None = None  # a field that picks the form when the page shows several
    before: Callable[[Any, Client], None] | None = None  # what must happen before the page


def _reverse(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs or None)


def _ready_curves(world, client: Client) -> None:
    from stride.benefits.tests.test_pages import ready

    client.get(_reverse("benefits:calculator", uuid=world.case.uuid))
    for curve in Curve.objects.filter(status=Curve.Status.PENDING):
        ready(curve)


def _a_session_today(world, client: Client) -> None:
    """The meeting recorded: its summary can be sent to the participant's page."""
    _session(world)


def _hours_sheet(world) -> SimpleUploadedFile:
    _activity(world)  # "Job club", in the case's county
    case = world.case.household.case_number
    today = timezone.localdate()
    rows = f"case_number,first_name,day,activity,hours,type,note\n{case},,{today},Job club,3,,\n"
    return SimpleUploadedFile("hours.csv", rows.encode())


def _directory_file(world) -> SimpleUploadedFile:
    _service(world)
    return SimpleUploadedFile("map.zip", hsds.export_zip(world.county))


TODAY = timezone.localdate()

CREATES: dict[str, list[Case]] = {
    "coaching:goal_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:goal_new", uuid=w.case.uuid),
            lambda w: {"words": "Get my driver's license", "life_area": "work", "term": "short"},
            Goal,
        )
    ],
    "coaching:goal_storming": [
        Case(
            "coach",
            lambda w: _reverse("coaching:goal_storming", uuid=w.case.uuid),
            lambda w: {"life_area": "work", "words": "A job close to home"},
            GoalIdea,
        )
    ],
    "coaching:step_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:step_new", uuid=_goal(w).uuid),
            lambda w: {"what": "Call the adult school"},
            Step,
        ),
        Case(
            "coach",
            lambda w: _reverse("coaching:step_new", uuid=_goal(w).uuid),
            lambda w: {"what": "Ask about evening classes"},
            Step,
            press="another",
        ),
    ],
    "coaching:obstacles_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:obstacles_new", uuid=_goal(w).uuid),
            lambda w: {"internal_pothole": "I get nervous", "internal_detour": "Call my sister"},
            Obstacle,
        )
    ],
    "coaching:review_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:review_new", uuid=_goal(w).uuid),
            lambda w: {"how_it_went": "Two classes done", "decision": "keep_going"},
            Review,
        )
    ],
    "coaching:session_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:session_new", uuid=w.case.uuid),
            lambda w: {"mode": "phone", "minutes": "30"},
            CoachingSession,
        )
    ],
    "coaching:achievement_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:achievement_new", uuid=w.case.uuid),
            lambda w: {"words": "First week of class", "incentive_amount": ""},
            Achievement,
        )
    ],
    "coaching:professional_goal_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:professional_goal_new"),
            lambda w: {"words": "Learn motivational interviewing", "term": "short"},
            Goal,
        )
    ],
    # The meeting's inline forms, read off the meeting page and posted without htmx
    # (coaching/tests/test_meeting.py sends them with htmx too).
    "coaching:meeting_step_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:meeting_step_new", uuid=_goal(w).uuid),
            lambda w: {"what": "Call the adult school"},
            Step,
            page=lambda w: _reverse("coaching:meeting", uuid=w.case.uuid),
        )
    ],
    "coaching:meeting_obstacle_new": [
        Case(
            "coach",
            lambda w: _reverse("coaching:meeting_obstacle_new", uuid=_goal(w).uuid),
            lambda w: {"kind": "internal", "pothole": "I get nervous", "detour": "Call my sister"},
            Obstacle,
        )
    ],
    "coaching:meeting_review": [
        Case(
            "coach",
            lambda w: _reverse("coaching:meeting_review", uuid=_goal(w).uuid),
            lambda w: {"how_it_went": "Two classes done", "decision": "keep_going"},
            Review,
        )
    ],
    "coaching:meeting_session": [
        Case(
            "coach",
            lambda w: _reverse("coaching:meeting_session", uuid=w.case.uuid),
            lambda w: {"mode": "in_person", "minutes": "45", "notes": "Two steps done"},
            CoachingSession,
            page=lambda w: _reverse("coaching:meeting", uuid=w.case.uuid),
        )
    ],
    "coaching:meeting_summary_send": [
        Case(
            "coach",
            lambda w: _reverse("coaching:meeting_summary_send", uuid=w.case.uuid),
            lambda w: {},
            MeetingSummary,
            page=lambda w: _reverse("coaching:meeting", uuid=w.case.uuid),
            before=_a_session_today,
        )
    ],
    "people:household_new": [
        Case(
            "coach",
            lambda w: _reverse("people:household_new"),
            lambda w: {
                "case_number": "FR0000099",
                "first_name": "Keisha",
                "last_name": "Brown",
                "birth_date": "1994-06-15",
                "program": w.program.pk,
                "aid_start": "2026-03-01",
                "city": "Fresno",
                "language": "en",
            },  # fmt: skip
            Household,
        )
    ],
    "people:member_new": [
        Case(
            "coach",
            lambda w: _reverse("people:member_new", uuid=w.case.household.uuid),
            lambda w: {
                "first_name": "Sofia",
                "last_name": "Lopez",
                "birth_date": "2018-05-01",
                "relationship": "child",
            },  # fmt: skip
            Member,
        )
    ],
    "portal:goal": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:goal", uuid=_goal(w).uuid),
            lambda w: {"words": "I liked the first class"},
            Reflection,
        )
    ],
    "portal:idea_new": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:idea_new"),
            lambda w: {"life_area": "work", "words": "Work in a clinic"},
            GoalIdea,
        )
    ],
    "portal:assessments": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:assessments"),
            lambda w: {},
            Response,
            having="instrument",
        )
    ],
    "portal:hours": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:hours"),
            lambda w: {"activity": _activity(w).pk, "day": TODAY.isoformat(), "hours": "2"},
            HoursEntry,
        )
    ],
    "portal:career_goal": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:career_goal", **_ladder(w)),
            lambda w: {},
            CareerPlan,
            page=lambda w: _reverse("portal:career_ladder", **_ladder(w)),
        )
    ],
    "careers:make_goal": [
        Case(
            "coach",
            lambda w: _reverse("careers:make_goal", uuid=w.case.uuid, **_ladder(w)),
            lambda w: {},
            CareerPlan,
            page=lambda w: _reverse("careers:ladder", **_ladder(w)) + f"?participant={w.case.uuid}",
        )
    ],
    "careers:partner_new": [
        Case(
            "county_admin",
            lambda w: _reverse("careers:partner_new"),
            lambda w: {
                "ladder": "/".join(_ladder(w).values()),
                "level": "entry",
                "kind": "employer",
                "name": "Riverside Care Home",
            },  # fmt: skip
            LocalPartner,
        )
    ],
    "participation:participant": [
        Case(
            "coach",
            lambda w: _reverse("participation:participant", uuid=w.case.uuid),
            lambda w: {
                "hours-activity": _activity(w).pk,
                "hours-day": TODAY.isoformat(),
                "hours-hours": "3",
            },  # fmt: skip
            HoursEntry,
            having="hours-day",
        ),
        Case(
            "coach",
            lambda w: _reverse("participation:participant", uuid=w.case.uuid),
            lambda w: {
                "plan-activity": _activity(w).pk,
                "plan-starts_on": TODAY.isoformat(),
                "plan-hours_per_week": "20",
                "plan-weekdays": ["0", "1", "2"],
            },  # fmt: skip
            ActivityPlan,
            having="plan-starts_on",
        ),
    ],
    "participation:import": [
        Case(
            "coach",
            lambda w: _reverse("participation:import"),
            lambda w: {"file": _hours_sheet(w)},
            HoursEntry,
            press="import",
        )
    ],
    "participation:activity_new": [
        Case(
            "county_admin",
            lambda w: _reverse("participation:activity_new"),
            lambda w: {"name": "Resume workshop", "federal_activity": WorkActivity.JOB_SEARCH},
            Activity,
        )
    ],
    "resources:service_new": [
        Case(
            "county_admin",
            lambda w: _reverse("resources:service_new"),
            lambda w: {
                "new_provider": "Wheels to Work",
                "name": "Car repair",
                "category": "transportation",
                "status": "active",
                "serves": [w.county.pk],
                "languages": ["en"],
            },  # fmt: skip
            Service,
        )
    ],
    "resources:refer": [
        Case(
            "coach",
            lambda w: _reverse("resources:refer", uuid=w.case.uuid, service_uuid=_service(w).uuid),
            lambda w: {"note": "Evening classes, please"},
            Referral,
        )
    ],
    "people:exiters": [
        Case("county_admin", lambda w: _reverse("people:exiters"), lambda w: {}, ExitersFile)
    ],
    "retention:hold_new": [
        Case(
            "supervisor",
            lambda w: _reverse("retention:hold_new", uuid=w.case.uuid),
            lambda w: {"reason": "A court order to keep the file"},
            Hold,
        )
    ],
    "retention:runs": [
        Case("county_admin", lambda w: _reverse("retention:runs"), lambda w: {}, Run)
    ],
    "retention:apply": [
        Case(
            "county_admin",
            lambda w: _reverse("retention:apply"),
            lambda w: {"understood": "on"},
            Run,
            before=lambda w, client: _retention_run(w),
        )
    ],
    "staff:records_pdf": [
        Case(
            "coach",
            lambda w: _reverse("staff:records_pdf", uuid=w.case.uuid),
            lambda w: {},
            RecordsCopy,
            page=lambda w: _reverse("staff:records", uuid=w.case.uuid),
        )
    ],
    "portal:records_pdf": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:records_pdf"),
            lambda w: {},
            RecordsCopy,
            page=lambda w: _reverse("portal:records"),
        )
    ],
    "webhooks:subscription_new": [
        Case(
            "county_admin",
            lambda w: _reverse("webhooks:subscription_new"),
            lambda w: {
                "name": "State eligibility system",
                "url": "https://eligibility.example.gov/stride",
                "events": ["goal.achieved"],
            },
            Subscription,
        )
    ],
    "integrations:new": [
        Case(
            "county_admin",
            lambda w: _reverse("integrations:new"),
            lambda w: {"name": "State eligibility feed", "county": w.county.pk},
            User,
        )
    ],
    "integrations:token_new": [
        Case(
            "county_admin",
            lambda w: _reverse("integrations:token_new", uuid=_integration(w).uuid),
            lambda w: {"days": "90"},
            AuthToken,
            page=lambda w: _reverse("integrations:detail", uuid=_integration(w).uuid),
        )
    ],
    "webhooks:replay": [
        Case(
            "county_admin",
            lambda w: _reverse("webhooks:replay", uuid=_webhook_delivery(w).uuid),
            lambda w: {},
            Delivery,
            page=lambda w: _reverse("webhooks:subscription", uuid=_webhook(w).uuid),
        )
    ],
    "people:caseload_import": [
        Case(
            "county_admin",
            lambda w: _reverse("people:caseload_import"),
            lambda w: {
                "new_source": "CalSAWS",
                "program": str(w.program.pk),
                "file": SimpleUploadedFile("extract.csv", EXTRACT),
            },
            CaseloadExtract,
        )
    ],
    "resources:import": [
        Case(
            "county_admin",
            lambda w: _reverse("resources:import"),
            lambda w: {"file": _directory_file(w)},
            DirectoryImport,
        )
    ],
    "assessments:participant": [
        Case(
            "coach",
            lambda w: _reverse("assessments:participant", uuid=w.case.uuid),
            lambda w: {"instrument": "bridge", "where": "with_coach"},
            Response,
        )
    ],
    "benefits:save": [
        Case(
            "coach",
            lambda w: _reverse("benefits:save", uuid=w.case.uuid),
            lambda w: {"title": "Today"},
            Scenario,
            page=lambda w: _reverse("benefits:calculator", uuid=w.case.uuid),
            before=_ready_curves,
        )
    ],
    "core:account_new": [
        Case(
            "sysadmin",
            lambda w: _reverse("core:account_new"),
            lambda w: {
                "username": "newcoach",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "email": "ana@example.org",
                "role": "coach",
                "organisation": w.team.pk,
            },  # fmt: skip
            User,
        )
    ],
    "county:self_assessment_new": [
        Case(
            "county_admin",
            lambda w: _reverse("county:self_assessment_new"),
            lambda w: {"name": "Spring 2027"},
            SelfAssessmentRound,
        )
    ],
    "county:self_assessment_rate": [
        Case(
            "supervisor",
            lambda w: _reverse("county:self_assessment_rate", uuid=_self_assessment_round(w).uuid),
            lambda w: dict.fromkeys(self_assessment_versions().latest().components, "nearly"),
            SelfAssessmentRating,
        )
    ],
    "county:success": [
        Case(
            "county_admin",
            lambda w: _reverse("county:success"),
            lambda w: {"text": "Families working in jobs they chose"},
            SuccessDefinition,
        )
    ],
    "county:goal_new": [
        Case(
            "county_admin",
            lambda w: _reverse("county:goal_new"),
            lambda w: {
                "measure": "engagement",
                "baseline": "30",
                "target_kind": "reach",
                "target": "45",
                "deadline": (TODAY + timedelta(days=200)).isoformat(),
                "review_every": "quarter",
            },  # fmt: skip
            CountyGoal,
        )
    ],
    "county:activity_goal_new": [
        Case(
            "county_admin",
            lambda w: _reverse("county:activity_goal_new"),
            lambda w: {
                "activity": "job_search",
                "measure": "work-rate",
                "baseline": "30",
                "target_kind": "improve",
                "target": "10",
                "deadline": (TODAY + timedelta(days=200)).isoformat(),
                "review_every": "quarter",
            },  # fmt: skip
            CountyGoal,
        )
    ],
    "county:goal": [
        Case(
            "county_admin",
            lambda w: _reverse("county:goal", uuid=_county_goal(w).uuid),
            lambda w: {"reviewed_on": TODAY.isoformat(), "value_now": "41", "standing": "on_track"},
            CountyGoalReview,
        )
    ],
    "county:worker_review_new": [
        Case(
            "supervisor",
            lambda w: _reverse("county:worker_review_new", uuid=w.coach.uuid, kind="fidelity"),
            lambda w: dict.fromkeys(rubric_versions("fidelity").latest().items, "medium"),
            PracticeReview,
        )
    ],
    "county:program_review_new": [
        Case(
            "county_admin",
            lambda w: _reverse("county:program_review_new", uuid=w.county.uuid),
            lambda w: dict.fromkeys(rubric_versions("fidelity").latest().items, "low"),
            PracticeReview,
        )
    ],
    "county:review_goal": [
        Case(
            "supervisor",
            lambda w: _reverse(
                "county:review_goal",
                uuid=_practice_review(w, "skills_matrix").uuid,
                item="open_questions",
            ),
            lambda w: {},
            Goal,
        )
    ],
    "county:logic_model": [
        Case(
            "county_admin",
            lambda w: _reverse("county:logic_model"),
            lambda w: {"name": "Coaching in every office", "why": ""},
            Initiative,
        )
    ],
    "county:initiative": [
        Case(
            "county_admin",
            lambda w: _reverse("county:initiative", uuid=_initiative(w).uuid),
            lambda w: {"name": "Job club", "outputs": "Four a month", "outcomes": ["engagement"]},
            InitiativeActivity,
        )
    ],
    "guides:new": [
        Case(
            "county_admin",
            lambda w: _reverse("guides:new"),
            lambda w: {
                "title_en": "Four review questions",
                "body_en": "What went well?",
                "stages": "review",
            },
            Guide,
        )
    ],
    "api_tokens:list": [
        Case("coach", lambda w: _reverse("api_tokens:list"), lambda w: {}, AuthToken)
    ],
    "portal:reminder_consent": [
        Case(
            "participant_user",
            lambda w: _reverse("portal:reminder_consent"),
            lambda w: {"channel": "email", "address": "maria@example.org", "agreed": "on"},
            Consent,
            page=lambda w: _reverse("portal:reminders"),
        )
    ],
    "reminders:consent": [
        Case(
            "coach",
            lambda w: _reverse("reminders:consent", uuid=w.case.uuid),
            lambda w: {
                "channel": "sms",
                "address": "559 555 0101",
                "how": "in_person",
                "agreed": "on",
            },  # fmt: skip
            Consent,
        )
    ],
}

# Every other route, and why a second press adds nothing.
READS = "shows records, adds none"
VERSIONED = "changes a record by its version: a second press is refused as a stale edit"
ADDS_NOTHING: dict[str, str] = {
    **dict.fromkeys(
        [
            "home",
            "core:healthz",
            "core:accounts",
            "core:accounts_waiting",
            "people:caseload",
            "people:caseload_export",
            "people:match_reviews",
            "staff:participant",
            "people:participant_audit",
            "staff:today",
            "staff:today_list",
            "staff:team",
            "staff:team_list",
            "staff:measures",
            "staff:measure",
            "coaching:participant_goals",
            "coaching:sessions",
            "coaching:incentives",
            "coaching:professional_goals",
            "coaching:goal",
            "coaching:certificate",
            "coaching:print_worksheet",
            "coaching:print_potholes",
            "coaching:print_card",
            "coaching:print_roadmap",
            "coaching:print_postcard",
            "coaching:print_blank",
            "coaching:meeting",
            "coaching:meeting_summary",
            "portal:home",
            "portal:meetings",
            "portal:services",
            "portal:careers",
            "portal:career_ladder",
            "portal:services_print",
            "assessments:result",
            "assessments:private",
            "assessments:summary",
            "assessments:instruments",
            "assessments:instrument",
            "resources:services",
            "resources:service",
            "resources:gaps",
            "resources:family",
            "resources:family_print",
            "resources:export",
            "participation:time_on_aid",
            "participation:rules",
            "participation:report",
            "participation:activities",
            "careers:explorer",
            "careers:ladder",
            "careers:partners",
            "benefits:calculator",
            "benefits:curve",
            "benefits:scenario",
            "benefits:mine",
        ],
        READS,
    ),
    **dict.fromkeys(
        [
            "people:household_edit",
            "people:member_edit",
            "people:member_remove",
            "people:enrollment_edit",
            "people:enrollment_exit",
            "coaching:goal_edit",
            "coaching:step_edit",
            "coaching:session_notes",
            "coaching:appointment_cancel",
            "coaching:meeting_step_date",
            "assessments:fill",
            "participation:verify",
            "participation:remove",
            "participation:end_plan",
            "participation:activity_edit",
            "resources:service_edit",
            "resources:review",
            "resources:to_sort",
            "resources:referral",
            "careers:partner_edit",
            "careers:partner_remove",
            "benefits:money",
            "county:self_assessment_settle",
            "county:review_edit",
            "participation:aid_month",
        ],
        VERSIONED,
    ),  # fmt: skip
    "coaching:step_mark": "marks a step by its version; keyed, so a second press is told so",
    "coaching:meeting_step_mark": "marks a step by its version; keyed, as on the goal page",
    "portal:step_mark": "checks a step off by its version; keyed, so a second tap is told so",
    "portal:meeting_read": "marks a summary read once; a second press finds it read already",
    "core:login": "signs in",
    "core:logout": "signs out",
    "set_language": "keeps the chosen language in a cookie",
    "core:two_factor": "turns two-step sign-in on once; a second code finds it on",
    "api_tokens:revoke": "ends one token; a second press finds it gone",
    "core:account_update": "locks or unlocks an account: the same press twice ends the same",
    "core:account_confirm": "confirms a waiting account; a second press finds none waiting",
    "core:password_forgot": "emails a link; a second press emails another, and either works once",
    "core:password_set": "sets the password; the link stops working once used",
    "people:reassign": "moves a case to a coach; a second press is refused: already theirs",
    "coaching:step_move": "moves a step one place; it writes no new record",
    "coaching:incentive_decide": "decides an incentive once; a second decision is refused",
    "guides:list": READS,
    "guides:guide": READS,
    "guides:history": READS,
    "guides:edit": VERSIONED + " (each save keeps a version of the guide's words)",
    "guides:restore": VERSIONED + " (a restore is kept as a new version)",
    "guides:publish": VERSIONED,
    "county:settings": "changes the county's settings",
    "county:self_assessments": READS,
    "county:self_assessment": READS,
    "county:reviews": READS,
    "county:worker_reviews": READS,
    "county:program_reviews": READS,
    "county:review": READS,
    "county:goals": READS,
    "county:client_measures": "sets the county's measures to those ticked: a second press the same",
    "county:initiative_activity_remove": "takes an activity out; a second press finds it gone",
    "county:initiative_remove": "takes an initiative out; a second press finds it gone",
    "reminders:consent_withdraw": "ends a consent; a second press finds it ended",
    "reminders:times": "changes the reminder times by their version; a second press is stale",
    "portal:reminders": "changes the reminder times by their version; a second press is stale",
    "portal:reminder_stop": "ends a consent; a second press finds it ended",
    "reminders:county_settings": "changes the county's reminder settings",
    "reminders:sms_inbound": "the provider's webhook, not a form: each text is its own",
    "reminders:sms_status": "the provider's delivery report, not a form",
    "reminders:email_status": "the email provider's delivery report, not a form",
    "reminders:outbox": READS,
    "reminders:outbox_reply": "the demo's stand-in for a phone: each answer is a new text",
    "reminders:calendar": "replaces the one calendar link; a second press makes a newer one",
    "reminders:appointment_ics": READS,
    "reminders:my_calendar": "replaces the one calendar link; a second press makes a newer one",
    "reminders:my_appointment_ics": READS,
    "reminders:feed": READS,
    "reminders:my_postcards": "turns postcards on or off; a second press finds them so",
    "reminders:participant_postcards": "turns postcards on or off; a second press finds them so",
    "reminders:postcards": READS,
    "reminders:postcards_print": "marks the week's cards printed; a second press finds none left",
    "portal:welcome": "sets the first password; the link stops working once used",
    "portal:invite": (
        "makes the account once, then shows a fresh link to the same account; a link sent "
        "by text or email is not sent again to the same address for minutes"
    ),
    "portal:forgot": "sends a link to the address on record, once in minutes however often asked",
    "assessments:discard": "removes an unfinished assessment",
    "resources:import_result": "applies an upload once (its applied time); the press is keyed too",
    "people:import_result": "queues an extract's import once (its status); the press is keyed too",
    "people:import_columns": "keeps the source's one mapping: a second press saves the same",
    "people:import_problems": "a CSV download of an extract's rows to fix; it writes nothing",
    "people:exiters_file": READS,
    "retention:policy": READS,
    "retention:policy_edit": "changes the kind's one policy by its version; a second press is stale",
    "retention:holds": READS,
    "retention:hold_lift": "lifts a hold once; a second press finds it lifted",
    "retention:run": READS,
    "retention:run_csv": "a CSV download of a run's cases; it writes only audit events",
    "staff:records": READS,
    "portal:records": READS,
    "staff:records_json": "a JSON download of the record; it writes only audit events",
    "portal:records_json": "a JSON download of the record; it writes only audit events",
    "staff:records_copy_pdf": "a PDF download of a copy made already; it writes only audit events",
    "portal:records_copy_pdf": "a PDF download of a copy made already; it writes only audit events",
    "webhooks:subscriptions": READS,
    "integrations:list": READS,
    "integrations:detail": READS,
    "integrations:token_revoke": "revokes one token; a second press finds it gone (404)",
    "integrations:set_active": "pauses or resumes; a second press finds it so already",
    "webhooks:subscription": READS,
    "webhooks:subscription_edit": "changes a subscription by its version; a second press is stale",
    "webhooks:rotate": "replaces the secret; a second press makes a newer one, the last shown",
    "people:exiters_download": "a CSV download of the exiters file; it writes only audit events",
    "people:match_review": "settles a row once; a second press finds it settled",
    "resources:import_problems": "a CSV download of an upload's problems; it writes nothing",
    "resources:partner_link": "a new link ends the earlier unused one: one link works at a time",
    "resources:partner": "the service's update through a one-time link, used up by the first",
    "benefits:retry": "asks again for a picture that failed; no record of its own",
}


def test_every_route_says_whether_its_form_adds_a_record():
    pages = {name for name in all_route_names() if not name.startswith("api:")}
    missing = sorted(pages - set(CREATES) - set(ADDS_NOTHING))
    both = sorted(set(CREATES) & set(ADDS_NOTHING))
    gone = sorted((set(CREATES) | set(ADDS_NOTHING)) - pages)
    assert not missing, f"Routes not in CREATES or ADDS_NOTHING: {missing}"
    assert not both and not gone, (both, gone)


CASES = [(route, n) for route, cases in sorted(CREATES.items()) for n in range(len(cases))]


def _client(world, who: str) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.people()[who])
    return client


def _read_form(world, case: Case, client: Client) -> tuple[Form, dict[str, Any]]:
    if case.before is not None:
        case.before(world, client)
    target = case.url(world)
    page_url = case.page(world) if case.page else target
    shown = client.get(page_url)
    assert shown.status_code == 200, page_url
    form = form_on(page_url, shown.content.decode(), target, case.having)
    assert form.fields.get(submissions.FIELD, [""])[0], f"{page_url}: the form has no key"
    if case.press is not None:
        assert case.press in form.buttons, f"{page_url}: no button named {case.press}"
    data: dict[str, Any] = {name: values for name, values in form.fields.items()}
    data |= case.fill(world)
    if case.press is not None:
        data[case.press] = ""
    return form, data


def _again(data: dict[str, Any]) -> dict[str, Any]:
    """The same form once more: an upload is sent again from its start."""
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    return data


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("route", "n"), CASES)
def test_a_form_sent_twice_makes_one_record(world, route, n):
    case = CREATES[route][n]
    client = _client(world, case.who)
    form, data = _read_form(world, case, client)
    before = case.model.objects.count()

    first = client.post(form.action, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    made = case.model.objects.count()
    assert made > before
    assert ALREADY_SAVED not in _said(first)

    second = client.post(form.action, _again(data))
    assert second.status_code == 302
    assert second.url == first.url  # to the record already made
    assert case.model.objects.count() == made
    assert ALREADY_SAVED in _said(second)


# Checking a step off writes no new record, but a second press of "Done" would be refused
# as a stale edit ("the step changed since you opened this page"): it is keyed too.
STEP_MARKS = {
    "coaching:step_mark": ("coach", lambda w: _reverse("coaching:goal", uuid=_goal(w).uuid)),
    "coaching:meeting_step_mark": (
        "coach",
        lambda w: _reverse("coaching:meeting", uuid=w.case.uuid),
    ),
    "portal:step_mark": ("participant_user", lambda w: _reverse("portal:goal", uuid=_goal(w).uuid)),
}


@pytest.mark.parametrize("route", sorted(STEP_MARKS))
def test_a_step_checked_off_twice_is_told_it_was_saved(world, route):
    who, page = STEP_MARKS[route]
    step = _step(world)
    client = _client(world, who)
    page_url, target = page(world), _reverse(route, uuid=step.uuid)
    form = form_on(page_url, client.get(page_url).content.decode(), target)
    assert form.fields[submissions.FIELD][0] and "status" in form.buttons
    data = form.fields | {"status": "done"}

    first = client.post(target, data)
    second = client.post(target, data)
    assert first.status_code == second.status_code == 302 and second.url == first.url
    said = _said(second)
    assert ALREADY_SAVED in said and not [line for line in said if "changed" in line]
    step.refresh_from_db()
    assert (step.status, step.version) == (Step.Status.DONE, 2)


def test_a_form_refused_by_its_check_keeps_its_key_for_the_corrected_form(world):
    client = _client(world, "coach")
    url = _reverse("coaching:step_new", uuid=_goal(world).uuid)
    key = form_on(url, client.get(url).content.decode(), url).fields[submissions.FIELD][0]

    refused = client.post(url, {"what": "", submissions.FIELD: key})
    assert refused.status_code == 200 and refused.context["form"].errors["what"]
    assert not Step.objects.exists() and not SubmissionKey.objects.exists()

    saved = client.post(url, {"what": "Call the adult school", submissions.FIELD: key})
    again = client.post(url, {"what": "Call the adult school", submissions.FIELD: key})
    assert saved.status_code == again.status_code == 302 and saved.url == again.url
    assert Step.objects.count() == 1


def test_a_write_the_action_refuses_uses_up_no_key(world):
    # The action (not the form) finds the person already in Stride: nothing is written, the
    # key included, and the corrected form is saved once.
    client = _client(world, "coach")
    url = _reverse("people:household_new")
    form, data = _read_form(world, CREATES["people:household_new"][0], client)
    keyless = {name: value for name, value in data.items() if name != submissions.FIELD}
    assert client.post(url, keyless | {"case_number": "FR0000098"}).status_code == 302
    before = Household.objects.count()

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "already in Stride" in refused.context["form"].errors["last_name"][0]
    assert Household.objects.count() == before and not SubmissionKey.objects.exists()

    corrected = data | {"first_name": "Kiara"}
    assert client.post(url, corrected).status_code == 302
    assert client.post(url, corrected).status_code == 302
    assert Household.objects.count() == before + 1 and SubmissionKey.objects.count() == 1


def test_the_same_form_sent_at_once_answers_the_second_with_the_first(world, monkeypatch):
    # Both requests looked for the key before either had saved: the second one's insert of
    # the key fails on the unique token, its record is rolled back with it, and it answers
    # as the first did.
    client = _client(world, "coach")
    form, data = _read_form(world, CREATES["coaching:achievement_new"][0], client)
    first = client.post(form.action, data)
    monkeypatch.setattr(submissions, "_already_saved", _looked_too_early())
    second = client.post(form.action, data)
    assert second.status_code == 302 and second.url == first.url
    assert ALREADY_SAVED in _said(second)
    assert Achievement.objects.count() == 1


def test_a_second_sending_refused_for_what_the_first_made_answers_as_the_first(world, monkeypatch):
    # Sent at once from an idea: the second finds the idea already a goal. Its refusal is
    # not shown; it goes to the goal the first one made.
    idea = coaching.add_idea(Actor(world.coach), world.case, "work", "A job close to home")
    client = _client(world, "coach")
    url = _reverse("coaching:goal_new", uuid=world.case.uuid) + f"?idea={idea.uuid}"
    form = form_on(url, client.get(url).content.decode(), url)
    data = form.fields | {"term": "short"}
    first = client.post(form.action, data)
    assert first.status_code == 302
    monkeypatch.setattr(submissions, "_already_saved", _looked_too_early())
    second = client.post(form.action, data)
    assert second.status_code == 302 and second.url == first.url
    assert ALREADY_SAVED in _said(second)
    assert Goal.objects.filter(participant=world.case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_make_one_record(world, monkeypatch):
    # For real, on PostgreSQL: both requests are inside their transactions at once; the
    # second one's key waits on the first's and is refused when the first commits.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    recognise = coaching.recognise

    def slowly(*args, **kwargs):
        time.sleep(0.5)
        return recognise(*args, **kwargs)

    monkeypatch.setattr(coaching, "recognise", slowly)
    client = _client(world, "coach")
    form, data = _read_form(world, CREATES["coaching:achievement_new"][0], client)
    start = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        tab = _client(world, "coach")  # the same person, the same form
        try:
            start.wait()
            response = tab.post(form.action, data)
            answers.append((response.status_code, response.url))
        finally:
            connection.close()

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0][0] == 302
    assert Achievement.objects.count() == 1 and SubmissionKey.objects.count() == 1


def _looked_too_early() -> Callable[[str], str | None]:
    calls: list[str] = []
    looked_up = submissions._already_saved

    def lookup(token: str) -> str | None:
        calls.append(token)
        return None if len(calls) == 1 else looked_up(token)

    return lookup


def test_a_key_is_the_persons_own(world):
    client = _client(world, "coach_same_team")
    form, typed = _read_form(world, CREATES["coaching:professional_goal_new"][0], client)
    own_key = typed[submissions.FIELD][0]
    someone_elses = submissions.new_key(world.coach)
    for key in (someone_elses, own_key[:-2] + ("xx" if own_key[-2:] != "xx" else "yy")):
        response = client.post(form.action, typed | {submissions.FIELD: key})
        assert response.status_code == 200
        assert "This form could not be checked. Please save it again." in str(
            response.context["form"].non_field_errors()
        )
    assert not Goal.objects.filter(staff=world.coach_same_team).exists()
    assert client.post(form.action, typed).status_code == 302


def test_a_form_open_for_more_than_a_day_is_shown_again_to_check(world):
    client = _client(world, "coach")
    url = _reverse("coaching:achievement_new", uuid=world.case.uuid)
    with time_machine.travel(timezone.now() - timedelta(days=1, minutes=5), tick=False):
        old_key = submissions.new_key(world.coach)
    response = client.post(url, {"words": "First week of class", submissions.FIELD: old_key})
    assert response.status_code == 200 and not Achievement.objects.exists()
    page = response.content.decode()
    assert "This form was open for more than a day." in page
    assert "First week of class" in page  # what was typed is kept
    fresh = form_on(url, page, url).fields[submissions.FIELD][0]
    assert fresh != old_key
    assert client.post(url, {"words": "First week", submissions.FIELD: fresh}).status_code == 302


def test_a_saved_form_changed_and_sent_again_is_shown_again_not_dropped(world):
    # Saved, then Back to the same form (same key), a change, Save: not "already saved"
    # with the change lost, but the form as typed, with a fresh key.
    client = _client(world, "coach")
    url = _reverse("coaching:step_new", uuid=_goal(world).uuid)
    key = form_on(url, client.get(url).content.decode(), url).fields[submissions.FIELD][0]
    assert client.post(url, {"what": "Call the school", submissions.FIELD: key}).status_code == 302

    changed = client.post(url, {"what": "Visit the school", submissions.FIELD: key})
    assert changed.status_code == 200
    page = changed.content.decode()
    assert "This form was saved already. Check what it says now, then save it again." in page
    assert "Visit the school" in page
    fresh = form_on(url, page, url).fields[submissions.FIELD][0]
    assert fresh != key
    assert (
        client.post(url, {"what": "Visit the school", submissions.FIELD: fresh}).status_code == 302
    )
    assert sorted(Step.objects.values_list("what", flat=True)) == [
        "Call the school",
        "Visit the school",
    ]


def test_a_form_without_a_key_is_saved_as_before(world):
    # Scripts and pages drawn before keys existed: saved, but with nothing to recognise a
    # repeat by. Every form on the site's own pages carries a key (see the walk above).
    client = _client(world, "coach")
    url = _reverse("coaching:achievement_new", uuid=world.case.uuid)
    assert client.post(url, {"words": "First week of class"}).status_code == 302
    assert Achievement.objects.count() == 1 and not SubmissionKey.objects.exists()


def test_used_keys_are_forgotten_after_a_day(world, monkeypatch):
    # Kept as long as a key can be sent (a day), then pruned when a form is next saved.
    two_days_ago = timezone.now() - timedelta(days=2)
    SubmissionKey.objects.create(
        token="old", user=world.coach, answer="/today/", used_at=two_days_ago
    )
    SubmissionKey.objects.create(
        token="recent", user=world.coach, answer="/today/", used_at=timezone.now()
    )
    monkeypatch.setattr(submissions, "_last_pruned", None)
    url = _reverse("coaching:achievement_new", uuid=world.case.uuid)
    key = submissions.new_key(world.coach)
    saved = _client(world, "coach").post(url, {"words": "New milestone", submissions.FIELD: key})
    assert saved.status_code == 302
    assert sorted(SubmissionKey.objects.values_list("token", flat=True)) == sorted(
        ["recent", submissions.posted_token(saved.wsgi_request)]
    )
