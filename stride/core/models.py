import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A node of the organisation tree: agency > county or office > team.

    Contracted providers sit beside offices under a county (or the agency)
    and have teams of their own whose staff coach. `path` holds the chain
    of primary keys from the root so a subtree is one indexed prefix match.
    """

    class Kind(models.TextChoices):
        AGENCY = "agency", _("State agency")
        COUNTY = "county", _("County")
        OFFICE = "office", _("Local office")
        PROVIDER = "provider", _("Contracted provider")
        TEAM = "team", _("Team")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # A county's choice: after this many days without contact, a participant
    # shows on their coach's Today page.
    contact_gap_days = models.PositiveSmallIntegerField(
        _("days without contact before a check-in is due"), default=30
    )

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Organisation.objects.filter(pk=self.pk).update(path=path)

    def subtree(self) -> models.QuerySet["Organisation"]:
        return Organisation.objects.filter(path__startswith=self.path)

    @property
    def is_team(self) -> bool:
        return self.kind == self.Kind.TEAM

    def county(self) -> "Organisation | None":
        """The county this node belongs to (itself when it is one)."""
        node: Organisation | None = self
        while node is not None and node.kind != self.Kind.COUNTY:
            node = node.parent
        return node


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    COACH = "coach", _("Coach")
    SUPERVISOR = "supervisor", _("Supervisor")
    COUNTY_ADMIN = "county_admin", _("County administrator")
    STATE_ADMIN = "state_admin", _("State administrator")
    SYSADMIN = "sysadmin", _("System administrator")


STAFF_ROLES = {Role.COACH, Role.SUPERVISOR, Role.COUNTY_ADMIN, Role.STATE_ADMIN}
CASE_READER_ROLES = STAFF_ROLES | {Role.PARTICIPANT}
AUDIT_READER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN, Role.STATE_ADMIN}
ADMIN_ROLES = {Role.COUNTY_ADMIN, Role.STATE_ADMIN, Role.SYSADMIN}


class User(AbstractUser):
    """A person who signs in: staff of an organisation, or a participant."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="en",
        choices=[("en", "English"), ("es", "Español")],
    )
    # A new account whose role reads case records stays inactive until a state
    # administrator, or a county administrator of its county, confirms it.
    awaiting_confirmation = models.BooleanField(_("waiting for confirmation"), default=False)
    # Another system that uses the API (a state eligibility feed), not a person: it reads
    # and writes what its role reaches, only with tokens an administrator made for it, and
    # never signs in on the pages (core.backends).
    is_system = models.BooleanField(_("system account"), default=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_read_audit(self) -> bool:
        return self.role in AUDIT_READER_ROLES


class AuditEvent(models.Model):
    """Who did what to which record, when and from where.

    Events name fields, never their values: no SSN or note text is kept
    here. The one exception is `changes`: the old and new value of a field
    its model declares in `AUDIT_VALUES` (a step's status, a referral's
    stage), checked by `audit.record`. `participant` is the participant whose
    record was touched, kept as a UUID so the audit trail outlives a deleted
    record.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed")
        PRIVATE_VIEW = "private_view", _("Read private answers")
        EXPORT = "export", _("Exported")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOGOUT = "logout", _("Signed out")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True, choices=Role.choices)
    action = models.CharField(max_length=16, choices=Action.choices)
    record_type = models.CharField(max_length=40)
    record_id = models.UUIDField(null=True, blank=True)
    participant = models.UUIDField(null=True, blank=True)
    fields = models.JSONField(default=list, blank=True)
    # {field: [old, new]}, the choices' stored values; old is None for a new record.
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=16, default="web")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["participant", "-at"]),
            models.Index(fields=["record_type", "record_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.record_type} {self.record_id}"

    @property
    def record_type_display(self) -> str:
        if self.record_type in RECORD_TYPE_NAMES:
            return str(RECORD_TYPE_NAMES[self.record_type])
        # Records of the apps above core are named by their model's verbose name.
        model = _models_by_name().get(self.record_type)
        return str(capfirst(model._meta.verbose_name)) if model else self.record_type

    @property
    def channel_display(self) -> str:
        return str(CHANNEL_NAMES.get(self.channel, self.channel))

    def changes_display(self) -> list["ValueChange"]:
        """The changes in words: the field's name and the choices' labels, in today's language."""
        model = _models_by_name().get(self.record_type)
        shown = []
        for name, (old, new) in sorted(self.changes.items()):
            field = _field(model, name)
            label = getattr(model, "AUDIT_LABELS", {}).get(name) or (
                field.verbose_name if field else name
            )
            choices = dict(field.flatchoices) if field else {}
            shown.append(
                ValueChange(
                    str(capfirst(label)),
                    None if old is None else str(choices.get(old, old)),
                    "—" if new is None else str(choices.get(new, new)),
                )
            )
        return shown


def _field(model: type[models.Model] | None, name: str) -> "models.Field[Any, Any] | None":
    """The model's field of that name; None once the model or field is gone (old events)."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


@dataclass(frozen=True)
class ValueChange:
    """One field of an audit event's `changes`, as a reader sees it."""

    field: str
    old: str | None
    new: str


class SubmissionKey(models.Model):
    """A form key that has been used: the form it came with was saved, and this is where it went.

    See `core/submissions.py`. Rows older than a key's lifetime are pruned.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=500)
    # A hash of what the form said: the same form again is a repeat; a changed one (Back,
    # edit, save) is not, and is shown again to be saved with a fresh key.
    digest = models.CharField(max_length=64, default="")
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.token


@functools.cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {model.__name__: model for model in apps.get_models()}


RECORD_TYPE_NAMES = {
    "Participant": _("Participant"),
    "Household": _("Household"),
    "Member": _("Household member"),
    "Enrollment": _("Enrollment"),
    "CoachAssignment": _("Coach assignment"),
    "User": _("Account"),
}
CHANNEL_NAMES = {"web": _("web"), "api": _("API"), "system": _("system")}
