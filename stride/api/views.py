"""API resources, read-only but for one write (a participant's consent to reminders, through
the same action function as the page); every queryset comes from the access module."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from stride.assessments.instruments import catalogue
from stride.assessments.models import Response as AssessmentResponse
from stride.benefits.models import Scenario
from stride.careers import catalogue as careers
from stride.careers.models import LocalPartner
from stride.coaching.models import Achievement, CoachingSession, Goal, Step
from stride.core import access
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.core.vocabulary import LifeArea
from stride.participation import ledger
from stride.participation.models import MonthResult
from stride.people import actions
from stride.people.filters import CaseloadFilter
from stride.people.models import Household, Participant
from stride.reminders import actions as reminders
from stride.reminders.models import Consent, Message
from stride.resources import directory
from stride.resources.matching import with_details
from stride.resources.models import Referral, Service

from . import serializers


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


class ParticipantFilter(CaseloadFilter):
    # The caseload page offers its programs and coaches in a list; the API takes any code or
    # username and finds nobody for one that is not there, as its schema (a string) says.
    program = django_filters.CharFilter(field_name="current_enrollment__program__code")
    coach = django_filters.CharFilter(field_name="coach__username")

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs) -> None:
        super().__init__(data, queryset=queryset, request=request, user=request.user, **kwargs)


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
            queryset = queryset.prefetch_related("assignments__coach")
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
        consents = access.visible_to(
            Consent.objects.filter(participant=person), request.user
        ).select_related("participant", "recorded_by")
        data = serializers.ConsentSerializer(consents, many=True).data
        self.record_views(request, [person])
        return Response(data)


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
        summary="One household with its members (its participants recorded as viewed)"
    ),
)
class HouseholdViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return (
            access.visible_to(Household.objects.all(), self.request.user)
            .select_related("county")
            .prefetch_related("members", "participants")
        )

    def participants_of(self, instance: Household) -> list[Participant]:
        # Every member's details are shown, so every participant of the household was seen.
        return list(instance.participants.all())


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


@extend_schema_view(
    list=extend_schema(summary="Goals of the participants in your scope"),
    retrieve=extend_schema(
        summary="One goal with its steps, obstacles, reviews and status history "
        "(recorded as a view of its participant in the audit trail)"
    ),
)
class GoalViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    filterset_class = GoalFilter

    def get_queryset(self):
        queryset = access.visible_to(Goal.objects.all(), self.request.user).select_related(
            "participant", "parent"
        )
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


class StepFilter(django_filters.FilterSet):
    goal = django_filters.UUIDFilter(field_name="goal__uuid")
    status = django_filters.ChoiceFilter(choices=Step.Status.choices)

    class Meta:
        model = Step
        fields = ["goal", "status"]


class StepViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    participant_field = "goal.participant"
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.StepSerializer
    filterset_class = StepFilter

    def get_queryset(self):
        return access.visible_to(Step.objects.all(), self.request.user).select_related(
            "goal__participant"
        )


class CoachingSessionFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")

    class Meta:
        model = CoachingSession
        fields = ["participant"]


@extend_schema_view(
    list=extend_schema(summary="Coaching sessions (the contact log) of participants in your scope"),
    retrieve=extend_schema(
        summary="One coaching session (recorded as a view of its participant in the audit trail)"
    ),
)
class CoachingSessionViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.CoachingSessionSerializer
    filterset_class = CoachingSessionFilter

    def get_queryset(self):
        return access.visible_to(CoachingSession.objects.all(), self.request.user).select_related(
            "participant", "coach"
        )


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
    retrieve=extend_schema(summary="One referral and its loop (recorded as a view)"),
)
class ReferralViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "str"  # a malformed id is a 404 in JSON, like a missing one
    serializer_class = serializers.ReferralSerializer
    filterset_class = ReferralFilter

    def get_queryset(self):
        return access.visible_to(Referral.objects.all(), self.request.user).select_related(
            "participant", "service", "step", "made_by"
        )


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
