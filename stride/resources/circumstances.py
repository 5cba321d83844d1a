"""A family's circumstances and months on aid: the two inputs of the county resource map.

Circumstances come from the household record (children's ages, the
preferred language, a teen parent) and from what the latest answers to each
assessment point to (an instrument item's `circumstance` suggestion). Each
one keeps where it was seen, so a suggestion can say why in plain words.
Answers to private items count only for people who may read them, and what they
point to is kept apart (`Family.private`): it shapes the suggestions, but is shown
only as "something to talk about privately", and each showing is a private read of
the responses in `Family.private_sources`.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import hints
from stride.core import access
from stride.core.vocabulary import Circumstance
from stride.people.models import Member, Participant, age_on

from .models import circumstance_mask

TEEN_PARENT_BELOW = 20
SCHOOL_AGE = range(6, 18)


@dataclass
class Family:
    """What the resource map needs to know about one family."""

    county_id: int
    months_on_aid: int | None
    language: str
    zip_code: str
    # circumstance code -> where it was seen, in words ("the bridge, 3 Oct 2026")
    circumstances: dict[str, list[str]] = field(default_factory=dict)
    # circumstance code -> the instruments whose private answers point to it (titles only)
    private: dict[str, list[str]] = field(default_factory=dict)
    private_sources: list[Response] = field(default_factory=list)

    @property
    def mask(self) -> int:
        return circumstance_mask([*self.circumstances, *self.private])

    @property
    def private_titles(self) -> list[str]:
        """Where something private was said, once each: never what it points to."""
        return list(dict.fromkeys(title for titles in self.private.values() for title in titles))

    def only_private(self, code: str) -> bool:
        return code in self.private and code not in self.circumstances

    def seen(self, code: str, where: str) -> None:
        sources = self.circumstances.setdefault(code, [])
        if where not in sources:
            sources.append(where)


def family_of(participant: Participant, *, with_private: bool, today: date | None = None) -> Family:
    """The family of `participant` (fetched with household and current enrollment)."""
    today = today or timezone.localdate()
    enrollment = participant.current_enrollment
    family = Family(
        county_id=participant.county_id,
        months_on_aid=enrollment.months_on_aid if enrollment is not None else None,
        language=participant.household.language,
        zip_code=participant.household.zip_code,
    )
    _from_household(family, participant, today)
    _from_assessments(family, participant, with_private)
    return family


def _from_household(family: Family, participant: Participant, today: date) -> None:
    members = list(participant.household.members.all())
    children = [m for m in members if m.relationship == Member.Relationship.CHILD]
    young = sorted(age_on(child.birth_date, today) for child in children)
    under_six = [age for age in young if age < 6]
    if under_six:
        family.seen(Circumstance.CHILDREN_UNDER_SIX, _ages_in_words(under_six))
    school_age = [age for age in young if age in SCHOOL_AGE]
    if school_age:
        family.seen(Circumstance.SCHOOL_AGE_CHILDREN, _ages_in_words(school_age))
    own_age = age_on(participant.member.birth_date, today)
    if children and own_age < TEEN_PARENT_BELOW:
        family.seen(
            Circumstance.TEEN_PARENT, _("household record: parent aged %(age)s") % {"age": own_age}
        )
    if any(m.relationship == Member.Relationship.PARTNER for m in members):
        family.seen(Circumstance.TWO_PARENTS, _("household record"))
    if participant.household.language != "en":
        family.seen(
            Circumstance.LIMITED_ENGLISH,
            _("household record: prefers %(language)s")
            % {"language": participant.household.get_language_display()},
        )


def _ages_in_words(ages: list[int]) -> str:
    listed = ", ".join(str(age) for age in ages)
    return ngettext(
        "household record: a child aged %(ages)s",
        "household record: children aged %(ages)s",
        len(ages),
    ) % {"ages": listed}


def _from_assessments(family: Family, participant: Participant, with_private: bool) -> None:
    instruments = catalogue()
    latest: dict[str, Response] = {}
    finished = access.belonging_to(
        Response.objects.filter(completed_at__isnull=False), participant
    ).order_by("-completed_at")
    for response in finished:
        latest.setdefault(response.instrument, response)
    for response in latest.values():
        instrument = instruments.get(response.instrument, response.instrument_version)
        completed_at = response.completed_at
        assert completed_at is not None  # only finished responses were read
        where = f"{instrument.title}, {formats.date_format(timezone.localdate(completed_at))}"
        for hint in hints(instrument, response.answers, private=False):
            if hint.circumstance:
                family.seen(hint.circumstance, where)
        if not with_private:
            continue
        private = [
            hint.circumstance
            for hint in hints(instrument, response.private_answers, private=True)
            if hint.circumstance
        ]
        if private:
            response.participant = participant  # for the audit of this read, without a query
            family.private_sources.append(response)
        for code in private:
            titles = family.private.setdefault(code, [])
            if str(instrument.title) not in titles:
                titles.append(str(instrument.title))
