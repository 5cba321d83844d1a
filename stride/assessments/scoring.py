"""Answers in, results out: which items show, which answers are missing, and the scores.

Scoring follows what the instrument declares (instruments.Scoring):
- levels: each ladder item's level; each section's mean (a pillar of the bridge);
- sum or mean: of the scale items, overall and per section;
- top_codes: scale answers added up per interest code, the highest codes first;
- routing: no score, only what the answers suggest.
Answers to private items are kept apart, never scored and never part of a Result.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from statistics import fmean
from typing import Any

from .instruments import Instrument, Item, Section, Value, parse_answer


class AnswerError(ValueError):
    """Answers that cannot be kept: each item key with what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{key}: {problem}" for key, problem in self.problems.items()))


@dataclass(frozen=True)
class Hint:
    """A suggestion drawn from one answer."""

    item: str
    life_area: str = ""
    service_area: str = ""
    specialist: str = ""
    circumstance: str = ""


@dataclass(frozen=True)
class Result:
    items: dict[str, int] = field(default_factory=dict)
    sections: dict[str, float] = field(default_factory=dict)
    overall: float | None = None
    codes: dict[str, int] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)
    grow: list[str] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Result":
        if not data:
            return cls()
        return cls(**{**data, "hints": [Hint(**hint) for hint in data.get("hints", [])]})


def is_shown(item: Item, answers: Mapping[str, Value]) -> bool:
    return item.show_if is None or answers.get(item.show_if.item) in item.show_if.any_of


def shown_sections(instrument: Instrument, answers: Mapping[str, Value]) -> list[Section]:
    """The sections with at least one item to answer, given the answers so far."""
    return [
        section
        for section in instrument.sections
        if any(is_shown(item, answers) for item in section.items)
    ]


def clean(
    instrument: Instrument, raw: Mapping[str, Any], earlier: Mapping[str, Value] | None = None
) -> tuple[dict[str, Value], dict[str, Value]]:
    """Check `raw` answers against the instrument: (shareable answers, private answers).

    Blank answers are left out (saved partway); an answer the item does not
    accept is an AnswerError. `earlier` answers decide which items show.
    """
    known = dict(earlier or {})
    shared: dict[str, Value] = {}
    private: dict[str, Value] = {}
    problems: dict[str, str] = {}
    for key, item in instrument.items.items():
        answer = raw.get(key)
        if answer in (None, ""):
            continue
        try:
            value = parse_answer(instrument, item, answer)
        except ValueError:
            problems[key] = "not one of the answers offered"
            continue
        known[key] = value
        if not is_shown(item, known):
            continue  # an answer left over from a branch not taken
        (private if item.private else shared)[key] = value
    if problems:
        raise AnswerError(problems)
    return shared, private


def answer_all(
    instrument: Instrument, choose: Callable[[Item, list[Value]], Value]
) -> dict[str, Value]:
    """A complete set of answers, each picked by `choose` from what its item accepts.

    Used to build demo families' results; branches follow the answers chosen.
    """
    answers: dict[str, Value] = {}
    for item in instrument.items.values():
        if is_shown(item, answers):
            answers[item.key] = choose(item, instrument.values(item))
    return answers


def missing(instrument: Instrument, answers: Mapping[str, Value]) -> list[Item]:
    """Required items that show and have no answer yet."""
    return [
        item
        for item in instrument.items.values()
        if item.required and is_shown(item, answers) and item.key not in answers
    ]


def score(instrument: Instrument, answers: Mapping[str, Value]) -> Result:
    """The result of a finished set of answers (shareable and private together).

    AnswerError names every required item still unanswered.
    """
    gaps = missing(instrument, answers)
    if gaps:
        raise AnswerError({item.key: "this question needs an answer" for item in gaps})
    scoring = instrument.scoring
    values = {
        key: value
        for key, value in answers.items()
        if key in instrument.items and instrument.items[key].scored and isinstance(value, int)
    }
    combine = sum if scoring.method == "sum" else fmean
    sections: dict[str, float] = {}
    if scoring.method in ("levels", "sum", "mean"):
        for section in instrument.sections:
            numbers = [values[item.key] for item in section.items if item.key in values]
            if numbers:
                sections[section.key] = round(float(combine(numbers)), 2)
    overall = (
        round(float(combine(values.values())), 2)
        if values and scoring.method in ("levels", "sum", "mean")
        else None
    )
    codes: dict[str, int] = {}
    if scoring.method == "top_codes":
        codes = {code: 0 for code in instrument.codes}
        for key, value in values.items():
            code = instrument.items[key].code
            if code is not None:
                codes[code] += value
    order = list(instrument.codes)
    # Only codes that drew some interest; ties go to the order the instrument lists them in.
    top = sorted(
        (code for code in codes if codes[code] > 0),
        key=lambda code: (-codes[code], order.index(code)),
    )[: scoring.top]
    return Result(
        items=values,
        sections=sections,
        overall=overall,
        codes=codes,
        top=top,
        strong=[
            key
            for key, value in values.items()
            if scoring.strong_at_least is not None and value >= scoring.strong_at_least
        ],
        grow=[
            key
            for key, value in values.items()
            if scoring.grow_at_most is not None and value <= scoring.grow_at_most
        ],
        hints=hints(instrument, answers, private=False),
    )


def hints(instrument: Instrument, answers: Mapping[str, Value], *, private: bool) -> list[Hint]:
    """What the answers suggest; only from private items when `private`, else never from them."""
    found = []
    for key, answer in answers.items():
        item = instrument.items.get(key)
        if item is None or item.private != private:
            continue
        for suggestion in item.suggests:
            if suggestion.matches(answer):
                found.append(
                    Hint(
                        item=key,
                        life_area=suggestion.life_area or "",
                        service_area=suggestion.service_area or "",
                        specialist=suggestion.specialist or "",
                        circumstance=suggestion.circumstance or "",
                    )
                )
    return found


def pillar_level(mean: float) -> int:
    """A section's mean as a whole level, rounded down: a pillar counts as a level up only once
    its domains together reach the next level."""
    return int(mean)
