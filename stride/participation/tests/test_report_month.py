"""The work participation report opens on the last closed month, not on an empty form."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.mark.parametrize(
    "today, closed",
    [
        (date(2026, 3, 10), date(2026, 2, 1)),
        (date(2026, 3, 1), date(2026, 2, 1)),  # the first of the month: February just closed
        (date(2026, 1, 15), date(2025, 12, 1)),  # across the new year
    ],
)
def test_the_report_opens_on_the_month_that_last_ended(world, client_for, today, closed):
    client = client_for(world.supervisor)
    with time_machine.travel(at(today), tick=False):
        response = client.get(reverse("participation:report"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["month"] == closed
    assert form.cleaned_data["county"] == world.county
    assert response.context["summary"] is not None
    assert f'value="{closed:%Y-%m}"' in response.content.decode()


def test_a_state_administrator_opens_on_every_county(world, client_for):
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        response = client_for(world.state_admin).get(reverse("participation:report"))
    form = response.context["form"]
    assert form.cleaned_data["county"] is None and form.cleaned_data["month"] == date(2026, 2, 1)


def test_a_chosen_month_is_kept(world, client_for):
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        response = client_for(world.supervisor).get(
            reverse("participation:report"), {"county": world.county.pk, "month": "2025-11"}
        )
    assert response.context["form"].cleaned_data["month"] == date(2025, 11, 1)


def test_an_outsider_still_cannot_open_the_report(world, client_for):
    assert client_for(world.coach).get(reverse("participation:report")).status_code == 403
