"""A participant's part of their records request from benefits: the pictures of their
benefits saved with them, each with its what-ifs (core/records.py says the shape)."""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry
from stride.people.models import Participant

from .models import HouseholdBudget, MemberBudget, Scenario

MEMBER_FIELDS = [
    "yearly_earnings", "weekly_hours", "care_days_per_week", "care_hours_per_day",
    "monthly_care_cost",
]  # fmt: skip


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; three queries."""
    scenarios = access.belonging_to(Scenario.objects.all(), person).select_related("created_by")
    # The household's money facts, as the calculator keeps them: the household's, and each
    # of its members' (who belong to `person`'s household).
    rents = access.belonging_to(HouseholdBudget.objects.all(), person)
    budgets = access.belonging_to(MemberBudget.objects.all(), person).select_related("member")
    facts = [Item(_("Household"), entries(rent, ["monthly_rent"])) for rent in rents] + [
        Item(
            budget.member.full_name,
            [entry("member", _("Name"), budget.member.full_name), *entries(budget, MEMBER_FIELDS)],
        )
        for budget in budgets.order_by("member__birth_date", "pk")
    ]
    return [
        Part(
            "money_facts",
            _("Money facts for the benefits calculator"),
            facts,
            empty=_("No money facts saved."),
        ),
        Part(
            "benefit_scenarios",
            _("Benefit pictures saved"),
            [
                Item(
                    scenario.title,
                    [
                        *entries(scenario, ["title"]),
                        entry("what_if", _("What if"), scenario.what_if),
                        entry("computed_at", _("Worked out on"), scenario.computed_at),
                        entry("engine_version", _("Rules version"), scenario.engine_version),
                        entry("created_by", _("Saved by"), scenario.created_by),
                        # The figures as they were worked out, for the JSON copy.
                        entry("data", _("Figures"), scenario.data, ""),
                    ],
                )
                for scenario in scenarios
            ],
            empty=_("No benefit pictures saved."),
        ),
    ]
