"""Responsive USWDS classes in the templates exist in the USWDS stylesheet Stride serves.

The stylesheet is USWDS's own precompiled one (node_modules, pinned in
package.json), which carries the grid at the mobile-lg, tablet and desktop
breakpoints only: a `tablet-lg:grid-col-8` matches nothing, and the two
columns it was meant to make silently stack.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "stride" / "templates"
USWDS_CSS = Path(settings.BASE_DIR) / "node_modules/@uswds/uswds/dist/css/uswds.min.css"
RESPONSIVE = re.compile(
    r"\b((?:mobile-lg|tablet-lg|tablet|desktop-lg|desktop|widescreen):[a-z0-9-]+)"
)


def test_every_responsive_class_in_the_templates_is_in_the_uswds_stylesheet():
    css = USWDS_CSS.read_text()
    used: dict[str, set[str]] = {}
    for template in TEMPLATES.rglob("*.html"):
        for name in RESPONSIVE.findall(template.read_text()):
            used.setdefault(name, set()).add(str(template.relative_to(TEMPLATES)))
    assert used, "no responsive classes found: the pattern is wrong"
    missing = {
        name: sorted(where)
        for name, where in used.items()
        if "." + name.replace(":", "\\:") + "{" not in css
        and "." + name.replace(":", "\\:") + "," not in css
    }
    assert not missing, f"classes USWDS does not define: {missing}"
