"""The county resource map: who offers what, where and for whom, and the referrals made to it.

The directory follows the shape of the Open Referral Human Services Data
Specification (HSDS 3.0): organisations offer services at locations, with
phones, schedules and languages. Each record keeps the `hsds_id` it has in
the county's directory so a re-import updates instead of duplicating.
Stride's own rules (service area, the circumstances a service is meant for,
months on aid, counties served) travel in HSDS as attributes and service
areas (see hsds.py).

Directory records hold no case data; a county's administrators edit their
county's directory (directory.py says who). Referrals are case records.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import Step
from stride.core.models import Organisation
from stride.core.vocabulary import Circumstance, ServiceArea
from stride.people.models import Participant

# Bit positions of the circumstances in Service.fits_mask: fixed forever, so stored masks
# keep their meaning when circumstances are added.
CIRCUMSTANCE_BITS = {
    Circumstance.CHILDREN_UNDER_SIX: 0,
    Circumstance.SCHOOL_AGE_CHILDREN: 1,
    Circumstance.TEEN_PARENT: 2,
    Circumstance.TWO_PARENTS: 3,
    Circumstance.LIMITED_ENGLISH: 4,
    Circumstance.NEEDS_CHILD_CARE: 5,
    Circumstance.NO_CAR: 6,
    Circumstance.HOUSING_CRISIS: 7,
    Circumstance.FOOD: 8,
    Circumstance.NO_DIPLOMA: 9,
    Circumstance.LITTLE_WORK_HISTORY: 10,
    Circumstance.DISABILITY: 11,
    Circumstance.MENTAL_HEALTH: 12,
    Circumstance.SUBSTANCE_USE: 13,
    Circumstance.SAFETY: 14,
    Circumstance.LEGAL: 15,
}


def circumstance_mask(codes: "list[str] | set[str] | tuple[str, ...]") -> int:
    mask = 0
    for code in codes:
        mask |= 1 << CIRCUMSTANCE_BITS[Circumstance(code)]
    return mask


def circumstances_in(mask: int) -> list[str]:
    return [str(code) for code, bit in CIRCUMSTANCE_BITS.items() if mask & (1 << bit)]


class Category(models.TextChoices):
    """Kinds of service, each in one of the four service areas (CATEGORY_AREA)."""

    JOB_SEARCH = "job_search", _("Job search and placement")
    WORK_EXPERIENCE = "work_experience", _("Work experience and paid internships")
    SUBSIDISED_JOBS = "subsidised_jobs", _("Subsidised jobs")
    ADULT_EDUCATION = "adult_education", _("Adult school, diploma and GED")
    ENGLISH = "english", _("English classes")
    JOB_TRAINING = "job_training", _("Job training and certificates")
    COLLEGE = "college", _("College")
    CHILD_CARE = "child_care", _("Child care")
    AFTER_SCHOOL = "after_school", _("After-school programmes")
    TRANSPORTATION = "transportation", _("Transport")
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    HEALTH = "health", _("Health care and coverage")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SUBSTANCE_USE = "substance_use", _("Substance use treatment")
    SAFETY = "safety", _("Domestic violence help")
    LEGAL = "legal", _("Legal help")
    DISABILITY = "disability", _("Disability services")
    PARENTING = "parenting", _("Parenting and family support")
    MONEY = "money", _("Money, credit and taxes")
    WORK_SUPPLIES = "work_supplies", _("Work clothes, tools and fees")


CATEGORY_AREA = {
    Category.JOB_SEARCH: ServiceArea.WORK,
    Category.WORK_EXPERIENCE: ServiceArea.WORK,
    Category.SUBSIDISED_JOBS: ServiceArea.WORK,
    Category.ADULT_EDUCATION: ServiceArea.EDUCATION,
    Category.ENGLISH: ServiceArea.EDUCATION,
    Category.JOB_TRAINING: ServiceArea.EDUCATION,
    Category.COLLEGE: ServiceArea.EDUCATION,
    Category.CHILD_CARE: ServiceArea.CHILD_CARE,
    Category.AFTER_SCHOOL: ServiceArea.CHILD_CARE,
    Category.TRANSPORTATION: ServiceArea.SUPPORTS,
    Category.HOUSING: ServiceArea.SUPPORTS,
    Category.FOOD: ServiceArea.SUPPORTS,
    Category.HEALTH: ServiceArea.SUPPORTS,
    Category.MENTAL_HEALTH: ServiceArea.SUPPORTS,
    Category.SUBSTANCE_USE: ServiceArea.SUPPORTS,
    Category.SAFETY: ServiceArea.SUPPORTS,
    Category.LEGAL: ServiceArea.SUPPORTS,
    Category.DISABILITY: ServiceArea.SUPPORTS,
    Category.PARENTING: ServiceArea.SUPPORTS,
    Category.MONEY: ServiceArea.SUPPORTS,
    Category.WORK_SUPPLIES: ServiceArea.SUPPORTS,
}

# The kinds of service that answer each need, for the gap view and for a reason to suggest.
ADDRESSES = {
    Circumstance.CHILDREN_UNDER_SIX: {Category.CHILD_CARE, Category.PARENTING},
    Circumstance.SCHOOL_AGE_CHILDREN: {Category.AFTER_SCHOOL},
    Circumstance.TEEN_PARENT: {Category.PARENTING, Category.ADULT_EDUCATION},
    Circumstance.TWO_PARENTS: {Category.PARENTING},
    Circumstance.LIMITED_ENGLISH: {Category.ENGLISH},
    Circumstance.NEEDS_CHILD_CARE: {Category.CHILD_CARE, Category.AFTER_SCHOOL},
    Circumstance.NO_CAR: {Category.TRANSPORTATION},
    Circumstance.HOUSING_CRISIS: {Category.HOUSING},
    Circumstance.FOOD: {Category.FOOD},
    Circumstance.NO_DIPLOMA: {Category.ADULT_EDUCATION},
    Circumstance.LITTLE_WORK_HISTORY: {
        Category.WORK_EXPERIENCE,
        Category.SUBSIDISED_JOBS,
        Category.JOB_TRAINING,
    },
    Circumstance.DISABILITY: {Category.DISABILITY, Category.HEALTH},
    Circumstance.MENTAL_HEALTH: {Category.MENTAL_HEALTH},
    Circumstance.SUBSTANCE_USE: {Category.SUBSTANCE_USE},
    Circumstance.SAFETY: {Category.SAFETY},
    Circumstance.LEGAL: {Category.LEGAL},
}


class Provider(models.Model):
    """An organisation in a county's directory (HSDS `organization`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation,
        verbose_name=_("county directory"),
        on_delete=models.PROTECT,
        related_name="providers",
    )
    hsds_id = models.CharField(_("directory id"), max_length=100)
    # Brought in by a directory file (not typed in by hand): only such a record is "gone"
    # when a later file leaves it out.
    from_import = models.BooleanField(_("from a directory file"), default=False, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contracted = models.BooleanField(
        _("contracted provider"),
        default=False,
        help_text=_("The county contracts with this organisation to serve its families."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "hsds_id"], name="provider_id_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A place where services are offered (HSDS `location` with its physical `address`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    hsds_id = models.CharField(_("directory id"), max_length=100)
    # Brought in by a directory file (not typed in by hand): only such a record is "gone"
    # when a later file leaves it out.
    from_import = models.BooleanField(_("from a directory file"), default=False, editable=False)
    name = models.CharField(_("name"), max_length=200)
    address_1 = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state_province = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "hsds_id"], name="location_id_per_provider")
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """What a provider offers families, and the county's rules for whom it fits."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Open to referrals")
        INACTIVE = "inactive", _("Paused")
        DEFUNCT = "defunct", _("Closed for good")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    # The provider's county, kept here so a directory is one indexed filter.
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.CharField(_("directory id"), max_length=100)
    # Brought in by a directory file (not typed in by hand): only such a record is "gone"
    # when a later file leaves it out.
    from_import = models.BooleanField(_("from a directory file"), default=False, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it offers"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # Blank: to sort. An imported service the taxonomy crosswalk could not place waits,
    # with the kinds its file gave (file_terms), for staff to choose its kind.
    category = models.CharField(
        _("kind of service"), max_length=20, choices=Category.choices, blank=True
    )
    area = models.CharField(
        _("service area"), max_length=12, choices=ServiceArea.choices, blank=True
    )
    file_terms = models.CharField(_("kinds in the directory file"), max_length=500, blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.CharField(_("fees"), max_length=300, blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    # Service rules. No circumstance means any family; no bound means any month on aid.
    fits_mask = models.PositiveIntegerField(default=0)
    months_on_aid_min = models.PositiveSmallIntegerField(
        _("from month on aid"), null=True, blank=True
    )
    months_on_aid_max = models.PositiveSmallIntegerField(
        _("up to month on aid"), null=True, blank=True
    )
    serves = models.ManyToManyField(
        Organisation,
        verbose_name=_("counties served"),
        related_name="services_offered",
        help_text=_("The counties whose families may use the service."),
    )
    # What an imported file said that Stride could not read as counties or weekly hours.
    areas_note = models.TextField(_("areas served, as the file gives them"), blank=True)
    hours_note = models.TextField(_("opening hours, as the file gives them"), blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    # Kept from the schedules, so the evening and weekend filters are plain columns.
    open_evenings = models.BooleanField(default=False)
    open_weekends = models.BooleanField(default=False)
    last_verified_on = models.DateField(_("last checked"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "hsds_id"], name="service_id_per_provider")
        ]
        indexes = [
            models.Index(fields=["county", "status", "area"]),
            models.Index(fields=["county", "last_verified_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fits(self) -> list[str]:
        return circumstances_in(self.fits_mask)


class Schedule(models.Model):
    """Opening hours on one weekday (HSDS `schedule`, weekly with `byday`)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class ServiceLanguage(models.Model):
    """A language the service is offered in (HSDS `language`), as an ISO 639-1 code."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=8)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="one_row_per_language")
        ]
        indexes = [models.Index(fields=["code", "service"])]

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """A family sent to a service, followed until the loop closes with an outcome."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("stage", "outcome")  # audit events keep old and new (core/audit.py)

    class Stage(models.TextChoices):
        SENT = "sent", _("Sent")
        CONTACTED = "contacted", _("In touch")
        ENROLLED = "enrolled", _("Enrolled or attended")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        HELPED = "helped", _("Got the help")
        PARTLY = "partly", _("Got some of the help")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        WAITLISTED = "waitlisted", _("On a waiting list")
        NO_RESPONSE = "no_response", _("Could not reach each other")
        DECLINED = "declined", _("Chose not to go ahead")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    step = models.ForeignKey(
        Step,
        verbose_name=_("goal step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reason the coach gives the provider: what the family is looking for, in plain words.
    note = models.TextField(_("what the family is looking for"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.SENT, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    sent_on = models.DateField(_("sent"), default=timezone.localdate)
    contacted_on = models.DateField(_("in touch"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolled or attended"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        indexes = [
            models.Index(fields=["participant", "stage"]),
            models.Index(fields=["service", "stage"]),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_stage_display()})"

    @property
    def is_closed(self) -> bool:
        return self.stage == self.Stage.CLOSED


class PartnerLink(models.Model):
    """A one-time link that lets the service's staff report a referral's progress without an account.

    Only a hash of the token is kept; the link works once and until it expires.
    """

    ACCESS_VIA = "referral"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="partner_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for {self.referral_id}"


class DirectoryImport(models.Model):
    """An HSDS file a county administrator uploaded: checked first, applied on request.

    The file is kept so the check and the import read the very same bytes, and
    so the county has a record of what came in and when.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    problem_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked")
        IMPORTING = "importing", _("being imported")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("could not be checked or imported")

    # Checking and importing run as tasks (tasks.py); the page shows where they are.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    queued_at = models.DateTimeField(null=True, blank=True)  # when the task was queued
    report = models.JSONField(default=dict, blank=True)  # uploads.summary() of the last check
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename
