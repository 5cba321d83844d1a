"""A task for the lease tests: what it does does not matter, only that a worker claims it."""

from django_tasks import task

from stride.workers import leases

heard: list[str] = []


@task()
def remember(text: str) -> str:
    return text


@leases.when_lost(remember)
def remember_lost(text: str) -> None:
    heard.append(text)
