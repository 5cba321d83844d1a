"""What an import would do: the problems found and the records it adds or changes."""

from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.utils.translation import ngettext

from ..models import Location, Provider, Service


@dataclass(frozen=True)
class RowProblem:
    table: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Summary:
    """Rows that share one problem (or one default), how many, and the first few of them."""

    message: str
    count: int
    first: list[RowProblem]


def summarised(items: list[RowProblem], shown: int = 5) -> list[Summary]:
    """Items grouped by what they say, in the order each message first appears."""
    groups: dict[str, list[RowProblem]] = {}
    for item in items:
        groups.setdefault(item.message, []).append(item)
    return [Summary(message, len(group), group[:shown]) for message, group in groups.items()]


@dataclass
class ProviderChange:
    key: str
    existing: Provider | None
    values: dict[str, Any]
    changed: list[str]


@dataclass
class LocationChange:
    provider_key: str
    key: str
    existing: Location | None
    values: dict[str, Any]
    changed: list[str]


LocationKey = tuple[str, str]  # (organization id, location id); ("#", pk) outside the county
Opening = tuple[int, time, time]


@dataclass
class ServiceChange:
    provider_key: str
    key: str
    existing: Service | None
    values: dict[str, Any]
    changed: list[str]
    languages: set[str] | None = None  # None: leave as they are
    schedules: set[Opening] | None = None
    serves: set[int] | None = None
    locations: set[LocationKey] | None = None


@dataclass
class ImportPlan:
    """What an import would do: its problems, and how many records it adds or changes."""

    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    version: str = "3.0"  # the HSDS version the file was read as
    unread: dict[str, str] = field(default_factory=dict)  # table -> why Stride leaves it
    unread_columns: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what reading the file passed over
    defaults: list[RowProblem] = field(default_factory=list)  # cells the import fills in
    skipped: list[RowProblem] = field(default_factory=list)  # rows left out, and why
    skipped_rows: int = 0
    good_rows: int = 0
    placed: int = 0  # services the taxonomy crosswalk gives a kind
    to_sort: int = 0  # services it cannot place, left for staff to sort
    providers: list[ProviderChange] = field(default_factory=list, repr=False)
    locations: list[LocationChange] = field(default_factory=list, repr=False)
    services: list[ServiceChange] = field(default_factory=list, repr=False)
    # Active services an earlier import brought in that the file no longer holds: reported,
    # and paused only when the administrator confirms it (apply's pause_gone); never deleted.
    gone: list[Service] = field(default_factory=list, repr=False)
    # Organizations and places an earlier import brought in that the file no longer holds:
    # listed, and kept as they are.
    gone_providers: list[Provider] = field(default_factory=list, repr=False)
    gone_locations: list[Location] = field(default_factory=list, repr=False)
    paused: int = 0  # how many of them the import paused

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_kinds(self) -> list[Summary]:
        return summarised(self.problems)

    @property
    def default_kinds(self) -> list[Summary]:
        return summarised(self.defaults)

    @property
    def skipped_kinds(self) -> list[Summary]:
        return summarised(self.skipped)

    @property
    def changes_anything(self) -> bool:
        return bool(self.gone) or any(
            count["new"] or count["changed"] for count in self.counts.values()
        )


class ImportRefused(Exception):
    """The file has problems, so nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.problems)
        super().__init__(
            ngettext(
                "The file has %(count)d problem; nothing was changed.",
                "The file has %(count)d problems; nothing was changed.",
                count,
            )
            % {"count": count}
        )
        self.plan = plan
