"""Numbers a browser reads are written the same way in every language.

A Spanish page writes 2,5 for people; an SVG coordinate written that way ("332,0")
breaks the drawing. Templates write such numbers inside `{% localize off %}`, the one
way the project does it; this test finds every chart so a new one cannot forget.
(The benefits chart is also rendered in Spanish and parsed: benefits/tests/test_chart.py.)
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "stride" / "templates"
OFF, ON = "{% localize off %}", "{% endlocalize %}"
LOCALIZE_TAGS = re.compile(r"{% (localize(?: on| off)?|endlocalize) %}")


def unlocalized_spans(text: str) -> list[tuple[int, int]]:
    """Where each outermost {% localize off %} starts and its own {% endlocalize %} is; a
    {% localize on %} inside it (a number written for people, in a label) nests within."""
    spans: list[tuple[int, int]] = []
    opened: list[tuple[int, bool]] = []  # each open tag's place, and whether it turns off
    for tag in LOCALIZE_TAGS.finditer(text):
        if tag.group(1) != "endlocalize":
            opened.append((tag.start(), tag.group(0) == OFF))
            continue
        assert opened, "an {% endlocalize %} without its start"
        start, off = opened.pop()
        if off and not any(outer_off for _, outer_off in opened):
            spans.append((start, tag.start()))
    assert not opened, "a {% localize %} without its end"
    return spans


def test_a_label_localized_inside_the_drawing_keeps_the_drawing_unlocalized():
    text = OFF + "<svg>{{ x }}{% localize on %}{{ n }}" + ON + "{{ y }}</svg>" + ON
    assert unlocalized_spans(text) == [(0, len(text) - len(ON))]
    assert unlocalized_spans("{% localize on %}<svg>{{ x }}</svg>" + ON) == []


CHARTS = sorted(path for path in TEMPLATES.rglob("*.html") if "<svg" in path.read_text())


def test_the_search_finds_the_charts():
    names = {str(path.relative_to(TEMPLATES)) for path in CHARTS}
    assert {"benefits/_chart.html", "assessments/_picture.html"} <= names


@pytest.mark.parametrize("path", CHARTS, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_svg_with_template_numbers_is_written_with_localize_off(path):
    text = path.read_text()
    spans = unlocalized_spans(text)
    for found in re.finditer(r"<svg\b.*?</svg>", text, re.S):
        if "{{" not in found.group(0):
            continue  # a fixed drawing, no number from the page
        assert any(start < found.start() and found.end() <= end for start, end in spans), (
            f"{path.name}: the SVG at character {found.start()} writes numbers without "
            "{% localize off %}"
        )
