"""The taxonomy crosswalk: a county's 211 kinds of service onto Stride's (data/taxonomy_crosswalk.yaml).

The file's header says how a service is placed and how a county may edit it.
It is read through core/datafiles.py, like the instruments and the career
ladders, and a bad file is refused with its line and key.
"""

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Literal

from django.core import checks
from pydantic import BaseModel, ConfigDict, StringConstraints

from stride.core import datafiles
from stride.core.datafiles import DataFileError, Location

from .models import Category

DEFAULT = Path(__file__).resolve().parent / "data" / "taxonomy_crosswalk.yaml"

AIRS_CODE = re.compile(r"[A-Z]{1,2}(-\d{4}(\.\d{4}(-\d{3,4})?)?)?")  # a whole code, not a name
Prefix = Annotated[str, StringConstraints(pattern=rf"^{AIRS_CODE.pattern}$")]
Words = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9 '/-]*$", max_length=80)]


class CrosswalkError(DataFileError):
    """A refused crosswalk file: where, and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Code(_Strict):
    prefix: Prefix
    name: str
    category: str


class Name(_Strict):
    words: Words
    category: str


class Crosswalk(_Strict):
    version: Literal[1]
    codes: list[Code]
    names: list[Name]

    def place(self, codes: Iterable[str], names: Iterable[str]) -> str:
        """The kind of service the codes (first) or the term names give, or "" for none."""
        best: tuple[int, str] = (0, "")
        for code in codes:
            code = code.strip().upper()
            for rule in self.codes:
                if _within(code, rule.prefix) and len(rule.prefix) > best[0]:
                    best = (len(rule.prefix), rule.category)
        if best[1]:
            return best[1]
        for name in names:
            for words in self.names:
                if len(words.words) > best[0] and re.search(
                    rf"\b{re.escape(words.words)}\b", name, re.IGNORECASE
                ):
                    best = (len(words.words), words.category)
        return best[1]


def _within(code: str, prefix: str) -> bool:
    """Whether the code sits under the prefix. 211 codes nest: a letter (L, health care)
    holds its two-letter branches (LN), which hold LN-1500, which holds LN-1500.1000."""
    if len(prefix) == 1 and AIRS_CODE.fullmatch(code):
        return code[:1] == prefix
    return code == prefix or code.startswith((f"{prefix}-", f"{prefix}."))


def _cross_check(crosswalk: Crosswalk) -> Iterator[tuple[Location, str]]:
    kinds = set(Category.values)
    rules: list[tuple[Location, str, str]] = [
        (("codes", n), rule.prefix, rule.category) for n, rule in enumerate(crosswalk.codes)
    ]
    rules += [(("names", n), rule.words, rule.category) for n, rule in enumerate(crosswalk.names)]
    seen: set[tuple[str, str]] = set()
    for at, key, category in rules:
        if category not in kinds:
            yield (*at, "category"), f"{category!r} is not a kind of service"
        if (str(at[0]), key) in seen:
            yield at, f"{key!r} is listed twice"
        seen.add((str(at[0]), key))


def parse(path: Path, text: str) -> Crosswalk:
    crosswalk, _root = datafiles.parse(
        path, text, Crosswalk, _cross_check, CrosswalkError, "crosswalk"
    )
    return crosswalk


@functools.cache
def load(path: Path = DEFAULT) -> Crosswalk:
    """The crosswalk in the file at `path` (the shipped one when none), read once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CrosswalkError(path, None, "", f"cannot read the file: {error.strerror}") from None
    return parse(path, text)


@checks.register()
def crosswalk_loads(**kwargs: object) -> list[checks.CheckMessage]:
    """Refuse to start with a crosswalk file that would fail in the middle of an import."""
    try:
        load()
    except CrosswalkError as error:
        return [checks.Error(str(error), id="resources.E001")]
    return []
