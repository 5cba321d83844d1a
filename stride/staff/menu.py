"""The header's links for staff, by role (the portal gives a participant theirs).

The main row holds a person's daily places; reports share one menu, and
account and county settings sit with Sign out in the small links above it,
so that even a county administrator's row fits beside nothing but itself.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.core.models import Role
from stride.core.navigation import NavItem, marked
from stride.webhooks import scope as webhooks


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role == Role.PARTICIPANT:
        return {}
    links: list[NavItem] = []
    if access.can_edit_cases(user):
        links.append(NavItem(_("Today"), reverse("staff:today")))
    if access.can_see_team(user):
        links.append(NavItem(_("My team"), reverse("staff:team")))
    if access.can_see_caseloads(user):
        label = _("My caseload") if user.role == Role.COACH else _("Caseloads")
        links.append(NavItem(label, reverse("people:caseload")))
    if access.can_edit_cases(user):
        links.append(NavItem(_("New household"), reverse("people:household_new")))
    if user.role in access.DIRECTORY_READER_ROLES:
        links.append(NavItem(_("Resource map"), reverse("resources:services")))
        links.append(NavItem(_("Careers"), reverse("careers:explorer")))
    if access.can_read_guides(user):
        links.append(NavItem(_("Guides"), reverse("guides:list")))
    if access.can_set_professional_goals(user):
        links.append(NavItem(_("My goals"), reverse("coaching:professional_goals")))
    if user.role == Role.COACH:
        links.append(NavItem(_("My reviews"), reverse("county:reviews")))
    if access.can_approve_incentives(user):
        links.append(NavItem(_("Incentives"), reverse("coaching:incentives")))
    if access.can_read_audit(user):
        reports = [
            NavItem(_("Progress"), reverse("assessments:summary")),
            NavItem(_("Work participation"), reverse("participation:report")),
            NavItem(_("Measures"), reverse("staff:measures")),
        ]
        if user.role in access.PLANNING_READER_ROLES:
            reports.append(NavItem(_("Self-assessment"), reverse("county:self_assessments")))
            reports.append(NavItem(_("County goals"), reverse("county:goals")))
            reports.append(NavItem(_("Logic model"), reverse("county:logic_model")))
        if user.role in access.REVIEWER_ROLES:
            reports.append(NavItem(_("Reviews of practice"), reverse("county:reviews")))
        if access.can_see_team(user):
            reports.append(NavItem(_("Where services are missing"), reverse("resources:gaps")))
        if user.role == Role.SUPERVISOR and access.can_keep_holds(user):
            reports.append(NavItem(_("Legal holds"), reverse("retention:holds")))
        if access.can_make_exiters_files(user):
            reports.append(NavItem(_("Federal exiters file"), reverse("people:exiters")))
        links.append(NavItem(_("Reports"), children=reports))
    if user.role == Role.SYSADMIN:
        links.append(NavItem(_("Accounts"), reverse("core:accounts")))
    account: list[NavItem] = []
    if user.role == Role.COUNTY_ADMIN:
        account.append(NavItem(_("County settings"), reverse("county:settings")))
        account.append(NavItem(_("Reminder settings"), reverse("reminders:county_settings")))
        account.append(NavItem(_("Caseload import"), reverse("people:caseload_import")))
        account.append(NavItem(_("Retention"), reverse("retention:policy")))
    if user.role in (Role.COUNTY_ADMIN, Role.STATE_ADMIN):
        account.append(NavItem(_("Accounts to confirm"), reverse("core:accounts_waiting")))
    if webhooks.can_keep_webhooks(user):
        account.append(NavItem(_("Webhooks"), reverse("webhooks:subscriptions")))
    if access.can_keep_connections(user):
        account.append(NavItem(_("Integration accounts"), reverse("integrations:list")))
    account.append(NavItem(_("Security"), reverse("core:two_factor")))
    account.append(NavItem(_("API tokens"), reverse("api_tokens:list")))
    return marked(request, links, account)
