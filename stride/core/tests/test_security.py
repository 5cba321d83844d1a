"""Production settings, passwords, throttling, two-step sign-in and headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64 + "-production-test-key-with-enough-entropy-0123456789",
    "STRIDE_FIELD_SALT": "production-test-salt",
    "STRIDE_LOOKUP_KEY": "production-test-lookup-key",
    "ALLOWED_HOSTS": "stride.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_bad_yes_no_value_stops_start_up():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0 and "not a yes/no value" in result.stderr


def test_seed_demo_refuses_in_production():
    result = manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0 and "refuses" in result.stderr


def test_passwords_are_hashed_with_argon2():
    # The suite swaps in a fast hasher (conftest); production settings keep argon2 first.
    from stride import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_five_wrong_passwords_lock_the_account_out(world):
    client = Client(HTTP_HOST="localhost")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": "coach", "password": "wrong"})
    locked = client.post(
        reverse("core:login"), {"username": "coach", "password": "a-long-test-password"}
    )
    assert locked.status_code == 429
    assert "Too many sign-in tries" in locked.content.decode()


def test_security_headers_and_content_security_policy(world, client_for):
    response = client_for(world.coach).get(reverse("people:caseload"))
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "'unsafe-inline'" not in csp
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_healthz_reports_the_database():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def two_factor_required(settings):
    settings.STRIDE_REQUIRE_2FA = True


def test_an_administrator_must_set_up_two_step_sign_in(world, client_for, two_factor_required):
    client = client_for(world.county_admin)
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("core:two_factor")
    )
    setup = client.get(response["Location"])
    assert setup.context["setting_up"] and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.county_admin)
    wrong = client.post(reverse("core:two_factor"), {"token": "000000", "next": "/caseload/"})
    assert wrong.context["form"].errors["token"]
    device.refresh_from_db()
    device.throttle_reset()  # as if the person waited before the next try
    good = client.post(
        reverse("core:two_factor"), {"token": f"{totp(device.bin_key):06d}", "next": "/caseload/"}
    )
    assert good.status_code == 302 and good["Location"] == "/caseload/"
    assert client.get(reverse("people:caseload")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_coach_is_not_forced_but_may_use_two_step_sign_in(world, client_for, two_factor_required):
    client = client_for(world.coach)
    assert client.get(reverse("people:caseload")).status_code == 200
    assert client.get(reverse("core:two_factor")).status_code == 200


def test_two_step_sign_in_does_not_redirect_offsite(world, client_for):
    client = client_for(world.coach)
    client.get(reverse("core:two_factor"))
    device = TOTPDevice.objects.get(user=world.coach)
    response = client.post(
        reverse("core:two_factor"),
        {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
