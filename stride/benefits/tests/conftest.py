"""One warm PolicyEngine for the whole session.

Loading PolicyEngine-US takes about forty seconds and over a gigabyte, so the
engine is warmed once and shared. Every module that asks for `warm_engine` is
marked `pytest.mark.xdist_group("policyengine")`: under
`pytest -n 2 --dist loadgroup` they all run in the same worker, and only that
worker pays for the load.
"""

import pytest

from stride.benefits import engine

YEAR = 2026


@pytest.fixture(scope="session")
def warm_engine():
    """The engine module, with PolicyEngine loaded and every chart variable walked once."""
    engine.warm(YEAR)
    return engine
