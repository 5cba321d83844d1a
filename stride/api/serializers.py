from rest_framework import serializers

from stride.core.models import AuditEvent
from stride.people.models import Household, Member, Participant


class MemberSerializer(serializers.ModelSerializer):
    ssn_last4 = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True)
    is_adult = serializers.BooleanField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "uuid",
            "first_name",
            "last_name",
            "birth_date",
            "age",
            "is_adult",
            "relationship",
            "ssn_last4",
        ]


class HouseholdSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.name")
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "uuid", "case_number", "county", "address_line", "city", "zip_code", "phone",
            "language", "member_count", "members",
        ]  # fmt: skip


class ParticipantListSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="member.first_name")
    last_name = serializers.CharField(source="member.last_name")
    case_number = serializers.CharField(source="household.case_number")
    household = serializers.UUIDField(source="household.uuid")
    household_size = serializers.IntegerField(source="household.member_count")
    program = serializers.CharField(source="current_enrollment.program.code", default=None)
    status = serializers.CharField(source="current_enrollment.status", default=None)
    aid_start = serializers.DateField(source="current_enrollment.aid_start", default=None)
    months_on_aid = serializers.IntegerField(
        source="current_enrollment.months_on_aid", default=None
    )
    coach = serializers.CharField(source="coach.username", default=None)

    class Meta:
        model = Participant
        fields = [
            "uuid", "first_name", "last_name", "case_number", "household", "household_size",
            "program", "status", "aid_start", "months_on_aid", "coach", "assigned_since",
            "last_contact_at",
        ]  # fmt: skip


class AssignmentSerializer(serializers.Serializer):
    coach = serializers.CharField(source="coach.username")
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    reason = serializers.CharField()


class ParticipantDetailSerializer(ParticipantListSerializer):
    birth_date = serializers.DateField(source="member.birth_date")
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta(ParticipantListSerializer.Meta):
        fields = [*ParticipantListSerializer.Meta.fields, "birth_date", "assignments"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "uuid", "at", "actor_name", "actor_role", "action", "record_type", "record_id",
            "participant", "fields", "ip_address", "channel",
        ]  # fmt: skip
