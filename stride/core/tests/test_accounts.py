"""The system administrator makes staff accounts but never knows their passwords; an
administrator of the account's scope confirms a role that reads case records; each
change is audited."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from conftest import data_queries
from stride.core import passwords
from stride.core.audit import Actor
from stride.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def account_form(world, **overrides) -> dict:
    return {
        "username": "new-coach", "first_name": "Lupe", "last_name": "Garcia",
        "email": "lupe@example.org", "role": "coach", "organisation": world.team.pk,
    } | overrides  # fmt: skip


NEW_PASSWORD = "lupe-picks-her-own-9"


def anonymous() -> Client:
    return Client(HTTP_HOST="localhost")


def sign_in(username: str, password: str):
    return anonymous().post(reverse("core:login"), {"username": username, "password": password})


def link_in(message) -> str:
    return re.search(r"http://localhost(/password/\S+/)", message.body).group(1)


def choose_password(path: str, password: str = NEW_PASSWORD):
    return anonymous().post(path, {"new_password1": password, "new_password2": password})


def test_a_sysadmin_adds_a_coach_to_a_team(world, client_for, mailoutbox):
    response = client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    assert response.status_code == 302
    user = User.objects.get(username="new-coach")
    assert (user.role, user.organisation) == ("coach", world.team)
    assert not user.has_usable_password()
    assert (user.is_active, user.awaiting_confirmation) == (False, True)
    created, link = AuditEvent.objects.filter(record_id=user.uuid).order_by("at", "pk")
    assert (created.action, created.actor) == ("create", world.sysadmin)
    assert (link.action, link.fields) == ("change", ["password_link"])
    assert [message.to for message in mailoutbox] == [["lupe@example.org"]]


def test_a_sysadmin_cannot_make_an_account_they_can_sign_in_to(world, client_for):
    # Before: the form took a password from the administrator, who could sign in as a
    # state administrator and read every participant.
    client_for(world.sysadmin).post(
        reverse("core:account_new"),
        account_form(
            world, username="backdoor", role="state_admin", organisation=world.agency.pk,
            password="a-strong-temporary-pass",
        ),
    )  # fmt: skip
    assert User.objects.filter(username="backdoor").exists()
    refused = sign_in("backdoor", "a-strong-temporary-pass")
    assert refused.status_code == 200 and refused.context["form"].errors


def test_the_owner_chooses_the_password_and_a_county_administrator_confirms(
    world, client_for, mailoutbox
):
    client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    user = User.objects.get(username="new-coach")
    path = link_in(mailoutbox[0])
    assert anonymous().get(path).status_code == 200

    assert choose_password(path).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "does not work anymore" in anonymous().get(path).content.decode()
    assert sign_in("new-coach", NEW_PASSWORD).status_code == 200  # not yet confirmed

    admin = client_for(world.county_admin)
    assert "new-coach" in admin.get(reverse("core:accounts_waiting")).content.decode()
    admin.post(reverse("core:account_confirm", args=[user.uuid]))
    user.refresh_from_db()
    assert (user.is_active, user.awaiting_confirmation) == (True, False)
    assert sign_in("new-coach", NEW_PASSWORD).status_code == 302

    events = AuditEvent.objects.filter(record_id=user.uuid, action__in=["create", "change"])
    assert [
        (event.actor_name, event.action, event.fields) for event in events.order_by("at", "pk")
    ][1:] == [
        ("sysadmin", "change", ["password_link"]),
        ("new-coach", "change", ["password"]),
        ("county_admin", "change", ["awaiting_confirmation", "is_active"]),
    ]
    page = admin.get(reverse("core:accounts_waiting")).content.decode()
    assert "No account is waiting." in page and "password_link" in page


def test_only_an_administrator_of_the_accounts_scope_confirms_it(world, client_for):
    client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    user = User.objects.get(username="new-coach")
    confirm = reverse("core:account_confirm", args=[user.uuid])

    assert client_for(world.sysadmin).post(confirm).status_code == 403
    assert client_for(world.supervisor).post(confirm).status_code == 403
    outsider = client_for(world.other_county_admin)
    assert "new-coach" not in outsider.get(reverse("core:accounts_waiting")).content.decode()
    assert outsider.post(confirm).status_code == 404
    user.refresh_from_db()
    assert not user.is_active

    assert client_for(world.state_admin).post(confirm).status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_a_state_administrator_account_is_confirmed_by_a_state_administrator(world, client_for):
    client_for(world.sysadmin).post(
        reverse("core:account_new"),
        account_form(world, username="new-state", role="state_admin", organisation=world.agency.pk),
    )
    user = User.objects.get(username="new-state")
    confirm = reverse("core:account_confirm", args=[user.uuid])
    assert client_for(world.county_admin).post(confirm).status_code == 404
    assert client_for(world.state_admin).post(confirm).status_code == 302


def test_a_sysadmin_cannot_reactivate_an_account_waiting_for_confirmation(world, client_for):
    client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    user = User.objects.get(username="new-coach")
    client_for(world.sysadmin).post(
        reverse("core:account_update", args=[user.uuid]), {"change": "reactivate"}
    )
    user.refresh_from_db()
    assert not user.is_active


def test_a_new_system_administrator_needs_no_confirmation(world, client_for, mailoutbox):
    client_for(world.sysadmin).post(
        reverse("core:account_new"),
        account_form(world, username="new-sys", role="sysadmin", organisation=world.agency.pk),
    )
    user = User.objects.get(username="new-sys")
    assert (user.is_active, user.awaiting_confirmation) == (True, False)
    choose_password(link_in(mailoutbox[0]))
    assert sign_in("new-sys", NEW_PASSWORD).status_code == 302


def test_a_coach_must_belong_to_a_team(world, client_for):
    response = client_for(world.sysadmin).post(
        reverse("core:account_new"), account_form(world, organisation=world.county.pk)
    )
    assert "team" in response.context["form"].errors["organisation"][0]
    assert not User.objects.filter(username="new-coach").exists()


def test_taken_names_and_weak_chosen_passwords_are_refused(world, client_for, mailoutbox):
    response = client_for(world.sysadmin).post(
        reverse("core:account_new"), account_form(world, username="COACH")
    )
    assert response.context["form"].errors["username"] == ["This user name is taken."]

    client_for(world.sysadmin).post(reverse("core:account_new"), account_form(world))
    refused = choose_password(link_in(mailoutbox[0]), "12345")
    assert refused.status_code == 200 and refused.context["form"].errors["new_password2"]
    assert not User.objects.get(username="new-coach").has_usable_password()


def test_forgot_password_says_the_same_for_real_and_unknown_names(world, mailoutbox):
    User.objects.filter(pk=world.coach.pk).update(email="coach@example.org")
    forgot = reverse("core:password_forgot")
    real = anonymous().post(forgot, {"name": "coach"})
    unknown = anonymous().post(forgot, {"name": "nobody-here"})
    participant = anonymous().post(forgot, {"name": world.participant_user.username})

    def text(response) -> str:
        return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())

    assert text(real) == text(unknown) == text(participant)
    assert [message.to for message in mailoutbox] == [["coach@example.org"]]


def test_asking_again_within_minutes_sends_no_second_email(world, mailoutbox):
    User.objects.filter(pk=world.coach.pk).update(email="coach@example.org")
    with time_machine.travel("2027-03-01 09:00 -08:00", tick=False) as clock:
        for _ in range(3):
            anonymous().post(reverse("core:password_forgot"), {"name": "coach"})
        assert len(mailoutbox) == 1
        clock.shift(timedelta(minutes=6))
        anonymous().post(reverse("core:password_forgot"), {"name": "coach"})
        assert len(mailoutbox) == 2


def test_a_new_password_from_the_link_ends_the_lockout(world, mailoutbox):
    User.objects.filter(pk=world.coach.pk).update(email="coach@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("coach", "wrong")
    locked = sign_in("coach", "a-long-test-password")
    assert locked.status_code == 429
    assert reverse("core:password_forgot") in locked.content.decode()

    anonymous().post(reverse("core:password_forgot"), {"name": "coach@example.org"})
    assert choose_password(link_in(mailoutbox[0])).status_code == 302
    assert sign_in("coach", NEW_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(record_id=world.coach.uuid, fields=["password"]).exists()


def test_a_sysadmin_emails_a_password_link_without_seeing_it(world, client_for, mailoutbox):
    User.objects.filter(pk=world.coach.pk).update(email="coach@example.org")
    response = client_for(world.sysadmin).post(
        reverse("core:account_update", args=[world.coach.uuid]),
        {"change": "password_link"},
        follow=True,
    )
    path = link_in(mailoutbox[0])
    assert path not in response.content.decode()
    assert mailoutbox[0].to == ["coach@example.org"]


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


def test_the_accounts_to_confirm_page_costs_the_same_however_many_wait(world, client_for):
    admin = client_for(world.county_admin)

    def queries_with(waiting: int) -> int:
        for number in range(User.objects.filter(awaiting_confirmation=True).count(), waiting):
            client_for(world.sysadmin).post(
                reverse("core:account_new"), account_form(world, username=f"new-{number}")
            )
        with CaptureQueriesContext(connection) as captured:
            page = admin.get(reverse("core:accounts_waiting"))
        assert page.content.decode().count("usa-button--outline") == waiting
        return len(data_queries(captured))

    assert queries_with(1) == queries_with(4) == 7


def _a_token(user):
    AuthToken.objects.create(user=user)
    return AuthToken.objects.filter(user=user)


@pytest.mark.parametrize("change", ["deactivate", "reset_two_factor"])
def test_closing_an_account_or_resetting_its_second_factor_ends_its_api_tokens(
    world, client_for, change
):
    tokens = _a_token(world.county_admin)
    client_for(world.sysadmin).post(
        reverse("core:account_update", args=[world.county_admin.uuid]), {"change": change}
    )
    assert not tokens.exists()
    assert AuditEvent.objects.filter(
        record_id=world.county_admin.uuid, fields=["api_tokens"]
    ).exists()


def test_a_new_password_ends_the_api_tokens(world):
    tokens = _a_token(world.coach)
    passwords.set_password(Actor(world.coach), world.coach, "a-brand-new-long-password")
    assert not tokens.exists()
