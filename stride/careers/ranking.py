"""Career ladders in the order of a participant's interests.

The career interests assessment gives a participant's top interest codes
(RIASEC letters, strongest first, such as ["S", "R", "C"]); each rung of a
ladder has the O*NET interest code of its occupation ("SRC": strongest
first). A ladder scores, for every rung and every letter the two share,
the letter's weight in the interests times its weight in the rung's code,
the first letter weighing most. Higher scores come first; ties keep the
order of the data file.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def _weights(code: Sequence[str]) -> dict[str, int]:
    """Each letter's weight: the first of three letters weighs 3, the last 1."""
    return {letter: len(code) - place for place, letter in enumerate(code)}


def score(interests: Sequence[str], codes: Sequence[str]) -> int:
    """How well rungs with these interest `codes` match the `interests`: 0 when no letter does."""
    wanted = _weights(interests)
    return sum(
        wanted[letter] * weight
        for code in codes
        for letter, weight in _weights(code).items()
        if letter in wanted
    )


def rank(
    items: Sequence[T], interests: Sequence[str], codes_of: Callable[[T], Sequence[str]]
) -> list[T]:
    """`items` best match first; with no interests, in the order given."""
    if not interests:
        return list(items)
    scores = [score(interests, codes_of(item)) for item in items]
    order = sorted(range(len(items)), key=lambda n: -scores[n])  # sorted() is stable
    return [items[n] for n in order]
