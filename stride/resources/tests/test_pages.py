"""The resource map's pages: finding services, referring, closing the loop, keeping the map."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import data_queries
from stride.coaching import actions as coaching
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people
from stride.people.actions import PersonDetails
from stride.people.models import Household, Member
from stride.resources import actions, hsds
from stride.resources.actions import ServiceDetails
from stride.resources.models import DirectoryImport, PartnerLink, Provider, Referral, Service

from .test_hsds_import_pages import run_queued

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def provider(world):
    return Provider.objects.create(
        county=world.county, hsds_id="o1", name="Fresno Adult School", phone="(559) 555-0100"
    )


def add(world, provider, name="Diploma and GED", category="adult_education", **rules):
    return actions.add_service(
        Actor(world.county_admin), provider, ServiceDetails(name, category, **rules)
    )


def test_a_coach_refers_a_family_and_follows_the_loop(world, provider):
    service = add(world, provider)
    coach = client_for(world.coach)
    page = coach.get(reverse("resources:family", args=[world.case.uuid]))
    assert page.status_code == 200
    assert "Diploma and GED" in page.content.decode()

    refer_url = reverse("resources:refer", args=[world.case.uuid, service.uuid])
    response = coach.post(refer_url, {"note": "Wants to finish her diploma by June."})
    referral = Referral.objects.get(participant=world.case)
    assert response.url == reverse("resources:referral", args=[referral.uuid])
    assert AuditEvent.objects.filter(
        action="create", record_type="Referral", participant=world.case.uuid
    ).exists()

    again = coach.post(refer_url, {"note": "Twice"})
    assert "already has an open referral" in again.content.decode()

    url = reverse("resources:referral", args=[referral.uuid])
    coach.post(url, {"version": 1, "stage": "contacted", "on": TODAY.isoformat()})
    referral.refresh_from_db()
    assert (referral.stage, referral.contacted_on) == ("contacted", TODAY)

    without_outcome = coach.post(url, {"version": 2, "stage": "closed", "on": TODAY.isoformat()})
    assert "Say how it ended." in without_outcome.content.decode()
    stale = coach.post(
        url, {"version": 1, "stage": "closed", "on": TODAY.isoformat(), "outcome": "helped"}
    )
    assert "Someone else saved changes" in stale.content.decode()
    coach.post(url, {"version": 2, "stage": "closed", "on": TODAY.isoformat(), "outcome": "helped"})
    referral.refresh_from_db()
    assert (referral.stage, referral.outcome, referral.enrolled_on) == ("closed", "helped", None)


def test_a_referral_date_cannot_come_before_it_was_sent_or_after_today(world, provider):
    referral = actions.refer(Actor(world.coach), world.case, add(world, provider))
    url = reverse("resources:referral", args=[referral.uuid])
    coach = client_for(world.coach)
    early = coach.post(
        url, {"version": 1, "stage": "contacted", "on": (TODAY - timedelta(days=3)).isoformat()}
    )
    assert "before the referral was sent" in early.content.decode()
    late = coach.post(
        url, {"version": 1, "stage": "contacted", "on": (TODAY + timedelta(days=1)).isoformat()}
    )
    assert "be in the future" in late.content.decode()


def test_a_referral_can_be_tied_to_a_step_of_the_familys_own_goal(world, provider):
    goal = coaching.set_goal(
        Actor(world.coach), world.case, coaching.GoalDetails("Earn my diploma", "learning")
    )
    step = coaching.add_step(Actor(world.coach), goal, coaching.StepDetails("Sign up for class"))
    service = add(world, provider)
    client_for(world.coach).post(
        reverse("resources:refer", args=[world.case.uuid, service.uuid]), {"step": step.pk}
    )
    referral = Referral.objects.get(participant=world.case)
    assert referral.step == step
    page = client_for(world.coach).get(reverse("resources:referral", args=[referral.uuid]))
    assert "Sign up for class" in page.content.decode()


def test_the_partner_link_works_once_and_shows_only_what_the_service_needs(world, provider):
    referral = actions.refer(
        Actor(world.coach), world.case, add(world, provider), note="Evening classes please"
    )
    coach = client_for(world.coach)
    made = coach.post(reverse("resources:partner_link", args=[referral.uuid]), follow=True)
    link = made.context["partner_link"]
    assert "/partner/" in link
    # Shown once: reloading the page neither shows it again nor makes a new one.
    assert coach.get(made.redirect_chain[-1][0]).context["partner_link"] is None
    assert PartnerLink.objects.count() == 1
    partner = Client(HTTP_HOST="localhost")
    path = link.split("localhost", 1)[1]

    page = partner.get(path).content.decode()
    assert "Maria L." in page and "Evening classes please" in page
    assert "Lopez" not in page and world.case.household.case_number not in page

    done = partner.post(path, {"version": 1, "stage": "enrolled", "on": TODAY.isoformat()})
    assert done.status_code == 200 and "Enrolled or attended" in done.content.decode()
    referral.refresh_from_db()
    assert (referral.stage, referral.enrolled_on) == ("enrolled", TODAY)
    assert partner.get(path).status_code == 410
    channels = set(
        AuditEvent.objects.filter(participant=world.case.uuid, actor=None).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"partner"}


def test_an_expired_or_replaced_link_stops_working(world, provider):
    referral = actions.refer(Actor(world.coach), world.case, add(world, provider))
    first = actions.make_partner_link(Actor(world.coach), referral)
    second = actions.make_partner_link(Actor(world.coach), referral)
    anyone = Client(HTTP_HOST="localhost")
    assert anyone.get(reverse("resources:partner", args=[first])).status_code == 410
    assert anyone.get(reverse("resources:partner", args=[second])).status_code == 200
    PartnerLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert anyone.get(reverse("resources:partner", args=[second])).status_code == 410


def test_a_county_administrator_adds_a_service_with_its_hours_and_rules(world, provider):
    admin = client_for(world.county_admin)
    entry = {
        "new_provider": "Wheels to Work",
        "name": "Car repair",
        "category": "transportation",
        "status": "active",
        "fits": ["no_car"],
        "serves": [world.county.pk],
        "languages": ["en", "es"],
        "day_2_opens": "09:00",
        "day_2_closes": "19:30",
        "day_6_opens": "10:00",
        "place_address": "2400 Tulare St",
        "place_zip": "93721",
    }
    response = admin.post(reverse("resources:service_new"), entry)
    assert "Give both times" in response.content.decode()
    response = admin.post(reverse("resources:service_new"), entry | {"day_6_closes": "14:00"})
    service = Service.objects.get(name="Car repair")
    assert response.url == reverse("resources:service", args=[service.uuid])
    assert (service.area, service.fits, service.open_evenings, service.open_weekends) == (
        "supports",
        ["no_car"],
        True,
        True,
    )
    assert service.provider.name == "Wheels to Work" and service.provider.county == world.county
    assert service.last_verified_on == TODAY
    place = service.locations.get()
    assert (place.address_1, place.city, place.state_province) == ("2400 Tulare St", "Fresno", "CA")
    assert place.latitude is not None  # the ZIP's centre, so "near this ZIP" finds it


def test_an_edit_someone_else_saved_first_is_refused(world, provider):
    service = add(world, provider)
    url = reverse("resources:service_edit", args=[service.uuid])
    admin = client_for(world.county_admin)
    form = admin.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {
        "provider": provider.pk,
        "languages": ["en"],
        "serves": [world.county.pk, world.other_county.pk],
        "name": "Diploma, GED and HiSET",
    }
    assert admin.post(url, data).status_code == 302
    stale = admin.post(url, data | {"name": "Something else"})
    assert "Someone else saved changes" in stale.content.decode()
    service.refresh_from_db()
    assert service.name == "Diploma, GED and HiSET"
    assert set(service.serves.all()) == {world.county, world.other_county}


def test_the_review_lists_entries_unchecked_for_a_year_and_clears_them(world, provider):
    fresh = add(world, provider, name="Fresh")
    old = add(world, provider, name="Old")
    gone = add(world, provider, name="Gone")
    Service.objects.filter(pk__in=[old.pk, gone.pk]).update(
        last_verified_on=TODAY - timedelta(days=400)
    )
    admin = client_for(world.county_admin)
    listed = [s.name for s in admin.get(reverse("resources:review")).context["page"]]
    assert listed == ["Gone", "Old"] and fresh.name not in listed
    admin.post(
        reverse("resources:review"),
        {"service": old.uuid, "version": old.version, "decision": "confirm"},
    )
    admin.post(
        reverse("resources:review"),
        {"service": gone.uuid, "version": gone.version, "decision": "pause"},
    )
    old.refresh_from_db()
    gone.refresh_from_db()
    assert old.last_verified_on == TODAY and old.last_verified_by == world.county_admin
    assert gone.status == "inactive"
    assert list(admin.get(reverse("resources:review")).context["page"]) == []
    nonsense = {"service": "not-a-uuid", "version": "1", "decision": "confirm"}
    assert admin.post(reverse("resources:review"), nonsense).status_code == 404
    # A paused service is not suggested, and a coach no longer finds it in the map.
    coach = client_for(world.coach)
    assert "Gone" not in coach.get(reverse("resources:services")).content.decode()
    family = coach.get(reverse("resources:family", args=[world.case.uuid])).content.decode()
    assert "Gone" not in family and "Old" in family


def test_the_participant_sees_the_services_they_chose_on_the_phone_and_on_paper(world, provider):
    chosen = add(world, provider, name="Diploma and GED")
    dropped = add(world, provider, name="Evening college")
    actions.refer(Actor(world.coach), world.case, chosen)
    no = actions.refer(Actor(world.coach), world.case, dropped)
    actions.record_progress(Actor(world.coach), no, "closed", TODAY, no.version, outcome="declined")
    Household.objects.filter(pk=world.case.household_id).update(language="es")
    me = client_for(world.participant_user)
    page = me.get(reverse("portal:services")).content.decode()
    assert "Diploma and GED" in page and "Evening college" not in page
    pdf = me.get(reverse("portal:services_print"))
    assert pdf["Content-Language"] == "es"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Mis servicios" in text and "Diploma and GED" in text and "(559) 555-0100" in text
    assert AuditEvent.objects.filter(action="export", participant=world.case.uuid).exists()


def test_the_gap_view_sets_needs_beside_services_and_exports_them(world, provider):
    people.add_member(
        Actor(world.coach),
        world.case.household,
        PersonDetails("Leo", "Lopez", TODAY - timedelta(days=800), Member.Relationship.CHILD),
    )
    coaching.set_goal(
        Actor(world.coach), world.case, coaching.GoalDetails("Earn my diploma", "learning")
    )
    ged = add(world, provider, fits=("no_diploma",))
    add(world, provider, name="Never used", category="food")
    actions.refer(Actor(world.coach), world.case, ged)
    admin = client_for(world.county_admin)
    report = admin.get(reverse("resources:gaps")).context["report"]
    needs = {row.code: row for row in report.needs}
    assert needs["children_under_6"].families == 1
    assert needs["children_under_6"].gap  # no child care in this map yet
    assert needs["no_diploma"].services == 1 and needs["no_diploma"].referrals == 1
    assert [s.name for s in report.unused_first] == ["Never used"] and report.unused_count == 1
    learning = next(row for row in report.goals if row.area == "learning")
    assert (learning.families, learning.services) == (1, 1)
    csv = admin.get(reverse("resources:gaps") + "?format=csv").getvalue().decode()
    assert "Children under six,1,0,0,0" in csv
    assert AuditEvent.objects.filter(action="export", record_type="Organisation").exists()
    for outside in ("not-a-county", world.other_county.uuid):
        assert admin.get(reverse("resources:gaps"), {"county": outside}).status_code == 404


def test_pages_make_the_same_number_of_queries_for_one_service_or_many(world, provider):
    def counts():
        coach = client_for(world.coach)
        found = {}
        for name, url in {
            "map": reverse("resources:services"),
            "family": reverse("resources:family", args=[world.case.uuid]),
            "referral": reverse("resources:referral", args=[Referral.objects.first().uuid]),
            "service": reverse("resources:service", args=[Service.objects.first().uuid]),
        }.items():
            with CaptureQueriesContext(connection) as queries:
                assert coach.get(url).status_code == 200
            found[name] = len(data_queries(queries))
        return found

    actions.refer(Actor(world.coach), world.case, add(world, provider))
    one = counts()
    for number in range(12):
        service = add(world, provider, name=f"Club {number}", category="job_search")
        if number < 3:
            actions.refer(Actor(world.coach), world.case, service)
    assert counts() == one == {"map": 11, "family": 13, "referral": 5, "service": 11}


def test_an_import_is_checked_first_and_applied_on_request(world, provider):
    add(world, provider)
    package = hsds.export_zip(world.county)
    Service.objects.all().delete()
    admin = client_for(world.county_admin)

    refused = admin.post(
        reverse("resources:import"), {"file": SimpleUploadedFile("map.txt", b"not a package")}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["file"]

    admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", package)})
    assert run_queued() == ["checked"]  # the check, as the task worker runs it
    upload = DirectoryImport.objects.get()
    checked = admin.get(reverse("resources:import_result", args=[upload.uuid]))
    assert checked.context["report"]["problems"] == 0 and Service.objects.count() == 0
    admin.post(reverse("resources:import_result", args=[upload.uuid]))
    assert run_queued() == ["imported"]
    done = admin.get(reverse("resources:import_result", args=[upload.uuid]))
    assert "Imported" in done.content.decode()
    assert list(Service.objects.values_list("name", flat=True)) == ["Diploma and GED"]
    admin.post(reverse("resources:import"), {"file": SimpleUploadedFile("map.zip", package)})
    assert run_queued() == ["checked"]
    again = admin.get(
        reverse("resources:import_result", args=[DirectoryImport.objects.first().uuid])
    )
    assert not again.context["report"]["changes_anything"]
    assert "nothing to import" in again.content.decode()


def test_the_next_page_of_the_map_keeps_the_search(world, provider):
    for number in range(30):
        add(world, provider, name=f"Club {number:02}", category="job_search")
    page = client_for(world.coach).get(reverse("resources:services"), {"q": "Club"})
    assert page.context["page"].paginator.count == 30
    assert 'href="?q=Club&amp;page=2"' in page.content.decode()


def test_a_referral_shown_is_a_view_of_the_family_and_a_refused_update_shown_again_too(
    world, provider
):
    referral = actions.refer(Actor(world.coach), world.case, add(world, provider))
    url = reverse("resources:referral", args=[referral.uuid])
    coach = client_for(world.coach)

    def views() -> int:
        return AuditEvent.objects.filter(action="view", participant=world.case.uuid).count()

    coach.get(url)
    assert views() == 1
    refused = coach.post(url, {"version": 1, "stage": "closed", "on": TODAY.isoformat()})
    assert "Say how it ended." in refused.content.decode()
    assert views() == 2
    coach.post(url, {"version": 1, "stage": "contacted", "on": TODAY.isoformat()})
    assert views() == 2  # the update records itself, as a change
