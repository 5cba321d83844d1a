"""The rubrics of reviews: the fidelity review and the staff skills and attributes matrix.

Each is data, like the self-assessment: `<directory>/v<version>.yaml`, one directory per
rubric (settings.COUNTY_FIDELITY, settings.COUNTY_SKILLS_MATRIX), checked with pydantic
when it is loaded. A county adds a version by adding a file; a review keeps the version it
was rated on. A bad file is refused with a RubricError naming the file, line and key.
"""

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core import checks
from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from stride.assessments.instruments import Key, Words
from stride.core import datafiles
from stride.core.datafiles import DataFileError, Location

TOP_SCORE = 3
# The areas of a staff member's professional goals (coaching.models.SkillArea), which a
# skills-matrix area names so that a skill to grow can start a goal in the right area.
GoalArea = Literal["customers", "framework", "well_being", "daily_tasks"]
Kind = Literal["fidelity", "skills_matrix"]


class RubricError(DataFileError):
    """A refused rubric file: where, and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    """One column of the scale: from `score` 0 (not there yet) to TOP_SCORE."""

    value: Key
    label: Words
    help: Words | None = None
    score: int = Field(ge=0, le=TOP_SCORE)
    to_grow: bool = False  # a skill rated here can start a professional goal


class Item(_Strict):
    key: Key
    title: Words
    looks_like: list[Words] = Field(min_length=1)  # what it looks like done in full


class Area(_Strict):
    key: Key
    title: Words
    goal_area: GoalArea | None = None
    items: list[Item] = Field(min_length=1)


class Rubric(_Strict):
    form: Kind
    version: PositiveInt
    title: Words
    purpose: Words
    scale: list[Level] = Field(min_length=2)
    areas: list[Area] = Field(min_length=1)

    @functools.cached_property
    def items(self) -> dict[str, Item]:
        return {item.key: item for area in self.areas for item in area.items}

    @functools.cached_property
    def area_of(self) -> dict[str, Area]:
        return {item.key: area for area in self.areas for item in area.items}

    @functools.cached_property
    def levels(self) -> dict[str, Level]:
        return {level.value: level for level in self.scale}

    def share(self, ratings: dict[str, str]) -> int | None:
        """How close to full the ratings come, as a whole percentage; None if none counts."""
        scores = [self.levels[v].score for k, v in ratings.items() if k in self.items]
        if not scores:
            return None
        return round(100 * sum(scores) / (TOP_SCORE * len(scores)))


def _cross_check(form: Rubric) -> Iterator[tuple[Location, str]]:
    """What the field types cannot say: keys used once, a top of the scale, goal areas."""
    values: set[str] = set()
    for n, level in enumerate(form.scale):
        if level.value in values:
            yield ("scale", n, "value"), f"the value {level.value!r} is used twice"
        values.add(level.value)
    if not any(level.score == TOP_SCORE for level in form.scale):
        yield ("scale",), f"one value must mean done in full (score: {TOP_SCORE})"
    keys: set[str] = set()
    for a, area in enumerate(form.areas):
        if form.form == "skills_matrix" and area.goal_area is None:
            yield ("areas", a), "each area of the skills matrix names its goal_area"
        if area.key in keys:
            yield ("areas", a, "key"), f"the key {area.key!r} is used twice"
        keys.add(area.key)
        for i, item in enumerate(area.items):
            if item.key in keys:
                yield ("areas", a, "items", i, "key"), f"the key {item.key!r} is used twice"
            keys.add(item.key)


def parse(path: Path, text: str, kind: Kind) -> Rubric:
    """One version of a rubric from the YAML `text` of the file at `path`."""
    form, root = datafiles.parse(path, text, Rubric, _cross_check, RubricError, "rubric")
    if form.form != kind:
        raise RubricError(
            path, datafiles.line_of(root, ("form",)), "form", f"this folder holds {kind} files"
        )
    datafiles.check_named_for_version(path, root, form.version, RubricError)
    return form


Versions = datafiles.Versions[Rubric]


def load_directory(directory: Path, kind: Kind) -> Versions:
    return datafiles.load_versions(
        directory, lambda path, text: parse(path, text, kind), RubricError, kind
    )


@functools.cache
def versions(kind: Kind) -> Versions:
    """The rubric this installation uses (settings.COUNTY_FIDELITY, COUNTY_SKILLS_MATRIX)."""
    folder = settings.COUNTY_FIDELITY if kind == "fidelity" else settings.COUNTY_SKILLS_MATRIX
    return load_directory(Path(folder), kind)


@checks.register()
def rubrics_load(**kwargs: object) -> list[checks.CheckMessage]:
    """Refuse to start with a rubric file that would fail when a review is written."""
    errors: list[checks.CheckMessage] = []
    for kind in ("fidelity", "skills_matrix"):
        try:
            versions(kind)
        except RubricError as error:
            errors.append(checks.Error(str(error), id="county.E002"))
    return errors
