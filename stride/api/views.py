"""API resources; every queryset comes from the access module.

Writes go through the action functions the pages use, checked by the pages' forms
(`api/writing.py`): goals, steps, potholes and reviews (coaching), and a participant's consent
to reminders. A change names the version it read (`api/preconditions.py`); a creation may
carry an Idempotency-Key (`api/idempotency.py`).
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from stride.assessments.instruments import catalogue
from stride.assessments.models import Response as AssessmentResponse
from stride.benefits.models import Scenario
from stride.careers import catalogue as careers
from stride.careers.models import LocalPartner
from stride.coaching import actions as coaching
from stride.coaching.forms import (
    GoalEditForm,
    GoalForm,
    MarkStepForm,
    ObstacleForm,
    ReviewForm,
    SessionForm,
    SessionNotesForm,
    StepEditForm,
    StepForm,
)
from stride.coaching.models import Achievement, CoachingSession, Goal, Step
from stride.core import access
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.core.vocabulary import LifeArea
from stride.county import actions as county
from stride.county import goals as county_goals
from stride.county import reviews
from stride.county.models import CountyGoal, PracticeReview, SelfAssessmentRound
from stride.measures import overview
from stride.measures.catalogue import BY_KEY
from stride.measures.figures import Figure
from stride.measures.months import month_of
from stride.measures.trends import Trend
from stride.participation import actions as participation
from stride.participation import ledger
from stride.participation.forms import HoursForm, VerifyForm
from stride.participation.models import Activity, HoursEntry, MonthResult
from stride.people import actions
from stride.people.filters import CaseloadFilter, FamilyFilter
from stride.people.forms import HouseholdForm, MemberEditForm, MemberForm
from stride.people.models import Household, Member, Participant
from stride.reminders import actions as reminders
from stride.reminders.models import Consent, Message
from stride.resources import actions as resources
from stride.resources import directory
from stride.resources.forms import ProgressForm, ReferForm
from stride.resources.matching import with_details
from stride.resources.models import Referral, Service

from . import idempotency, preconditions, serializers, writing


# Reading participant data is a view of each participant shown, recorded in the audit trail:
# a detail read records its participant, a list read one event per participant on the page,
# in one insert, so a page's queries stay the same however many people it shows. (A comment,
# not a docstring: drf-spectacular would show a docstring as every operation's description.)
# `participant_field` names the record's participant, through dots; None when the record is
# the participant. A staff member's professional goal has none, and records nothing.
class AuditedListMixin:
    participant_field: str | None = "participant"

    def participants_of(self, instance) -> list[Participant]:
        found = instance
        for name in self.participant_field.split(".") if self.participant_field else []:
            found = getattr(found, name)
            if found is None:
                return []
        return [found]

    def record_views(self, request: Request, rows) -> None:
        shown: dict[int, Participant] = {}
        for row in rows:
            for person in self.participants_of(row):
                shown.setdefault(person.pk, person)
        actions.record_views(Actor.from_request(request, channel="api"), shown.values())

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        data = self.get_serializer(rows, many=True).data
        self.record_views(request, rows)
        return Response(data) if page is None else self.get_paginated_response(data)


class AuditedReadMixin(AuditedListMixin):
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()  # a 404 here records nothing
        data = self.get_serializer(instance).data
        self.record_views(request, [instance])
        return Response(data)


# A record with a version answers with its ETag, for If-Match when it is changed.
class VersionedReadMixin(AuditedReadMixin):
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = preconditions.etag(response.data["version"])
        return response


# Writes. Who may write is the pages' rule (access.can_edit_cases: coaches, supervisors and
# county administrators); which records, the access module's scope, so a record outside it is
# a 404 as it is to a read. A participant's token reads their own records and writes nothing.
class KeepsCases(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or access.can_edit_cases(request.user)


WRITERS = [IsAuthenticated, KeepsCases]
JSON_ONLY = [JSONParser]  # a write's body is one JSON object

IF_MATCH = OpenApiParameter(
    preconditions.HEADER,
    {"type": "string", "pattern": preconditions.IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the record as you read it ("3"): without it the answer is 428, '
    "and 412 when someone changed the record since.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    {"type": "string", "pattern": idempotency.KEY_PATTERN, "maxLength": 255},
    OpenApiParameter.HEADER,
    description="A key of your choosing (a UUID will do): the same request sent again with it "
    "within 24 hours gets the first answer and makes nothing new; another request with the "
    "same key is refused (422).",
)


def etag_header(*statuses: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        {"type": "string", "pattern": r'^"[0-9]+"$'},
        OpenApiParameter.HEADER,
        required=True,
        description="The record's version, for If-Match when you change it.",
        response=list(statuses),
    )


def _api_actor(request: Request) -> Actor:
    return Actor.from_request(request, channel="api")


def _refused(error: DjangoValidationError) -> ApiValidationError:
    """An action's refusal as a 400, keyed by field as on the page's form."""
    if hasattr(error, "error_dict"):
        return ApiValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    return ApiValidationError({"non_field_errors": error.messages})


def _versioned(data, record, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code, headers={"ETag": preconditions.etag(record.version)})


def _defaults(model, names) -> dict:
    """What a new form starts with: each field's default, as the page shows it chosen."""
    found = {}
    for name in names:
        field = model._meta.get_field(name)
        if field.has_default():
            found[name] = field.get_default()
    return found


class ParticipantFilter(CaseloadFilter):
    # The caseload page offers its programs and coaches in a list; the API takes any code or
    # username and finds nobody for one that is not there, as its schema (a string) says.
    program = django_filters.CharFilter(field_name="current_enrollment__program__code")
    coach = django_filters.CharFilter(field_name="coach__username")

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs) -> None:
        super().__init__(data, queryset=queryset, request=request, user=request.user, **kwargs)


def _adds_to_participant(path: str, summary: str, body: Any, made: Any) -> Callable:
    """A POST to /participants/<uuid>/<path>/ that makes one record, once per Idempotency-Key:
    its route (for those who keep cases, JSON only) and its schema."""

    def decorate(method: Callable) -> Callable:
        routed = action(
            detail=True,
            methods=["post"],
            url_path=path,
            url_name=path,
            filter_backends=[],
            pagination_class=None,
            permission_classes=WRITERS,
            parser_classes=JSON_ONLY,
        )(method)
        return extend_schema(
            summary=summary,
            request=body,
            responses={201: made},
            parameters=[IDEMPOTENCY_KEY, etag_header(201)],
            filters=False,
        )(routed)

    return decorate


@extend_schema_view(
    list=extend_schema(summary="Participants in your scope, with search, filters and sorting"),
    retrieve=extend_schema(summary="One participant (recorded as a view in the audit trail)"),
)
class ParticipantViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    participant_field = None
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    filterset_class = ParticipantFilter

    def get_queryset(self):
        queryset = access.visible_to(Participant.objects.all(), self.request.user).select_related(
            "member", "household", "coach", "current_enrollment__program"
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("assignments__coach", "enrollments__program")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ParticipantDetailSerializer
        if self.action == "reminder_consents":
            return serializers.ConsentSerializer
        return serializers.ParticipantListSerializer

    @extend_schema(
        methods=["GET"],
        summary="The participant's consents to reminders, newest first, each with the words "
        "they agreed to (recorded as a view in the audit trail)",
        responses=serializers.ConsentSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Record the participant's yes to reminders on one channel, as their reminders "
        "page does; an earlier consent on that channel ends (staff who keep cases only)",
        request=serializers.ConsentRequestSerializer,
        responses={201: serializers.ConsentSerializer},
        parameters=[IDEMPOTENCY_KEY],
        filters=False,
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="reminder-consents",
        url_name="reminder-consents",
        filter_backends=[],
        pagination_class=None,
    )
    def reminder_consents(self, request: Request, uuid: str) -> Response:
        if request.method == "POST" and not access.can_edit_cases(request.user):
            raise PermissionDenied
        person = self.get_object()
        if request.method == "POST":
            return idempotency.create_once(request, lambda: _give_consent(request, person))
        consents = access.visible_to(
            Consent.objects.filter(participant=person), request.user
        ).select_related("participant", "recorded_by")
        data = serializers.ConsentSerializer(consents, many=True).data
        self.record_views(request, [person])
        return Response(data)

    @_adds_to_participant(
        "goals",
        "Set a goal with the participant, as the new-goal page does (recorded in the "
        "audit trail; coaches, supervisors and county administrators, in their scope)",
        writing.GoalWriteSerializer,
        serializers.GoalListSerializer,
    )
    def goals(self, request: Request, uuid: str) -> Response:
        person = self.get_object()
        return idempotency.create_once(request, lambda: _set_goal(request, person))

    @_adds_to_participant(
        "coaching-sessions",
        "Record a coaching session held with the participant, as the new-session page "
        "does: when, how, how long, what was covered, notes and the next appointment "
        "(recorded in the audit trail; coaches, supervisors and county administrators)",
        writing.SessionWriteSerializer,
        serializers.CoachingSessionSerializer,
    )
    def coaching_sessions(self, request: Request, uuid: str) -> Response:
        person = self.get_object()
        return idempotency.create_once(request, lambda: _record_session(request, person))

    @_adds_to_participant(
        "hours",
        "Log hours the participant took part in an activity on one day, as the "
        "participation page does: staff entries start verified, and the month is counted "
        "again (recorded in the audit trail; coaches, supervisors and county administrators)",
        writing.HoursWriteSerializer,
        serializers.HoursEntrySerializer,
    )
    def hours(self, request: Request, uuid: str) -> Response:
        person = self.get_object()
        return idempotency.create_once(request, lambda: _log_hours(request, person))

    @_adds_to_participant(
        "referrals",
        "Refer the participant to a service that serves their county, as the resource "
        "map's refer page does; the service sees the note (recorded in the audit trail; "
        "coaches, supervisors and county administrators)",
        writing.ReferralWriteSerializer,
        serializers.ReferralSerializer,
    )
    def referrals(self, request: Request, uuid: str) -> Response:
        person = self.get_object()
        return idempotency.create_once(request, lambda: _refer(request, person))


def _record_session(request: Request, person: Participant) -> Response:
    sent = writing.sent_body(request.data)
    form = SessionForm(sent)
    writing.check(writing.SessionWriteSerializer, sent, form)
    try:
        session = coaching.record_session(_api_actor(request), person, form.details())
    except DjangoValidationError as error:
        raise _refused(error) from None
    session.participant = person  # the same person: no second read
    data = serializers.CoachingSessionSerializer(session).data
    return _versioned(data, session, status.HTTP_201_CREATED)


def _log_hours(request: Request, person: Participant) -> Response:
    sent = writing.sent_body(request.data)
    activities = Activity.objects.filter(county_id=person.county_id, active=True)
    form = HoursForm({**_defaults(HoursEntry, ["kind"]), **sent}, activities=activities)
    form.fields["activity"].to_field_name = "uuid"  # type: ignore[attr-defined]
    values = writing.check(writing.HoursWriteSerializer, sent, form)
    hours = participation.Hours(
        values["activity"], values["day"], values["hours"], values["kind"], values["note"]
    )
    try:
        entry = participation.add_hours(_api_actor(request), person, hours)
    except DjangoValidationError as error:
        raise _refused(error) from None
    entry.participant = person  # the same person: no second read
    data = serializers.HoursEntrySerializer(entry).data
    return _versioned(data, entry, status.HTTP_201_CREATED)


def _refer(request: Request, person: Participant) -> Response:
    sent = writing.sent_body(request.data)
    steps = access.visible_to(
        Step.objects.filter(goal__participant=person, status=Step.Status.PLANNED), request.user
    ).select_related("goal")
    form = ReferForm({"note": sent.get("note", ""), "step": sent.get("step")}, steps=steps)
    form.fields["step"].to_field_name = "uuid"  # type: ignore[attr-defined]
    values = writing.check(writing.ReferralWriteSerializer, sent, form)
    service = Service.objects.filter(serves=person.county_id, uuid=values["service"]).first()
    if service is None:
        raise ApiValidationError({"service": [_("Choose a service that serves this family.")]})
    try:
        referral = resources.refer(
            _api_actor(request), person, service, note=values["note"], step=values["step"]
        )
    except DjangoValidationError as error:
        raise _refused(error) from None
    referral.participant = person  # the same person: no second read
    data = serializers.ReferralSerializer(referral).data
    return _versioned(data, referral, status.HTTP_201_CREATED)


def _give_consent(request: Request, person: Participant) -> Response:
    asked = serializers.ConsentRequestSerializer(data=request.data)
    asked.is_valid(raise_exception=True)
    try:
        consent = reminders.give_consent(
            Actor.from_request(request, channel="api"),
            person,
            asked.validated_data["channel"],
            asked.validated_data["address"],
            asked.validated_data["how"],
        )
    except DjangoValidationError as error:
        raise ApiValidationError(error.message_dict) from None
    data = serializers.ConsentSerializer(consent).data
    return Response(data, status=status.HTTP_201_CREATED)


def _set_goal(request: Request, person: Participant) -> Response:
    sent = writing.sent_body(request.data)
    form = GoalForm({**_defaults(Goal, GoalForm.Meta.fields), **sent}, participant=person)
    form.fields["parent"].to_field_name = "uuid"  # the API names records by their uuid
    writing.check(writing.GoalWriteSerializer, sent, form)
    try:
        goal = coaching.set_goal(_api_actor(request), person, form.details())
    except DjangoValidationError as error:
        raise _refused(error) from None
    data = serializers.GoalListSerializer(goal).data
    return _versioned(data, goal, status.HTTP_201_CREATED)


class HouseholdFilter(django_filters.FilterSet):
    case_number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Household
        fields = ["case_number"]


@extend_schema_view(
    list=extend_schema(
        summary="Households in your scope with their members (each participant recorded as "
        "viewed in the audit trail)"
    ),
    retrieve=extend_schema(
        summary="One household with its members (its participants recorded as viewed)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Change a household's address, phone or language, as its edit page does: the "
        "fields left out stay as they are (recorded in the audit trail)",
        request=writing.HouseholdWriteSerializer,
        responses={200: serializers.HouseholdSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class HouseholdViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.HouseholdSerializer
    filterset_class = HouseholdFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        queryset = access.visible_to(Household.objects.all(), self.request.user).select_related(
            "county"
        )
        if self.action in ("members", "partial_update"):
            return queryset  # a write reads only the household
        return queryset.prefetch_related("members", "participants")

    def participants_of(self, instance: Household) -> list[Participant]:
        # Every member's details are shown, so every participant of the household was seen.
        return list(instance.participants.all())

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        household = self.get_object()
        version = preconditions.expected_version(request.headers, household.version)
        sent = writing.sent_body(request.data)
        start = {name: getattr(household, name) for name in actions.HOUSEHOLD_FIELDS}
        form = HouseholdForm({**start, **sent, "version": version})
        values = writing.check(writing.HouseholdWriteSerializer, sent, form, partial=True)
        try:
            changed = actions.update_household(
                _api_actor(request),
                household,
                version,
                **{name: values[name] for name in actions.HOUSEHOLD_FIELDS},
            )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        changed.county = household.county  # the same county: no second read
        data = serializers.HouseholdSerializer(changed).data
        return _versioned(data, changed)

    @extend_schema(
        summary="Add a person to the household, as its add-a-person page does (recorded in "
        "the audit trail); the household's ETag moves",
        request=writing.MemberWriteSerializer,
        responses={201: serializers.MemberSerializer},
        parameters=[IDEMPOTENCY_KEY, etag_header(201)],
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def members(self, request: Request, uuid: str) -> Response:
        household = self.get_object()
        return idempotency.create_once(request, lambda: _add_member(request, household))


def _add_member(request: Request, household: Household) -> Response:
    sent = writing.sent_body(request.data)
    form = MemberForm({"ssn": "", **sent})
    values = writing.check(writing.MemberWriteSerializer, sent, form)
    try:
        member = actions.add_member(
            _api_actor(request), household, form.person(values["relationship"])
        )
    except DjangoValidationError as error:
        raise _refused(error) from None
    data = serializers.MemberSerializer(member).data
    return _versioned(data, member, status.HTTP_201_CREATED)


class MemberFilter(django_filters.FilterSet):
    household = django_filters.UUIDFilter(field_name="household__uuid")

    class Meta:
        model = Member
        fields = ["household"]


@extend_schema_view(
    list=extend_schema(
        summary="The people of the households in your scope (the participants of each "
        "household recorded as viewed)"
    ),
    retrieve=extend_schema(
        summary="One person of a household (its participants recorded as viewed)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Change a person of a household, as their edit page does: the fields left out "
        "stay as they are, and a blank SSN keeps the one on file (recorded in the audit trail)",
        request=writing.MemberWriteSerializer,
        responses={200: serializers.MemberSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class MemberViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.MemberSerializer
    filterset_class = MemberFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        queryset = (
            access.visible_to(Member.objects.all(), self.request.user)
            .select_related("household")
            .order_by("household_id", "birth_date", "pk")
        )
        if self.action == "partial_update":
            return queryset  # a write records no view
        return queryset.prefetch_related("household__participants")

    def participants_of(self, instance: Member) -> list[Participant]:
        return list(instance.household.participants.all())

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        member = self.get_object()
        version = preconditions.expected_version(request.headers, member.version)
        sent = writing.sent_body(request.data)
        start = {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "birth_date": member.birth_date,
            "relationship": member.relationship,
            "ssn": "",
        }
        form = MemberEditForm({**start, **sent, "version": version}, member=member)
        values = writing.check(writing.MemberWriteSerializer, sent, form, partial=True)
        try:
            changed = actions.update_member(
                _api_actor(request), member, version, form.person(values["relationship"])
            )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        except DjangoValidationError as error:
            raise _refused(error) from None
        return _versioned(serializers.MemberSerializer(changed).data, changed)


class CanReadAudit(BasePermission):
    def has_permission(self, request, view) -> bool:
        return access.can_read_audit(request.user)


class AuditEventFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter()
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)

    class Meta:
        model = AuditEvent
        fields = ["participant", "action"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Audit events about participants in scope; supervisors and administrators only."""

    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    queryset = AuditEvent.objects.none()  # for the schema; requests use get_queryset
    serializer_class = serializers.AuditEventSerializer
    filterset_class = AuditEventFilter
    permission_classes = [IsAuthenticated, CanReadAudit]

    def get_queryset(self):
        return access.audit_events_visible_to(self.request.user)


class GoalFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    status = django_filters.ChoiceFilter(choices=Goal.Status.choices)
    life_area = django_filters.ChoiceFilter(choices=LifeArea.choices)

    class Meta:
        model = Goal
        fields = ["participant", "status", "life_area"]


GOAL_WRITES = ("update", "partial_update", "steps", "potholes", "reviews")


@extend_schema_view(
    list=extend_schema(summary="Goals of the participants in your scope"),
    retrieve=extend_schema(
        summary="One goal with its steps, obstacles, reviews and status history "
        "(recorded as a view of its participant in the audit trail)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Change some of a participant's goal, as its edit page does: the fields left "
        "out stay as they are (recorded in the audit trail)",
        request=writing.GoalWriteSerializer,
        responses={200: serializers.GoalListSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
    update=extend_schema(
        summary="Change a participant's goal as a whole, as its edit page does: the fields "
        "left out take a new goal's values (recorded in the audit trail)",
        request=writing.GoalWriteSerializer,
        responses={200: serializers.GoalListSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class GoalViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    filterset_class = GoalFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        queryset = access.visible_to(Goal.objects.all(), self.request.user).select_related(
            "participant", "parent"
        )
        if self.action in GOAL_WRITES:
            # A staff member's own professional goal is changed on its page, not here.
            queryset = queryset.filter(participant__isnull=False)
        if self.action == "retrieve":
            # One query per nested list, whatever its length; "steps" also fills step.goal.
            queryset = queryset.prefetch_related(
                "steps", "obstacles__step", "reviews__by", "status_changes__by"
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.GoalDetailSerializer
        return serializers.GoalListSerializer

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        goal = self.get_object()
        version = preconditions.expected_version(request.headers, goal.version)
        sent = writing.sent_body(request.data)
        names = GoalForm.Meta.fields
        if partial:
            start = {name: getattr(goal, name) for name in names}
            start["parent"] = goal.parent.uuid if goal.parent else None
        else:
            start = _defaults(Goal, names)
        form = GoalEditForm(
            {**start, **sent, "version": version}, participant=goal.participant, goal=goal
        )
        form.fields["parent"].to_field_name = "uuid"
        writing.check(writing.GoalWriteSerializer, sent, form, partial=partial)
        try:
            changed = coaching.update_goal(_api_actor(request), goal, version, form.details())
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        except DjangoValidationError as error:
            raise _refused(error) from None
        changed.participant = goal.participant  # the same person: no second read
        return _versioned(serializers.GoalListSerializer(changed).data, changed)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="Add a step to the goal's plan, as the new-step page does (recorded in the "
        "audit trail)",
        request=writing.StepWriteSerializer,
        responses={201: serializers.StepSerializer},
        parameters=[IDEMPOTENCY_KEY, etag_header(201)],
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def steps(self, request: Request, uuid: str) -> Response:
        goal = self.get_object()
        return idempotency.create_once(request, lambda: _add_step(request, goal))

    @extend_schema(
        summary="Add a pothole (something that could get in the way) with its detour (the "
        "plan if it happens), as the goal's potholes page does (recorded in the audit trail)",
        request=writing.PotholeWriteSerializer,
        responses={201: serializers.ObstacleSerializer},
        parameters=[IDEMPOTENCY_KEY],
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def potholes(self, request: Request, uuid: str) -> Response:
        goal = self.get_object()
        return idempotency.create_once(request, lambda: _add_pothole(request, goal))

    @extend_schema(
        summary="Record a review of the goal, as its review page does; the decision may "
        "change the goal's status (recorded in the audit trail)",
        request=writing.ReviewWriteSerializer,
        responses={201: serializers.ReviewSerializer},
        parameters=[IDEMPOTENCY_KEY],
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reviews(self, request: Request, uuid: str) -> Response:
        goal = self.get_object()
        return idempotency.create_once(request, lambda: _record_review(request, goal))


def _add_step(request: Request, goal: Goal) -> Response:
    sent = writing.sent_body(request.data)
    form = StepForm({**_defaults(Step, StepForm.Meta.fields), **sent})
    writing.check(writing.StepWriteSerializer, sent, form)
    step = coaching.add_step(_api_actor(request), goal, form.details())
    return _versioned(serializers.StepSerializer(step).data, step, status.HTTP_201_CREATED)


def _add_pothole(request: Request, goal: Goal) -> Response:
    sent = writing.sent_body(request.data)
    form = ObstacleForm({name: sent.get(name) for name in ("kind", "pothole", "detour")})
    values = writing.check(writing.PotholeWriteSerializer, sent, form)
    step = None
    if values.get("step") is not None:
        step = (
            access.visible_to(Step.objects.filter(goal=goal), request.user)
            .filter(uuid=values["step"])
            .first()
        )
        if step is None:
            raise ApiValidationError({"step": [_("Choose a step of this goal.")]})
    try:
        obstacle = coaching.add_obstacle(
            _api_actor(request), goal, values["kind"], values["pothole"], values["detour"], step
        )
    except DjangoValidationError as error:
        raise _refused(error) from None
    data = serializers.ObstacleSerializer(obstacle).data
    return Response(data, status=status.HTTP_201_CREATED)


def _record_review(request: Request, goal: Goal) -> Response:
    sent = writing.sent_body(request.data)
    form = ReviewForm(sent)
    writing.check(writing.ReviewWriteSerializer, sent, form)
    review = coaching.record_review(_api_actor(request), goal, form.details())
    return Response(serializers.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class StepFilter(django_filters.FilterSet):
    goal = django_filters.UUIDFilter(field_name="goal__uuid")
    status = django_filters.ChoiceFilter(choices=Step.Status.choices)

    class Meta:
        model = Step
        fields = ["goal", "status"]


@extend_schema_view(
    retrieve=extend_schema(
        summary="One step of a goal's plan (recorded as a view of its participant)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Change some of a step, as its edit page does, or mark it done or not done yet "
        "with how it went (status, outcome_note), as the goal page's buttons do; the fields "
        "left out stay as they are (recorded in the audit trail)",
        request=writing.StepChangeSerializer,
        responses={200: serializers.StepSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
    update=extend_schema(
        summary="Change a step's plan as a whole, as its edit page does: the plan's fields "
        "left out take a new step's values; status and outcome_note, when sent, mark it "
        "(recorded in the audit trail)",
        request=writing.StepChangeSerializer,
        responses={200: serializers.StepSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class StepViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    participant_field = "goal.participant"
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.StepSerializer
    filterset_class = StepFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        queryset = access.visible_to(Step.objects.all(), self.request.user).select_related(
            "goal__participant"
        )
        if self.action in ("update", "partial_update"):
            queryset = queryset.filter(goal__participant__isnull=False)  # as for goals
        return queryset

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        step = self.get_object()
        version = preconditions.expected_version(request.headers, step.version)
        sent = writing.sent_body(request.data)
        names = StepForm.Meta.fields
        start = _defaults(Step, names)
        if partial:
            start = {name: getattr(step, name) for name in names}
        plan = StepEditForm(
            {**start, **{k: v for k, v in sent.items() if k in names}, "version": version}
        )
        mark = MarkStepForm(
            {
                "status": sent.get("status", step.status),
                "note": sent.get("outcome_note", step.outcome_note),
                "version": version,
            }
        )
        values = writing.check(
            writing.StepChangeSerializer,
            sent,
            plan,
            mark,
            partial=partial,
            renamed=writing.STEP_MARK_NAMES,
        )
        actor = _api_actor(request)
        try:
            with transaction.atomic():
                changed = coaching.update_step(actor, step, version, plan.details())
                if (values["status"], values["outcome_note"].strip()) != (
                    changed.status,
                    changed.outcome_note,
                ):
                    changed = coaching.mark_step(
                        actor, step, changed.version, values["status"], values["outcome_note"]
                    )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        changed.goal = step.goal  # the same goal: no second read
        return _versioned(serializers.StepSerializer(changed).data, changed)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


class CoachingSessionFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")

    class Meta:
        model = CoachingSession
        fields = ["participant"]


@extend_schema_view(
    list=extend_schema(summary="Coaching sessions (the contact log) of participants in your scope"),
    retrieve=extend_schema(
        summary="One coaching session (recorded as a view of its participant in the audit trail)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Correct or add to a session's notes, as its notes page does: only the coach "
        "who held it and supervisors keep them, anyone else 403; without notes, nothing "
        "changes (recorded in the audit trail)",
        request=writing.SessionNotesSerializer,
        responses={200: serializers.CoachingSessionSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class CoachingSessionViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.CoachingSessionSerializer
    filterset_class = CoachingSessionFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        return access.visible_to(CoachingSession.objects.all(), self.request.user).select_related(
            "participant", "coach"
        )

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        session = self.get_object()
        if not access.can_edit_session_notes(request.user, session):
            raise PermissionDenied
        version = preconditions.expected_version(request.headers, session.version)
        sent = writing.sent_body(request.data)
        form = SessionNotesForm({"notes": sent.get("notes"), "version": version})
        values = writing.check(writing.SessionNotesSerializer, sent, form, partial=True)
        if "notes" not in sent:  # nothing to change: the session as it is
            return _versioned(self.get_serializer(session).data, session)
        try:
            changed = coaching.edit_session_notes(
                _api_actor(request), session, version, values["notes"]
            )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        changed.participant, changed.coach = session.participant, session.coach
        return _versioned(serializers.CoachingSessionSerializer(changed).data, changed)


class AchievementFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    incentive = django_filters.ChoiceFilter(choices=Achievement.Incentive.choices)

    class Meta:
        model = Achievement
        fields = ["participant", "incentive"]


@extend_schema_view(
    list=extend_schema(summary="Achievements and incentives of participants in your scope"),
    retrieve=extend_schema(
        summary="One achievement (recorded as a view of its participant in the audit trail)"
    ),
)
class AchievementViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.AchievementSerializer
    filterset_class = AchievementFilter

    def get_queryset(self):
        return access.visible_to(Achievement.objects.all(), self.request.user).select_related(
            "participant", "goal", "by", "decided_by"
        )


class AssessmentFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    instrument = django_filters.CharFilter()
    finished = django_filters.BooleanFilter(
        field_name="completed_at", exclude=True, lookup_expr="isnull"
    )

    class Meta:
        model = AssessmentResponse
        fields = ["participant", "instrument", "finished"]


@extend_schema_view(
    list=extend_schema(summary="Assessment responses of participants in your scope"),
    retrieve=extend_schema(
        summary="One assessment response with its answers and result; answers to private "
        "questions are never included (recorded as a view in the audit trail)"
    ),
)
class AssessmentViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return (
            access.visible_to(AssessmentResponse.objects.all(), self.request.user)
            .select_related("participant", "started_by")
            .defer("private_answers")
        )


class InstrumentSummarySerializer(drf_serializers.Serializer):
    instrument = drf_serializers.CharField()
    version = drf_serializers.IntegerField()
    versions = drf_serializers.ListField(child=drf_serializers.IntegerField())
    title = drf_serializers.DictField(child=drf_serializers.CharField())
    purpose = drf_serializers.DictField(child=drf_serializers.CharField())
    minutes = drf_serializers.IntegerField()
    self_service = drf_serializers.BooleanField()


def _instrument_summary(slug: str) -> dict:
    latest = catalogue().latest(slug)
    return {
        **latest.model_dump(
            mode="json",
            include={"instrument", "version", "title", "purpose", "minutes", "self_service"},
        ),
        "versions": [i.version for i in catalogue().versions(slug)],
    }


@extend_schema_view(
    list=extend_schema(summary="The assessment instruments, each with its versions"),
    retrieve=extend_schema(
        summary="One instrument in full: the latest version, or ?version=N",
        responses={200: dict},
    ),
)
class InstrumentViewSet(viewsets.ViewSet):
    lookup_field = "slug"
    lookup_value_converter = "str"
    serializer_class = InstrumentSummarySerializer

    def list(self, request: Request) -> Response:
        return Response([_instrument_summary(slug) for slug in catalogue().slugs])

    def retrieve(self, request: Request, slug: str) -> Response:
        try:
            version = request.query_params.get("version")
            instrument = (
                catalogue().get(slug, int(version)) if version else catalogue().latest(slug)
            )
        except (KeyError, IndexError, ValueError):
            raise NotFound from None
        return Response(instrument.model_dump(mode="json", exclude_none=True))


class ServiceFilter(django_filters.FilterSet):
    area = django_filters.CharFilter()
    category = django_filters.CharFilter()
    status = django_filters.CharFilter()
    language = django_filters.CharFilter(field_name="languages__code", distinct=True)
    county = django_filters.UUIDFilter(field_name="serves__uuid", distinct=True)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Service
        fields = ["area", "category", "status", "language", "county", "q"]


@extend_schema_view(
    list=extend_schema(summary="Services in the resource maps of your county (or counties)"),
    retrieve=extend_schema(summary="One service, with its rules, hours, languages and places"),
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.ServiceSerializer
    filterset_class = ServiceFilter

    def get_queryset(self):
        services = directory.services_visible_to(self.request.user)
        return with_details(services).prefetch_related("serves").select_related("county")


class ReferralFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    service = django_filters.UUIDFilter(field_name="service__uuid")
    stage = django_filters.CharFilter()

    class Meta:
        model = Referral
        fields = ["participant", "service", "stage"]


@extend_schema_view(
    list=extend_schema(summary="Referrals of participants in your scope"),
    retrieve=extend_schema(
        summary="One referral and its loop (recorded as a view)", parameters=[etag_header(200)]
    ),
    partial_update=extend_schema(
        summary="Move a referral along its loop, as the referral page does: the next stage "
        "(stages may be skipped, never gone back), when it happened and, to close it, how it "
        "ended; webhooks hear of the new stage (recorded in the audit trail); without a "
        "stage, nothing changes",
        request=writing.ReferralProgressSerializer,
        responses={200: serializers.ReferralSerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class ReferralViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.ReferralSerializer
    filterset_class = ReferralFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        return access.visible_to(Referral.objects.all(), self.request.user).select_related(
            "participant", "service", "step", "made_by"
        )

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        referral = self.get_object()
        version = preconditions.expected_version(request.headers, referral.version)
        sent = writing.sent_body(request.data)
        if "stage" not in sent:  # nothing to move: the referral as it is, if the rest is sound
            writing.check(writing.ReferralProgressSerializer, sent, partial=True)
            return _versioned(self.get_serializer(referral).data, referral)
        if referral.is_closed:  # the page offers no next stage
            raise ApiValidationError({"stage": [_("This referral is closed.")]})
        form = ProgressForm(
            {
                "on": timezone.localdate(),
                "outcome": "",
                **{name: sent[name] for name in ("stage", "on", "outcome") if name in sent},
                "version": version,
            },
            referral=referral,
        )
        values = writing.check(writing.ReferralProgressSerializer, sent, form, partial=True)
        try:
            changed = resources.record_progress(
                _api_actor(request),
                referral,
                values["stage"],
                values["on"],
                version,
                outcome=values["outcome"],
            )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        except DjangoValidationError as error:
            raise _refused(error) from None
        # The same participant, service, step and maker: no second read.
        for name in ("participant", "service", "step", "made_by"):
            setattr(changed, name, getattr(referral, name))
        return _versioned(serializers.ReferralSerializer(changed).data, changed)


class ActivityFilter(django_filters.FilterSet):
    county = django_filters.UUIDFilter(field_name="county__uuid")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Activity
        fields = ["county", "active"]


# A county's catalogue of activities holds no case data: it is read by whoever reads the
# county's resource map (access.directory_counties), as on the activities page.
@extend_schema_view(
    list=extend_schema(
        summary="The activities of your county (or counties) that hours are logged in, each "
        "with the federal work activity it counts as"
    ),
    retrieve=extend_schema(summary="One activity of a county's catalogue"),
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self):
        counties = access.directory_counties(self.request.user)
        return (
            Activity.objects.filter(county__in=counties)
            .select_related("county")
            .order_by("county__name", "name", "pk")
        )


class HoursEntryFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    verification = django_filters.ChoiceFilter(choices=HoursEntry.Verification.choices)
    day_after = django_filters.DateFilter(field_name="day", lookup_expr="gte")

    class Meta:
        model = HoursEntry
        fields = ["participant", "verification", "day_after"]


@extend_schema_view(
    list=extend_schema(
        summary="Hours logged for the participants in your scope, newest day first, each with "
        "whether it was verified"
    ),
    retrieve=extend_schema(
        summary="One entry of hours (recorded as a view of its participant in the audit trail)",
        parameters=[etag_header(200)],
    ),
    partial_update=extend_schema(
        summary="Verify an entry of hours, or say it could not be verified, as the "
        "participation page's buttons do; the month is counted again (recorded in the audit "
        "trail); without a verification, nothing changes",
        request=writing.HoursCheckSerializer,
        responses={200: serializers.HoursEntrySerializer},
        parameters=[IF_MATCH, etag_header(200)],
    ),
)
class HoursEntryViewSet(VersionedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.HoursEntrySerializer
    filterset_class = HoursEntryFilter
    permission_classes = WRITERS
    parser_classes = JSON_ONLY

    def get_queryset(self):
        return (
            access.visible_to(HoursEntry.objects.all(), self.request.user)
            .select_related("participant", "activity", "entered_by", "verified_by")
            .order_by("-day", "-pk")
        )

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        entry = self.get_object()
        version = preconditions.expected_version(request.headers, entry.version)
        sent = writing.sent_body(request.data)
        if "verification" not in sent:  # nothing to change: the entry as it is
            return _versioned(self.get_serializer(entry).data, entry)
        form = VerifyForm({"verification": sent["verification"], "version": version})
        values = writing.check(writing.HoursCheckSerializer, sent, form)
        try:
            changed = participation.verify_hours(
                _api_actor(request), entry, values["verification"], version
            )
        except StaleEdit as stale:
            raise preconditions.PreconditionFailed(stale.current_version) from None
        # The same participant, activity and first author; the checker is the caller.
        changed.participant, changed.activity = entry.participant, entry.activity
        changed.entered_by, changed.verified_by = entry.entered_by, request.user
        return _versioned(serializers.HoursEntrySerializer(changed).data, changed)


class MonthResultFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    month = django_filters.DateFilter()
    step = django_filters.ChoiceFilter(choices=MonthResult.Step.choices)
    meets_rate = django_filters.BooleanFilter()

    class Meta:
        model = MonthResult
        fields = ["participant", "month", "step", "meets_rate"]


@extend_schema_view(
    list=extend_schema(
        summary="Countable hours per participant and month, with the rate status and the reasons"
    ),
)
class MonthResultViewSet(AuditedListMixin, viewsets.mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.MonthResultSerializer
    filterset_class = MonthResultFilter

    def get_queryset(self):
        return (
            access.visible_to(MonthResult.objects.all(), self.request.user)
            .select_related("participant")
            .order_by("-month", "participant_id")
        )


@extend_schema_view(
    list=extend_schema(summary="Time clocks of the participants in your scope"),
    retrieve=extend_schema(summary="One participant's time clocks (recorded as a view)"),
)
class TimeClockViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    participant_field = None
    serializer_class = serializers.TimeClocksSerializer
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one

    def get_queryset(self):
        return (
            access.visible_to(Participant.objects.all(), self.request.user)
            .select_related("current_enrollment__program")
            .order_by("pk")
        )

    def _serialized(self, people: list[Participant], many: bool):
        readings = ledger.readings_for(people, timezone.localdate())
        context = {**self.get_serializer_context(), "readings": readings}
        return serializers.TimeClocksSerializer(
            people if many else people[0], many=many, context=context
        ).data

    def list(self, request: Request, *args, **kwargs) -> Response:
        people = list(self.paginate_queryset(self.get_queryset()) or [])
        data = self._serialized(people, many=True)
        self.record_views(request, people)
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        person = self.get_object()
        data = self._serialized([person], many=False)
        self.record_views(request, [person])
        return Response(data)


def _career_industries(request: Request, only: str = "") -> list[dict]:
    """Industries as the API shows them: sources spelt out, each rung with its local partners."""
    data = careers.load()
    sources = {source.key: source.model_dump(mode="json") for source in data.sources}
    partners: dict[tuple[str, str, str], list[LocalPartner]] = {}
    found = LocalPartner.objects.filter(
        county__in=access.directory_counties(request.user)
    ).select_related("county")
    if only:
        found = found.filter(industry_key=only)
    for partner in found.order_by("name", "pk"):
        key = (partner.industry_key, partner.ladder_key, partner.level)
        partners.setdefault(key, []).append(partner)
    shown = []
    for industry in data.industries:
        if only and industry.key != only:
            continue
        row = industry.model_dump(mode="json")
        for ladder in row["ladders"]:
            for rung in ladder["rungs"]:
                for part in ("wage", "outlook"):
                    rung[part]["source"] = sources[rung[part]["source"]]
                rung["partners"] = partners.get((industry.key, ladder["key"], rung["level"]), [])
        shown.append(row)
    return shown


@extend_schema_view(
    list=extend_schema(
        summary="Career ladders by industry, with the local partners of the counties you read"
    ),
    retrieve=extend_schema(summary="One industry's career ladders, rung by rung"),
)
class CareerViewSet(viewsets.ViewSet):
    # The ladders are public facts; the partners come from access.directory_counties.
    lookup_field = "industry"
    lookup_value_converter = "str"
    serializer_class = serializers.CareerIndustrySerializer

    def list(self, request: Request) -> Response:
        return Response(
            serializers.CareerIndustrySerializer(_career_industries(request), many=True).data
        )

    def retrieve(self, request: Request, industry: str) -> Response:
        found = _career_industries(request, only=industry)
        if not found:
            raise NotFound
        return Response(serializers.CareerIndustrySerializer(found[0]).data)


class BenefitScenarioFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")

    class Meta:
        model = Scenario
        fields = ["participant"]


@extend_schema_view(
    list=extend_schema(
        summary="Saved benefits pictures of participants in your scope, newest first, each "
        "with its figures as computed"
    ),
    retrieve=extend_schema(
        summary="One saved benefits picture: net resources along the pay curve, the marked "
        "pays and the cliffs (recorded as a view of its participant in the audit trail)"
    ),
)
class BenefitScenarioViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.BenefitScenarioSerializer
    filterset_class = BenefitScenarioFilter

    def get_queryset(self):
        return (
            access.visible_to(Scenario.objects.all(), self.request.user)
            .select_related("participant")
            .defer("request")
        )


class MessageFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    about = django_filters.ChoiceFilter(choices=Message.About.choices)
    channel = django_filters.ChoiceFilter(choices=Message._meta.get_field("channel").choices)
    status = django_filters.ChoiceFilter(choices=Message.Status.choices)

    class Meta:
        model = Message
        fields = ["participant", "about", "channel", "status"]


class ReminderFilter(MessageFilter):
    about = django_filters.ChoiceFilter(
        choices=[(kind.value, kind.label) for kind in Message.REMINDERS]
    )


@extend_schema_view(
    list=extend_schema(
        summary="Reminders set on the steps, appointments, review dates and check-ins of "
        "participants in your scope: what, when, on which channel, and where each one is"
    ),
    retrieve=extend_schema(summary="One reminder (recorded as a view of its participant)"),
)
class ReminderViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.ReminderSerializer
    filterset_class = ReminderFilter

    def get_queryset(self):
        return access.visible_to(
            Message.objects.filter(about__in=Message.REMINDERS), self.request.user
        ).select_related("participant")

    def get_serializer(self, *args, **kwargs):
        # A step's words, for the rows on the page that are about steps: one query, however
        # many rows, and only steps the reader may read.
        if args and self.request is not None:
            rows = args[0] if kwargs.get("many") else [args[0]]
            ids = [row.about_id for row in rows if row.about == Message.About.STEP]
            steps = access.visible_to(Step.objects.filter(uuid__in=ids), self.request.user)
            words = dict(steps.values_list("uuid", "what")) if ids else {}
            kwargs["context"] = {**self.get_serializer_context(), "step_words": words}
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Messages to participants in your scope, newest first: where each is, its "
        "tries, and when it was sent and delivered; a sign-in link's words are never shown"
    ),
    retrieve=extend_schema(summary="One message (recorded as a view of its participant)"),
)
class MessageViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.MessageSerializer
    filterset_class = MessageFilter

    def get_queryset(self):
        return access.visible_to(Message.objects.all(), self.request.user).select_related(
            "participant"
        )


class PracticeReviewFilter(django_filters.FilterSet):
    worker = django_filters.CharFilter(field_name="worker__username")
    observed_after = django_filters.DateFilter(field_name="observed_on", lookup_expr="gte")

    class Meta:
        model = PracticeReview
        fields = ["worker", "observed_after"]


# A review of a person's work is read as the pages read it: the reviews the reader may see
# (county.reviews.visible: a coach their own, a supervisor their team's and office's, a county
# administrator the county's), each review of a person shown recorded as a view.
@extend_schema_view(
    list=extend_schema(summary="Fidelity reviews you may read, of programs and of workers"),
    retrieve=extend_schema(summary="One fidelity review (a review of a person is recorded)"),
)
class FidelityReviewViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.PracticeReviewSerializer
    filterset_class = PracticeReviewFilter

    def get_queryset(self):
        return (
            reviews.visible(self.request.user)
            .filter(kind=PracticeReview.Kind.FIDELITY)
            .select_related("county", "program", "worker")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page or [])
        data = self.get_serializer(rows, many=True).data
        county.record_review_views(Actor.from_request(request, channel="api"), rows)
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()  # a 404 here records nothing
        data = self.get_serializer(instance).data
        county.record_review_views(Actor.from_request(request, channel="api"), [instance])
        return Response(data)


# County goals are read by whoever reads the county's planning pages
# (access.planning_counties: its administrator and supervisors, the state over its counties),
# each with how it stands, computed as the goals page does: one reading of each measure a
# county's goals follow.
@extend_schema_view(
    list=extend_schema(summary="County goals you may read, each with how it stands"),
    retrieve=extend_schema(summary="One county goal and how it stands"),
)
class CountyGoalViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.CountyGoalSerializer

    def get_queryset(self):
        counties = access.planning_counties(self.request.user)
        return CountyGoal.objects.filter(county__in=counties).select_related("county")

    def _with_progress(self, goals: list[CountyGoal]) -> dict:
        today = timezone.localdate()
        by_county: dict[int, list[CountyGoal]] = {}
        for goal in goals:
            by_county.setdefault(goal.county_id, []).append(goal)
        progress = {
            each.goal.pk: each
            for same_county in by_county.values()
            for each in county_goals.progress_of_each(same_county, same_county[0].county, today)
        }
        return {**self.get_serializer_context(), "progress": progress}

    def list(self, request: Request, *args, **kwargs) -> Response:
        rows = list(self.paginate_queryset(self.get_queryset()) or [])
        context = self._with_progress(rows)
        return self.get_paginated_response(
            self.get_serializer_class()(rows, many=True, context=context).data
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        goal = self.get_object()
        context = self._with_progress([goal])
        return Response(self.get_serializer_class()(goal, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="County self-assessment rounds you may read, newest first"),
    retrieve=extend_schema(summary="One self-assessment round and its settled answer"),
)
class SelfAssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.SelfAssessmentRoundSerializer

    def get_queryset(self):
        counties = access.planning_counties(self.request.user)
        return (
            SelfAssessmentRound.objects.filter(county__in=counties)
            .select_related("county", "settled_by")
            .annotate(ratings_sent=Count("ratings"))
            .order_by("-started_at", "-pk")  # a grouped query drops Meta.ordering
        )


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "percent": figure.percent,
    }


def _trend(trend: Trend) -> dict[str, Any]:
    measure, words = trend.measure, trend.measure.definition
    return {
        "key": measure.key,
        "title": str(measure.title),
        "is_rate": measure.is_rate,
        "definition": {
            "numerator": str(words.numerator),
            "denominator": str(words.denominator) if words.denominator else None,
            "month": str(words.month),
            "who": str(words.who),
        },
        "months": [{"month": month, **_figure(figure)} for month, figure in trend.months],
    }


FAMILY_FILTERS = [
    OpenApiParameter("program", str, description="Only families in this program (its code)."),
    OpenApiParameter("language", str, enum=["en", "es", "other"]),
    OpenApiParameter("shape", str, enum=["one-parent", "two-parents", "no-children"]),
]


# The measures pages' figures: whoever reads them there (access.can_read_audit), over the
# families they may read, narrowed as the pages narrow them (people.filters.FamilyFilter).
@extend_schema_view(
    list=extend_schema(
        summary="Every measure over the last twelve months, for the families you may read",
        parameters=FAMILY_FILTERS,
        responses=serializers.MeasureSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One measure over twelve months, and one month by team, office, county or coach",
        parameters=[
            *FAMILY_FILTERS,
            OpenApiParameter("by", str, enum=["team", "office", "county", "coach"]),
            OpenApiParameter("month", str, description="YYYY-MM, one of the twelve months."),
        ],
        responses=serializers.MeasureByGroupSerializer,
    ),
)
class MeasureViewSet(viewsets.ViewSet):
    lookup_field = "key"
    lookup_value_converter = "str"
    permission_classes = [IsAuthenticated, CanReadAudit]

    def _families(self, request: Request) -> QuerySet[Participant]:
        families = FamilyFilter(request.query_params or None, queryset=overview.scope(request.user))
        if families.is_bound and not families.is_valid():
            if set(families.errors) - {"program"}:
                raise ApiValidationError(families.errors)
            return families.qs.none()  # a program no one is enrolled in counts no family
        return families.qs

    def list(self, request: Request) -> Response:
        families = self._families(request)
        this_month = month_of(timezone.localdate())
        return Response([_trend(t) for t in overview.every_trend(families, this_month)])

    def retrieve(self, request: Request, key: str) -> Response:
        if key not in BY_KEY:
            raise NotFound
        measure, families = BY_KEY[key], self._families(request)
        this_month = month_of(timezone.localdate())
        month = overview.chosen_month(request.query_params.get("month"), this_month)
        by = overview.chosen_grouping(request.query_params.get("by"))
        trend = overview.trend(measure, families, overview.months_to(this_month))
        groups = overview.by_group(measure, families, month, by)
        return Response(
            {
                **_trend(trend),
                "by": by,
                "month": month,
                "groups": [{"name": row.name, **_figure(row.figure)} for row in groups],
            }
        )
