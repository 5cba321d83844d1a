"""A participant's part of their records request from participation: their activity plans,
the hours they reported and months on aid (core/records.py says the shape)."""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry, shown
from stride.people.models import Participant

from .models import ActivityPlan, AidMonth, HoursEntry


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; three queries."""
    plans = access.belonging_to(ActivityPlan.objects.all(), person).select_related("activity")
    hours = access.belonging_to(HoursEntry.objects.all(), person).select_related(
        "activity", "entered_by", "verified_by"
    )
    months = access.belonging_to(AidMonth.objects.all(), person).select_related("program")
    return [
        Part(
            "activity_plans",
            _("Activity plans"),
            [
                Item(
                    str(plan.activity),
                    entries(
                        plan, ["activity", "starts_on", "ends_on", "outcome", "hours_per_week"]
                    ),
                )
                for plan in plans
            ],
            empty=_("No activity plans."),
        ),
        Part(
            "hours",
            _("Hours"),
            [
                Item(
                    f"{shown(entry_.day)} · {entry_.activity}",
                    [
                        *entries(
                            entry_, ["day", "activity", "hours", "kind", "verification", "note"]
                        ),
                        entry("entered_by", _("Entered by"), entry_.entered_by),
                        entry("verified_by", _("Verified by"), entry_.verified_by),
                        entry("verified_at", _("Verified on"), entry_.verified_at),
                    ],
                )
                for entry_ in hours
            ],
            empty=_("No hours reported."),
        ),
        Part(
            "aid_months",
            _("Months on aid"),
            [
                Item(
                    f"{month.month:%Y-%m}",
                    [
                        entry("month", _("Month"), f"{month.month:%Y-%m}"),
                        *entries(
                            month,
                            [
                                "program",
                                "exemption",
                                "work_status",
                                "federally_funded_child_care",
                                "tanf_grant",
                                "snap_allotment",
                                "note",
                            ],
                        ),
                    ],
                )
                for month in months
            ],
            empty=_("No months on aid recorded."),
        ),
    ]
