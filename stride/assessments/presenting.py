"""What a result page shows: strengths first, then where the person wants to grow, then next steps.

Everything here reads finished results; nothing here ever touches private
answers except `private_rows`, which only the private page calls.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from stride.core.vocabulary import LifeArea, ServiceArea, Specialist

from . import pictures, scoring
from .forms import answer_words
from .history import History, Row, Sitting
from .instruments import Instrument, Value

SCORING_WORDS = {
    "levels": _("A level for each area, and the average level of each section"),
    "sum": _("The answers added up, overall and for each section"),
    "mean": _("The average answer, overall and for each section"),
    "top_codes": _("The interest codes with the most points"),
    "routing": _("No score: the answers point to the help that fits"),
}


@dataclass(frozen=True)
class ItemRow:
    label: str
    section: str
    now: str
    now_value: float | None
    before: str
    change: float | None


@dataclass(frozen=True)
class TimeRow:
    when: datetime
    overall: float | None
    version: int
    charted: bool


@dataclass(frozen=True)
class CodeBar:
    code: str
    name: str
    about: str
    total: int
    most: int
    in_top: bool
    y: int  # where its bar goes in the picture

    @property
    def width(self) -> float:
        return round(340 * self.total / self.most, 1) if self.most else 0


@dataclass(frozen=True)
class ResultView:
    history: History
    sections: list[Row]
    items: list[ItemRow]
    strong: list[str]
    grow: list[str]
    life_areas: list[tuple[str, str]]  # (value, words), for goal-storming
    help_suggested: list[str]
    over_time: list[TimeRow]
    bridge: pictures.Bridge | None
    line: pictures.Line | None
    codes: list[CodeBar]

    @property
    def instrument(self) -> Instrument:
        return self.history.instrument

    @property
    def codes_height(self) -> int:
        return 34 * len(self.codes)

    @property
    def latest(self) -> Sitting:
        return self.history.latest

    @property
    def previous(self) -> Sitting | None:
        return self.history.previous


def _words(instrument: Instrument, key: str, value: float | None) -> str:
    if value is None:
        return ""
    return answer_words(instrument, instrument.items[key], int(value))


def _hints(hints: list[scoring.Hint]) -> tuple[list[tuple[str, str]], list[str]]:
    areas = dict(LifeArea.choices)
    help_labels = {**dict(ServiceArea.choices), **dict(Specialist.choices)}
    life_areas = list(dict.fromkeys(h.life_area for h in hints if h.life_area))
    helps = list(
        dict.fromkeys(
            label
            for h in hints
            for label in (help_labels.get(h.specialist), help_labels.get(h.service_area))
            if label
        )
    )
    return [(value, str(areas[value])) for value in life_areas], [str(label) for label in helps]


def result_view(history: History) -> ResultView:
    instrument = history.instrument
    latest = history.latest.result
    labels = {key: str(item.text) for key, item in instrument.items.items()}
    section_titles = {key: str(section.title) for key, section in instrument.section_of.items()}
    items = [
        ItemRow(
            row.label,
            section_titles[row.key],
            _words(instrument, row.key, row.now),
            row.now,
            _words(instrument, row.key, row.before),
            row.change,
        )
        for row in history.item_rows()
    ]
    life_areas, helps = _hints(latest.hints)
    comparable = {id(s) for s in history.comparable}
    most = max(latest.codes.values(), default=0)
    return ResultView(
        history=history,
        sections=history.section_rows(),
        items=items,
        strong=[labels[key] for key in latest.strong],
        grow=[labels[key] for key in latest.grow],
        life_areas=life_areas,
        help_suggested=helps,
        over_time=[
            TimeRow(
                s.completed_at, s.result.overall, s.response.instrument_version, id(s) in comparable
            )
            for s in history.sittings
        ],
        bridge=pictures.bridge(history) if instrument.picture == "bridge" else None,
        line=pictures.over_time(history) if instrument.picture == "over_time" else None,
        codes=[
            CodeBar(
                code,
                str(info.name),
                str(info.about),
                latest.codes.get(code, 0),
                most,
                code in latest.top,
                34 * n,
            )
            for n, (code, info) in enumerate(instrument.codes.items())
        ]
        if instrument.picture == "codes"
        else [],
    )


@dataclass(frozen=True)
class PrivateRow:
    question: str
    answer: str


def private_rows(
    instrument: Instrument, answers: Mapping[str, Value]
) -> tuple[list[PrivateRow], list[str]]:
    """The private questions with their answers, and the help those answers suggest."""
    rows = [
        PrivateRow(str(item.text), answer_words(instrument, item, answers[key]))
        for key, item in instrument.items.items()
        if item.private and key in answers
    ]
    _areas, helps = _hints(scoring.hints(instrument, answers, private=True))
    return rows, helps
