"""Subscriptions to Stride's events, and each delivery of an event to one of them."""

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from stride.core.events import Kind
from stride.core.models import Organisation, User

EVENT_LABELS = {
    Kind.GOAL_ACHIEVED: _("A goal was achieved"),
    Kind.REFERRAL_STAGE_CHANGED: _("A referral moved to another stage"),
    Kind.PARTICIPANT_ASSIGNED: _("A coach was assigned to a participant"),
    Kind.HOURS_VERIFIED: _("Hours were verified"),
    Kind.CLIFF_FLAGGED: _("The cliff watch flagged a family"),
}


KINDS = frozenset(kind.value for kind in Kind)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Subscription(models.Model):
    """A receiver's address, the events it wants, and whose: one county, or all (None)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(default=list)  # Kind values
    county = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Names only for a county's subscription, set by someone who reads its records.
    include_names = models.BooleanField(_("include names"), default=False)
    active = models.BooleanField(_("active"), default=True)
    # Encrypted at rest; shown once when made or rotated.
    secret = EncryptedCharField(max_length=100, default=new_secret)
    secret_rotated_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        return [str(EVENT_LABELS[Kind(kind)]) for kind in self.events if kind in KINDS]


class Delivery(models.Model):
    """One event sent to one subscription, retried with backoff until answered 2xx.

    The body is written with the change that caused it and never changes; each attempt
    signs it afresh with the time of sending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()  # the same for every subscription told of one event
    kind = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.subscription_id}"

    def kind_label(self) -> str:
        return str(EVENT_LABELS[Kind(self.kind)]) if self.kind in KINDS else self.kind
