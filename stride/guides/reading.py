"""Which guides a person reads, and a guide in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from stride.core import access
from stride.core.models import User

from . import topics
from .models import Guide
from .rendering import to_html


def readable(user: User) -> QuerySet[Guide]:
    """The guides of `user`'s county: published ones, and drafts too for its administrator."""
    guides = Guide.objects.filter(county__in=access.guide_counties(user))
    if not access.can_keep_guides(user):
        guides = guides.filter(published=True)
    return guides


def kept_by(user: User) -> QuerySet[Guide]:
    """The guides `user` may change: every guide of a county administrator's own county."""
    return Guide.objects.filter(county__in=access.guide_editable_counties(user))


def tied_to(guides: QuerySet[Guide], topic: topics.Topic, codes: Iterable[str]) -> QuerySet[Guide]:
    """Guides tied to any of `codes` of `topic`."""
    wanted = [Q(**{f"{topic.value}__contains": topics.marker(code)}) for code in codes if code]
    return guides.filter(reduce(or_, wanted)) if wanted else guides.none()


def for_panel(
    user: User, *, stages: Iterable[str] = (), instrument: str = "", area: str = ""
) -> QuerySet[Guide]:
    """The published guides of `user`'s county for a page's stage(s), instrument or area."""
    published = Guide.objects.filter(county__in=access.guide_counties(user), published=True)
    wanted = [
        *(Q(stages__contains=topics.marker(code)) for code in stages),
        *([Q(instruments__contains=topics.marker(instrument))] if instrument else []),
        *([Q(areas__contains=topics.marker(area))] if area else []),
    ]
    if not wanted:
        return published.none()
    return published.filter(reduce(or_, wanted)).only("uuid", "title_en", "title_es")


def search(guides: QuerySet[Guide], words: str) -> QuerySet[Guide]:
    words = words.strip()
    if not words:
        return guides
    return guides.filter(Q(title_en__icontains=words) | Q(title_es__icontains=words))


def _spanish_wanted() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] == "es"


def title_in_language(guide: Guide) -> str:
    """The title in the page's language: Spanish if asked for and written, English otherwise."""
    if _spanish_wanted() and guide.title_es.strip():
        return guide.title_es
    return guide.title_en


@dataclass(frozen=True)
class Reading:
    title: str
    body: SafeString
    language: str  # the language the guide is shown in
    fell_back: bool  # Spanish was asked for and there is none yet: shown in English


def in_language(guide: Guide) -> Reading:
    if _spanish_wanted():
        if guide.has_spanish:
            return Reading(guide.title_es, to_html(guide.body_es), "es", False)
        return Reading(guide.title_en, to_html(guide.body_en), "en", True)
    return Reading(guide.title_en, to_html(guide.body_en), "en", False)
