"""US ZIP codes: whether one exists, and its centre, city and state.

The data is the `zipcodes` package's. That package reads its whole list when
imported (about half a second) and scans it on every lookup, so it is
imported on first use here and indexed by ZIP once per process.
"""

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Zip:
    code: str
    city: str
    state: str
    latitude: float
    longitude: float


@functools.cache
def _index() -> dict[str, Zip]:
    import zipcodes

    return {
        row["zip_code"]: Zip(
            row["zip_code"], row["city"], row["state"], float(row["lat"]), float(row["long"])
        )
        for row in zipcodes.list_all()
    }


def find(code: str) -> Zip | None:
    """The ZIP code (ZIP+4 accepted) if it exists."""
    return _index().get(code.strip()[:5])


def in_city(city: str, state: str) -> list[Zip]:
    return [z for z in _index().values() if z.city == city and z.state == state]
