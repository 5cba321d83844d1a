"""The shipped career ladders: a data file of public facts, checked when it is loaded.

`data/careers.yaml` holds industries, each with career ladders of three rungs
(entry, middle, advanced); each rung is an occupation (SOC code) with what it
takes, typical wages, outlook and how the work fits raising a family, and
names the source of its figures. A bad file is refused with a CatalogueError
that names the file, the line and the key, and says what is wrong.

No Django here: the loader and the lookups are tested on their own, and the
benefits calculator reads rung wages through `rung_wages`.
"""

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    RootModel,
    StringConstraints,
    model_validator,
)

from stride.core import datafiles
from stride.core.datafiles import DataFileError, Location

DEFAULT = Path(__file__).resolve().parent / "data" / "careers.yaml"
LANGUAGES = ("en", "es")
LEVELS = ("entry", "middle", "advanced")
RIASEC = "RIASEC"
# More openings a year than any single occupation has (the largest have under a million):
# a figure above it was multiplied once too often.
MOST_OPENINGS = 2_000_000

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Soc = Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}$")]
Level = Literal["entry", "middle", "advanced"]
Often = Literal["often", "sometimes", "rarely"]
Physical = Literal["light", "medium", "heavy"]


class CatalogueError(DataFileError):
    """A refused careers file: where, and what is wrong."""


class Text(RootModel[dict[str, str]]):
    """Words in English and Spanish."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def every_language(self) -> "Text":
        missing = [code for code in LANGUAGES if not str(self.root.get(code, "")).strip()]
        if missing:
            raise ValueError(f"needs words in every language; missing: {', '.join(missing)}")
        return self

    def in_language(self, language: str | None) -> str:
        """The words in `language` (a code such as "es" or "es-mx"), English when it has none."""
        code = (language or "en").split("-")[0]
        return self.root.get(code) or self.root["en"]

    def __str__(self) -> str:
        return self.root["en"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    key: Key
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    licence: str = Field(min_length=1)
    attribution: str | None = None


class Wage(_Strict):
    """The typical (median) pay for the occupation."""

    hourly: PositiveFloat
    annual: PositiveInt
    source: Key


class Outlook(_Strict):
    growth_percent: float
    openings_per_year: NonNegativeInt = Field(le=MOST_OPENINGS)
    source: Key


class FamilyFit(_Strict):
    """How the work fits raising a family."""

    nights: Often
    weekends: Often
    irregular_or_on_call: Often
    physical: Physical
    note: Text


class Rung(_Strict):
    level: Level
    soc: Soc
    title: Text
    education: Text
    training: Text
    credentials: Text
    experience: Text
    skills: list[Text] = Field(min_length=1)
    riasec: str = Field(pattern=r"^[RIASEC]{1,3}$")
    wage: Wage
    outlook: Outlook
    family_fit: FamilyFit

    @model_validator(mode="after")
    def letters_once(self) -> "Rung":
        if len(set(self.riasec)) != len(self.riasec):
            raise ValueError(f"riasec names each letter once; got {self.riasec!r}")
        return self


class Ladder(_Strict):
    key: Key
    name: Text
    summary: Text
    rungs: list[Rung]

    @model_validator(mode="after")
    def three_levels_in_order(self) -> "Ladder":
        levels = tuple(rung.level for rung in self.rungs)
        if levels != LEVELS:
            raise ValueError(
                f"needs three rungs in the order {', '.join(LEVELS)}; found {', '.join(levels)}"
            )
        return self

    @property
    def codes(self) -> list[str]:
        """The interest codes of its rungs, entry first."""
        return [rung.riasec for rung in self.rungs]

    @property
    def top(self) -> Rung:
        return self.rungs[-1]


class Industry(_Strict):
    key: Key
    name: Text
    summary: Text
    ladders: list[Ladder] = Field(min_length=1)


class Careers(_Strict):
    version: PositiveInt
    sources: list[Source] = Field(min_length=1)
    industries: list[Industry] = Field(min_length=1)

    @functools.cached_property
    def source_by_key(self) -> dict[str, Source]:
        return {source.key: source for source in self.sources}

    @functools.cached_property
    def _ladders(self) -> dict[tuple[str, str], tuple[Industry, Ladder]]:
        return {
            (industry.key, ladder.key): (industry, ladder)
            for industry in self.industries
            for ladder in industry.ladders
        }

    def industry(self, key: str) -> Industry:
        for industry in self.industries:
            if industry.key == key:
                return industry
        raise KeyError(key)

    def find(self, industry_key: str, ladder_key: str) -> tuple[Industry, Ladder]:
        """The industry and the ladder; KeyError when either is not in the file."""
        return self._ladders[industry_key, ladder_key]

    def pairs(self) -> list[tuple[Industry, Ladder]]:
        """Every ladder with its industry, in the file's order."""
        return list(self._ladders.values())


def _cross_check(careers: Careers) -> Iterator[tuple[Location, str]]:
    """What the field types cannot say: keys used once, and sources that exist."""
    seen_sources: set[str] = set()
    for s, source in enumerate(careers.sources):
        if source.key in seen_sources:
            yield ("sources", s, "key"), f"the source key {source.key!r} is used twice"
        seen_sources.add(source.key)
    industries: set[str] = set()
    for i, industry in enumerate(careers.industries):
        if industry.key in industries:
            yield ("industries", i, "key"), f"the industry key {industry.key!r} is used twice"
        industries.add(industry.key)
        ladders: set[str] = set()
        for n, ladder in enumerate(industry.ladders):
            at: Location = ("industries", i, "ladders", n)
            if ladder.key in ladders:
                yield (*at, "key"), f"the ladder key {ladder.key!r} is used twice"
            ladders.add(ladder.key)
            for r, rung in enumerate(ladder.rungs):
                for part in ("wage", "outlook"):
                    source = getattr(rung, part).source
                    if source not in seen_sources:
                        yield (
                            (*at, "rungs", r, part, "source"),
                            f"there is no source {source!r} under sources",
                        )


def parse(path: Path, text: str) -> Careers:
    """The careers catalogue from the YAML `text` of the file at `path`."""
    careers, _root = datafiles.parse(path, text, Careers, _cross_check, CatalogueError, "catalogue")
    return careers


def load(path: Path | None = None) -> Careers:
    """The catalogue in the file at `path` (the shipped one, DEFAULT, when none), read once."""
    return _load(path or DEFAULT)


@functools.cache
def _load(path: Path) -> Careers:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogueError(path, None, "", f"cannot read the file: {error.strerror}") from None
    return parse(path, text)


# Lookups


class RungWage(NamedTuple):
    level: str
    soc: str
    title: Text
    hourly: float
    annual: int


def industries(careers: Careers | None = None) -> list[Industry]:
    return list((careers or load()).industries)


def ladder(industry_key: str, ladder_key: str, careers: Careers | None = None) -> Ladder:
    """One ladder; KeyError when the file has no such industry or ladder."""
    return (careers or load()).find(industry_key, ladder_key)[1]


def rung(chosen: Ladder, level: str) -> Rung:
    """The ladder's rung at `level`; KeyError for a level that is not one of LEVELS."""
    for candidate in chosen.rungs:
        if candidate.level == level:
            return candidate
    raise KeyError(level)


def rungs_from(chosen: Ladder, level: str) -> list[Rung]:
    """The rungs from `level` up to the top."""
    return chosen.rungs[LEVELS.index(level) :]


def rung_wages(chosen: Ladder) -> list[RungWage]:
    """Each rung's typical wage, entry first: the points a benefits curve marks."""
    return [
        RungWage(step.level, step.soc, step.title, step.wage.hourly, step.wage.annual)
        for step in chosen.rungs
    ]
