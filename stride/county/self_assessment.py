"""The county self-assessment is data: versioned YAML files, checked when they are loaded.

Each version is `<directory>/v<version>.yaml` (settings.COUNTY_SELF_ASSESSMENT). A county
or state adds a version by adding a file; old files stay, because every round names the
version it was rated on. A bad file is refused with a SelfAssessmentError that names the
file, the line and the key, and says what is wrong (core/datafiles.py).
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

# How far along a component is, from "not in place" (0) to "in place" (PROGRESS_TOP).
PROGRESS_TOP = 4


class SelfAssessmentError(DataFileError):
    """A refused self-assessment file: where, and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Strict):
    """A heading over columns of the scale: in place, room to grow, not in place yet."""

    key: Key
    name: Words


class Point(_Strict):
    """One column of the scale."""

    value: Key
    group: Key
    label: Words
    help: Words | None = None
    progress: int = Field(ge=0, le=PROGRESS_TOP)


class Component(_Strict):
    key: Key
    title: Words
    looks_like: list[Words] = Field(min_length=1)  # what it looks like when it is in place


class Area(_Strict):
    key: Key
    title: Words
    components: list[Component] = Field(min_length=1)


class SelfAssessment(_Strict):
    form: Literal["county_self_assessment"]
    version: PositiveInt
    title: Words
    purpose: Words
    groups: list[Group] = Field(min_length=1)
    scale: list[Point] = Field(min_length=2)
    areas: list[Area] = Field(min_length=1)

    @functools.cached_property
    def components(self) -> dict[str, Component]:
        return {c.key: c for area in self.areas for c in area.components}

    @functools.cached_property
    def area_of(self) -> dict[str, Area]:
        return {c.key: area for area in self.areas for c in area.components}

    @functools.cached_property
    def points(self) -> dict[str, Point]:
        return {point.value: point for point in self.scale}

    @functools.cached_property
    def group_names(self) -> dict[str, Words]:
        return {group.key: group.name for group in self.groups}

    def area(self, key: str) -> Area | None:
        return next((area for area in self.areas if area.key == key), None)


def _cross_check(form: SelfAssessment) -> Iterator[tuple[Location, str]]:
    """What the field types cannot say: keys used once, and groups that exist."""
    groups = [group.key for group in form.groups]
    for n, key in enumerate(groups):
        if key in groups[:n]:
            yield ("groups", n, "key"), f"the group {key!r} is listed twice"
    values: set[str] = set()
    for n, point in enumerate(form.scale):
        if point.value in values:
            yield ("scale", n, "value"), f"the value {point.value!r} is used twice"
        values.add(point.value)
        if point.group not in groups:
            yield ("scale", n, "group"), f"there is no group named {point.group!r} under groups"
    if not any(point.progress == PROGRESS_TOP for point in form.scale):
        yield ("scale",), f"one value must mean fully in place (progress: {PROGRESS_TOP})"
    keys: set[str] = set()
    for a, area in enumerate(form.areas):
        if area.key in keys:
            yield ("areas", a, "key"), f"the key {area.key!r} is used twice"
        keys.add(area.key)
        for c, component in enumerate(area.components):
            if component.key in keys:
                yield (
                    ("areas", a, "components", c, "key"),
                    f"the key {component.key!r} is used twice",
                )
            keys.add(component.key)


def parse(path: Path, text: str) -> SelfAssessment:
    """One version of the self-assessment from the YAML `text` of the file at `path`."""
    form, root = datafiles.parse(
        path, text, SelfAssessment, _cross_check, SelfAssessmentError, "self-assessment"
    )
    datafiles.check_named_for_version(path, root, form.version, SelfAssessmentError)
    return form


Versions = datafiles.Versions[SelfAssessment]


def load_directory(directory: Path) -> Versions:
    return datafiles.load_versions(directory, parse, SelfAssessmentError, "self-assessment")


@functools.cache
def versions() -> Versions:
    """The self-assessment this installation uses (settings.COUNTY_SELF_ASSESSMENT)."""
    return load_directory(Path(settings.COUNTY_SELF_ASSESSMENT))


@checks.register()
def self_assessment_loads(**kwargs: object) -> list[checks.CheckMessage]:
    """Refuse to start with a self-assessment file that would fail when a round opens."""
    try:
        versions()
    except SelfAssessmentError as error:
        return [checks.Error(str(error), id="county.E001")]
    return []
