"""What a guide can be about: a stage of the coaching cycle, an instrument, a service area.

Guides sit below the apps that own these lists (coaching's stages, assessments'
instruments, the resource map's categories) so that those apps' pages can show a panel
of guides. A guide therefore keeps plain codes, and each owning app offers its list here
from its `ready` (as `measures` plugs its figures into `county.live`). The labels are
asked for when a page is drawn, in the page's language.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

Choices = Callable[[], Iterable[tuple[str, str]]]


class Topic(StrEnum):
    STAGE = "stages"
    INSTRUMENT = "instruments"
    AREA = "areas"


_offered: dict[Topic, Choices] = {}


def offer(topic: Topic, choices: Choices) -> None:
    """The owning app's codes and labels for `topic` (called once, from its AppConfig.ready)."""
    _offered[topic] = choices


def choices(topic: Topic) -> list[tuple[str, str]]:
    """Codes and labels of `topic` in the page's language; none if no app offers them."""
    offered = _offered.get(topic)
    return [(code, str(label)) for code, label in offered()] if offered else []


def labels(topic: Topic, codes: Iterable[str]) -> list[str]:
    """The labels of `codes`, in the order the owning app lists them; unknown codes are left out
    (an instrument a later file dropped)."""
    wanted = set(codes)
    return [label for code, label in choices(topic) if code in wanted]


def joined(codes: Iterable[str]) -> str:
    """Codes as a guide stores them: ",goal,review," so one code is found with a `contains`."""
    kept = sorted({code for code in codes if code})
    return f",{','.join(kept)}," if kept else ""


def split(stored: str) -> list[str]:
    return [code for code in stored.split(",") if code]


def marker(code: str) -> str:
    """What `contains` looks for to find a guide tied to `code`."""
    return f",{code},"
