"""A coach invites a participant; the participant's link sets a password once and signs them in."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from stride.core.audit import Actor
from stride.core.models import AuditEvent, Role, User
from stride.portal import invitations

pytestmark = pytest.mark.django_db

PASSWORD = "my kids love the park"


@pytest.fixture
def new_case(world):
    """The case in the other county, who has no account yet."""
    return world.other_case


def test_inviting_creates_a_participant_account_with_no_password_yet(world, new_case):
    link = invitations.invite(Actor(world.other_county_coach), new_case)
    new_case.refresh_from_db()
    user = new_case.user
    assert user.role == Role.PARTICIPANT and not user.has_usable_password()
    assert re.fullmatch(r"ana\d{4}", user.username)
    assert (user.first_name, user.last_name) == ("Ana", "Reyes")
    uidb64 = link.split("/")[3]
    assert link.startswith("/me/welcome/") and urlsafe_base64_decode(uidb64) == user.uuid.bytes


def test_the_account_and_the_link_are_audit_events_naming_fields_only(world, new_case):
    invitations.invite(Actor(world.other_county_coach), new_case)
    new_case.refresh_from_db()
    events = AuditEvent.objects.filter(participant=new_case.uuid, actor=world.other_county_coach)
    assert {(e.action, e.record_type) for e in events} >= {
        ("create", "User"),
        ("change", "Participant"),
    }
    created = events.get(action="create", record_type="User")
    assert created.record_id == new_case.user.uuid
    assert "username" in created.fields and new_case.user.username not in str(created.fields)


def test_inviting_again_reuses_the_account(world, new_case):
    actor = Actor(world.other_county_coach)
    invitations.invite(actor, new_case)
    invitations.invite(actor, new_case)
    assert User.objects.filter(role=Role.PARTICIPANT, participant=new_case).count() == 1
    assert AuditEvent.objects.filter(
        record_type="User", action="change", fields=["password_link"]
    ).exists()


def test_user_names_are_plain_letters_and_digits_even_for_accented_names():
    assert re.fullmatch(r"mariajose\d{4}", invitations.free_username("María José"))
    assert re.fullmatch(r"participant\d{4}", invitations.free_username("李"))


def test_a_coach_makes_the_link_on_the_invite_page(world, client_for, new_case):
    client = client_for(world.other_county_coach)
    url = reverse("portal:invite", args=[new_case.uuid])
    page = client.get(url).content.decode()
    assert "does not need their yes to reminders" in page
    response = client.post(url)
    assert response.status_code == 200
    link = response.context["link"]
    assert link.startswith("http://localhost/me/welcome/")
    new_case.refresh_from_db()
    assert new_case.user.username in response.content.decode()


def test_people_who_cannot_edit_the_case_cannot_invite(world, client_for, new_case):
    url = reverse("portal:invite", args=[new_case.uuid])
    assert client_for(world.coach).post(url).status_code == 404  # not their county
    assert client_for(world.state_admin).post(url).status_code == 403  # reads, never edits
    assert client_for(world.participant_user).post(url).status_code == 403
    new_case.refresh_from_db()
    assert new_case.user is None


def test_the_welcome_link_sets_the_password_and_signs_the_participant_in(world, client, new_case):
    link = invitations.invite(Actor(world.other_county_coach), new_case)
    page = client.get(link)
    new_case.refresh_from_db()
    assert page.status_code == 200 and new_case.user.username in page.content.decode()

    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user = User.objects.get(pk=new_case.user.pk)
    assert user.check_password(PASSWORD)
    assert client.get(reverse("portal:home")).context["me"] == new_case
    event = AuditEvent.objects.get(record_type="User", action="change", fields=["password"])
    assert event.actor == user and event.participant == new_case.uuid


def test_the_welcome_link_works_only_once(world, client, new_case):
    link = invitations.invite(Actor(world.other_county_coach), new_case)
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    again = client.get(link)
    assert again.status_code == 200
    assert "This link does not work anymore" in again.content.decode()
    assert "ask your coach for a new link" in again.content.decode()
    client.post(
        link, {"new_password1": "another long phrase", "new_password2": "another long phrase"}
    )
    assert User.objects.get(participant=new_case).check_password(PASSWORD)


def test_a_password_that_breaks_the_rules_is_explained_next_to_the_field(world, client, new_case):
    link = invitations.invite(Actor(world.other_county_coach), new_case)
    response = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert 'id="id_new_password2-error"' in response.content.decode()
    assert not User.objects.get(participant=new_case).has_usable_password()


def test_a_made_up_or_borrowed_token_opens_nothing(world, client, new_case):
    invitations.invite(Actor(world.other_county_coach), new_case)
    new_case.refresh_from_db()
    uidb64 = urlsafe_base64_encode(new_case.user.uuid.bytes)
    password_reset_token = default_token_generator.make_token(new_case.user)
    for uid, token in [(uidb64, "abc-123"), (uidb64, password_reset_token), ("bad", "abc-123")]:
        response = client.get(reverse("portal:welcome", args=[uid, token]))
        assert "This link does not work anymore" in response.content.decode()


def test_a_staff_account_has_no_welcome_link(world, client):
    uidb64 = urlsafe_base64_encode(world.coach.uuid.bytes)
    token = invitations.tokens.make_token(world.coach)
    response = client.get(reverse("portal:welcome", args=[uidb64, token]))
    assert "This link does not work anymore" in response.content.decode()
