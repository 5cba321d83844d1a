"""Read-only API resources; every queryset comes from the access module."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from stride.core import access
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions
from stride.people.filters import CaseloadFilter
from stride.people.models import Household, Participant

from . import serializers


class ParticipantFilter(CaseloadFilter):
    def __init__(self, data=None, queryset=None, *, request=None, **kwargs) -> None:
        super().__init__(data, queryset=queryset, request=request, user=request.user, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="Participants in your scope, with search, filters and sorting"),
    retrieve=extend_schema(summary="One participant (recorded as a view in the audit trail)"),
)
class ParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "uuid"
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
        return serializers.ParticipantListSerializer

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        actions.record_view(Actor.from_request(request, channel="api"), self.get_object())
        return response


class HouseholdFilter(django_filters.FilterSet):
    case_number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Household
        fields = ["case_number"]


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_converter = "uuid"
    serializer_class = serializers.HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return (
            access.visible_to(Household.objects.all(), self.request.user)
            .select_related("county")
            .prefetch_related("members")
        )


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
    lookup_value_converter = "uuid"
    queryset = AuditEvent.objects.none()  # for the schema; requests use get_queryset
    serializer_class = serializers.AuditEventSerializer
    filterset_class = AuditEventFilter
    permission_classes = [IsAuthenticated, CanReadAudit]

    def get_queryset(self):
        return access.audit_events_visible_to(self.request.user)
