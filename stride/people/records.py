"""A participant's part of their records request from people: who they are, their household,
their enrollments and exits, and who has coached them (core/records.py says the shape)."""

from django.utils.translation import gettext as _

from stride.core.records import Item, Part, entries, entry

from .models import Participant


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; a fixed number of queries."""
    member = person.member
    household = person.household
    members = list(household.members.order_by("birth_date", "pk").defer("ssn"))
    enrollments = list(person.enrollments.select_related("program"))
    assignments = list(person.assignments.select_related("coach", "team", "assigned_by"))
    who = Item(
        member.full_name,
        [
            *entries(member, ["first_name", "last_name", "birth_date", "relationship"]),
            entry(
                "ssn_last4",
                _("Social Security number"),
                member.ssn_last4,
                member.masked_ssn or "—",
            ),
            entry("coach", _("Coach"), person.coach),
            entry("county", _("County"), person.county),
            entry("last_contact_at", _("Last contact"), person.last_contact_at),
        ],
    )
    home = Item(
        household.case_number,
        [
            *entries(
                household,
                ["case_number", "county", "address_line", "city", "zip_code", "phone", "language"],
            )
        ],
        [
            Part(
                "members",
                _("Household members"),
                [
                    Item(
                        other.full_name,
                        entries(other, ["first_name", "last_name", "birth_date", "relationship"]),
                    )
                    for other in members
                ],
            )
        ],
    )
    return [
        Part("participant", _("Who they are"), [who]),
        Part("household", _("Household"), [home]),
        Part(
            "enrollments",
            _("Enrollments and exits"),
            [
                Item(
                    str(enrollment.program),
                    [
                        entry("program", _("Program"), enrollment.program),
                        *entries(
                            enrollment,
                            ["aid_start", "status", "ended_on", "exit_reason", "exit_reason_other"],
                        ),
                    ],
                )
                for enrollment in enrollments
            ],
            empty=_("No enrollments."),
        ),
        Part(
            "coach_assignments",
            _("Coaches"),
            [
                Item(
                    str(assignment.coach),
                    [
                        entry("coach", _("Coach"), assignment.coach),
                        entry("team", _("Team"), assignment.team),
                        entry("started_on", _("From"), assignment.started_on),
                        entry("ended_on", _("Until"), assignment.ended_on),
                        *entries(assignment, ["reason"]),
                        entry("assigned_by", _("Assigned by"), assignment.assigned_by),
                    ],
                )
                for assignment in assignments
            ],
            empty=_("No coach assigned yet."),
        ),
    ]
