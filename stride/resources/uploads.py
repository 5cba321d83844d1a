"""A directory file uploaded: checked, then imported, each as a task so no web request waits.

The upload page keeps the file's bytes and queues `tasks.check_upload`; a
small file is read there first, so one that cannot be read is refused on the
spot (reading takes about a second per megabyte of CSV, so a big file is read
by the task, and a reason it cannot be read is shown on the result page); the result page polls while
the check runs and then shows its summary, kept on the upload as `report`
(the problems by kind with their first rows, the defaults, the good rows and
every row an import of the good rows would skip, for the CSV). Importing
queues `tasks.import_upload`, which checks the file again against the
directory as it is then, so an all-or-nothing import of a file that has
problems is refused and nothing changes.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from stride.core.audit import Actor
from stride.core.models import User

from . import hsds, tasks
from .models import DirectoryImport

Report = dict[str, Any]

# Files up to this size are read in the upload's request, to refuse an unreadable one there.
READ_NOW_UP_TO = 2_000_000


def _kinds(kinds: list[hsds.Summary]) -> list[dict[str, Any]]:
    return [
        {
            "message": kind.message,
            "count": kind.count,
            "first": [{"table": p.table, "row": p.row, "column": p.column} for p in kind.first],
        }
        for kind in kinds
    ]


def _gone(plan: hsds.ImportPlan) -> list[dict[str, str]]:
    """The services no longer in the file, for the page: name, provider and the file's id."""
    return [
        {"name": service.name, "provider": service.provider.name, "id": service.hsds_id}
        for service in plan.gone
    ]


def _gone_elsewhere(plan: hsds.ImportPlan) -> dict[str, list[dict[str, str]]]:
    """The organizations and places no longer in the file, for the page (only listed)."""
    return {
        "gone_providers": [
            {"name": provider.name, "id": provider.hsds_id} for provider in plan.gone_providers
        ],
        "gone_locations": [
            {"name": place.name, "provider": place.provider.name, "id": place.hsds_id}
            for place in plan.gone_locations
        ],
    }


def summary(plan: hsds.ImportPlan, good: hsds.ImportPlan | None) -> Report:
    """What the result page and the CSV need of a check, as JSON."""
    skipped = [*good.skipped, *good.problems] if good is not None else []
    return {
        "version": plan.version,
        "problems": len(plan.problems),
        "problem_rows": len({(p.table, p.row) for p in plan.problems}),  # a row may have two
        "problem_kinds": _kinds(plan.problem_kinds),
        "default_kinds": _kinds(plan.default_kinds),
        "changes_anything": plan.changes_anything,
        "good_ok": good is not None and good.ok,
        "good_rows": good.good_rows if good is not None else 0,
        "skipped_rows": good.skipped_rows if good is not None else 0,
        "skipped": [[p.table, p.row, p.column, p.message] for p in skipped],
        "gone": _gone(plan),
        **_gone_elsewhere(plan),
        "refused": False,
    }


def check(upload: DirectoryImport) -> None:
    """The task's work: check the file, and keep the summary on the upload."""
    try:
        tables = hsds.read_package(bytes(upload.data), upload.filename)
    except hsds.HsdsError as error:  # a big file, not read in its upload's request
        upload.report = {"unreadable": str(error)}
        upload.status = DirectoryImport.Status.FAILED
        upload.save(update_fields=["report", "status"])
        return
    plan = hsds.check(upload.county, tables)
    good = None if plan.ok else hsds.check_good_rows(upload.county, tables, plan)
    upload.report = summary(plan, good)
    upload.problem_count = len(plan.problems)
    upload.counts = plan.counts
    upload.status = DirectoryImport.Status.CHECKED
    upload.save(update_fields=["report", "problem_count", "counts", "status"])


def run_import(
    upload: DirectoryImport, actor: Actor, skip_bad: bool, pause_gone: bool = False
) -> None:
    """The task's work: import the file (or its good rows), or keep why it was refused.

    With pause_gone (the administrator ticked the box), the services no longer
    in the file are paused; without it they stay as they are.
    """
    tables = hsds.read_package(bytes(upload.data), upload.filename)
    try:
        plan = hsds.apply(actor, upload.county, tables, skip_bad, pause_gone)
    except hsds.ImportRefused as refused:
        good = hsds.check_good_rows(upload.county, tables, refused.plan)
        upload.report = summary(refused.plan, good) | {"refused": True}
        upload.problem_count = len(refused.plan.problems)
        upload.status = DirectoryImport.Status.CHECKED
        upload.save(update_fields=["report", "problem_count", "status"])
        return
    upload.report = upload.report | {
        "imported_skipping": plan.skipped_rows,
        "paused": plan.paused,
        "gone": _gone(plan),
        **_gone_elsewhere(plan),
    }
    upload.applied_at = timezone.now()
    upload.counts = plan.counts
    upload.status = DirectoryImport.Status.IMPORTED
    upload.save(update_fields=["report", "applied_at", "counts", "status"])


def queue_check(upload: DirectoryImport) -> None:
    """Queue the check, in the caller's transaction (the tasks' database backend)."""
    upload.status, upload.queued_at = DirectoryImport.Status.CHECKING, timezone.now()
    upload.save(update_fields=["status", "queued_at"])
    tasks.check_upload.enqueue(upload.pk)


def queue_check_if_never_queued(upload: DirectoryImport) -> None:
    """An upload from before checks ran as tasks is checked when its page is opened, once."""
    with transaction.atomic():
        claimed = DirectoryImport.objects.filter(
            pk=upload.pk, status=DirectoryImport.Status.CHECKING, queued_at__isnull=True
        ).update(queued_at=timezone.now())
        if claimed:
            tasks.check_upload.enqueue(upload.pk)
    upload.refresh_from_db(fields=["queued_at"])


def queue_import(
    upload: DirectoryImport, actor: Actor, skip_bad: bool, pause_gone: bool = False
) -> bool:
    """Queue the import once: False when the upload is no longer waiting for one."""
    claimed = DirectoryImport.objects.filter(
        pk=upload.pk, status=DirectoryImport.Status.CHECKED
    ).update(status=DirectoryImport.Status.IMPORTING, queued_at=timezone.now())
    if claimed:
        user = actor.user.pk if isinstance(actor.user, User) else None
        tasks.import_upload.enqueue(
            upload.pk, user, actor.ip_address, actor.channel, skip_bad, pause_gone
        )
    return bool(claimed)
