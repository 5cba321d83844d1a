"""The county resource map in the browser, with axe-core on every page.

A coach finds a service for a family (narrowed to Spanish, with the reasons it
may fit), refers them, and records the first step of the loop; the service's
staff report the next step through a one-time link, without an account; the
participant sees the service on their phone, in Spanish; a county administrator
opens the gap view and the directory.

The demo data (with its resource map) is the background; each test adds the
services it looks for through the real action functions, with names the demo
does not use. The Spanish run checks the service's own name and phone and the
page language, not the interface strings, whose catalogue is still moving.
"""

import re
import secrets
from datetime import date, time

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import Locator, Page, expect

from stride.core import access
from stride.core.audit import Actor
from stride.core.models import Organisation, User
from stride.people.models import Participant
from stride.resources import actions, gaps
from stride.resources.actions import Opening, ServiceDetails
from stride.resources.circumstances import family_of
from stride.resources.matching import reasons, with_details
from stride.resources.models import Category, Location, Provider, Referral, Service

from .conftest import a_case_of, fits_the_screen, switch_language
from .test_coaching_cycle import choose
from .test_participant_journey import sign_in_as_participant

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PHONE = (375, 740)
# Names sort before every demo service, so these lead their service area.
SPANISH_SERVICE = "Abriendo Caminos job club"
ENGLISH_ONLY_SERVICE = "A-1 Resume workshop"
SPANISH_PHONE = "(559) 555-0142"
NOTE = "Wants an evening job club near the bus line"


def a_service(
    county: Organisation,
    name: str,
    *,
    phone: str,
    languages: tuple[str, ...],
    fits: tuple[str, ...] = (),
) -> Service:
    """A job-search service of a county partner, with a place and weekday hours."""
    admin = User.objects.get(username="county-admin")
    provider = Provider.objects.create(
        county=county,
        hsds_id=f"test-{secrets.token_hex(6)}",
        name=f"{name} (provider)",
        phone=phone,
        contracted=True,
    )
    place = Location.objects.create(
        provider=provider,
        hsds_id=f"{provider.hsds_id}-main",
        name=provider.name,
        address_1="1200 Tulare St",
        city="Fresno",
        state_province="CA",
        postal_code="93721",
        latitude=36.7378,
        longitude=-119.7871,
    )
    service = actions.add_service(
        Actor(admin),
        provider,
        ServiceDetails(
            name=name,
            category=Category.JOB_SEARCH,
            description="Weekly job club with help on applications, in English and Spanish.",
            phone=phone,
            fees_description="Free",
            fits=fits,
            languages=languages,
            openings=(Opening(1, time(9), time(19)), Opening(3, time(9), time(17))),
        ),
    )
    service.locations.add(place)
    return service


def a_referral(case: Participant, service: Service) -> Referral:
    return actions.refer(Actor(case.coach), case, service, note=NOTE)


def long_date(day: date) -> str:
    """A date as the English pages show it (DATE_FORMAT)."""
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def loop_stage(page: Page, number: int) -> Locator:
    """The date line of a stage of "The loop so far": 0 sent, 1 in touch, 2 enrolled, 3 closed."""
    return page.locator("main ol.usa-process-list > li").nth(number).locator("p")


def service_card(page: Page, name: str) -> Locator:
    return page.locator("main li.stride-card").filter(
        has=page.locator("h2, h3").filter(has_text=re.compile(rf"^{re.escape(name)}$"))
    )


def test_coach_refers_a_family_to_a_spanish_speaking_service(site, page, log_in, assert_accessible):
    case = a_case_of("coach")
    coach = case.coach
    family = family_of(case, with_private=access.can_read_private_answers(coach, case))
    fits = tuple(family.circumstances)
    spanish = a_service(
        case.county, SPANISH_SERVICE, phone=SPANISH_PHONE, languages=("en", "es"), fits=fits
    )
    a_service(
        case.county, ENGLISH_ONLY_SERVICE, phone="(559) 555-0143", languages=("en",), fits=fits
    )
    with translation.override("en"):
        expected_reasons = reasons(
            with_details(Service.objects.filter(pk=spanish.pk)).get(), family
        )
    person = f"/participants/{case.uuid}"

    log_in(page, "coach")
    page.goto(f"{site}{person}/")
    expect(page.locator("h1")).to_have_text(case.member.full_name)
    page.locator(f'main a[href="{person}/services/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/services/$"))
    expect(service_card(page, ENGLISH_ONLY_SERVICE)).to_have_count(1)
    assert_accessible(page, "services for a family")

    search = page.locator("main form[role=search]")
    search.locator("select[name=language]").select_option("es")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/services/\?.*language=es"))
    expect(search.locator("select[name=language]")).to_have_value("es")
    expect(service_card(page, ENGLISH_ONLY_SERVICE)).to_have_count(0)
    card = service_card(page, SPANISH_SERVICE)
    expect(card).to_have_count(1)
    expect(card.locator("strong")).to_have_text("Why it may fit")
    expect(card.locator("p:has(> strong) + ul > li")).to_have_text(expected_reasons)
    expect(card.locator(f'a[href="tel:{SPANISH_PHONE}"]')).to_be_visible()
    assert_accessible(page, "services for a family, in Spanish")

    refer = card.locator(f'a[href="{person}/services/{spanish.uuid}/refer/"]')
    expect(refer).to_have_text(f"Refer to {SPANISH_SERVICE}")
    refer.click()
    expect(page).to_have_url(re.compile(rf"{person}/services/{spanish.uuid}/refer/$"))
    expect(page.locator("h1")).to_have_text(f"Refer to {SPANISH_SERVICE}")
    assert_accessible(page, "refer")
    page.locator("main textarea[name=note]").fill(NOTE)
    page.locator("main form.usa-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/referrals/{UUID}/$"))
    referral = Referral.objects.get(participant=case, service=spanish)
    assert page.url.endswith(f"/referrals/{referral.uuid}/")
    assert (referral.note, referral.made_by, referral.stage) == (NOTE, coach, Referral.Stage.SENT)
    expect(page.locator(".usa-alert--success")).to_contain_text(SPANISH_SERVICE)
    expect(page.locator("h1")).to_have_text(f"Referral to {SPANISH_SERVICE}")
    expect(page.locator("main")).to_contain_text(NOTE)
    today = timezone.localdate()
    expect(loop_stage(page, 0)).to_have_text(long_date(today))
    expect(loop_stage(page, 1)).to_have_text("—")
    assert_accessible(page, "a new referral")

    choose(page, "stage", Referral.Stage.CONTACTED)
    page.locator("main input[name=on]").fill(today.isoformat())
    page.locator("main form.usa-form button[type=submit]").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    expect(page.locator("main h2").first).to_have_text("The loop so far")
    expect(loop_stage(page, 1)).to_have_text(long_date(today))
    expect(loop_stage(page, 2)).to_have_text("—")
    # The next stages are the only ones offered now.
    expect(page.locator("main input[name=stage]")).to_have_count(2)
    referral.refresh_from_db()
    assert (referral.stage, referral.contacted_on) == (Referral.Stage.CONTACTED, today)
    assert_accessible(page, "a referral in touch")


def test_the_service_updates_the_referral_through_a_one_time_link(
    site, new_page, log_in, assert_accessible
):
    case = a_case_of("coach")
    service = a_service(case.county, SPANISH_SERVICE, phone=SPANISH_PHONE, languages=("en", "es"))
    referral = a_referral(case, service)
    today = timezone.localdate()
    actions.record_progress(
        Actor(case.coach), referral, Referral.Stage.CONTACTED, today, referral.version
    )
    first, last = case.member.first_name, case.member.last_name

    page = new_page()
    log_in(page, "coach")
    page.goto(f"{site}/referrals/{referral.uuid}/")
    expect(page.locator("h1")).to_have_text(f"Referral to {SPANISH_SERVICE}")
    page.locator(f'main form[action="/referrals/{referral.uuid}/partner-link/"] button').click()
    link_field = page.locator("main input#partner-link")
    expect(link_field).to_be_visible()
    expect(page.locator('main label[for="partner-link"]')).to_be_visible()
    link = link_field.input_value()
    assert re.fullmatch(rf"{re.escape(site)}/partner/[\w-]+/", link), link
    assert_accessible(page, "a referral with its partner link")

    partner = new_page()  # a fresh context: no cookies, no login
    partner.goto(link)
    expect(partner).to_have_url(link)
    expect(partner.locator("h1")).to_have_text("Referral update")
    facts = partner.locator("main dl.stride-facts")
    expect(facts).to_contain_text(f"{first} {last[0]}.")
    expect(facts).to_contain_text(NOTE)
    shown = partner.locator("main").inner_text().replace(case.coach.get_full_name(), "")
    assert not re.search(rf"\b{re.escape(last)}\b", shown), "the partner sees the last name"
    assert_accessible(partner, "the partner's update page")

    choose(partner, "stage", Referral.Stage.ENROLLED)
    partner.locator("main input[name=on]").fill(today.isoformat())
    partner.locator("main form.usa-form button[type=submit]").click()
    expect(partner.locator("h1")).to_have_text("Thank you")
    expect(partner.locator("main")).to_contain_text("Enrolled or attended")
    assert_accessible(partner, "the partner's thank-you page")
    referral.refresh_from_db()
    assert (referral.stage, referral.enrolled_on) == (Referral.Stage.ENROLLED, today)

    again = partner.goto(link)
    assert again is not None and again.status == 410
    expect(partner.locator("h1")).to_have_text("This link no longer works")
    assert_accessible(partner, "a spent partner link")

    page.reload()
    expect(loop_stage(page, 2)).to_have_text(long_date(today))


def test_participant_sees_their_service_on_a_phone_in_spanish(site, new_page, assert_accessible):
    case = Participant.objects.select_related("coach", "county").get(user__username="participant")
    service = a_service(case.county, SPANISH_SERVICE, phone=SPANISH_PHONE, languages=("en", "es"))
    a_referral(case, service)

    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    switch_language(page, "es")
    page.locator('main a[href="/me/services/"]').first.click()
    expect(page).to_have_url(re.compile(r"/me/services/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    card = service_card(page, SPANISH_SERVICE)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(service.provider.name)
    phone = card.locator(f'a[href="tel:{SPANISH_PHONE}"]')
    expect(phone).to_have_text(SPANISH_PHONE)
    expect(phone).to_be_visible()
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my services, on a phone (es)")


def test_county_administrator_sees_the_gaps_and_the_directory(
    site, page, log_in, assert_accessible
):
    admin = User.objects.select_related("organisation").get(username="county-admin")
    county = admin.organisation.county()
    a_service(county, SPANISH_SERVICE, phone=SPANISH_PHONE, languages=("en", "es"))
    needs = len(gaps.for_county(admin, county).needs)
    assert needs > 0

    log_in(page, "county-admin")
    page.goto(f"{site}/resources/gaps/")
    expect(page.locator("h1")).to_contain_text(county.name)
    table = page.locator("main table").first
    expect(table.locator("caption")).to_have_text("Needs and the services that answer them")
    expect(table.locator("tbody tr")).to_have_count(needs)
    expect(table.locator("tbody th[scope=row]").first).not_to_be_empty()
    assert_accessible(page, "the gap view")

    page.locator('main a[href="/resources/"]').first.click()
    expect(page).to_have_url(re.compile(r"/resources/$"))
    expect(page.locator("main li.stride-card")).to_have_count(25)
    assert_accessible(page, "the resource map")

    search = page.locator("main form[role=search]")
    search.locator("input[name=q]").fill("Abriendo")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/resources/\?.*q=Abriendo"))
    expect(page.locator("main li.stride-card")).to_have_count(1)
    expect(service_card(page, SPANISH_SERVICE)).to_have_count(1)
    assert_accessible(page, "the resource map, searched")
