"""What the careers pages show: ladders in the order of a person's interests, rungs with their partners.

Shared by the staff explorer and the participant's own pages (portal). Each
function costs a fixed number of queries, whatever the size of the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from stride.assessments.instruments import catalogue as instruments
from stride.assessments.models import Response
from stride.core import access
from stride.core.models import Organisation, User
from stride.people.models import Participant

from . import catalogue, ranking
from .catalogue import Careers, Industry, Ladder, Rung
from .models import CareerPlan, LocalPartner

INTERESTS = "career_interests"

OFTEN = {"often": _("Often"), "sometimes": _("Sometimes"), "rarely": _("Rarely")}
PHYSICAL = {
    "light": _("Light: mostly sitting or walking"),
    "medium": _("Medium: on your feet, some lifting"),
    "heavy": _("Heavy: lifting and hard physical work"),
}
LEVEL_NAMES = {"entry": _("Entry"), "middle": _("Middle"), "advanced": _("Advanced")}


@dataclass
class Choice:
    """A ladder on the explorer, with its industry."""

    industry: Industry
    ladder: Ladder


@dataclass
class RungView:
    rung: Rung
    partners: list[LocalPartner] = field(default_factory=list)

    @property
    def level_name(self) -> str:
        return str(LEVEL_NAMES[self.rung.level])


def interests_of(user: User, person: Participant) -> list[str]:
    """The participant's top interest codes from their latest finished interests assessment."""
    latest = (
        access.visible_to(
            Response.objects.filter(
                participant=person, instrument=INTERESTS, completed_at__isnull=False
            ),
            user,
        )
        .order_by("-completed_at", "-pk")
        .values_list("result", flat=True)
        .first()
    )
    if not latest:
        return []
    return [code for code in latest.get("top", []) if code in catalogue.RIASEC]


def interest_names(codes: list[str]) -> list[str]:
    """The interests' names in the page's language ("Helping / Caring for people")."""
    if INTERESTS not in instruments():
        return codes
    named = instruments().latest(INTERESTS).codes
    return [str(named[code].name) if code in named else code for code in codes]


def choices(careers: Careers, interests: list[str], industry: str = "") -> list[Choice]:
    """Every ladder (of one industry, when asked), best match for the interests first."""
    found = [
        Choice(one, ladder)
        for one, ladder in careers.pairs()
        if not industry or one.key == industry
    ]
    return ranking.rank(found, interests, lambda choice: choice.ladder.codes)


def by_industry(found: list[Choice]) -> list[tuple[Industry, list[Choice]]]:
    """The ladders under their industries, in the file's order (for the unranked explorer)."""
    grouped: dict[str, tuple[Industry, list[Choice]]] = {}
    for choice in found:
        grouped.setdefault(choice.industry.key, (choice.industry, []))[1].append(choice)
    return list(grouped.values())


def partners_for(
    counties: QuerySet[Organisation], industry_key: str, ladder_key: str
) -> QuerySet[LocalPartner]:
    return LocalPartner.objects.filter(
        county__in=counties, industry_key=industry_key, ladder_key=ladder_key
    ).select_related("county")


def rungs_with_partners(ladder: Ladder, partners: QuerySet[LocalPartner]) -> list[RungView]:
    """The ladder's rungs, entry first, each with its local partners (one query)."""
    by_level: dict[str, list[LocalPartner]] = defaultdict(list)
    for partner in partners.order_by("kind", "name", "pk"):
        by_level[partner.level].append(partner)
    return [RungView(rung, by_level.get(rung.level, [])) for rung in ladder.rungs]


def plan_for(
    user: User, person: Participant, industry_key: str, ladder_key: str
) -> CareerPlan | None:
    return access.visible_to(
        CareerPlan.objects.filter(
            participant=person, industry_key=industry_key, ladder_key=ladder_key
        ).select_related("goal"),
        user,
    ).first()


def benefits_url(person: Participant | None, own: bool = False) -> str:
    """The benefits calculator for the participant, once the benefits app offers one.

    `own`: the participant's own page of it, for their own careers pages.
    """
    if person is None:
        return ""
    try:
        reverse("benefits:calculator", kwargs={"uuid": person.uuid})
        return (
            reverse("benefits:mine")
            if own
            else reverse("benefits:calculator", kwargs={"uuid": person.uuid})
        )
    except NoReverseMatch:
        return ""
