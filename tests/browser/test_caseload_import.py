"""A county administrator brings in the state's caseload extract, in the browser, with axe-core.

They upload a file from a new source, match its columns once, read the dry run,
import it, then settle the two rows that may be families already in Stride.
The import is a task: the test runs what was queued, as the worker would, and the
page, polling, shows the result on its own.
The families the rows point at are made here (`a_new_family`), under names the
demo does not use.
"""

import re

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from stride.people import tasks
from stride.people.models import MatchReview, Participant

from .conftest import a_new_family

pytestmark = pytest.mark.browser


def run_the_queued_caseload_imports() -> None:
    """What a worker on the default queue would do with the caseload's import tasks."""
    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=tasks.import_extract.module_path
    )
    for queued in waiting.order_by("enqueued_at"):
        queued.status = "SUCCESSFUL"
        queued.save(update_fields=["status"])
        arguments = queued.args_kwargs
        tasks.import_extract.call(*arguments["args"], **arguments["kwargs"])


def test_a_county_administrator_maps_a_new_extract_imports_it_and_settles_two_matches(
    site, page: Page, log_in, assert_accessible
):
    first = a_new_family("coach", "Quillfeather", "Ana")
    second = a_new_family("coach", "Ravenscroft", "Luis")
    born = [person.member.birth_date.strftime("%m/%d/%Y") for person in (first, second)]
    start = first.current_enrollment.aid_start.strftime("%Y%m%d")
    extract = "\n".join(
        [
            "Case Number,First,Last,DOB,Enrollment Start,Worker",
            # The same case numbers, the first names spelled otherwise: a supervisor decides.
            f"{first.household.case_number},Anna,Quillfeather,{born[0]},{start},coach",
            f"{second.household.case_number},Luiz,Ravenscroft,{born[1]},{start},coach",
            f"NEWCASE0001,Marisol,Thistlewood,19890612,{start},coach",
        ]
    )

    log_in(page, "county-admin")
    page.goto(f"{site}/caseload/import/")
    assert_accessible(page, "the caseload import")
    form = page.locator("main form").first
    form.get_by_label("Name of a new source").fill("Eligibility system")
    form.get_by_label("Program new cases join").select_option(index=1)
    form.get_by_label("Extract (CSV or Excel .xlsx)").set_input_files(
        {"name": "extract.csv", "mimeType": "text/csv", "buffer": extract.encode()}
    )
    form.get_by_role("button", name="Check the file").click()

    expect(page).to_have_url(re.compile(r"/caseload/import/[0-9a-f-]+/columns/$"))
    assert_accessible(page, "matching the columns")
    mapping = page.locator("main form")
    expect(mapping.get_by_label("State case number")).to_have_value("Case Number")
    mapping.get_by_label("Enrollment start").select_option("Enrollment Start")
    mapping.get_by_label("Coach's user name").select_option("Worker")
    mapping.get_by_role("button", name="Save and check the file").click()

    expect(page).to_have_url(re.compile(r"/caseload/import/[0-9a-f-]+/$"))
    summary = page.locator("main table").first
    expect(summary.get_by_role("row", name="New cases")).to_contain_text("1")
    expect(summary.get_by_role("row", name="Rows for a supervisor to settle")).to_contain_text("2")
    assert_accessible(page, "the dry run")
    page.locator("main form").get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("The import has started")
    run_the_queued_caseload_imports()
    expect(page.locator("main")).to_contain_text("What the import did", timeout=15_000)
    assert Participant.objects.filter(household__case_number="NEWCASE0001").exists()

    page.goto(f"{site}/caseload/import/matches/")
    assert_accessible(page, "the rows waiting for a supervisor")
    for name in ("Anna Quillfeather", "Luiz Ravenscroft"):
        page.locator("main").get_by_role("link", name=re.compile(name)).click()
        expect(page.locator("h1")).to_have_text("Is this the same person?")
        assert_accessible(page, f"settling {name}")
        page.get_by_role("button", name="The same person: update their record").click()
        expect(page).to_have_url(re.compile(r"/caseload/import/matches/$"))
    expect(page.locator("main")).to_contain_text("Nothing is waiting: every row is settled.")
    first.member.refresh_from_db()
    assert first.member.first_name == "Anna"
    assert not MatchReview.objects.filter(status=MatchReview.Status.OPEN).exists()
