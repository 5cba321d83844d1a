"""The header's links, as each shell lists them."""

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass
class NavItem:
    """A header link, or a group of links opened from one button (USWDS submenu)."""

    label: str | Promise
    href: str = ""
    children: list["NavItem"] = field(default_factory=list)
    current: bool = False

    def mark_current(self, path: str) -> "NavItem":
        for child in self.children:
            child.mark_current(path)
        self.current = path == self.href or any(child.current for child in self.children)
        return self


def marked(request: HttpRequest, links: list[NavItem], account: list[NavItem]) -> dict:
    """The header's context: the main row and the small account links, the current one marked.

    Each shell (the staff's, the participant's portal) builds its own lists; the header
    (`base.html`) shows whichever it is given, and none when nobody is signed in.
    """
    return {
        "nav_links": [item.mark_current(request.path) for item in links],
        "account_links": [item.mark_current(request.path) for item in account],
    }
