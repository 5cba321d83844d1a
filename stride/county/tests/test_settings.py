import pytest
from django.urls import reverse

from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_county_administrator_sets_the_check_in_interval_for_their_county(world, client_for):
    client = client_for(world.county_admin)
    response = client.post(
        reverse("county:settings"), {"part": "check_in", "contact_gap_days": "14"}
    )
    assert response.status_code == 302
    world.county.refresh_from_db()
    world.other_county.refresh_from_db()
    assert (world.county.contact_gap_days, world.other_county.contact_gap_days) == (14, 30)
    event = AuditEvent.objects.get(record_type="Organisation")
    assert event.actor == world.county_admin and event.fields == ["contact_gap_days"]


def test_an_interval_out_of_range_is_refused_next_to_the_field(world, client_for):
    response = client_for(world.county_admin).post(
        reverse("county:settings"), {"part": "check_in", "contact_gap_days": "0"}
    )
    assert "contact_gap_days" in response.context["form"].errors
    world.county.refresh_from_db()
    assert world.county.contact_gap_days == 30


def test_only_county_administrators_change_county_settings(world, client_for):
    for person in (world.coach, world.supervisor, world.state_admin, world.sysadmin):
        response = client_for(person).post(
            reverse("county:settings"), {"part": "check_in", "contact_gap_days": "5"}
        )
        assert response.status_code == 403
    world.county.refresh_from_db()
    assert world.county.contact_gap_days == 30
