"""Reminders that reach people between meetings: consent, messages, and replies.

A message needs the participant's recorded consent for its channel, asked again
at the moment of sending. Every model here is a case record reached through
`stride.core.access` (ACCESS_VIA) and written by `stride.reminders.actions`
(consent, replies) or `stride.reminders.sending` (a message's way out).
"""

import uuid
from datetime import time
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation
from stride.people.models import Participant


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    POSTCARD = "postcard", _("Postcard")  # printed by the office, never sent by a worker


class Consent(models.Model):
    """A participant's yes to reminders on one channel, at one address, and its withdrawal.

    `words` keeps the exact sentence the person was shown when they agreed. A
    consent is never edited: a new yes after a STOP is a new row, so the record
    of who agreed to what, when and how stays whole."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("channel", "how", "revoked_how")

    class How(models.TextChoices):
        IN_PERSON = "in_person", _("In person, with their coach")
        PHONE = "phone", _("On the phone, with their coach")
        PORTAL = "portal", _("On their own pages")
        TEXT = "text", _("By a text message")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="reminder_consents"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("phone number or email"), max_length=254)
    words = models.TextField(_("words shown"))
    how = models.CharField(_("how they agreed"), max_length=16, choices=How.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_how = models.CharField(
        _("how they withdrew"), max_length=16, choices=How.choices, blank=True
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "channel", "revoked_at"]),
            models.Index(fields=["channel", "address", "revoked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.given_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Message(models.Model):
    """One reminder on its way to a participant, from queued to delivered (or failed)."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("status", "channel")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Could not be sent")
        CANCELLED = "cancelled", _("No longer needed")

    class About(models.TextChoices):
        STEP = "step", _("A step")
        APPOINTMENT = "appointment", _("An appointment")
        REVIEW = "review", _("A review date")
        CHECK_IN = "check_in", _("A check-in")
        REPLY = "reply", _("An answer to a text")
        INVITATION = "invitation", _("A link to set up their own page")
        PASSWORD = "password", _("A link to choose a new password")

    # The reminders set on something in the participant's plan.
    REMINDERS = (About.STEP, About.APPOINTMENT, About.REVIEW, About.CHECK_IN)
    # Kinds whose words may be read again by whoever may read the message: a reminder repeats
    # what its step or appointment already says. Any other kind (a sign-in link sent to a
    # phone) holds a secret, and its words are shown to nobody.
    READABLE_WORDS = frozenset({*REMINDERS, About.REPLY})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="reminder_messages"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    body = models.TextField()
    about = models.CharField(max_length=16, choices=About.choices)
    about_id = models.UUIDField(null=True, blank=True)  # the step (or appointment) it is about
    due_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField()
    idempotency_key = models.UUIDField(default=uuid4, unique=True, editable=False)
    provider_id = models.CharField(max_length=64, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # the provider's report said so
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_try_at"]),
            models.Index(fields=["about", "about_id", "status"]),
            models.Index(fields=["participant", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_about_display()} {self.due_at:%Y-%m-%d %H:%M}"


# Messages that carry a one-time link to the participant's own pages: they need an
# address, not reminder consent, and go at once (see stride/reminders/onetime.py).
LINK_MESSAGES = (Message.About.INVITATION, Message.About.PASSWORD)


class Reply(models.Model):
    """A text a participant sent back that Stride keeps for their coach to read."""

    ACCESS_VIA = "participant"

    class Meaning(models.TextChoices):
        DONE = "done", _("Marked a step done")
        NOT_YET = "not_yet", _("Said a step is not done yet")
        NOTE = "note", _("Sent a message")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="reminder_replies"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.SMS)
    body = models.CharField(max_length=1600)
    meaning = models.CharField(max_length=8, choices=Meaning.choices)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    received_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["participant", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.get_meaning_display()} {self.received_at:%Y-%m-%d %H:%M}"


class Preference(models.Model):
    """When a participant wants their reminders: how long before, and at what time of day;
    and whether, and how often, to be reminded to do a check-in on their own page.

    Set by the participant on their own pages or by their coach; without one,
    reminders come the day before at ten in the morning, and no check-in reminder
    comes. Quiet hours still win."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("lead", "check_in_every")

    class Lead(models.TextChoices):
        DAY_BEFORE = "day_before", _("The day before")
        SAME_MORNING = "same_morning", _("The same morning")
        TWO_HOURS = "two_hours", _("Two hours before")

    class CheckInEvery(models.IntegerChoices):
        """How often to be reminded to do a check-in on one's own page, in days."""

        NEVER = 0, _("No check-in reminders")
        WEEK = 7, _("Every week")
        TWO_WEEKS = 14, _("Every two weeks")
        FOUR_WEEKS = 28, _("Every four weeks")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    lead = models.CharField(
        _("how long before"), max_length=16, choices=Lead.choices, default=Lead.DAY_BEFORE
    )
    at = models.TimeField(_("time of day"), default=time(10, 0))
    check_in_every = models.PositiveSmallIntegerField(
        _("check-in reminders"), choices=CheckInEvery.choices, default=CheckInEvery.NEVER
    )
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.get_lead_display()} {self.at:%H:%M}"


class CountySettings(models.Model):
    """A county's reminder settings: its quiet hours and who a HELP text points to."""

    county = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="reminder_settings",
        limit_choices_to={"kind": Organisation.Kind.COUNTY},
    )
    quiet_from = models.TimeField(_("no reminders after"), default=time(21, 0))
    quiet_until = models.TimeField(_("no reminders before"), default=time(8, 0))
    help_contact = models.CharField(_("who to call for help"), max_length=200, blank=True)

    def __str__(self) -> str:
        return str(self.county)


class CalendarFeed(models.Model):
    """A participant's private calendar address, which a phone's calendar reads without signing in.

    Only the secret's SHA-256 is kept: the address is shown once, when it is made, and a
    new one replaces it at once (the old address then finds nothing, like any unknown one)."""

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.made_at:%Y-%m-%d}"
