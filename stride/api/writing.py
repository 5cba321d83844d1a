"""What a write through the API may send, and how it is checked: the page's own form decides.

Each request body has a serializer here that says, for the schema and for JSON, what type
each field is (a string is a string, not a number made into one). The values then go through
the form the page uses (`coaching.forms`), so the rules and the words of each refusal are
the page's: a 400 names each field with the form's messages, in the language asked for.
Where both refuse a field, the form's words are kept; the serializer's stand alone only for
what a form cannot be sent (a list where a string goes).
"""

import re
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from stride.coaching.models import CoachingSession, Goal, Obstacle, Review, Step
from stride.participation.forms import VerifyForm
from stride.participation.models import HoursEntry
from stride.people.models import Household, Member
from stride.resources.models import Referral

# A text the form strips and then requires must hold something besides spaces; no text may
# hold a NUL character (forms refuse it, and PostgreSQL cannot store it).
# (An optional text's pattern asks for one character or more: the schema allows "" apart.)
# Each refusal in Django's own words, as a form says them.
_NO_NUL = RegexValidator(r"^[^\x00]+$", ProhibitNullCharactersValidator.message)
_SOMETHING = RegexValidator(
    r"^[^\x00]*[^\s\x00][^\x00]*$", forms.Field.default_error_messages["required"]
)


class Text(serializers.CharField):
    """A JSON string and only that (DRF would take a number and make it a string)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)  # the form strips, as on the page
        super().__init__(**kwargs)
        self.validators.append(_NO_NUL if self.allow_blank else _SOMETHING)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class WholeNumber(serializers.IntegerField):
    """A JSON integer only: not "5", not 5.0, not true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class YesNo(serializers.BooleanField):
    """true or false only."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Day(serializers.DateField):
    """A date written YYYY-MM-DD, as the schema's "date" format says."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class Moment(serializers.DateTimeField):
    """A date and time as a JSON string (ISO 8601; without an offset, the county's clock),
    from 1900 on (earlier clocks kept local mean time, which ISO 8601 cannot write back) and
    one the database can keep in UTC."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "too_early": _("Enter a time from the year 1900 on."),
    }
    EARLIEST = datetime(1900, 1, 2, tzinfo=UTC)

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        moment = super().to_internal_value(value)
        try:
            early = moment < self.EARLIEST
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        if early:
            self.fail("too_early")
        return moment


class Amount(serializers.DecimalField):
    """A number written as a JSON string ("2.5"): the same in every language, as the schema's
    pattern says; the form reads it as the page reads what is typed."""

    def to_internal_value(self, data: Any):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Strict(serializers.ModelSerializer):
    """A model's fields, typed strictly; lengths, choices and ranges come from the model."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: Text,
        models.TextField: Text,
        models.DateField: Day,
        models.DateTimeField: Moment,
        models.DecimalField: Amount,
        models.PositiveSmallIntegerField: WholeNumber,
        models.BooleanField: YesNo,
    }


class GoalWriteSerializer(Strict):
    parent = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A long-term goal of the same participant that this goal leads to.",
    )

    class Meta:
        model = Goal
        fields = [
            "words", "why_it_matters", "looks_like", "measure", "target_date", "term",
            "parent", "life_area", "difficulty", "confidence", "proposed_by",
        ]  # fmt: skip


class StepWriteSerializer(Strict):
    class Meta:
        model = Step
        fields = ["what", "due_on", "where", "how", "who_helps", "resources", "wants_reminder"]


class StepChangeSerializer(StepWriteSerializer):
    """A change of a step: its plan (PUT: all of it), and where it stands (status, with a
    note on how it went), which is marked as the page's Done / Not done yet buttons do."""

    class Meta(StepWriteSerializer.Meta):
        fields = [*StepWriteSerializer.Meta.fields, "status", "outcome_note"]
        extra_kwargs = {
            "status": {"required": False},
            "outcome_note": {"required": False},
        }


class PotholeWriteSerializer(Strict):
    step = serializers.UUIDField(
        required=False, allow_null=True, help_text="A step of this goal it is about; null for "
        "the goal as a whole.",
    )  # fmt: skip

    class Meta:
        model = Obstacle
        fields = ["kind", "pothole", "detour", "step"]


class ReviewWriteSerializer(Strict):
    class Meta:
        model = Review
        fields = ["how_it_went", "went_well", "learned", "next_time", "decision"]


class SessionWriteSerializer(Strict):
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=CoachingSession.Stage.choices),
        required=False,
        help_text="The parts of the cycle the session covered.",
    )

    class Meta:
        model = CoachingSession
        fields = ["held_at", "mode", "minutes", "topic", "stages", "notes", "next_appointment"]


class SessionNotesSerializer(Strict):
    """A session's notes, corrected or added to by whoever may keep them."""

    class Meta:
        model = CoachingSession
        fields = ["notes"]


class HoursWriteSerializer(Strict):
    activity = serializers.UUIDField(
        help_text="An activity in use in the participant's county (GET /api/v1/activities/)."
    )

    class Meta:
        model = HoursEntry
        fields = ["activity", "day", "hours", "kind", "note"]


# What the participation page's verify buttons say of an entry.
CHECKED = VerifyForm.base_fields["verification"].choices  # type: ignore[attr-defined]


class HoursCheckSerializer(serializers.Serializer):
    verification = serializers.ChoiceField(
        choices=CHECKED, help_text="Whether the entry was checked against the record."
    )


class ReferralWriteSerializer(Strict):
    service = serializers.UUIDField(
        help_text="A service of the resource map that serves the participant's county "
        "(GET /api/v1/services/)."
    )
    step = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A planned step of the participant's goals the referral is part of.",
    )

    class Meta:
        model = Referral
        fields = ["service", "note", "step"]
        extra_kwargs = {"note": {"max_length": 1000}}


class ReferralProgressSerializer(Strict):
    """The next stage of a referral's loop, as the referral page records it."""

    on = Day(required=False, help_text="When it happened; today when left out.")

    class Meta:
        model = Referral
        fields = ["stage", "on", "outcome"]
        extra_kwargs = {
            "stage": {"help_text": "A stage after the one the referral is at."},
            "outcome": {"help_text": "How it ended: needed when the stage is closed."},
        }


class Pattern(Text):
    """A string the form reads by a pattern (a ZIP code, a phone number), or blank; the
    schema says the pattern."""

    def __init__(self, regex: str, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, required=False, **kwargs)
        self.validators = [RegexValidator(regex)]


class HouseholdWriteSerializer(Strict):
    zip_code = Pattern(r"^(\d{5}(-\d{4})?)?$", max_length=10)
    phone = Pattern(r"^([\d\s().+-]{7,20})?$", max_length=20)

    class Meta:
        model = Household
        fields = ["address_line", "city", "zip_code", "phone", "language"]


class MemberWriteSerializer(Strict):
    ssn = Text(
        required=False,
        allow_blank=True,
        max_length=11,
        write_only=True,
        help_text="9 digits, or blank: on a change, blank keeps the number on file.",
    )

    class Meta:
        model = Member
        fields = ["first_name", "last_name", "birth_date", "relationship", "ssn"]


# A step's mark: the form's "note" is the step's "outcome_note" in the API.
STEP_MARK_NAMES = {"note": "outcome_note"}


def _form_reads(field: forms.Field | None, value: Any) -> bool:
    """Whether the form's own field reads this value and says what is wrong with it: a string
    (but a record's id, which the serializer names better), or a list of strings for a
    field of several choices."""
    if isinstance(field, forms.MultipleChoiceField):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, str) and not isinstance(field, forms.ModelChoiceField)


def check(
    serializer_class: type[serializers.Serializer],
    sent: dict,
    *pages: forms.BaseForm,
    partial: bool = False,
    renamed: dict[str, str] | None = None,
) -> dict:
    """The values sent, once their types and the page's forms agree: the serializer's typed
    values with the forms' cleaned ones over them. Else a 400 naming each field, in the
    forms' words where they have any. `partial` (a PATCH) types only what was sent;
    `renamed` gives the API's name of a form field where the two differ."""
    renamed = renamed or {}
    typed = serializer_class(data=sent, partial=partial)
    typed.is_valid()
    left_out: set[str] = set()
    for page in pages:
        # A form reads strings (and what its own fields hold); a value of another type stays
        # out of it, and the serializer's refusal of that value stands.
        kept = {}
        for name, value in page.data.items():
            api_name = renamed.get(name, name)
            if api_name not in typed.errors or _form_reads(page.fields.get(name), value):
                kept[name] = value
            else:
                left_out.add(api_name)
        page.data = kept
    valid = [page.is_valid() for page in pages]
    if typed.errors or not all(valid):
        errors: dict[str, Any] = dict(typed.errors)
        for page in pages:
            for name, said in page.errors.items():
                key = "non_field_errors" if name == forms.forms.NON_FIELD_ERRORS else name
                key = renamed.get(key, key)
                if key not in left_out:
                    errors[key] = list(said)
        raise ValidationError(errors)
    merged = dict(typed.validated_data)
    for page in pages:
        merged.update({renamed.get(k, k): v for k, v in page.cleaned_data.items()})
    return merged


def sent_body(data: Any) -> dict:
    """The request's JSON object; a body that is not one is refused (400)."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return dict(data)
