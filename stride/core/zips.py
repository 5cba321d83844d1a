"""US ZIP codes: whether one exists, and its city, state, county, time zone and centre.

The data is the `zipcodes` package's bundled list. Importing that package reads
the whole list into about 80 MB of dicts, in every process, and its lookups
scan the list. So the package is never imported: its data file is read here on
first use into a compact index by ZIP, once per process, each entry made
compact as soon as it is read.
"""

import bz2
import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Zip:
    code: str
    city: str
    state: str
    county: str
    timezone: str
    latitude: float
    longitude: float


def _data_file() -> Path:
    # find_spec locates the package without running its __init__, which loads the list.
    spec = importlib.util.find_spec("zipcodes")
    assert spec is not None and spec.submodule_search_locations, "the zipcodes package is missing"
    return Path(next(iter(spec.submodule_search_locations))) / "zips.json.bz2"


@functools.cache
def _index() -> dict[str, Zip]:
    names: dict[str, str] = {}  # one copy of each city, county and zone name

    def one(entry: dict[str, Any]) -> Zip | dict[str, Any]:
        # Called by the decoder for each object as soon as it is read, so the file's
        # dicts are dropped one by one instead of all held until the list is complete.
        if "zip_code" not in entry:
            return entry
        return Zip(
            entry["zip_code"],
            names.setdefault(entry["city"], entry["city"]),
            names.setdefault(entry["state"], entry["state"]),
            names.setdefault(entry["county"] or "", entry["county"] or ""),
            names.setdefault(entry["timezone"] or "", entry["timezone"] or ""),
            float(entry["lat"]),
            float(entry["long"]),
        )

    with bz2.open(_data_file()) as data:
        found: list[Zip] = json.load(data, object_hook=one)
    return {z.code: z for z in found}


def find(code: str) -> Zip | None:
    """The ZIP code (ZIP+4 accepted) if it exists."""
    return _index().get((code or "").strip()[:5])


def in_city(city: str, state: str) -> list[Zip]:
    return [z for z in _index().values() if z.city == city and z.state == state]
