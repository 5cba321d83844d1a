"""A county administrator brings in their 211's HSDS 1.x file, as issue 23 walks it.

The check names the row to fix, the good rows come in without it, and the
service whose kind the crosswalk cannot place waits in "Services to sort"
until the administrator chooses its kind. The check and the import are
tasks: the test runs what was queued, as the worker would, and the page
picks the result up on its own.
"""

import io
import zipfile

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from stride.resources import tasks
from stride.resources.models import Service

pytestmark = pytest.mark.browser

ORGANIZATIONS = "id,name,email\nbi-org,Valley Hope Center,hello@valleyhope.example.org\n"
SERVICES = (
    "id,organization_id,name,status,email\n"
    "bi-pantry,bi-org,Valley Hope Pantry,active,food@valleyhope.example.org\n"
    "bi-choir,bi-org,Valley Hope Choir,active,\n"
    "bi-clinic,bi-org,Valley Hope Clinic,active,clinic at valleyhope\n"
)
TAXONOMY = (
    "id,name,parent_id,vocabulary\n"
    "BD-1800.2000,Food Pantries,BD-1800,AIRS\n"
    "bi-arts,Arts and Culture,,local\n"
)
SERVICES_TAXONOMY = (
    "id,service_id,taxonomy_id\nbi-st1,bi-pantry,BD-1800.2000\nbi-st2,bi-choir,bi-arts\n"
)


def a_211_file() -> bytes:
    """HSDS 1.x (services_taxonomy, a taxonomy.csv with AIRS codes), one email written wrong."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("organizations.csv", ORGANIZATIONS)
        archive.writestr("services.csv", SERVICES)
        archive.writestr("taxonomy.csv", TAXONOMY)
        archive.writestr("services_taxonomy.csv", SERVICES_TAXONOMY)
    return buffer.getvalue()


def run_the_queued_directory_tasks() -> None:
    """What a worker on the default queue would do with the directory's tasks."""
    ours = {task.module_path: task for task in (tasks.check_upload, tasks.import_upload)}
    waiting = DBTaskResult.objects.filter(status="READY", task_path__in=ours)
    for queued in waiting.order_by("enqueued_at"):
        queued.status = "SUCCESSFUL"
        queued.save(update_fields=["status"])
        arguments = queued.args_kwargs
        ours[queued.task_path].call(*arguments["args"], **arguments["kwargs"])


def test_a_county_administrator_imports_the_good_rows_and_sorts_the_rest(
    site, page, log_in, assert_accessible
):
    log_in(page, "county-admin")
    page.goto(f"{site}/resources/import/")
    page.locator("main input[type=file]").set_input_files(
        {"name": "valley-211.zip", "mimeType": "application/zip", "buffer": a_211_file()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("valley-211.zip")

    run_the_queued_directory_tasks()  # the check; the page sees it done and shows it
    main = page.locator("main")
    expect(main.get_by_role("heading", name="What to fix")).to_be_visible(timeout=15_000)
    expect(main).to_contain_text("Enter an email address")
    fix = main.locator("table").filter(has_text="Column").first
    expect(fix.locator("tbody tr")).to_have_count(1)
    expect(fix.locator("tbody tr")).to_contain_text("services")
    expect(fix.locator("tbody tr")).to_contain_text("email")
    assert_accessible(page, "the checked 211 file")

    page.get_by_role("button", name="Import the").click()
    run_the_queued_directory_tasks()  # the import of the good rows
    expect(main).to_contain_text("1 row was left out", timeout=15_000)
    assert not Service.objects.filter(hsds_id="bi-clinic").exists()
    assert Service.objects.get(hsds_id="bi-pantry").category == "food"
    assert_accessible(page, "the imported 211 file")

    page.goto(f"{site}/resources/to-sort/")
    card = main.locator("li.stride-card").filter(has_text="Valley Hope Choir")
    expect(card).to_contain_text("The file calls it: bi-arts Arts and Culture")
    assert_accessible(page, "services to sort")
    card.locator("select").select_option("parenting")
    card.get_by_role("button", name="Place it").click()
    expect(main.locator("li.stride-card").filter(has_text="Valley Hope Choir")).to_have_count(0)
    assert Service.objects.get(hsds_id="bi-choir").category == "parenting"
