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


def unlocalized_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(OFF)
    while start != -1:
        end = text.find(ON, start)
        assert end != -1, "a {% localize off %} without its end"
        spans.append((start, end))
        start = text.find(OFF, end)
    return spans


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
