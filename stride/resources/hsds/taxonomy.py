"""The stride taxonomy: Stride's own fields, as attributes on its terms."""

from django.utils.translation import gettext as _

from stride.core.vocabulary import Circumstance

from ..models import Category

TAXONOMY = "stride"


Meaning = tuple[str, str]  # (kind, code): ("category", "food"), ("months_on_aid_from", "")
SERVICE_TERMS = {"category", "circumstance", "months_on_aid_from", "months_on_aid_up_to"}
BAD_TERM: Meaning = ("", "")


def term_id(meaning: Meaning) -> str:
    kind, code = meaning
    return f"stride-{kind}-{code}" if code else f"stride-{kind}"


def term_code(meaning: Meaning) -> str:
    kind, code = meaning
    return f"{kind}:{code}" if code else kind


def meaning_of(code: str) -> Meaning | None:
    kind, _sep, value = code.strip().partition(":")
    kind = kind.lower()
    if kind == "category" and value in Category.values:
        return (kind, value)
    if kind == "circumstance" and value in Circumstance.values:
        return (kind, value)
    if kind in ("months_on_aid_from", "months_on_aid_up_to", "contracted") and not value:
        return (kind, "")
    return None


def meaning_of_id(term: str) -> Meaning | None:
    """What a term of the stride taxonomy means, read from its id when the file gives no code.

    (HSDS 1.x terms have no code column: stride-category-food is category:food.)
    """
    for meaning, _name, _description in stride_terms():
        if term_id(meaning) == term.strip():
            return meaning
    return None


def stride_terms() -> list[tuple[Meaning, str, str]]:
    """Every term of the stride taxonomy, with its name and description."""
    terms: list[tuple[Meaning, str, str]] = []
    for category in Category:
        terms.append(
            (
                ("category", category.value),
                str(category.label),
                _("The kind of service; a service has one."),
            )
        )
    for circumstance in Circumstance:
        terms.append(
            (
                ("circumstance", circumstance.value),
                str(circumstance.label),
                _("A family circumstance the service is meant for."),
            )
        )
    terms.append(
        (
            ("months_on_aid_from", ""),
            _("From month on aid"),
            _("The service is for families from this month on aid (the value)."),
        )
    )
    terms.append(
        (
            ("months_on_aid_up_to", ""),
            _("Up to month on aid"),
            _("The service is for families up to this month on aid (the value)."),
        )
    )
    terms.append(
        (
            ("contracted", ""),
            _("Contracted provider"),
            _("The county contracts with this organization to serve its families."),
        )
    )
    return terms
