"""The participation pages: a participant's month of hours, time on aid, the report and the rules."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries, open_case
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.participation import actions
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.countable import add_months
from stride.participation.models import (
    Activity,
    ActivityPlan,
    AidMonth,
    HoursEntry,
    MonthResult,
    WorkActivity,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)


def add_activity(world, name="Paid job", federal=WorkActivity.UNSUBSIDIZED_EMPLOYMENT):
    return actions.add_activity(
        Actor(world.county_admin), world.county, ActivityDetails(name, federal)
    )


@pytest.fixture
def job(world):
    return add_activity(world)


@pytest.fixture
def work_experience(world):
    return add_activity(world, "County work experience", WorkActivity.WORK_EXPERIENCE)


def hours(world, activity, day=TODAY, amount="4", by=None, person=None, note=""):
    return actions.add_hours(
        Actor(by or world.coach),
        person or world.case,
        Hours(activity, day, Decimal(amount), note=note),
    )


def page_url(world, month=None) -> str:
    url = reverse("participation:participant", args=[world.case.uuid])
    return f"{url}?month={month:%Y-%m}" if month else url


def views_of(participant) -> int:
    return AuditEvent.objects.filter(action="view", participant=participant.uuid).count()


# A participant's month of hours


def test_the_coach_sees_the_month_in_plain_words_by_activity_and_entry(world, client_for, job):
    hours(world, job, amount="6")
    hours(world, job, amount="2", by=world.participant_user, note="Saturday shift")
    response = client_for(world.coach).get(page_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    # The reasons, worded from their codes, with their citations.
    requirement = "One adult in the family: 30 hours a week on average, 20 of them in core"
    assert requirement + " activities." in page
    assert "2 hours are waiting to be checked" in page
    assert "(45 CFR 261.31)" in page
    assert "1.4 of 30 hours a week" in page
    # The table of hours per federal activity, and the entries themselves.
    assert "Hours in the month by federal work activity" in page
    assert response.context["rows"] == [
        {
            "label": "Unsubsidized employment",
            "core": True,
            "reported": 6.0,
            "participation": 6.0,
            "excused": 0,
            "holiday": 0,
        }
    ]
    assert [entry.hours for entry in response.context["entries"]] == [6, 2]
    assert "Saturday shift" in page and "reported by the participant" in page
    assert page.count(reverse("participation:remove", args=[HoursEntry.objects.first().uuid])) == 1
    assert response.context["hours_form"] is not None and response.context["can_edit"]


def test_a_month_with_nothing_yet_says_so(world, client_for):
    response = client_for(world.coach).get(page_url(world, LAST_MONTH))
    page = response.content.decode()
    assert response.context["month"] == LAST_MONTH
    assert "Nothing counted for this month yet" in page
    assert "No hours entered for this month yet." in page
    # A month ahead, or nonsense, shows this month.
    for asked in ("2999-01", "june"):
        shown = client_for(world.coach).get(page_url(world), {"month": asked})
        assert shown.context["month"] == THIS_MONTH


def test_posting_the_hours_form_saves_and_goes_to_the_entrys_month(world, client_for, job):
    response = client_for(world.coach).post(
        page_url(world),
        {
            "hours-activity": job.pk,
            "hours-day": LAST_MONTH.isoformat(),
            "hours-hours": "3.5",
            "hours-kind": HoursEntry.Kind.PARTICIPATION,
            "hours-note": "Timesheet",
        },
    )
    assert response.status_code == 302
    assert response.url == page_url(world, LAST_MONTH)
    entry = HoursEntry.objects.get()
    assert (entry.day, entry.hours, entry.note, entry.verification) == (
        LAST_MONTH,
        Decimal("3.5"),
        "Timesheet",
        HoursEntry.Verification.VERIFIED,
    )
    assert MonthResult.objects.get(participant=world.case, month=LAST_MONTH).countable_hours == 3.5


def test_posting_the_plan_form_saves_the_schedule(world, client_for, job):
    response = client_for(world.coach).post(
        page_url(world, LAST_MONTH),
        {
            "plan-activity": job.pk,
            "plan-starts_on": TODAY.isoformat(),
            "plan-ends_on": "",
            "plan-hours_per_week": "20",
            "plan-weekdays": ["0", "1", "2"],
        },
    )
    assert response.status_code == 302
    assert response.url == page_url(world, LAST_MONTH)
    plan = ActivityPlan.objects.get(participant=world.case)
    assert (plan.activity, plan.hours_per_week, plan.days, plan.ends_on) == (
        job,
        Decimal("20"),
        [0, 1, 2],
        None,
    )
    page = client_for(world.coach).get(page_url(world)).content.decode()
    assert "Completed today" in page and "Left today" in page


def test_ending_a_plan_says_how_it_ended_with_the_button_pressed(world, client_for, job):
    coach = client_for(world.coach)
    made = []
    for _button in range(3):
        made.append(
            actions.add_plan(
                Actor(world.coach),
                world.case,
                actions.Plan(job, TODAY - timedelta(days=30), Decimal("20"), (0, 1, 2)),
            )
        )
    for plan, outcome in zip(made, ("completed", "left", "finished"), strict=True):
        url = reverse("participation:end_plan", args=[plan.uuid])
        data = {"version": plan.version, "ends_on": TODAY.isoformat(), "outcome": outcome}
        assert coach.post(url, data).status_code == 302
    ended = {plan.pk: plan for plan in ActivityPlan.objects.all()}
    assert [(ended[plan.pk].ends_on, ended[plan.pk].outcome) for plan in made] == [
        (TODAY, ActivityPlan.Outcome.COMPLETED),
        (TODAY, ActivityPlan.Outcome.LEFT),
        (None, ""),  # not one of the two answers: refused, nothing saved
    ]
    event = AuditEvent.objects.get(record_id=made[0].uuid, action=AuditEvent.Action.CHANGE)
    assert event.fields == ["ends_on", "outcome"]
    page = coach.get(page_url(world)).content.decode()
    assert "(completed)" in page and "(left before the end)" in page


def test_a_refused_post_shows_the_error_next_to_its_field(world, client_for, job):
    coach = client_for(world.coach)
    future = coach.post(
        page_url(world),
        {
            "hours-activity": job.pk,
            "hours-day": (TODAY + timedelta(days=1)).isoformat(),
            "hours-hours": "2",
            "hours-kind": HoursEntry.Kind.PARTICIPATION,
        },
    )
    assert future.status_code == 200
    assert (
        '<span class="usa-error-message" id="id_hours-day-error" role="alert">'
        "Enter hours for today or a day before it.</span>"
    ) in future.content.decode()
    too_many = coach.post(
        page_url(world),
        {
            "hours-activity": job.pk,
            "hours-day": TODAY.isoformat(),
            "hours-hours": "25",
            "hours-kind": HoursEntry.Kind.PARTICIPATION,
        },
    )
    assert too_many.status_code == 200 and list(too_many.context["hours_form"].errors) == ["hours"]
    backwards = coach.post(
        page_url(world),
        {
            "plan-activity": job.pk,
            "plan-starts_on": TODAY.isoformat(),
            "plan-ends_on": (TODAY - timedelta(days=7)).isoformat(),
            "plan-hours_per_week": "20",
            "plan-weekdays": ["0"],
        },
    )
    assert backwards.status_code == 200
    assert backwards.context["plan_form"].errors == {
        "ends_on": ["The end can't be before the start."]
    }
    assert 'id="id_plan-ends_on-error"' in backwards.content.decode()
    assert not HoursEntry.objects.exists() and not ActivityPlan.objects.exists()


def test_hours_are_verified_and_removed_and_a_stale_version_says_so(world, client_for, job):
    entry = hours(world, job, amount="5", by=world.participant_user)
    coach = client_for(world.coach)
    verify = reverse("participation:verify", args=[entry.uuid])
    remove = reverse("participation:remove", args=[entry.uuid])

    done = coach.post(verify, {"version": 1, "verification": "verified"})
    assert done.status_code == 302 and done.url == page_url(world, THIS_MONTH)
    entry.refresh_from_db()
    assert (entry.verification, entry.verified_by, entry.version) == ("verified", world.coach, 2)
    assert MonthResult.objects.get(participant=world.case, month=THIS_MONTH).countable_hours == 5

    stale = coach.post(remove, {"version": 1}, follow=True)
    assert "Someone else saved changes to this record" in stale.content.decode()
    assert HoursEntry.objects.filter(pk=entry.pk).exists()
    stale_verify = coach.post(verify, {"version": 1, "verification": "not_verified"}, follow=True)
    assert "Someone else saved changes to this record" in stale_verify.content.decode()
    entry.refresh_from_db()
    assert entry.verification == "verified"

    removed = coach.post(remove, {"version": 2}, follow=True)
    assert "Hours removed and the month counted again." in removed.content.decode()
    assert not HoursEntry.objects.exists()
    assert AuditEvent.objects.filter(
        action="delete", record_type="HoursEntry", participant=world.case.uuid
    ).exists()
    # Someone outside the caseload finds nothing to change.
    other = hours(world, job, amount="1")
    outsider = client_for(world.other_county_coach)
    elsewhere = outsider.post(reverse("participation:remove", args=[other.uuid]), {"version": 1})
    assert elsewhere.status_code == 404


def test_a_state_administrator_reads_but_cannot_change(world, client_for, job):
    entry = hours(world, job, amount="5", by=world.participant_user)
    state = client_for(world.state_admin)
    page = state.get(page_url(world))
    assert page.status_code == 200
    assert page.context["hours_form"] is None and page.context["plan_form"] is None
    assert "Save hours" not in page.content.decode()
    add = {"hours-activity": job.pk, "hours-day": TODAY.isoformat(), "hours-hours": "2"}
    assert state.post(page_url(world), add).status_code == 403
    assert state.post(page_url(world), {"plan-activity": job.pk}).status_code == 403
    verify = reverse("participation:verify", args=[entry.uuid])
    assert state.post(verify, {"version": 1, "verification": "verified"}).status_code == 403
    remove = reverse("participation:remove", args=[entry.uuid])
    assert state.post(remove, {"version": 1}).status_code == 403
    entry.refresh_from_db()
    assert (entry.version, HoursEntry.objects.count()) == (1, 1)
    time_on_aid = reverse("participation:time_on_aid", args=[world.case.uuid])
    assert state.get(time_on_aid).status_code == 200


def test_the_page_costs_the_same_queries_for_two_entries_or_forty(world, client_for, job):
    def count() -> int:
        coach = client_for(world.coach)
        with CaptureQueriesContext(connection) as captured:
            assert coach.get(page_url(world)).status_code == 200
        return len(data_queries(captured))

    actions.add_plan(
        Actor(world.coach), world.case, actions.Plan(job, TODAY, Decimal("10"), (0, 1))
    )
    hours(world, job, amount="0.5")
    hours(world, job, amount="0.5", by=world.participant_user)
    two = count()
    for number in range(38):
        hours(world, job, amount="0.5", by=world.participant_user if number % 2 else None)
    assert HoursEntry.objects.count() == 40
    assert count() == two == 11


def test_every_page_of_a_participant_records_a_view(world, client_for, job):
    coach = client_for(world.coach)
    coach.get(page_url(world))
    assert views_of(world.case) == 1
    coach.get(reverse("participation:time_on_aid", args=[world.case.uuid]))
    assert views_of(world.case) == 2
    # A refused post shows the page again, which is a view too.
    coach.post(page_url(world), {"hours-activity": job.pk, "hours-day": "", "hours-hours": "1"})
    assert views_of(world.case) == 3
    event = AuditEvent.objects.filter(action="view").latest("pk")
    assert (event.actor, event.channel, event.record_id) == (world.coach, "web", world.case.uuid)
    # Someone who cannot see the case gets a 404, and nothing is recorded.
    assert client_for(world.other_county_coach).get(page_url(world)).status_code == 404
    assert views_of(world.case) == 3


# Time on aid


def test_time_on_aid_lists_the_months_and_a_month_takes_a_reason_with_a_note(world, client_for):
    actions.record_months_on_aid(world.case, TODAY)
    on_aid = AidMonth.objects.filter(participant=world.case).count()
    coach = client_for(world.coach)
    url = reverse("participation:time_on_aid", args=[world.case.uuid])
    response = coach.get(url)
    assert response.status_code == 200
    months = [month.month for month in response.context["page"].object_list]
    assert months[0] == THIS_MONTH and len(months) == min(on_aid, 24)
    page = response.content.decode()
    assert "January 2025" in page or on_aid > 24
    assert f"{on_aid} months used of 60" in page

    last_month = AidMonth.objects.get(participant=world.case, month=LAST_MONTH)
    edit = reverse("participation:aid_month", args=[last_month.uuid])
    assert edit in page
    form = coach.get(edit)
    assert form.status_code == 200 and form.context["form"].initial["version"] == 1

    without_note = coach.post(
        edit, {"version": 1, "exemption": "disability", "work_status": "required", "note": ""}
    )
    assert without_note.status_code == 200
    assert list(without_note.context["form"].errors) == ["note"]
    assert 'id="id_note-error"' in without_note.content.decode()

    saved = coach.post(
        edit,
        {
            "version": 1,
            "exemption": "disability",
            "work_status": "required",
            "note": "Doctor's letter on file",
        },
    )
    assert saved.status_code == 302 and saved.url == url
    last_month.refresh_from_db()
    assert (last_month.exemption, last_month.note, last_month.version) == (
        "disability",
        "Doctor's letter on file",
        2,
    )
    event = AuditEvent.objects.get(action="change", record_type="AidMonth")
    assert (event.participant, event.fields) == (world.case.uuid, ["exemption", "note"])
    after = coach.get(url).content.decode()
    assert "No: A disability that limits work, verified by a doctor" in after
    assert f"{on_aid - 1} months used of 60" in after
    assert "1 month on aid did not count." in after

    stale = coach.post(
        edit, {"version": 1, "exemption": "", "work_status": "required", "note": "Undo"}
    )
    assert stale.status_code == 200
    assert "Someone else saved changes" in stale.content.decode()


# The report


@pytest.fixture
def report_month(world, job, work_experience):
    """Last month: Maria met the rate, Rosa did not; both on aid, and Kern's Ana is elsewhere."""
    rosa = open_case(
        world.coach, "FR0000002", world.county, world.program, world.coach,
        first_name="Rosa", last_name="Diaz",
    )  # fmt: skip
    for person in (world.case, rosa, world.other_case):
        actions.record_months_on_aid(person, TODAY)
    for day in range(6):
        hours(world, job, day=LAST_MONTH + timedelta(days=day), amount="22")
    hours(world, work_experience, day=LAST_MONTH + timedelta(days=6), amount="11")
    hours(world, job, day=LAST_MONTH, amount="2", person=rosa)
    return rosa


def report_url(world, **extra) -> str:
    query = {"county": world.county.pk, "month": f"{LAST_MONTH:%Y-%m}", **extra}
    return reverse("participation:report") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_report_shows_the_month_rate_for_a_supervisor(world, client_for, report_month):
    supervisor = client_for(world.supervisor)
    opened = supervisor.get(reverse("participation:report")).context  # on the last closed month
    assert opened["form"].cleaned_data["month"] == LAST_MONTH and opened["summary"] is not None
    response = supervisor.get(report_url(world))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.adults, summary.families_in_rate, summary.families_meeting) == (2, 2, 1)
    page = response.content.decode()
    assert "1 of 2 families" in page and "50%" in page
    assert "Download the report items (CSV)" in page


def test_the_report_items_download_one_row_per_adult_on_aid(world, client_for, report_month):
    response = client_for(world.supervisor).get(report_url(world, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"acf199-fresno-county-{LAST_MONTH:%Y-%m}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    columns = list(rows[0])
    assert columns[:5] == ["reporting_month", "case_number", "first_name", "last_name", "item_44"]
    assert {"item_53A", "item_53B", "item_53C", "item_62", "item_63", "item_64"} <= set(columns)
    assert "item_45" not in columns  # retired
    assert columns[-1] == "item_64"
    assert [row["case_number"] for row in rows] == ["FR0000001", "FR0000002"]
    maria = rows[0]
    assert maria["reporting_month"] == f"{LAST_MONTH:%Y%m}"
    federal_months = AidMonth.objects.filter(participant=world.case, month__lte=LAST_MONTH)
    assert maria["item_44"] == str(federal_months.count())
    # Whole hours a week: 132 / 4.33 = 30.48 and 11 / 4.33 = 2.54, rounded half up.
    assert (maria["item_50"], maria["item_53A"], maria["item_53B"], maria["item_53C"]) == (
        "30",
        "3",
        "0",
        "0",
    )
    assert (maria["item_62"], maria["item_63"], maria["item_64"]) == ("0", "0", "0")
    assert (maria["stride_employment"], maria["stride_work_eligible"]) == ("employed", "adult")
    assert rows[1]["item_50"] == "0"  # 2 hours in the month
    exports = AuditEvent.objects.filter(action="export")
    assert exports.count() == 2
    assert {event.participant for event in exports} == {world.case.uuid, report_month.uuid}
    assert {tuple(event.fields) for event in exports} == {("acf199",)}


def test_a_state_administrator_reports_every_county_at_once(world, client_for, report_month):
    state = client_for(world.state_admin)
    response = state.get(report_url(world, county=""))
    assert response.status_code == 200
    # Both counties' adults on aid: the first county's two and the other county's one.
    assert response.context["summary"].adults == 3
    download = state.get(report_url(world, county="", format="csv"))
    assert f"acf199-every-county-{LAST_MONTH:%Y-%m}.csv" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 3


def test_the_six_month_history_agrees_with_the_months_rate(world, client_for, report_month, job):
    # Hours for someone with no month on aid are counted (recount_participant), but they are
    # not in the rate: 45 CFR 261.22 counts families receiving assistance.
    not_on_aid = open_case(
        world.coach, "FR0000003", world.county, world.program, world.coach,
        first_name="Luz", last_name="Ortiz",
    )  # fmt: skip
    hours(world, job, day=LAST_MONTH, amount="3", person=not_on_aid)
    summary = client_for(world.supervisor).get(report_url(world)).context["summary"]
    assert (summary.families_in_rate, summary.families_meeting) == (2, 1)
    assert summary.months[-1] == (LAST_MONTH, 2, 1)


def test_the_report_is_not_for_coaches(world, client_for, report_month):
    coach = client_for(world.coach)
    assert coach.get(reverse("participation:report")).status_code == 403
    assert coach.get(report_url(world, format="csv")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
    # Another county's supervisor cannot pick this county.
    kern = client_for(world.other_county_supervisor).get(report_url(world))
    assert kern.status_code == 200 and kern.context["summary"] is None
    assert "county" in kern.context["form"].errors


# The activity catalogue and the rules


def test_a_county_administrator_keeps_the_activity_catalogue(world, client_for):
    admin = client_for(world.county_admin)
    listing = admin.get(reverse("participation:activities"))
    assert listing.status_code == 200 and listing.context["can_edit"]
    assert reverse("participation:activity_new") in listing.content.decode()

    added = admin.post(
        reverse("participation:activity_new"),
        {"name": "Job club", "federal_activity": "job_search", "description": "Tuesdays"},
    )
    assert added.status_code == 302 and added.url == reverse("participation:activities")
    club = Activity.objects.get(name="Job club")
    assert (club.county, club.federal_activity, club.active) == (world.county, "job_search", False)

    twice = admin.post(
        reverse("participation:activity_new"),
        {"name": "job club", "federal_activity": "job_search", "active": "on"},
    )
    assert twice.status_code == 200
    assert list(twice.context["form"].errors) == ["name"]

    edit = reverse("participation:activity_edit", args=[club.uuid])
    assert admin.get(edit).context["form"].initial["version"] == 1
    changed = admin.post(
        edit,
        {
            "version": 1,
            "name": "Job club (mornings)",
            "federal_activity": "job_search",
            "description": "Tuesdays and Thursdays",
            "active": "on",
        },
    )
    assert changed.status_code == 302
    club.refresh_from_db()
    assert (club.name, club.description, club.active, club.version) == (
        "Job club (mornings)",
        "Tuesdays and Thursdays",
        True,
        2,
    )
    event = AuditEvent.objects.filter(record_type="Activity", action="change").get()
    assert event.fields == ["active", "description", "name"]
    page = admin.get(reverse("participation:activities")).content.decode()
    assert "Job club (mornings)" in page and "Job search and job readiness" in page

    # Coaches read the catalogue; only administrators change it.
    coach = client_for(world.coach)
    read = coach.get(reverse("participation:activities"))
    assert read.status_code == 200 and not read.context["can_edit"]
    assert edit not in read.content.decode()
    assert coach.get(reverse("participation:activity_new")).status_code == 403
    assert client_for(world.other_county_admin).get(edit).status_code == 404


def test_the_rules_page_lists_the_clocks_in_force_and_in_history(world, client_for):
    response = client_for(world.coach).get(reverse("participation:rules"))
    assert response.status_code == 200
    in_force = {rule.code: now for rule, now in response.context["clocks"]}
    assert in_force == {
        "federal-60": True,
        "calworks-60": True,
        "calworks-24-wtw": False,
        "calworks-48": False,
    }
    page = response.content.decode()
    for name in (
        "Federal 60-month limit",
        "CalWORKs 60-month limit",
        "CalWORKs 48-month limit (July 2011 to April 2022)",
        "CalWORKs 24-month welfare-to-work clock (January 2013 to April 2022)",
    ):
        assert name in page
    assert "A month in which the federal work requirement was met" in page
    assert "45 CFR 261.31" in page and "Unsubsidized employment" in page
    participant = client_for(world.participant_user)
    assert participant.get(reverse("participation:rules")).status_code == 403


# The participant's own page


def test_the_participant_sees_their_month_and_reports_hours(world, client_for, job):
    hours(world, job, amount="3")
    me = client_for(world.participant_user)
    response = me.get(reverse("portal:hours"))
    assert response.status_code == 200
    assert (response.context["person"], response.context["month"]) == (world.case, THIS_MONTH)
    page = response.content.decode()
    assert "My hours" in page and "hours a week on average" in page and "Paid job" in page
    assert views_of(world.case) == 1
    assert 'name="kind"' not in page  # the participant reports hours taken part

    sent = me.post(
        reverse("portal:hours"),
        {"activity": job.pk, "day": TODAY.isoformat(), "hours": "2.5", "note": "Extra shift"},
    )
    # Back to the month the hours belong to.
    assert sent.status_code == 302 and sent.url == f"{reverse('portal:hours')}?month={TODAY:%Y-%m}"
    entry = HoursEntry.objects.get(note="Extra shift")
    assert (entry.verification, entry.entered_by, entry.kind) == (
        HoursEntry.Verification.REPORTED,
        world.participant_user,
        HoursEntry.Kind.PARTICIPATION,
    )
    assert AuditEvent.objects.filter(
        action="create", record_type="HoursEntry", actor=world.participant_user
    ).exists()
    after = me.get(reverse("portal:hours")).content.decode()
    assert "Thank you. Your coach will check the hours." in after
    assert "Reported, not yet checked" in after

    refused = me.post(
        reverse("portal:hours"),
        {"activity": job.pk, "day": (TODAY + timedelta(days=2)).isoformat(), "hours": "1"},
    )
    assert refused.status_code == 200 and list(refused.context["form"].errors) == ["day"]
    # Staff have no page of their own here.
    assert client_for(world.coach).get(reverse("portal:hours")).status_code == 404


def test_the_participants_page_comes_in_spanish(world, client_for):
    me = client_for(world.participant_user)
    assert '<html lang="en">' in me.get(reverse("portal:hours")).content.decode()
    chosen = me.post(reverse("set_language"), {"language": "es", "next": reverse("portal:hours")})
    assert chosen.status_code == 302
    page = me.get(reverse("portal:hours")).content.decode()
    assert '<html lang="es">' in page


def test_deemed_core_hours_are_explained_in_plain_words(world, client_for, work_experience):
    actions.record_months_on_aid(world.case, TODAY)
    AidMonth.objects.filter(participant=world.case, month=THIS_MONTH).update(
        tanf_grant=Decimal("7.25"), snap_allotment=Decimal("0")
    )  # one hour a month at $7.25
    hours(world, work_experience, amount="5")
    result = MonthResult.objects.get(participant=world.case, month=THIS_MONTH)
    assert "deemed_core" in [reason["code"] for reason in result.reasons]
    response = client_for(world.coach).get(page_url(world))
    sentences = [sentence for sentence, _ in response.context["reasons"]]
    assert "deemed_core" not in sentences


def test_the_month_on_aid_keeps_the_familys_grant_and_snap_for_the_minimum_wage_limit(
    world, client_for
):
    actions.record_months_on_aid(world.case, TODAY)
    month = AidMonth.objects.get(participant=world.case, month=THIS_MONTH)
    edit = reverse("participation:aid_month", args=[month.uuid])
    coach = client_for(world.coach)
    page = coach.get(edit).content.decode()
    assert "SNAP allotment" in page and "higher of the federal and the state minimum" in page
    fields = {"version": 1, "work_status": "required", "note": ""}
    no_grant = coach.post(edit, {**fields, "snap_allotment": "290"})
    assert no_grant.status_code == 200
    assert list(no_grant.context["form"].errors) == ["tanf_grant"]
    saved = coach.post(
        edit, {**fields, "tanf_grant": "435.00", "snap_allotment": "290", "state_minimum_wage": ""}
    )
    assert saved.status_code == 302
    month.refresh_from_db()
    assert (month.tanf_grant, month.snap_allotment, month.state_minimum_wage) == (
        Decimal("435.00"),
        Decimal("290.00"),
        None,
    )


def test_hours_the_rules_refuse_are_answered_next_to_the_field(world, client_for):
    retired = Activity.objects.create(
        county=world.county, name="Retired", federal_activity="retired_code"
    )
    response = client_for(world.coach).post(
        page_url(world),
        {
            "hours-activity": retired.pk,
            "hours-day": TODAY.isoformat(),
            "hours-hours": "2",
            "hours-kind": "participation",
        },
    )
    assert response.status_code == 200
    assert "retired_code" in " ".join(response.context["hours_form"].errors["activity"])
    assert not HoursEntry.objects.filter(activity=retired).exists()
