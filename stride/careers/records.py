"""A participant's part of their records request from careers: their career plans
(core/records.py says the shape)."""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Item, Part, entries, entry
from stride.people.models import Participant

from . import catalogue
from .models import CareerPlan


def parts(person: Participant) -> list[Part]:
    """`person` as the caller read them through the access module; one query."""
    plans = access.belonging_to(CareerPlan.objects.all(), person).select_related(
        "goal", "created_by"
    )
    items = []
    for plan in plans:
        try:
            name = str(catalogue.ladder(plan.industry_key, plan.ladder_key).name)
        except KeyError:  # a ladder the file no longer has
            name = plan.ladder_key
        items.append(
            Item(
                name,
                [
                    entry("industry", _("Industry"), plan.industry_key),
                    entry("ladder", _("Career ladder"), plan.ladder_key, name),
                    *entries(plan, ["level", "goal", "created_at"]),
                    entry("created_by", _("Made by"), plan.created_by),
                ],
            )
        )
    return [Part("career_plans", _("Career plans"), items, empty=_("No career plans."))]
