"""Work participation hours in the browser, with axe-core on every page.

A coach enters a day of hours from a timesheet and sees the month counted, on a
desktop and on a phone; a participant reports hours in Spanish for the coach to
check, and the coach verifies them; a supervisor opens the month's rate and
downloads the federal report items.

The demo data (with its months on aid and four months of hours) is the
background; each test adds an activity the demo does not have, through the real
action functions, so its hours stand alone in the tables. The Spanish run reads
the words from the live catalogue (they may not be translated yet) and checks
the page language and the structure.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from playwright.sync_api import Locator, Page, expect

from stride.core import access
from stride.core.audit import Actor
from stride.core.models import User
from stride.participation import acf199, actions
from stride.participation.actions import ActivityDetails
from stride.participation.models import Activity, HoursEntry, MonthResult, WorkActivity
from stride.people.models import Enrollment, Participant

from .conftest import fits_the_screen, switch_language, translated
from .test_participant_journey import sign_in_as_participant

pytestmark = pytest.mark.browser

PHONE = (375, 740)
# No demo activity counts as subsidized public-sector work, so its row is ours alone.
FEDERAL = WorkActivity.SUBSIDIZED_PUBLIC
ACTIVITY = "Parks department crew (test)"


def an_activity(case: Participant) -> Activity:
    """A county activity of the case's county, added by its administrator; months on aid to date."""
    admin = User.objects.select_related("organisation").get(username="county-admin")
    assert admin.organisation is not None and admin.organisation.county() == case.county
    actions.record_months_on_aid(case, timezone.localdate())
    return actions.add_activity(
        Actor(admin),
        case.county,
        ActivityDetails(
            ACTIVITY, FEDERAL, "Grounds work for the city, paid in part by the county."
        ),
    )


def a_working_case() -> Participant:
    """The first case on the coach's caseload with an active enrollment (so a month on aid)."""
    case = (
        Participant.objects.select_related("member", "county", "coach")
        .filter(coach__username="coach", current_enrollment__status=Enrollment.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    assert case is not None, "the coach has an active case"
    return case


def shown(language: str, value: object, places: str) -> str:
    """A number as the pages show it in this language (floatformat, localized)."""
    with translation.override(language):
        return floatformat(value, places)


def short_day(language: str, day: date) -> str:
    with translation.override(language):
        return formats.date_format(day, "D j M")


def entry_row(page: Page, name: str) -> Locator:
    return page.locator("main section[aria-labelledby=entries-heading] tbody tr").filter(
        has_text=name
    )


def cells(row: Locator) -> Locator:
    return row.locator("th, td")


def weekly_line(result: MonthResult) -> str:
    weekly = shown("en", result.weekly_average, "-1")
    required = shown("en", result.required_weekly_hours, "-1")
    return f"{weekly} of {required} hours a week"


def test_coach_enters_a_day_of_hours_and_sees_the_month(site, page, log_in, assert_accessible):
    case = a_working_case()
    activity = an_activity(case)
    today = timezone.localdate()
    person = f"/participants/{case.uuid}"

    log_in(page, "coach")
    page.goto(f"{site}{person}/")
    page.locator(f'main a.usa-button[href="{person}/hours/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/hours/$"))
    expect(page.locator("#month-heading")).to_have_text("What counts this month")
    expect(entry_row(page, ACTIVITY)).to_have_count(0)

    form = page.locator("main section[aria-labelledby=add-heading] form")
    expect(form.locator('input[name="hours-kind"][value=participation]')).to_be_checked()
    form.locator('select[name="hours-activity"]').select_option(str(activity.pk))
    form.locator('input[name="hours-day"]').fill(today.isoformat())
    form.locator('input[name="hours-hours"]').fill("6")
    form.locator('input[name="hours-note"]').fill("Timesheet signed by the crew lead")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"{person}/hours/\?month={today:%Y-%m}$"))
    expect(page.locator("main .usa-alert--success")).to_contain_text("Hours saved and counted.")
    entry = HoursEntry.objects.get(participant=case, activity=activity)
    assert (entry.day, entry.hours, entry.verification) == (
        today,
        Decimal(6),
        HoursEntry.Verification.VERIFIED,
    )
    row = entry_row(page, ACTIVITY)
    expect(row).to_have_count(1)
    expect(cells(row).nth(0)).to_have_text(short_day("en", today))
    expect(cells(row).nth(1)).to_contain_text("Timesheet signed by the crew lead")
    expect(cells(row).nth(2)).to_have_text("6")
    expect(cells(row).nth(3)).to_have_text("Took part")
    expect(cells(row).nth(4)).to_have_text("Verified")
    # Staff entries are verified already: only "Remove" is offered.
    expect(row.locator("button")).to_have_count(1)
    expect(row.locator("button")).to_contain_text("Remove")

    result = MonthResult.objects.get(participant=case, month=today.replace(day=1))
    month = page.locator("main section[aria-labelledby=month-heading]")
    expect(month.locator("p strong")).to_have_text(weekly_line(result))
    expect(month.locator("progress.stride-meter")).to_have_attribute(
        "aria-label", weekly_line(result)
    )
    expect(month.locator(".usa-step-indicator__heading")).to_have_text(
        f"Participation ladder: {result.get_step_display()}"
    )
    expect(month.locator("ul.usa-list > li")).not_to_have_count(0)
    by_activity = month.locator("table").filter(
        has=page.locator("caption", has_text="Hours in the month by federal work activity")
    )
    ours = by_activity.locator("tbody tr").filter(
        has=page.locator("th", has_text=str(FEDERAL.label))
    )
    expect(ours).to_have_count(1)
    expect(ours.locator("td").first).to_have_text("6")

    page.locator("main details > summary").click()
    expect(page.locator('main select[name="plan-activity"]')).to_be_visible()
    assert_accessible(page, "a participant's hours, after entering hours")

    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.reload()
    expect(page.locator("main section[aria-labelledby=month-heading] p strong")).to_have_text(
        weekly_line(result)
    )
    expect(entry_row(page, ACTIVITY)).to_have_count(1)
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "a participant's hours, on a phone")


def test_participant_reports_hours_in_spanish_and_the_coach_verifies_them(
    site, new_page, log_in, assert_accessible
):
    case = Participant.objects.select_related("coach", "county").get(user__username="participant")
    assert case.coach is not None
    activity = an_activity(case)
    today = timezone.localdate()

    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    switch_language(page, "es")
    page.locator('main a[href="/me/hours/"]').click()
    expect(page).to_have_url(re.compile(r"/me/hours/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#month-heading")).to_be_visible()
    assert_accessible(page, "my hours (es)")

    form = page.locator("main section[aria-labelledby=report-heading] form")
    expect(form.locator("input[name=kind]")).to_have_count(0)
    form.locator("select[name=activity]").select_option(str(activity.pk))
    form.locator("input[name=day]").fill(today.isoformat())
    form.locator("input[name=hours]").fill("3.5")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/me/hours/\?month=\d{4}-\d{2}$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main .usa-alert--success")).to_contain_text(
        translated("es", "Thank you. Your coach will check the hours.")
    )
    entry = HoursEntry.objects.get(participant=case, activity=activity)
    assert (entry.hours, entry.verification) == (Decimal("3.5"), HoursEntry.Verification.REPORTED)
    row = entry_row(page, ACTIVITY)
    expect(row).to_have_count(1)
    expect(cells(row).nth(0)).to_have_text(short_day("es", today))
    expect(cells(row).nth(2)).to_have_text(shown("es", entry.hours, "-2"))
    expect(cells(row).nth(3)).to_have_text(translated("es", "Reported, not yet checked"))
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my hours, after reporting (es)")

    coach = new_page()
    log_in(coach, case.coach.username)
    coach.goto(f"{site}/participants/{case.uuid}/hours/")
    waiting = entry_row(coach, ACTIVITY)
    expect(cells(waiting).nth(4)).to_have_text(
        "Reported, not yet checked (reported by the participant)"
    )
    verify = waiting.locator(f'form[action="/hours/{entry.uuid}/verify/"]')
    expect(verify).to_have_count(2)  # Verified, Could not verify
    assert_accessible(coach, "a participant's hours, with hours to check")
    verify.filter(has=coach.locator("input[name=verification][value=verified]")).locator(
        "button"
    ).click()

    expect(coach.locator("main .usa-alert--success")).to_contain_text("Saved and counted again.")
    checked = entry_row(coach, ACTIVITY)
    expect(cells(checked).nth(4)).to_have_text("Verified (reported by the participant)")
    expect(checked.locator(f'form[action="/hours/{entry.uuid}/verify/"]')).to_have_count(0)
    entry.refresh_from_db()
    assert (entry.verification, entry.verified_by) == (HoursEntry.Verification.VERIFIED, case.coach)

    page.reload()
    expect(cells(entry_row(page, ACTIVITY)).nth(3)).to_have_text(translated("es", "Verified"))


def test_supervisor_sees_the_months_rate_and_downloads_the_report(
    site, page, log_in, assert_accessible
):
    supervisor = User.objects.select_related("organisation").get(username="supervisor")
    assert supervisor.organisation is not None
    county = supervisor.organisation.county()
    assert county is not None
    month = timezone.localdate().replace(day=1)
    participants = access.visible_to(Participant.objects.filter(county=county), supervisor)
    summary = acf199.summary(participants, month)
    assert summary.adults > 0

    log_in(page, "supervisor")
    page.goto(f"{site}/participation/report/")
    expect(page.locator("h1")).to_have_text("Work participation")
    assert_accessible(page, "the participation report, before a month is picked")
    form = page.locator("main form.usa-form")
    form.locator("select[name=county]").select_option(label=county.name)
    form.locator("input[name=month]").fill(f"{month:%Y-%m}")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/participation/report/\?.*month={month:%Y-%m}"))

    section = page.locator("main section[aria-labelledby=rate-heading]")
    cards = section.locator("ul.usa-card-group > li.stride-card")
    expect(cards).to_have_count(3)

    def percent(meeting: int, total: int) -> str:
        return f"{round(meeting / total * 100)}%" if total else "—"

    expect(cards.locator("p.font-sans-xl")).to_have_text(
        [
            percent(summary.families_meeting, summary.families_in_rate),
            percent(summary.two_parent_meeting, summary.two_parent_in_rate),
            str(summary.adults),
        ]
    )
    expect(cards.nth(0).locator(".usa-hint")).to_have_text(
        f"{summary.families_meeting} of {summary.families_in_rate} families"
    )

    ladder = section.locator("table").filter(
        has=page.locator("caption", has_text="Adults on the participation ladder")
    )
    steps = [(str(label), count) for label, count in summary.steps]
    if summary.not_counted_yet:
        steps.append(("Not counted yet", summary.not_counted_yet))
    expect(ladder.locator("tbody th[scope=row]")).to_have_text([label for label, _ in steps])
    expect(ladder.locator("tbody td")).to_have_text([str(count) for _, count in steps])
    assert_accessible(page, "the participation report for a month")

    with page.expect_download() as download:
        section.locator("a", has_text="Download the report items (CSV)").click()
    name = county.name.lower().replace(" ", "-")
    assert download.value.suggested_filename == f"acf199-{name}-{month:%Y-%m}.csv"
    with open(download.value.path(), encoding="utf-8") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0] == ",".join(acf199.columns())
    assert len(lines) == 1 + summary.adults
