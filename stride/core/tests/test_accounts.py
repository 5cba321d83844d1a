"""The system administrator manages staff accounts, and each change is audited."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from stride.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def account_form(world, **overrides) -> dict:
    return {
        "username": "new-coach", "first_name": "Lupe", "last_name": "Garcia",
        "email": "lupe@example.org", "role": "coach", "organisation": world.team.pk,
        "password": "a-strong-temporary-pass",
    } | overrides  # fmt: skip


def test_a_sysadmin_adds_a_coach_to_a_team(world, client_for):
    response = client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    assert response.status_code == 302
    user = User.objects.get(username="new-coach")
    assert (user.role, user.organisation) == ("coach", world.team)
    assert user.check_password("a-strong-temporary-pass")
    event = AuditEvent.objects.get(record_id=user.uuid)
    assert (event.action, event.actor) == ("create", world.sysadmin)


def test_a_coach_must_belong_to_a_team(world, client_for):
    response = client_for(world.sysadmin).post(
        reverse("core:account_new"), account_form(world, organisation=world.county.pk)
    )
    assert "team" in response.context["form"].errors["organisation"][0]
    assert not User.objects.filter(username="new-coach").exists()


def test_weak_passwords_and_taken_names_are_refused(world, client_for):
    response = client_for(world.sysadmin).post(
        reverse("core:account_new"), account_form(world, username="COACH", password="12345")
    )
    errors = response.context["form"].errors
    assert errors["username"] == ["This user name is taken."] and errors["password"]


def test_deactivating_signs_a_person_out_of_their_caseload(world, client_for):
    client_for(world.sysadmin).post(
        reverse("core:account_update", args=[world.coach.uuid]), {"change": "deactivate"}
    )
    world.coach.refresh_from_db()
    assert not world.coach.is_active
    assert AuditEvent.objects.filter(record_id=world.coach.uuid, fields=["is_active"]).exists()


def test_a_sysadmin_cannot_deactivate_themselves(world, client_for):
    client_for(world.sysadmin).post(
        reverse("core:account_update", args=[world.sysadmin.uuid]), {"change": "deactivate"}
    )
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active


def test_resetting_two_step_sign_in_removes_the_device(world, client_for):
    TOTPDevice.objects.create(user=world.county_admin, name="phone", confirmed=True)
    client_for(world.sysadmin).post(
        reverse("core:account_update", args=[world.county_admin.uuid]),
        {"change": "reset_two_factor"},
    )
    assert not TOTPDevice.objects.filter(user=world.county_admin).exists()


def test_other_roles_cannot_change_accounts(world, client_for):
    response = client_for(world.state_admin).post(
        reverse("core:account_update", args=[world.coach.uuid]), {"change": "deactivate"}
    )
    assert response.status_code == 403
