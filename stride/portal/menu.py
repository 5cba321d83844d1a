"""The header's links for a participant (staff get theirs from the staff shell)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stride.core.models import Role
from stride.core.navigation import NavItem, marked


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != Role.PARTICIPANT:
        return {}
    links = [
        NavItem(_("My page"), reverse("portal:home")),
        NavItem(_("Careers"), reverse("portal:careers")),
        NavItem(_("Reminders"), reverse("portal:reminders")),
    ]
    return marked(request, links, [NavItem(_("Security"), reverse("core:two_factor"))])
