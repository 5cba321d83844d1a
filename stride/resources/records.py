"""A participant's part of their records request from resources: the referrals made for
them (core/records.py says the shape)."""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry
from stride.people.models import Participant

from .models import Referral


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; one query."""
    referrals = access.belonging_to(Referral.objects.all(), person).select_related(
        "service__provider", "step", "made_by"
    )
    return [
        Part(
            "referrals",
            _("Referrals"),
            [
                Item(
                    referral.service.name,
                    [
                        entry("service", _("Service"), referral.service.name),
                        entry("provider", _("Provider"), referral.service.provider.name),
                        entry("step", _("Step"), referral.step),
                        *entries(
                            referral,
                            [
                                "note",
                                "stage",
                                "outcome",
                                "sent_on",
                                "contacted_on",
                                "enrolled_on",
                                "closed_on",
                            ],
                        ),
                        entry("made_by", _("Made by"), referral.made_by),
                    ],
                )
                for referral in referrals
            ],
            empty=_("No referrals."),
        )
    ]
