"""Hours typed and shown in Spanish: "1,5" is an hour and a half, "1,500" is asked again,
and the page writes every number of hours one way (a decimal comma), its hint included.
Numbers the browser reads (the meter's bounds) stay plain."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from stride.core.audit import Actor
from stride.participation import actions
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.models import HoursEntry, WorkActivity

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def in_march():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 20, 12)), tick=False):
        yield


@pytest.fixture
def job(world):
    return actions.add_activity(
        Actor(world.county_admin),
        world.county,
        ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )


@pytest.fixture
def me(world, client_for):
    client = client_for(world.participant_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def send(client, job, typed: str):
    return client.post(
        reverse("portal:hours"), {"activity": job.pk, "day": DAY.isoformat(), "hours": typed}
    )


def test_a_decimal_comma_is_an_hour_and_a_half_in_spanish(world, me, job):
    assert send(me, job, "1,5").status_code == 302
    assert HoursEntry.objects.get(participant=world.case).hours == Decimal("1.5")


def test_a_dot_is_read_the_same_in_spanish(world, me, job):
    assert send(me, job, "1.5").status_code == 302
    assert HoursEntry.objects.get(participant=world.case).hours == Decimal("1.5")


def test_what_could_be_two_numbers_is_asked_again_next_to_the_hours(world, me, job):
    refused = send(me, job, "1,500")
    assert refused.status_code == 200 and list(refused.context["form"].errors) == ["hours"]
    page = refused.content.decode()
    assert "“1,500” puede ser 1,5 o 1500. Escriba el que quiso decir." in page
    assert 'value="1,500"' in page  # what was typed stays in the box
    assert not HoursEntry.objects.exists()


def test_a_decimal_comma_on_an_english_page_is_refused_not_read_as_fifteen(world, client_for, job):
    refused = send(client_for(world.participant_user), job, "1,5")
    assert list(refused.context["form"].errors["hours"]) == ["Write decimals with a dot, like 1.5."]
    assert not HoursEntry.objects.exists()


def visible_numbers(page: str) -> list[str]:
    """Every number with a decimal part in the page's text (not in tags, not money)."""
    main = page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"CFR \d+\.\d+", "", re.sub(r"<[^>]+>", " ", main))  # citations are not numbers
    return [n for n in re.findall(r"(?<![\d$.,])\d+[.,]\d+(?![\d.,])", text)]


def test_the_hours_page_writes_every_number_of_hours_one_way(world, me, job):
    actions.add_hours(Actor(world.coach), world.case, Hours(job, DAY, Decimal("2.5")))
    page = me.get(reverse("portal:hours")).content.decode()
    numbers = visible_numbers(page)
    assert "2,50" in numbers and "2,25" in numbers  # the entry, and the hint of the form
    assert all("," in number for number in numbers), numbers
    # The meter's bounds are read by the browser: plain, whatever the language.
    meter = re.search(r'<progress class="stride-meter" max="([^"]+)" value="([^"]+)"', page)
    assert meter and all(re.fullmatch(r"\d+(\.\d+)?", bound) for bound in meter.groups())
