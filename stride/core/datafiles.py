"""Reading the YAML files Stride ships as data (assessment instruments, career ladders).

Plain YAML (no 1.1 surprises: `no`, `yes`, `on` and `off` stay words), checked
by a pydantic model and the file's own cross-checks, and refused with the
file, line and key of the first problem, in words a county analyst can act on.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)

PLAIN_PROBLEMS = {
    "extra_forbidden": "unknown key (is it misspelt?)",
    "missing": "this key is required here",
}


class DataFileError(Exception):
    """A refused data file: where, and what is wrong."""

    def __init__(self, path: Path, line: int | None, key: str, problem: str) -> None:
        self.path, self.line, self.key, self.problem = path, line, key, problem
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where} ({key or 'top level'}): {problem}")


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def line_of(root: yaml.Node | None, location: Location) -> int | None:
    """The line (from 1) where `location` is written, or of the nearest part that exists."""
    node, line = root, None
    for part in location:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def key_name(location: Location) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name


def parse(
    path: Path,
    text: str,
    model: type[Model],
    cross_check: Callable[[Model], Iterable[tuple[Location, str]]],
    error: type[DataFileError],
    what: str,
) -> tuple[Model, yaml.Node | None]:
    """The file's data as `model`, and its YAML tree (for the lines of later checks)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506  (_Loader is a SafeLoader)
    except yaml.MarkedYAMLError as unreadable:
        mark = unreadable.problem_mark
        raise error(
            path, mark.line + 1 if mark else None, "", f"not valid YAML: {unreadable.problem}"
        ) from None
    if not isinstance(data, dict):
        raise error(path, 1, "", f"the file must hold one {what} (a mapping)")
    try:
        parsed = model.model_validate(data)
    except ValidationError as refused:
        # A misspelt key also makes the real one "missing": name the misspelling first.
        first = min(refused.errors(), key=lambda e: e["type"] != "extra_forbidden")
        # RootModel and validators add their own names (such as "function-after") to a location.
        location = tuple(
            part for part in first["loc"] if not str(part).startswith(("function", "["))
        )
        problem = PLAIN_PROBLEMS.get(first["type"], first["msg"])
        raise error(path, line_of(root, location), key_name(location), problem) from None
    for location, problem in cross_check(parsed):
        raise error(path, line_of(root, location), key_name(location), problem)
    return parsed, root


# A data file kept in versions, one file each in a folder, named for its version.
VERSION_FILE = re.compile(r"^v(\d+)\.yaml$")


class HasVersion(Protocol):
    @property
    def version(self) -> int: ...


Form = TypeVar("Form", bound=HasVersion)


def check_named_for_version(
    path: Path, root: yaml.Node | None, version: int, error: type[DataFileError]
) -> None:
    """A version's file is named for it (v2.yaml holds version 2), so a copy is never mistaken."""
    match = VERSION_FILE.match(path.name)
    if not match or int(match[1]) != version:
        raise error(
            path,
            line_of(root, ("version",)),
            "version",
            f"the file for version {version} must be named v{version}.yaml",
        )


class Versions(Generic[Form]):
    """Every version of one data file in a folder, by version number."""

    def __init__(self, forms: Sequence[Form]) -> None:
        self._by_version = {form.version: form for form in forms}

    def get(self, version: int) -> Form:
        return self._by_version[version]

    def latest(self) -> Form:
        return self._by_version[max(self._by_version)]


def load_versions(
    directory: Path,
    parse_one: Callable[[Path, str], Form],
    error: type[DataFileError],
    what: str,
) -> Versions[Form]:
    """Every vN.yaml in `directory`, each parsed by `parse_one`; refused when there is none."""
    paths = sorted(directory.glob("v*.yaml"))
    if not paths:
        raise error(directory, None, "", f"holds no {what} file (v1.yaml)")
    return Versions([parse_one(path, path.read_text(encoding="utf-8")) for path in paths])
