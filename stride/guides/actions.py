"""Every write to a county's guides: each save keeps a version, each change is audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Actor
from stride.core.edits import lock_for_edit
from stride.core.models import AuditEvent, Organisation, User

from . import topics
from .models import Guide, GuideVersion

Action = AuditEvent.Action


@dataclass(frozen=True)
class GuideDetails:
    title_en: str
    body_en: str
    title_es: str = ""
    body_es: str = ""
    stages: list[str] = field(default_factory=list)
    instruments: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)

    def stored(self) -> dict[str, str]:
        """The details as a guide's fields keep them, checked."""
        problems: dict[str, str] = {}
        words = {
            name: getattr(self, name).strip()
            for name in ("title_en", "body_en", "title_es", "body_es")
        }
        if not words["title_en"]:
            problems["title_en"] = _("Give the guide a title in English.")
        if not words["body_en"]:
            problems["body_en"] = _("Write the guide in English.")
        if bool(words["title_es"]) != bool(words["body_es"]):
            where = "body_es" if words["title_es"] else "title_es"
            problems[where] = _(
                "A Spanish version needs both a title and the guide; fill in both or leave both empty."
            )
        codes: dict[str, str] = {}
        for topic in topics.Topic:
            chosen = list(getattr(self, topic.value))
            known = {code for code, _label in topics.choices(topic)}
            if any(code not in known for code in chosen):
                problems[topic.value] = _("Choose from the list.")
            codes[topic.value] = topics.joined(chosen)
        if not any(codes.values()):
            problems["stages"] = _(
                "Tie the guide to at least one stage, instrument or service area, so coaches find it."
            )
        if problems:
            raise ValidationError(problems)
        return words | codes


def _person(actor: Actor) -> User:
    if actor.user is None:
        raise ValidationError(_("A guide is written by a person."))
    return actor.user


def _keep_version(
    guide: Guide, number: int, by: User, restored_from: int | None = None
) -> GuideVersion:
    return GuideVersion.objects.create(
        guide=guide,
        number=number,
        restored_from=restored_from,
        written_by=by,
        **{name: getattr(guide, name) for name in Guide.WORDS},
    )


def _latest_number(guide: Guide) -> int:
    latest = guide.versions.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


@transaction.atomic
def add_guide(
    actor: Actor, county: Organisation, details: GuideDetails, *, published: bool = False
) -> Guide:
    """A new guide for `county`, with its first version (a draft unless `published`)."""
    words = details.stored()
    guide = Guide.objects.create(county=county, published=published, **words)
    _keep_version(guide, 1, _person(actor))
    audit.record(actor, Action.CREATE, guide, None, [*sorted(words), "published"])
    return guide


@transaction.atomic
def change_guide(actor: Actor, guide: Guide, details: GuideDetails, seen_version: int) -> Guide:
    """The guide's words changed; the words it had stay as its earlier version."""
    words = details.stored()
    current = lock_for_edit(Guide, guide, seen_version)
    changed = [name for name in Guide.WORDS if getattr(current, name) != words[name]]
    if not changed:
        raise ValidationError(_("Nothing was changed: this is the guide as it stands."))
    for name in changed:
        setattr(current, name, words[name])
    current.version += 1
    current.changed_at = timezone.now()
    current.save()
    _keep_version(current, _latest_number(current) + 1, _person(actor))
    audit.record(actor, Action.CHANGE, current, None, changed)
    return current


@transaction.atomic
def restore_version(actor: Actor, guide: Guide, number: int, seen_version: int) -> Guide:
    """The words of version `number` become the guide's again, as a new version (the
    versions in between stay in the history)."""
    current = lock_for_edit(Guide, guide, seen_version)
    earlier = current.versions.filter(number=number).first()
    if earlier is None:
        raise ValidationError(_("That version of the guide does not exist."))
    changed = [name for name in Guide.WORDS if getattr(current, name) != getattr(earlier, name)]
    if not changed:
        raise ValidationError(_("The guide already reads as this version."))
    for name in changed:
        setattr(current, name, getattr(earlier, name))
    current.version += 1
    current.changed_at = timezone.now()
    current.save()
    _keep_version(current, _latest_number(current) + 1, _person(actor), restored_from=number)
    audit.record(actor, Action.CHANGE, current, None, [*changed, "restored_from"])
    return current


@transaction.atomic
def set_published(actor: Actor, guide: Guide, published: bool, seen_version: int) -> Guide:
    """Coaches see a published guide; a draft only its county's administrator."""
    current = lock_for_edit(Guide, guide, seen_version)
    if current.published == published:
        return current
    current.published = published
    current.version += 1
    current.changed_at = timezone.now()
    current.save(update_fields=["published", "version", "changed_at"])
    audit.record(actor, Action.CHANGE, current, None, ["published"])
    return current
