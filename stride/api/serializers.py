from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stride.assessments.models import Response as AssessmentResponse
from stride.benefits import cliffs, engine, presenting
from stride.benefits.models import Scenario
from stride.careers.models import LocalPartner
from stride.coaching.models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalStatusChange,
    Obstacle,
    Review,
    Step,
)
from stride.core.models import AuditEvent
from stride.county import comparison, self_assessment
from stride.county.goals import Progress, Standing
from stride.county.models import CountyGoal, PracticeReview, SelfAssessmentRound
from stride.participation.models import Activity, HoursEntry, MonthResult
from stride.people.models import Enrollment, Household, Member, Participant
from stride.reminders.models import Channel, Consent, Message
from stride.resources.models import Location, Referral, Schedule, Service


def uuid_of(**kwargs) -> serializers.SlugRelatedField:
    """A related record shown by its uuid: the API never exposes primary keys."""
    return serializers.SlugRelatedField(slug_field="uuid", read_only=True, **kwargs)


def username_of(**kwargs) -> serializers.SlugRelatedField:
    # Staff accounts can be deleted (SET_NULL), so the person may be gone.
    return serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the staff member; null once their account is deleted.",
        **kwargs,
    )


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
            "version",
        ]


class HouseholdSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.name")
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "uuid", "case_number", "county", "address_line", "city", "zip_code", "phone",
            "language", "member_count", "members", "version",
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
    ended_on = serializers.DateField(
        allow_null=True, help_text="Null while the coach has the case."
    )
    reason = serializers.CharField()


class EnrollmentSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code")
    ended_on = serializers.DateField(allow_null=True, help_text="Null while enrolled.")
    exit_reason = serializers.CharField(help_text="Why the enrollment ended; empty while enrolled.")

    class Meta:
        model = Enrollment
        fields = ["uuid", "program", "aid_start", "status", "ended_on", "exit_reason"]


class ParticipantDetailSerializer(ParticipantListSerializer):
    birth_date = serializers.DateField(source="member.birth_date")
    assignments = AssignmentSerializer(many=True, read_only=True)
    enrollments = EnrollmentSerializer(many=True, read_only=True)

    class Meta(ParticipantListSerializer.Meta):
        fields = [
            *ParticipantListSerializer.Meta.fields,
            "birth_date",
            "assignments",
            "enrollments",
        ]


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.DictField(
        child=serializers.ListField(
            child=serializers.CharField(allow_null=True), min_length=2, max_length=2
        ),
        read_only=True,
        help_text=(
            "Old and new value of each changed field whose values are not personal (a status, "
            "a stage), as {field: [old, new]} in the choices' stored values; old is null for a "
            "new record. Other fields are only named in `fields`."
        ),
    )

    class Meta:
        model = AuditEvent
        fields = [
            "uuid", "at", "actor_name", "actor_role", "action", "record_type", "record_id",
            "participant", "fields", "changes", "ip_address", "channel",
        ]  # fmt: skip


class StepSerializer(serializers.ModelSerializer):
    goal = uuid_of()

    class Meta:
        model = Step
        fields = [
            "uuid", "goal", "position", "what", "due_on", "where", "how", "who_helps",
            "resources", "wants_reminder", "status", "outcome_note", "status_on", "version",
        ]  # fmt: skip


class ObstacleSerializer(serializers.ModelSerializer):
    step = uuid_of(allow_null=True)

    class Meta:
        model = Obstacle
        fields = ["uuid", "kind", "pothole", "detour", "step"]


class ReviewSerializer(serializers.ModelSerializer):
    by = username_of()

    class Meta:
        model = Review
        fields = [
            "uuid", "how_it_went", "went_well", "learned", "next_time", "decision", "created_at",
            "by",
        ]  # fmt: skip


class GoalStatusChangeSerializer(serializers.ModelSerializer):
    by = username_of()

    class Meta:
        model = GoalStatusChange
        fields = ["uuid", "status", "on", "by"]


class GoalListSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    parent = uuid_of(allow_null=True)

    class Meta:
        model = Goal
        fields = [
            "uuid", "participant", "parent", "words", "why_it_matters", "looks_like", "measure",
            "target_date", "difficulty", "confidence", "term", "life_area", "proposed_by",
            "status", "status_since", "created_at", "version",
        ]  # fmt: skip


class GoalDetailSerializer(GoalListSerializer):
    steps = StepSerializer(many=True, read_only=True)
    obstacles = ObstacleSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    status_history = GoalStatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(GoalListSerializer.Meta):
        fields = [
            *GoalListSerializer.Meta.fields,
            "steps",
            "obstacles",
            "reviews",
            "status_history",
        ]


class CoachingSessionSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    coach = username_of()
    # A list of stage codes; declared so the schema says so rather than "any JSON".
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=CoachingSession.Stage.choices), read_only=True
    )

    class Meta:
        model = CoachingSession
        fields = [
            "uuid", "participant", "coach", "held_at", "mode", "minutes", "topic", "stages",
            "notes", "next_appointment", "version",
        ]  # fmt: skip


class AchievementSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    goal = uuid_of(allow_null=True)
    by = username_of()
    decided_by = username_of()

    class Meta:
        model = Achievement
        fields = [
            "uuid", "participant", "kind", "goal", "words", "on", "incentive_amount",
            "incentive", "by", "decided_by", "decided_on",
        ]  # fmt: skip


class AssessmentSerializer(serializers.ModelSerializer):
    """A response to an assessment. Answers to private questions are never part of it."""

    participant = uuid_of()
    started_by = username_of()

    class Meta:
        model = AssessmentResponse
        fields = [
            "uuid", "participant", "instrument", "instrument_version", "where", "started_by",
            "started_at", "completed_at", "answers", "result",
        ]  # fmt: skip


# A service's hours are wall-clock times in its county, with no offset: OpenAPI's "time" format
# (RFC 3339) requires one, so the schema says what the API sends instead.
@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
        "description": "Local time in the service's county, HH:MM:SS (24-hour).",
        "example": "06:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    pass


class ScheduleSerializer(serializers.ModelSerializer):
    opens_at = LocalTimeField(read_only=True)
    closes_at = LocalTimeField(read_only=True)

    class Meta:
        model = Schedule
        fields = ["weekday", "opens_at", "closes_at"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "uuid", "name", "address_1", "city", "state_province", "postal_code",
            "latitude", "longitude",
        ]  # fmt: skip


class ServiceSerializer(serializers.ModelSerializer):
    """A service in a county's resource map, with its rules (HSDS-shaped; no case data)."""

    provider = serializers.CharField(source="provider.name", read_only=True)
    contracted = serializers.BooleanField(source="provider.contracted", read_only=True)
    county = uuid_of()
    serves = uuid_of(many=True)
    fits = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    schedules = ScheduleSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "uuid", "hsds_id", "name", "provider", "contracted", "county", "serves", "status",
            "area", "category", "description", "url", "email", "phone", "application_process",
            "fees_description", "eligibility_description", "fits", "months_on_aid_min",
            "months_on_aid_max", "languages", "schedules", "locations", "open_evenings",
            "open_weekends", "last_verified_on",
        ]  # fmt: skip


class ReferralSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    service = uuid_of()
    step = uuid_of(allow_null=True)
    made_by = username_of()

    class Meta:
        model = Referral
        fields = [
            "uuid", "participant", "service", "step", "made_by", "note", "stage", "outcome",
            "sent_on", "contacted_on", "enrolled_on", "closed_on", "version",
        ]  # fmt: skip


class ActivitySerializer(serializers.ModelSerializer):
    county = uuid_of()

    class Meta:
        model = Activity
        fields = ["uuid", "county", "name", "federal_activity", "description", "active"]


class HoursEntrySerializer(serializers.ModelSerializer):
    participant = uuid_of()
    activity = uuid_of()
    entered_by = username_of()
    verified_by = username_of()

    class Meta:
        model = HoursEntry
        fields = [
            "uuid", "participant", "activity", "day", "hours", "kind", "note", "verification",
            "entered_by", "verified_by", "verified_at", "created_at", "version",
        ]  # fmt: skip


class MonthResultSerializer(serializers.ModelSerializer):
    participant = uuid_of()

    class Meta:
        model = MonthResult
        fields = [
            "participant", "month", "requirement", "required_weekly_hours", "by_activity",
            "countable_hours", "core_hours", "weekly_average", "deemed_core_hours",
            "deemed_core_two_parent", "meets_rate", "step", "reasons", "computed_at",
        ]  # fmt: skip


class ClockSerializer(serializers.Serializer):
    code = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.name.en")
    limit_months = serializers.IntegerField(source="rule.limit_months")
    used = serializers.IntegerField()
    left = serializers.IntegerField()
    reached = serializers.BooleanField()
    warn = serializers.BooleanField(
        help_text="True when the months left are at or below the warning line."
    )
    not_counted = serializers.DictField(
        child=serializers.IntegerField(), help_text="Months on aid not counted, by reason code."
    )


class TimeClocksSerializer(serializers.ModelSerializer):
    participant = serializers.UUIDField(source="uuid", read_only=True)
    clocks = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = ["participant", "clocks"]

    def get_clocks(self, participant: Participant) -> list[dict]:
        readings = self.context["readings"][participant.pk]
        return ClockSerializer(readings, many=True).data


# Careers: the shipped ladders (both languages) with the county's local partners per rung.


def texts(**kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(), help_text="Words by language code (en, es).", **kwargs
    )


class CareerSourceSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    licence = serializers.CharField()
    attribution = serializers.CharField(allow_null=True)


class CareerWageSerializer(serializers.Serializer):
    hourly = serializers.FloatField(help_text="Median hourly wage, in dollars.")
    annual = serializers.IntegerField(help_text="Median annual wage, in dollars.")
    source = CareerSourceSerializer()


class CareerOutlookSerializer(serializers.Serializer):
    growth_percent = serializers.FloatField(help_text="Change in jobs over ten years, in percent.")
    openings_per_year = serializers.IntegerField()
    source = CareerSourceSerializer()


class FamilyFitSerializer(serializers.Serializer):
    # Plain strings, not choices: three fields with one choice set would name three enums.
    nights = serializers.CharField(help_text="often, sometimes or rarely")
    weekends = serializers.CharField(help_text="often, sometimes or rarely")
    irregular_or_on_call = serializers.CharField(help_text="often, sometimes or rarely")
    physical = serializers.ChoiceField(choices=["light", "medium", "heavy"])
    note = texts()


class LocalPartnerSerializer(serializers.ModelSerializer):
    county = uuid_of()

    class Meta:
        model = LocalPartner
        fields = [
            "uuid", "county", "kind", "name", "offer", "address", "phone", "website",
            "starting_wage", "schedule_notes", "soc", "last_verified_on",
        ]  # fmt: skip


class CareerRungSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["entry", "middle", "advanced"])
    soc = serializers.CharField(help_text="Standard Occupational Classification code, NN-NNNN.")
    title = texts()
    education = texts()
    training = texts()
    credentials = texts()
    experience = texts()
    skills = serializers.ListField(child=texts())
    riasec = serializers.CharField(help_text="The occupation's interest code (RIASEC letters).")
    wage = CareerWageSerializer()
    outlook = CareerOutlookSerializer()
    family_fit = FamilyFitSerializer()
    partners = LocalPartnerSerializer(
        many=True, help_text="Training providers and employers in the counties you read."
    )


class CareerLadderSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = texts()
    summary = texts()
    rungs = CareerRungSerializer(many=True)


class CareerIndustrySerializer(serializers.Serializer):
    key = serializers.CharField()
    name = texts()
    summary = texts()
    ladders = CareerLadderSerializer(many=True)


# Benefits: a saved picture (scenario) with its figures, as it was computed. Every amount is
# in dollars a year.


class BenefitWhatIfSerializer(serializers.Serializer):
    # Defaults: a picture saved without what-ifs stores none of these keys.
    weekly_hours = serializers.FloatField(
        allow_null=True, default=None, help_text="Hours of work a week tried; null: the record's."
    )
    hourly_wage = serializers.FloatField(
        allow_null=True,
        default=None,
        help_text="Pay an hour tried, in dollars; null: the record's.",
    )
    monthly_care_cost = serializers.FloatField(
        allow_null=True,
        default=None,
        help_text="Child care cost a month tried, in dollars; null: the record's.",
    )
    offers = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        default=list,
        help_text="Job offers compared, each [hours a week, pay an hour].",
    )


class BenefitPointSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["now", "offer", "rung"],
        help_text="now: the pay on file; offer: a job offer; rung: a career ladder rung.",
    )
    label = serializers.CharField(
        help_text='An offer\'s letter, or a rung as "rung:industry/ladder/level"; empty for now.'
    )
    earnings = serializers.FloatField(help_text="The pay marked.")
    weekly_hours = serializers.FloatField()
    net_resources = serializers.FloatField()
    figures = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Each program at this pay, worked out exactly: "
        + ", ".join(engine.COLUMNS)
        + ".",
    )


# Program names as plain strings, not choices: three fields with one choice set would name
# three enums.
PROGRAM_HELP = "One of: " + ", ".join(engine.PROGRAMS) + "."


class BenefitProgramDropSerializer(serializers.Serializer):
    program = serializers.CharField(help_text=PROGRAM_HELP)
    drop = serializers.FloatField(help_text="How much less the program gives at the bottom.")


class BenefitCliffSerializer(serializers.Serializer):
    start = serializers.FloatField(help_text="The pay just before net resources fall.")
    bottom = serializers.FloatField(help_text="The pay where they are lowest.")
    loss = serializers.FloatField(help_text="Net resources at the start less at the bottom.")
    cleared_at = serializers.FloatField(
        allow_null=True,
        help_text="The first pay with net resources back where they were; null past the curve.",
    )
    programs = BenefitProgramDropSerializer(many=True, help_text="Largest drop first.")
    ended = serializers.ListField(
        child=serializers.CharField(),
        help_text="Programs that stop altogether between the start and the bottom. " + PROGRAM_HELP,
    )


class BenefitFiguresSerializer(serializers.Serializer):
    earnings = serializers.ListField(
        child=serializers.FloatField(), help_text="The pays along the curve, lowest first."
    )
    net_resources = serializers.ListField(
        child=serializers.FloatField(),
        help_text="The family's net resources at each pay of `earnings`: pay, TANF, SNAP, child "
        "care help and health coverage, less taxes after credits and child care still paid.",
    )
    points = BenefitPointSerializer(many=True)
    cliffs = BenefitCliffSerializer(
        many=True, help_text="Where a raise leaves the family worse off, as the page names them."
    )
    limits = serializers.ListField(
        child=serializers.CharField(),
        help_text="Programs PolicyEngine does not model in this state (they show as zero). "
        + PROGRAM_HELP,
    )


def benefit_figures(data: dict[str, Any]) -> dict[str, Any]:
    """A saved curve, compact: the net line, the marked pays and the cliffs the page shows."""
    curve = engine.Curve.from_json(data["curve"])
    net = curve.net_resources
    programs = {name: curve.columns[name] for name in engine.PROGRAMS}
    found = cliffs.find(curve.earnings, net, programs, presenting.SHOWN_LOSS)
    return {
        "earnings": curve.earnings,
        "net_resources": net,
        "points": [
            {**point, "net_resources": point["figures"]["net_resources"]}
            for point in data.get("points", [])
        ],
        "cliffs": [
            {
                "start": cliff.start,
                "bottom": cliff.bottom,
                "loss": cliff.loss,
                "cleared_at": cliff.cleared_at,
                "programs": [{"program": name, "drop": drop} for name, drop in cliff.programs],
                "ended": list(cliff.ended),
            }
            for cliff in found
        ],
        "limits": list(data.get("limits", [])),
    }


class BenefitScenarioSerializer(serializers.ModelSerializer):
    """A saved benefits picture: the figures stay as they were computed, with the version."""

    participant = uuid_of()
    what_if = BenefitWhatIfSerializer(read_only=True)
    engine_version = serializers.CharField(
        read_only=True, help_text="The PolicyEngine-US version that computed the figures."
    )
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "uuid", "participant", "title", "what_if", "engine_version", "computed_at",
            "created_at", "figures",
        ]  # fmt: skip

    @extend_schema_field(BenefitFiguresSerializer)
    def get_figures(self, scenario: Scenario) -> dict[str, Any]:
        return BenefitFiguresSerializer(benefit_figures(scenario.data)).data


# Reminders (issue 17): the reminders set on a participant's plan, every message with where it
# is, and the participant's consent to them.


class ReminderSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    what = serializers.SerializerMethodField(
        help_text="What it reminds of: a step's words, or for another kind the kind's name."
    )
    when = serializers.DateTimeField(
        source="due_at", read_only=True, help_text="When it is due to go."
    )

    class Meta:
        model = Message
        fields = [
            "uuid", "participant", "about", "about_id", "what", "when", "channel", "language",
            "status", "next_try_at", "sent_at",
        ]  # fmt: skip

    def get_what(self, message: Message) -> str:
        words = self.context.get("step_words", {}).get(message.about_id)
        return words if words is not None else str(message.get_about_display())


class MessageSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    body = serializers.SerializerMethodField(
        help_text="The words sent. Null for a message that carries a sign-in link: "
        "those words are a secret, shown to nobody."
    )

    class Meta:
        model = Message
        fields = [
            "uuid", "participant", "about", "about_id", "channel", "language", "status",
            "attempts", "due_at", "next_try_at", "sent_at", "delivered_at", "last_error", "body",
        ]  # fmt: skip

    def get_body(self, message: Message) -> str | None:
        return message.body if message.about in Message.READABLE_WORDS else None


class ConsentSerializer(serializers.ModelSerializer):
    participant = uuid_of()
    recorded_by = username_of()
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "uuid", "participant", "channel", "address", "words", "how", "given_at",
            "recorded_by", "active", "revoked_at", "revoked_how",
        ]  # fmt: skip


@extend_schema_field({"type": "boolean", "enum": [True]})
class Agreed(serializers.BooleanField):
    pass


class ConsentRequestSerializer(serializers.Serializer):
    """A new yes, as the reminders page records it: the words for the channel were read to the
    participant (in their language, as the page shows them) and they agreed."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    address = serializers.CharField(
        max_length=254, help_text="A 10-digit US phone number for texts, or an email address."
    )
    how = serializers.ChoiceField(
        choices=[Consent.How.IN_PERSON, Consent.How.PHONE],
        help_text="in_person or phone: how they said yes to their coach.",
    )
    agreed = Agreed(help_text="True: I read them the words for this channel, and they said yes.")

    def validate_agreed(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Read them the words for this channel, and record their yes only if they agree.")
            )
        return value


class PracticeReviewSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.name")
    program = serializers.CharField(
        source="program.name",
        default=None,
        help_text="The office or county observed; null for a review of one worker.",
    )
    worker = username_of()  # null for a review of a program
    ratings = serializers.DictField(
        child=serializers.CharField(), help_text="Each item's key and the level it was rated."
    )
    notes = serializers.DictField(child=serializers.CharField(), help_text="Each item's note.")

    class Meta:
        model = PracticeReview
        fields = [
            "uuid", "kind", "county", "program", "worker", "observer_name", "observer_role",
            "observed_on", "form_version", "ratings", "notes", "summary", "written_at",
        ]  # fmt: skip


class CountyGoalSerializer(serializers.ModelSerializer):
    """A county goal and how it stands on its last full month (the goals page's words)."""

    county = serializers.CharField(source="county.name")
    standing = serializers.SerializerMethodField(
        help_text="met, on_track, not_yet, too_early (no full month yet) or not_counted."
    )
    judged_month = serializers.SerializerMethodField(help_text="The month the standing is of.")
    share = serializers.SerializerMethodField(help_text="The measure's share in that month, %.")
    expected = serializers.SerializerMethodField(
        help_text="Where the path from the baseline to the target stood in that month, %."
    )
    target_level = serializers.SerializerMethodField(help_text="The level the target means, %.")

    class Meta:
        model = CountyGoal
        fields = [
            "uuid", "county", "measure", "activity", "baseline", "target_kind", "target",
            "deadline", "review_every", "set_at", "standing", "judged_month", "share",
            "expected", "target_level",
        ]  # fmt: skip

    def _progress(self, goal: CountyGoal) -> Progress:
        return self.context["progress"][goal.pk]

    @extend_schema_field(serializers.ChoiceField(choices=[s.value for s in Standing]))
    def get_standing(self, goal: CountyGoal) -> str:
        return self._progress(goal).standing.value

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_judged_month(self, goal: CountyGoal) -> str | None:
        month = self._progress(goal).month
        return month.isoformat() if month else None

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True))
    def get_share(self, goal: CountyGoal) -> str | None:
        reading = self._progress(goal).reading
        share = reading.percent if reading else None
        return None if share is None else str(share)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True))
    def get_expected(self, goal: CountyGoal) -> str | None:
        expected = self._progress(goal).expected
        return None if expected is None else str(expected)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1))
    def get_target_level(self, goal: CountyGoal) -> str:
        return str(self._progress(goal).level)


class SelfAssessmentRoundSerializer(serializers.ModelSerializer):
    """A round of the county self-assessment: how many staff rated, and the county's settled
    answer with each area's progress (empty until the coordinator settles it)."""

    county = serializers.CharField(source="county.name")
    settled_by = username_of()
    ratings_sent = serializers.IntegerField(help_text="How many staff sent their ratings.")
    final = serializers.DictField(
        child=serializers.CharField(), help_text="Each component's settled rating."
    )
    priorities = serializers.ListField(
        child=serializers.CharField(), help_text="The one or two areas chosen to work on."
    )
    area_progress = serializers.SerializerMethodField(
        help_text="Each area's average progress over its settled components."
    )

    class Meta:
        model = SelfAssessmentRound
        fields = [
            "uuid", "county", "name", "form_version", "started_at", "ratings_sent",
            "settled_at", "settled_by", "final", "priorities", "area_progress",
        ]  # fmt: skip

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_area_progress(self, chosen: SelfAssessmentRound) -> dict[str, float]:
        form = self_assessment.versions().get(chosen.form_version)
        return comparison.area_progress(form, chosen.final)


class MeasureFigureSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True, help_text="Null for a count.")
    percent = serializers.IntegerField(
        allow_null=True, help_text="Null for a count, or a rate nobody was counted for."
    )


class MeasureMonthSerializer(MeasureFigureSerializer):
    month = serializers.DateField(help_text="The first day of the month.")


class MeasureGroupSerializer(MeasureFigureSerializer):
    name = serializers.CharField(help_text="The coach, team, office or county.")


class MeasureDefinitionSerializer(serializers.Serializer):
    numerator = serializers.CharField(help_text="What is counted.")
    denominator = serializers.CharField(allow_null=True, help_text="Out of what, for a rate.")
    month = serializers.CharField(help_text="The month a family is counted in.")
    who = serializers.CharField(help_text="Which families are counted.")


class MeasureSerializer(serializers.Serializer):
    """A measure, defined in words, over the last twelve months for the families in scope."""

    key = serializers.CharField()
    title = serializers.CharField()
    is_rate = serializers.BooleanField()
    definition = MeasureDefinitionSerializer()
    months = MeasureMonthSerializer(many=True)


class MeasureByGroupSerializer(MeasureSerializer):
    by = serializers.CharField(help_text="team, office, county or coach.")
    month = serializers.DateField(help_text="The month the groups are counted in.")
    groups = MeasureGroupSerializer(many=True)
