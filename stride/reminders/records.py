"""A participant's part of their records request from reminders: the consents they gave,
their reminder times, the messages sent to them and their replies (core/records.py says the
shape)."""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry
from stride.people.models import Participant

from .models import Consent, Message, Preference, Reply


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; four queries."""
    consents = access.belonging_to(Consent.objects.all(), person).select_related("recorded_by")
    preferences = access.belonging_to(Preference.objects.all(), person).select_related("changed_by")
    messages = access.belonging_to(Message.objects.all(), person).order_by("due_at", "pk")
    replies = access.belonging_to(Reply.objects.all(), person).order_by("received_at", "pk")
    return [
        Part(
            "consents",
            _("Agreements to reminders"),
            [
                Item(
                    str(consent.get_channel_display()),
                    [
                        *entries(consent, ["channel", "address", "words", "how"]),
                        entry("given_at", _("Given"), consent.given_at),
                        entry("recorded_by", _("Recorded by"), consent.recorded_by),
                        entry("revoked_at", _("Stopped"), consent.revoked_at),
                    ],
                )
                for consent in consents
            ],
            empty=_("No agreements to reminders."),
        ),
        Part(
            "reminder_times",
            _("Reminder times"),
            [
                Item(
                    str(preference.get_lead_display()),
                    [
                        *entries(preference, ["lead", "at", "check_in_every"]),
                        entry("changed_at", _("Changed"), preference.changed_at),
                        entry("changed_by", _("Changed by"), preference.changed_by),
                    ],
                )
                for preference in preferences
            ],
            empty=_("The usual reminder times."),
        ),
        Part(
            "messages",
            _("Messages"),
            [
                Item(
                    str(message.get_about_display()),
                    [
                        entry(
                            "channel", _("Channel"), message.channel, message.get_channel_display()
                        ),
                        entry("about", _("About"), message.about, message.get_about_display()),
                        entry("due_at", _("Due"), message.due_at),
                        entry("status", _("Status"), message.status, message.get_status_display()),
                        entry("sent_at", _("Sent"), message.sent_at),
                        entry("body", _("Words"), message.body),
                    ],
                )
                for message in messages
            ],
            empty=_("No messages."),
        ),
        Part(
            "replies",
            _("Replies"),
            [
                Item(
                    reply.body,
                    [
                        entry("received_at", _("Received"), reply.received_at),
                        entry("body", _("Words"), reply.body),
                        entry("meaning", _("Meaning"), reply.meaning, reply.get_meaning_display()),
                    ],
                )
                for reply in replies
            ],
            empty=_("No replies."),
        ),
    ]
