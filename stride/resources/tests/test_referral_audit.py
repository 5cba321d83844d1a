"""A referral's trail keeps each stage it moved from and to, and how it ended; never the note."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions
from stride.resources.actions import ServiceDetails
from stride.resources.models import Provider, Referral

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


@pytest.fixture
def referral(world) -> Referral:
    provider = Provider.objects.create(county=world.county, hsds_id="o1", name="Adult School")
    service = actions.add_service(
        Actor(world.county_admin), provider, ServiceDetails("Diploma and GED", "adult_education")
    )
    with time_machine.travel(NOON, tick=False):
        return actions.refer(
            Actor(world.coach), world.case, service, note="Wants her diploma by June"
        )


def changes(referral: Referral) -> list[dict]:
    events = AuditEvent.objects.filter(record_id=referral.uuid).order_by("id")
    return [event.changes for event in events]


def test_each_stage_is_audited_with_the_one_before_and_the_outcome_at_the_close(world, referral):
    coach = Actor(world.coach)
    with time_machine.travel(NOON, tick=False):
        referral = actions.record_progress(
            coach, referral, "contacted", date(2026, 3, 10), referral.version
        )
        actions.record_progress(
            coach, referral, "closed", date(2026, 3, 10), referral.version, outcome="helped"
        )
    assert changes(referral) == [
        {"stage": [None, "sent"]},
        {"stage": ["sent", "contacted"]},
        {"stage": ["contacted", "closed"], "outcome": [None, "helped"]},
    ]
    assert "diploma" not in str(changes(referral))


def test_the_services_own_update_through_its_link_is_audited_the_same_way(world, referral):
    token = actions.make_partner_link(Actor(world.coach), referral)
    link = actions.partner_link_for(token)
    with time_machine.travel(NOON, tick=False):
        actions.report_by_partner(
            Actor(None, channel="partner"), link, "enrolled", date(2026, 3, 10), referral.version
        )
    assert changes(referral)[-1] == {"stage": ["sent", "enrolled"]}
