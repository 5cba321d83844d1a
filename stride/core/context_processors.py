from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Role


def navigation(request: HttpRequest) -> dict:
    """The links in the header, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if user.role == Role.PARTICIPANT:
        links.append((_("My page"), reverse("portal:home")))
        links.append((_("Careers"), reverse("portal:careers")))
    if access.can_edit_cases(user):
        links.append((_("Today"), reverse("coaching:today")))
    if access.can_see_caseloads(user):
        label = _("My caseload") if user.role == Role.COACH else _("Caseloads")
        links.append((label, reverse("people:caseload")))
    if access.can_edit_cases(user):
        links.append((_("New household"), reverse("people:household_new")))
    if user.role in access.DIRECTORY_READER_ROLES:
        links.append((_("Resource map"), reverse("resources:services")))
        links.append((_("Careers"), reverse("careers:explorer")))
    if access.can_set_professional_goals(user):
        links.append((_("My goals"), reverse("coaching:professional_goals")))
    if access.can_approve_incentives(user):
        links.append((_("Incentives"), reverse("coaching:incentives")))
    if access.can_read_audit(user):
        links.append((_("Progress"), reverse("assessments:summary")))
        links.append((_("Work participation"), reverse("participation:report")))
    if user.role == Role.COUNTY_ADMIN:
        links.append((_("County settings"), reverse("county:settings")))
    if user.role == Role.SYSADMIN:
        links.append((_("Accounts"), reverse("core:accounts")))
    links.append((_("Security"), reverse("core:two_factor")))
    return {"nav_links": links}
