"""Work for a task worker: importing a caseload extract (people/importing.py queues it)."""

from django_tasks import task

from stride.core.audit import Actor
from stride.core.models import User
from stride.workers import leases

from .models import CaseloadExtract

QUEUE = "default"


@task(queue_name=QUEUE)
def import_extract(
    extract_id: int, user_id: int | None, ip_address: str | None, channel: str, good_only: bool
) -> str:
    from . import importing  # importing queues this task

    extract = CaseloadExtract.objects.select_related("source__county", "source__program").get(
        pk=extract_id
    )
    if extract.status != CaseloadExtract.Status.IMPORTING:
        return str(extract.status)  # done already (a task run again after its worker died)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        importing.run_import(extract, Actor(user, ip_address, channel), good_only)
    except Exception as error:
        importing.failed(extract_id, error)
        raise
    extract.refresh_from_db(fields=["status"])
    return str(extract.status)


@leases.when_lost(import_extract)
def import_lost(
    extract_id: int, user_id: int | None, ip_address: str | None, channel: str, good_only: bool
) -> None:
    """The import is one transaction, so a worker that died imported nothing."""
    from . import importing

    importing.failed(extract_id, f"{leases.LOST}: the worker stopped.")
