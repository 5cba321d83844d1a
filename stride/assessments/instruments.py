"""Assessment instruments are data: versioned YAML files, checked when they are loaded.

An instrument lives in `<directory>/<slug>/v<version>.yaml`. An agency adds a
version by adding a file; old files stay, because every response names the
version it was answered on. A bad file is refused with an InstrumentError that
names the file, the line and the key, and says what is wrong.
"""

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from django.conf import settings
from django.utils.translation import get_language
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    RootModel,
    StringConstraints,
    model_validator,
)

from stride.core import datafiles
from stride.core.datafiles import DataFileError, Location
from stride.core.vocabulary import Circumstance, LifeArea, ServiceArea, Specialist

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
Value = int | Key

YES, NO = "yes", "no"
FILE_NAME = re.compile(r"^v(\d+)\.yaml$")


class InstrumentError(DataFileError):
    """A refused instrument file: where, and what is wrong."""


class Words(RootModel[dict[str, str]]):
    """Words in every language Stride speaks; shown in the language of the request."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def every_language(self) -> "Words":
        missing = [
            code for code, _ in settings.LANGUAGES if not str(self.root.get(code, "")).strip()
        ]
        if missing:
            raise ValueError(f"needs words in every language; missing: {', '.join(missing)}")
        return self

    def __str__(self) -> str:
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.root.get(language) or self.root[settings.LANGUAGE_CODE.split("-")[0]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: Value
    label: Words


class Condition(_Strict):
    """Show an item only when an earlier answer is one of these."""

    item: Key
    any_of: list[Value] = Field(min_length=1)


class Suggestion(_Strict):
    """What an answer suggests: a life area to storm goals in, or help to refer to."""

    any_of: list[Value] | None = None
    at_most: int | None = None
    life_area: LifeArea | None = None
    service_area: ServiceArea | None = None
    specialist: Specialist | None = None
    # The family circumstance the answer reveals, which the resource map matches services on.
    circumstance: Circumstance | None = None

    @model_validator(mode="after")
    def complete(self) -> "Suggestion":
        if (self.any_of is None) == (self.at_most is None):
            raise ValueError("give exactly one of any_of (answers) or at_most (a level or value)")
        if not (self.life_area or self.service_area or self.specialist or self.circumstance):
            raise ValueError(
                "suggest at least one of life_area, service_area, specialist or circumstance"
            )
        return self

    def matches(self, answer: Value) -> bool:
        if self.any_of is not None:
            return answer in self.any_of
        return isinstance(answer, int) and self.at_most is not None and answer <= self.at_most


class Item(_Strict):
    key: Key
    kind: Literal["ladder", "scale", "yes_no", "choice"]
    text: Words
    help: Words | None = None
    levels: list[Words] | None = None  # ladder: one statement per level, lowest first
    scale: Key | None = None  # scale: the name of one of the instrument's scales
    choices: list[Option] | None = None  # choice
    code: Code | None = None  # an interest code this item counts towards (top_codes)
    required: bool = True
    private: bool = False  # never on shared screens, printouts or the API
    show_if: Condition | None = None
    suggests: list[Suggestion] = []

    @property
    def scored(self) -> bool:
        return self.kind in ("ladder", "scale") and not self.private


class Section(_Strict):
    key: Key
    title: Words
    intro: Words | None = None
    life_area: LifeArea | None = None  # where goal-storming starts from this section's result
    items: list[Item] = Field(min_length=1)


class Scoring(_Strict):
    method: Literal["levels", "sum", "mean", "top_codes", "routing"]
    top: PositiveInt = 3  # top_codes: how many codes make the profile
    strong_at_least: int | None = None  # an answer this high is "where you are strong"
    grow_at_most: int | None = None  # an answer this low is "where you want to grow"


class CodeInfo(_Strict):
    name: Words
    about: Words


class Instrument(_Strict):
    instrument: Key
    version: PositiveInt
    title: Words
    purpose: Words
    minutes: PositiveInt
    self_service: bool = False  # a participant may fill it in on their own pages
    picture: Literal["bridge", "over_time", "map", "codes", "list"]
    ladder: list[Words] | None = None  # the names of the levels, lowest first
    scales: dict[Key, list[Option]] = {}
    codes: dict[Code, CodeInfo] = {}
    scoring: Scoring
    sections: list[Section] = Field(min_length=1)

    @property
    def slug(self) -> str:
        return self.instrument

    @functools.cached_property
    def items(self) -> dict[str, Item]:
        return {item.key: item for section in self.sections for item in section.items}

    @functools.cached_property
    def has_private_items(self) -> bool:
        return any(item.private for item in self.items.values())

    @functools.cached_property
    def section_of(self) -> dict[str, Section]:
        return {item.key: section for section in self.sections for item in section.items}

    def values(self, item: Item) -> list[Value]:
        """The answers `item` accepts, in the order they are offered."""
        if item.kind == "ladder":
            return list(range(1, len(item.levels or []) + 1))
        if item.kind == "scale":
            return [option.value for option in self.scales.get(item.scale or "", [])]
        if item.kind == "yes_no":
            return [YES, NO]
        return [option.value for option in item.choices or []]

    def value_range(self, item: Item) -> tuple[int, int]:
        numbers = [value for value in self.values(item) if isinstance(value, int)]
        return min(numbers), max(numbers)


def _cross_check(instrument: Instrument) -> Iterator[tuple[Location, str]]:
    """What the field types cannot say: references between parts and counts that must agree."""
    seen: dict[str, Location] = {}
    earlier: dict[str, Item] = {}
    for s, section in enumerate(instrument.sections):
        in_section: dict[str, Item] = {}
        for i, item in enumerate(section.items):
            at: Location = ("sections", s, "items", i)
            if item.key in seen or item.key in in_section:
                yield (*at, "key"), f"the key {item.key!r} is used twice"
            in_section[item.key] = item
            yield from _check_item(instrument, item, at, earlier)
        seen |= {key: ("sections", s) for key in in_section}
        earlier |= in_section
    method = instrument.scoring.method
    if method == "levels" and not instrument.ladder:
        yield ("scoring", "method"), "levels scoring needs the instrument's ladder"
    if method == "top_codes" and not instrument.codes:
        yield ("scoring", "method"), "top_codes scoring needs codes"
    if instrument.picture == "bridge" and method != "levels":
        yield ("picture",), "a bridge is drawn from levels scoring"
    if instrument.picture == "codes" and method != "top_codes":
        yield ("picture",), "codes are drawn from top_codes scoring"
    if method in ("levels", "sum", "mean", "top_codes") and not any(
        item.scored for item in instrument.items.values()
    ):
        yield ("scoring", "method"), f"{method} scoring needs at least one ladder or scale item"


def _check_item(
    instrument: Instrument, item: Item, at: Location, earlier: Mapping[str, Item]
) -> Iterator[tuple[Location, str]]:
    needs = {"ladder": "levels", "scale": "scale", "choice": "choices"}
    for kind, field in needs.items():
        given = getattr(item, field) is not None
        if item.kind == kind and not given:
            yield (*at, "kind"), f"a {kind} item needs {field}"
        if item.kind != kind and given:
            yield (*at, field), f"only a {kind} item has {field}"
    if item.kind == "ladder" and item.levels is not None:
        wanted = len(instrument.ladder or [])
        if len(item.levels) != wanted:
            yield (
                (*at, "levels"),
                f"needs exactly {wanted} levels, one per step of the ladder; found {len(item.levels)}",
            )
    if item.kind == "scale" and item.scale is not None:
        scale = instrument.scales.get(item.scale)
        if scale is None:
            yield (*at, "scale"), f"there is no scale named {item.scale!r} under scales"
        elif not all(isinstance(option.value, int) for option in scale):
            yield ("scales", item.scale), "scale values must be whole numbers"
    if item.code is not None and item.code not in instrument.codes:
        yield (*at, "code"), f"the code {item.code!r} is not listed under codes"
    if item.private and item.kind not in ("yes_no", "choice"):
        yield (
            (*at, "private"),
            "only yes_no and choice items can be private (they are never scored)",
        )
    if item.show_if is not None:
        target = earlier.get(item.show_if.item)
        if target is None:
            yield (
                (*at, "show_if", "item"),
                f"{item.show_if.item!r} must be an item in an earlier section",
            )
        else:
            for n, value in enumerate(item.show_if.any_of):
                if value not in instrument.values(target):
                    yield (
                        (*at, "show_if", "any_of", n),
                        f"{value!r} is not an answer to {target.key!r}",
                    )
    accepted = instrument.values(item)
    for n, suggestion in enumerate(item.suggests):
        for value in suggestion.any_of or []:
            if value not in accepted:
                yield (*at, "suggests", n, "any_of"), f"{value!r} is not an answer to this item"
        if suggestion.at_most is not None and item.kind not in ("ladder", "scale"):
            yield (*at, "suggests", n, "at_most"), "at_most is for ladder and scale items"


def parse(path: Path, text: str) -> Instrument:
    """One instrument from the YAML `text` of the file at `path`."""
    instrument, root = datafiles.parse(
        path, text, Instrument, _cross_check, InstrumentError, "instrument"
    )
    match = FILE_NAME.match(path.name)
    if path.parent.name != instrument.slug or not match or int(match[1]) != instrument.version:
        raise InstrumentError(
            path,
            datafiles.line_of(root, ("instrument",)),
            "instrument",
            f"the file for {instrument.slug} version {instrument.version} must be "
            f"{instrument.slug}/v{instrument.version}.yaml",
        )
    return instrument


class Catalogue:
    """Every version of every instrument in a directory."""

    def __init__(self, instruments: Sequence[Instrument]) -> None:
        self._by_version = {(i.slug, i.version): i for i in instruments}
        self.slugs = sorted({i.slug for i in instruments})

    def get(self, slug: str, version: int) -> Instrument:
        return self._by_version[slug, version]

    def versions(self, slug: str) -> list[Instrument]:
        return sorted(
            (i for (s, _), i in self._by_version.items() if s == slug), key=lambda i: i.version
        )

    def latest(self, slug: str) -> Instrument:
        return self.versions(slug)[-1]

    def all_latest(self) -> list[Instrument]:
        return [self.latest(slug) for slug in self.slugs]

    def __contains__(self, slug: object) -> bool:
        return slug in self.slugs


def load_directory(directory: Path) -> Catalogue:
    return Catalogue([parse(path, path.read_text()) for path in sorted(directory.glob("*/*.yaml"))])


@functools.cache
def catalogue() -> Catalogue:
    """The instruments this installation uses (settings.ASSESSMENT_INSTRUMENTS)."""
    return load_directory(Path(settings.ASSESSMENT_INSTRUMENTS))


def parse_answer(instrument: Instrument, item: Item, raw: Any) -> Value:
    """An answer as the instrument stores it; ValueError if `item` does not accept it."""
    for value in instrument.values(item):
        if str(value) == str(raw):
            return value
    raise ValueError(f"{raw!r} is not an answer to {item.key}")
