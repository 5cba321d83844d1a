"""The careers tests read a small fixture catalogue, not the shipped file (test_catalogue reads both)."""

from pathlib import Path

import pytest

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue as instruments
from stride.assessments.scoring import answer_all
from stride.careers import catalogue
from stride.core.audit import Actor

FIXTURE = Path(__file__).resolve().parent / "data" / "careers.yaml"


@pytest.fixture(autouse=True)
def fixture_catalogue(monkeypatch):
    monkeypatch.setattr(catalogue, "DEFAULT", FIXTURE)
    yield catalogue.load()


def take_interests(world, person=None, strong=("S",), some=("R", "C")):
    """A finished career interests assessment: `strong` codes first, then `some`."""
    instrument = instruments().latest("career_interests")
    coach = Actor(world.coach)

    def choose(item, values):
        if item.code in strong:
            return values[-1]
        if item.code in some:
            return values[1]
        return values[0]

    response = assessments.start(coach, person or world.case, instrument, "with_coach")
    response = assessments.save_answers(
        coach, response, answer_all(instrument, choose), response.version
    )
    return assessments.finish(coach, response, response.version)
