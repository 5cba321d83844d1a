"""The "Guides for this" panel, for the pages where the work happens.

Coaching's goal page and review form and an assessment's result page load it; they sit
above guides, which knows their stages and instruments only as codes (topics.py). The
panel costs its page one query (the county is found by path inside it) and none at all
for someone who reads no guides, such as a participant on their own result.
"""

from typing import Any

from django import template

from stride.core.models import User

from .. import reading

register = template.Library()


@register.inclusion_tag("guides/_panel.html", takes_context=True)
def guides_panel(
    context: template.Context,
    stages: str = "",
    instrument: str = "",
    area: str = "",
    key: str = "page",
) -> dict[str, Any]:
    """Published guides of the reader's county for the page's stages (space-separated codes),
    instrument or service area; `key` keeps its heading's id unique where a page has several."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"guides": [], "key": key}
    found = reading.for_panel(user, stages=stages.split(), instrument=instrument, area=area)
    return {
        "guides": [
            {"uuid": guide.uuid, "title": reading.title_in_language(guide)} for guide in found
        ],
        "key": key,
    }
