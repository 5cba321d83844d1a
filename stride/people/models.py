"""Households, the people in them, and the participants being coached.

Every model here is a protected case record: it declares ACCESS_VIA, the
relation that leads to a Participant, and is read only through
`stride.core.access`. Writes go through `stride.people.actions`.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField

from stride.core.models import Organisation

ADULT_AGE = 18
# A teen parent can head their own household (Cal-Learn serves parents under
# 19); below this age a "head of household" is a data-entry mistake.
YOUNGEST_HEAD_AGE = 13


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end`, counting the month of `start`."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


class Program(models.Model):
    """A program a participant can be enrolled in, e.g. CalWORKs Welfare-to-Work."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programs")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A family on aid: the case, with its state case number."""

    ACCESS_VIA = "participants"

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        OTHER = "other", _("Another language")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_number = models.CharField(_("state case number"), max_length=20, unique=True)
    county = models.ForeignKey(
        Organisation,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"kind": Organisation.Kind.COUNTY},
    )
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    member_count = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_number"]

    def __str__(self) -> str:
        return self.case_number


class Member(models.Model):
    """A person in a household, adult or child."""

    ACCESS_VIA = "household"

    class Relationship(models.TextChoices):
        HEAD = "head", _("Head of household")
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Child")
        RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    birth_date = models.DateField(_("birth date"))
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    ssn = EncryptedCharField(_("Social Security number"), max_length=11, blank=True, null=True)
    ssn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["birth_date", "pk"]
        indexes = [models.Index(fields=["birth_date", "ssn_last4"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_adult(self) -> bool:
        # A minor parent who heads the household counts as its adult (TANF
        # treats a teen parent as the head of their own assistance unit).
        age = self.age
        return age >= ADULT_AGE or (
            self.relationship == self.Relationship.HEAD and age >= YOUNGEST_HEAD_AGE
        )

    @property
    def masked_ssn(self) -> str:
        return f"•••-••-{self.ssn_last4}" if self.ssn_last4 else ""


class Participant(models.Model):
    """An adult household member who is being coached.

    `coach`, `team` and `county` mirror the current assignment and the
    household so that scoping a caseload is one indexed filter.
    """

    ACCESS_VIA = None  # the anchor: the access rules are written against this model

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="participant")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="participants")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    team = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    current_enrollment = models.OneToOneField(
        "Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_since = models.DateField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["coach", "assigned_since"]),
            models.Index(fields=["team"]),
            models.Index(fields=["county"]),
            models.Index(fields=["last_contact_at"]),
        ]

    def __str__(self) -> str:
        return str(self.member)


class ExitReason(models.TextChoices):
    """Why an enrollment ended, in a few plain words (the exit form's choices)."""

    EMPLOYMENT = "employment", _("Went to work or earns more")
    SANCTION = "sanction", _("Aid stopped by a sanction")
    TIME_LIMIT = "time_limit", _("Reached the time limit on aid")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Another reason")


class Enrollment(models.Model):
    """A participant's enrollment in a program, from the month aid started."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("status",)  # audit events keep old and new (core/audit.py)

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        EXITED = "exited", _("Exited")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT)
    aid_start = models.DateField(_("aid start date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    # Why the enrollment ended, when it did (people.actions.record_exit). Not an audit value:
    # a sanction says something about a person, so events name the field only.
    exit_reason = models.CharField(
        _("reason for leaving"), max_length=16, choices=ExitReason.choices, blank=True
    )
    exit_reason_other = models.CharField(_("the other reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-aid_start", "-pk"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.program} ({self.get_status_display()})"

    @property
    def months_on_aid(self) -> int:
        return months_between(self.aid_start, self.ended_on or timezone.localdate())


class CoachAssignment(models.Model):
    """Who coached a participant, and when. Open-ended while current."""

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="assignments"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    team = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(ended_on__isnull=True),
                name="one_current_assignment_per_participant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} from {self.started_on}"


class ExtractSource(models.Model):
    """A county's named source of caseload extracts (a state system's nightly file, say).

    It keeps the column mapping an administrator gave its last file, with the header
    that mapping was made for: the next file with the same header maps itself.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("source name"), max_length=100)
    # New cases from this source are enrolled in this program.
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT)
    header = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="one_source_name_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class CaseloadExtract(models.Model):
    """An extract a county administrator uploaded: checked (a dry run) first, imported on request.

    The file is kept, encrypted (it holds SSNs), so the check and the import read the
    very same bytes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(ExtractSource, on_delete=models.CASCADE, related_name="extracts")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    encoding = models.CharField(max_length=16)
    data = EncryptedTextField()  # the file, base64
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)  # what the import did: counts only

    class Status(models.TextChoices):
        READY = "ready", _("checked, waiting to be imported")
        IMPORTING = "importing", _("being imported")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("could not be imported")

    # The import runs as a task (people/importing.py); the page shows where it is.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    queued_at = models.DateTimeField(null=True, blank=True)
    # Why the last import was refused (a row to fix), or what stopped it.
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class ImportProgress(models.Model):
    """How far an extract's import task has got, kept apart from the extract: the task's
    progress thread writes it on its own connection while the import's transaction, which
    locks the extract, is still open (people/importing.py)."""

    extract = models.OneToOneField(
        CaseloadExtract, on_delete=models.CASCADE, related_name="progress"
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.done} of {self.total}"


class SourceRecord(models.Model):
    """A participant a source's extracts brought in or matched: who left is read from these."""

    ACCESS_VIA = "participant"

    source = models.ForeignKey(ExtractSource, on_delete=models.CASCADE, related_name="records")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "participant"], name="one_record_per_source_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.participant_id}"


class MatchReview(models.Model):
    """A row of an extract that may be a person already in Stride: a supervisor settles it.

    The row's values are kept encrypted until then; nothing is merged before.
    """

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("status",)

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        SAME = "same", _("Same person")
        DIFFERENT = "different", _("Different people")

    class Reason(models.TextChoices):
        CASE_NUMBER = (
            "case_number",
            _("The case number is in Stride, but the name, birth date or SSN ending differ."),
        )
        CLOSE = "close", _("Two of name, birth date and SSN ending are the same as this person's.")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    extract = models.ForeignKey(CaseloadExtract, on_delete=models.CASCADE, related_name="reviews")
    row = models.PositiveIntegerField()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    values = EncryptedJSONField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["extract", "row"]

    def __str__(self) -> str:
        return f"row {self.row} of {self.extract_id}"


class ExitersFile(models.Model):
    """A county's federal exiters file (FRA TE1) for one federal fiscal quarter.

    Made by a task (`people.exiters`); its rows hold SSNs, so they are kept encrypted,
    and so are the rows left out, which name people. No ACCESS_VIA: it is a county's
    report, read by that county's administrator (`access.exiters_file_counties`).
    """

    AUDIT_VALUES = ("status",)

    class Status(models.TextChoices):
        MAKING = "making", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be made")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    fiscal_quarter = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MAKING)
    made_at = models.DateTimeField(null=True, blank=True)
    rows = EncryptedJSONField(default=list)  # [[exit year and month, SSN], ...]
    row_count = models.PositiveIntegerField(default=0)
    # The participants in the file (UUIDs as text): each download is an export of each.
    participants = models.JSONField(default=list)
    left_out = EncryptedJSONField(default=list)  # [{"name", "case_number", "reason"}, ...]
    error = models.CharField(max_length=200, blank=True)  # the kind of error only, never data

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} Q{self.fiscal_quarter}"
