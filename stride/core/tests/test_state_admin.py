"""A state administrator reads every county's records and changes none of them (README)."""

import pytest
from django.urls import reverse

from stride.careers import actions as careers
from stride.careers import catalogue as career_ladders
from stride.careers.models import LocalPartner
from stride.core import access
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions as resources
from stride.resources import hsds
from stride.resources.models import DirectoryImport, Provider, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(world) -> Service:
    provider = Provider.objects.create(county=world.county, hsds_id="org-1", name="Adult School")
    details = resources.ServiceDetails("GED classes", "adult_education", fits=("no_diploma",))
    return resources.add_service(Actor(world.county_admin), provider, details)


@pytest.fixture
def partner(world) -> LocalPartner:
    industry, ladder = career_ladders.load().pairs()[0]
    details = careers.PartnerDetails(industry.key, ladder.key, "entry", "training", "CNA class")
    return careers.add_partner(Actor(world.county_admin), world.county, details)


def changes_by(user) -> int:
    writes = [AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE, AuditEvent.Action.DELETE]
    return AuditEvent.objects.filter(actor=user, action__in=writes).count()


def test_a_state_administrator_keeps_no_countys_map(world):
    assert not access.can_keep_directories(world.state_admin)
    assert not access.directory_editable_counties(world.state_admin).exists()
    assert set(access.directory_counties(world.state_admin)) == {world.county, world.other_county}


def test_a_state_administrator_cannot_edit_pause_or_confirm_a_service(world, client_for, service):
    state = client_for(world.state_admin)
    edit = reverse("resources:service_edit", args=[service.uuid])
    assert state.get(edit).status_code == 403
    assert state.post(edit, {"name": "Changed", "version": service.version}).status_code == 403
    review = reverse("resources:review")
    for decision in ("pause", "confirm"):
        sent = {"service": service.uuid, "version": service.version, "decision": decision}
        assert state.post(review, sent).status_code == 403
    service.refresh_from_db()
    assert (service.name, service.status) == ("GED classes", Service.Status.ACTIVE)
    assert changes_by(world.state_admin) == 0


def test_a_state_administrator_sees_no_button_that_changes_the_map(world, client_for, service):
    state = client_for(world.state_admin)
    detail = state.get(reverse("resources:service", args=[service.uuid]))
    listing = state.get(reverse("resources:services"))
    assert detail.status_code == listing.status_code == 200
    assert "GED classes" in listing.content.decode()
    for link in (
        reverse("resources:service_edit", args=[service.uuid]),
        reverse("resources:service_new"),
        reverse("resources:review"),
        reverse("resources:import"),
    ):
        assert link not in detail.content.decode() + listing.content.decode()


def test_a_state_administrator_cannot_apply_an_import_or_change_a_partner(
    world, client_for, service, partner
):
    upload = DirectoryImport.objects.create(
        county=world.county,
        uploaded_by=world.county_admin,
        filename="map.zip",
        data=hsds.export_zip(world.county),
    )
    state = client_for(world.state_admin)
    assert state.post(reverse("resources:import_result", args=[upload.uuid])).status_code == 403
    edit = reverse("careers:partner_edit", args=[partner.uuid])
    remove = reverse("careers:partner_remove", args=[partner.uuid])
    assert state.post(edit, {"name": "Changed"}).status_code == 403
    assert state.post(remove, {"version": partner.version}).status_code == 403
    page = state.get(reverse("careers:partners")).content.decode()
    assert "CNA class" in page and edit not in page and remove not in page
    upload.refresh_from_db()
    assert upload.applied_at is None and LocalPartner.objects.filter(pk=partner.pk).exists()
    assert changes_by(world.state_admin) == 0
