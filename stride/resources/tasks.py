"""Work for a task worker: checking and importing an uploaded directory file."""

from django_tasks import task

from stride.core.audit import Actor
from stride.core.models import User
from stride.workers import leases

from .models import DirectoryImport

QUEUE = "default"


@task(queue_name=QUEUE)
def check_upload(upload_id: int) -> str:
    from . import uploads  # uploads queues these tasks

    upload = DirectoryImport.objects.select_related("county").get(pk=upload_id)
    if upload.status != DirectoryImport.Status.CHECKING:
        return str(upload.status)  # checked already (a task run again after its worker died)
    try:
        uploads.check(upload)
    except Exception as error:
        _failed(upload_id, error)
        raise
    return str(upload.status)


@task(queue_name=QUEUE)
def import_upload(
    upload_id: int,
    user_id: int | None,
    ip_address: str | None,
    channel: str,
    skip_bad: bool,
    pause_gone: bool = False,
) -> str:
    from . import uploads

    upload = DirectoryImport.objects.select_related("county").get(pk=upload_id)
    if upload.status != DirectoryImport.Status.IMPORTING:
        return str(upload.status)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        uploads.run_import(upload, Actor(user, ip_address, channel), skip_bad, pause_gone)
    except Exception as error:
        _failed(upload_id, error)
        raise
    return str(upload.status)


def _failed(upload_id: int, error: Exception) -> None:
    DirectoryImport.objects.filter(pk=upload_id).update(
        status=DirectoryImport.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
    )


@leases.when_lost(check_upload)
def check_lost(upload_id: int) -> None:
    """The worker died checking this file, as many times as it may: the page says so."""
    DirectoryImport.objects.filter(pk=upload_id, status=DirectoryImport.Status.CHECKING).update(
        status=DirectoryImport.Status.FAILED, error=f"{leases.LOST}: the worker stopped."
    )


@leases.when_lost(import_upload)
def import_lost(
    upload_id: int,
    user_id: int | None,
    ip_address: str | None,
    channel: str,
    skip_bad: bool,
    pause_gone: bool = False,
) -> None:
    """The import runs in one transaction, so a worker that died changed nothing."""
    DirectoryImport.objects.filter(pk=upload_id, status=DirectoryImport.Status.IMPORTING).update(
        status=DirectoryImport.Status.FAILED, error=f"{leases.LOST}: the worker stopped."
    )
