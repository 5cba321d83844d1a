"""Careers words and panels for templates, including those of apps below careers.

The participant profile (a template of `people`) shows the participant's
career plans through `{% career_plans person request.user %}`, so people
never imports careers.
"""

from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from stride.core import access
from stride.core.models import User
from stride.people.models import Participant

from .. import catalogue
from ..catalogue import Text
from ..models import CareerPlan
from ..presenting import LEVEL_NAMES, OFTEN, PHYSICAL

register = template.Library()


@register.filter
def words(text: Text) -> str:
    """Words of the careers file in the page's language (English when it has none)."""
    return text.in_language(get_language())


@register.filter
def how_often(value: str) -> str:
    return str(OFTEN.get(value, value))


@register.filter
def physical(value: str) -> str:
    return str(PHYSICAL.get(value, value))


@register.filter
def level_name(value: str) -> str:
    return str(LEVEL_NAMES.get(value, value))


@register.filter
def money(value: float | int) -> str:
    """$19.09 for an hourly wage, $39,710 for a yearly one."""
    return (
        f"${value:,.2f}"
        if isinstance(value, float) and not value.is_integer()
        else f"${value:,.0f}"
    )


@register.inclusion_tag("careers/_plans.html")
def career_plans(person: Participant, user: User) -> dict[str, Any]:
    """The ladders the participant chose, with the rung they are on or aiming at."""
    careers = catalogue.load()
    rows = []
    for plan in access.visible_to(
        CareerPlan.objects.filter(participant=person).select_related("goal"), user
    ):
        try:
            industry, ladder = careers.find(plan.industry_key, plan.ladder_key)
        except KeyError:
            continue  # a ladder a later data file dropped
        rows.append(
            {
                "plan": plan,
                "industry": industry,
                "ladder": ladder,
                "rung": catalogue.rung(ladder, plan.level),
            }
        )
    return {"person": person, "rows": rows, "can_explore": access.can_see_caseloads(user)}


@register.filter
def outlook(rung: catalogue.Rung) -> str:
    """The outlook in plain words: how the number of jobs changes, and openings a year."""
    growth = rung.outlook.growth_percent
    openings = f"{rung.outlook.openings_per_year:,}"
    if growth > 0:
        return gettext(
            "About %(growth)s%% more jobs in ten years; about %(openings)s openings a year."
        ) % {"growth": f"{growth:g}", "openings": openings}
    if growth < 0:
        return gettext(
            "About %(growth)s%% fewer jobs in ten years, but still about %(openings)s openings "
            "a year as people retire or move on."
        ) % {"growth": f"{-growth:g}", "openings": openings}
    return gettext(
        "About the same number of jobs in ten years; about %(openings)s openings a year."
    ) % {"openings": openings}


@register.filter
def get_source(sources: dict[str, catalogue.Source], key: str) -> catalogue.Source | None:
    return sources.get(key)
