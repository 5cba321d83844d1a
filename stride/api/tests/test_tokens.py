"""API tokens: made on the account page by a signed-in person who passed any second factor
they must, stored as a digest, expiring, listed, revocable and audited."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = reverse("api_tokens:list")
PARTICIPANTS = reverse("api:participant-list")


def signed_in(user, second_factor: bool = False) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def make_token(client: Client) -> str:
    response = client.post(PAGE, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    return unescape(page[start : page.index("</code>", start)])


def api_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_made_on_the_account_page_reads_the_api_as_its_maker(world):
    token = make_token(signed_in(world.coach))
    assert api_with(token).get(PARTICIPANTS).json()["count"] == 1
    stored = AuthToken.objects.get(user=world.coach)
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    event = AuditEvent.objects.get(action="create", record_type="AuthToken")
    assert (event.actor, event.fields, event.participant) == (world.coach, ["api_token"], None)


def test_the_token_is_shown_once(world):
    client = signed_in(world.coach)
    token = make_token(client)
    assert token not in client.get(PAGE).content.decode()
    assert token[:8] in client.get(PAGE).content.decode()  # listed by how it starts


def test_a_token_expires_after_its_lifetime(world, settings):
    token = make_token(signed_in(world.coach))
    later = timezone.now() + timedelta(hours=10, minutes=1)
    with time_machine.travel(later):
        response = api_with(token).get(PARTICIPANTS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_or_none_is_answered_401_with_the_scheme_to_use(world):
    for client in (api_with("not-a-real-token"), APIClient()):
        response = client.get(PARTICIPANTS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_an_administrator_makes_a_token_only_after_the_second_factor(world, settings):
    settings.STRIDE_REQUIRE_2FA = True
    unverified = signed_in(world.county_admin)
    response = unverified.post(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("core:two_factor")
    )
    assert not AuthToken.objects.exists()
    token = make_token(signed_in(world.county_admin, second_factor=True))
    assert api_with(token).get(PARTICIPANTS).json()["count"] == 1


def test_someone_with_an_authenticator_app_passes_it_before_making_a_token(world, settings):
    settings.STRIDE_REQUIRE_2FA = False
    TOTPDevice.objects.create(user=world.coach, name="Phone", confirmed=True)
    client = signed_in(world.coach)
    assert "Finish" in client.get(PAGE).content.decode()
    assert client.post(PAGE).status_code == 403
    assert not AuthToken.objects.exists()


def test_a_token_is_revoked_by_its_owner_only(world):
    client = signed_in(world.coach)
    token = make_token(client)
    key = AuthToken.objects.get().token_key
    outsider = signed_in(world.coach_same_team)
    assert outsider.post(reverse("api_tokens:revoke"), {"token_key": key}).status_code == 404
    assert api_with(token).get(PARTICIPANTS).status_code == 200
    response = client.post(reverse("api_tokens:revoke"), {"token_key": key})
    assert response.status_code == 302
    assert api_with(token).get(PARTICIPANTS).status_code == 401
    assert AuditEvent.objects.filter(action="delete", record_type="AuthToken").count() == 1
    assert "You have no tokens." in client.get(PAGE).content.decode()


def test_participants_have_no_tokens(world):
    assert signed_in(world.participant_user).get(PAGE).status_code == 403
    assert signed_in(world.participant_user).post(PAGE).status_code == 403


def test_the_api_offers_no_way_to_trade_a_password_for_a_token():
    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            else:
                yield pattern.callback

    modules = {getattr(view, "__module__", "") for view in views(get_resolver().url_patterns)}
    assert not {m for m in modules if m.startswith(("knox", "rest_framework.authtoken"))}
    response = APIClient().get(PARTICIPANTS, HTTP_AUTHORIZATION="Basic Y29hY2g6cGFzcw==")
    assert response.status_code == 401
