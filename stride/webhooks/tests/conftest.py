"""A local receiver (http.server in a thread) that keeps what it was sent and answers
with the codes a test lines up, and subscriptions made through the real actions."""

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django_tasks_db.models import DBTaskResult

from stride.core.audit import Actor
from stride.core.events import Kind
from stride.webhooks import actions, tasks
from stride.webhooks.models import Delivery, Subscription

ALL_EVENTS = [kind.value for kind in Kind]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # codes to give, in turn; then 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(Received(dict(self.headers.items()), self.rfile.read(length)))
            if state.delay:
                time.sleep(state.delay)
            code = state.answers.pop(0) if state.answers else 200
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/stride"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def subscribe(
    who, url: str = "https://example.org/hooks", events=None, county="own", **more
) -> Subscription:
    """A subscription made by `who` (their county's unless `county` is given)."""
    if county == "own":
        county = who.organisation.county()
    return actions.create_subscription(
        Actor(who),
        actions.SubscriptionDetails(
            name="Eligibility system",
            url=url,
            events=list(events or ALL_EVENTS),
            county=county,
            **more,
        ),
    )


def queued(delivery: Delivery) -> list:
    """The run_after of each task queued for this delivery."""
    return sorted(
        row.run_after
        for row in DBTaskResult.objects.filter(task_path=tasks.send_delivery.module_path)
        if row.args_kwargs["args"] == [delivery.pk]
    )
