"""Money as people read it, in the US format whatever the page's language: $1,234.50."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dollars(value: Decimal | float | int | str | None, places: int = 2) -> str:
    """An amount without its sign, for "${{ amount|dollars }}": "1,234.50"; `|dollars:0`: "1,235"."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)):,.{int(places)}f}"
