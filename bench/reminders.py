"""Reminders sent by real worker processes to a local fake provider: none lost, none twice.

Run from the project root against an already migrated database (DATABASE_URL;
PostgreSQL for figures worth comparing; `bench/run reminders` does both):

    .venv/bin/python bench/reminders.py [--messages 100000] [--window 3600] [--workers 2]

It builds a county whose families agreed to texts (through the real action
functions), then makes two runs of N step reminders each, due one after another
within the window (N/window a second, from a few seconds after the workers
start). Each message is written as the scheduler writes it, with its task queued
for its due time through django-tasks' database backend. Then `--workers` real
`manage.py task_worker` processes send them through `reminders.sending` to a
fake provider: a small HTTP server in this process that keeps every message by
its idempotency key, as a real provider promises, and counts each key it is
handed more than once.

1. plain: the workers send everything;
2. killed: the same, and when half the messages have reached the provider one
   worker is killed with SIGKILL. Its task and its message are taken up by the
   other worker once their lease (--lease seconds) has run out.

Each run reports: messages sent and how many the provider holds (lost: queued but
never at the provider; twice: keys handed over more than once, and the texts a
phone would have got twice, which the provider's key prevents), throughput (sent
a second, from the first due time to the last send), and the lag of each send
behind its due time (p50, p95, max).
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


class BenchSms:
    """The SMS backend the workers load (STRIDE_SMS_BACKEND): hands each text to the fake
    provider at BENCH_PROVIDER_URL over one kept-alive connection per process."""

    _connection: http.client.HTTPConnection | None = None

    def send(self, outgoing) -> str:
        from stride.reminders.channels import ProviderError

        address = urlsplit(os.environ["BENCH_PROVIDER_URL"])
        body = json.dumps({"key": outgoing.key, "to": outgoing.to}).encode()
        for attempt in (1, 2):
            if BenchSms._connection is None:
                BenchSms._connection = http.client.HTTPConnection(
                    address.hostname, address.port, timeout=10
                )
            try:
                BenchSms._connection.request(
                    "POST", "/messages", body, {"Content-Type": "application/json"}
                )
                answer = BenchSms._connection.getresponse()
                return json.loads(answer.read())["id"]
            except (OSError, http.client.HTTPException) as error:
                BenchSms._connection = None
                if attempt == 2:
                    raise ProviderError(f"bench provider: {type(error).__name__}") from error
        raise AssertionError("unreachable")


class Provider:
    """Keeps one message per idempotency key; counts what it was handed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def take(self, key: str) -> str:
        with self.lock:
            self.calls[key] = self.calls.get(key, 0) + 1
            self.first_seen.setdefault(key, time.time())
        return f"BENCH{key.replace('-', '')[:28]}"

    def held(self) -> int:
        with self.lock:
            return len(self.first_seen)

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept alive: one connection per worker

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                key = json.loads(self.rfile.read(length))["key"]
                answer = json.dumps({"id": provider.take(key)}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
    import django

    django.setup()


def build_county(families: int):
    """A county whose families each agreed to texts, never in quiet hours (the run is timed)."""
    from datetime import time as clock_time

    from django.utils import timezone

    from stride.coaching import actions as coaching
    from stride.core.audit import Actor
    from stride.core.models import Organisation, Role, User
    from stride.people import actions as people
    from stride.people.models import Member, Program
    from stride.reminders import actions
    from stride.reminders.models import Consent, CountySettings

    def org(name: str, kind: str, parent: Organisation | None) -> Organisation:
        made = Organisation(name=name, kind=kind, parent=parent)
        made.save()
        return made

    agency = org("Bench reminders agency", Organisation.Kind.AGENCY, None)
    county = org("Bench reminders county", Organisation.Kind.COUNTY, agency)
    team = org("Bench reminders team", Organisation.Kind.TEAM, county)
    CountySettings.objects.create(
        county=county, quiet_from=clock_time(0), quiet_until=clock_time(0)
    )
    program = Program.objects.create(code="bench-reminders", name="Bench", agency=agency)
    coach = User.objects.create(
        username="bench-reminders-coach", role=Role.COACH, organisation=team
    )
    today = timezone.localdate()
    goals = []
    for n in range(families):
        case = people.open_case(
            Actor(coach),
            case_number=f"BR{n:07}",
            county=county,
            person=people.PersonDetails(
                "Rosa",
                f"Bench{n}",
                today.replace(year=today.year - 30, day=1),
                Member.Relationship.HEAD,
            ),  # fmt: skip
            program=program,
            aid_start=today.replace(day=1),
            coach=coach,
        )
        phone = f"559{n // 10000 % 10}{n:06d}"[-10:]
        actions.give_consent(Actor(coach), case, "sms", phone, Consent.How.IN_PERSON)
        goals.append(
            coaching.set_goal(Actor(coach), case, coaching.GoalDetails("Finish my GED", "learning"))
        )
    return goals


def queue_reminders(goals, count: int, first_due, window: float) -> None:
    """`count` step reminders, written as reminders/scheduling.py writes them (the message and
    its task at the due time), in bulk so the run starts soon."""
    from django.db import transaction
    from django.utils import timezone

    from stride.coaching.models import Step
    from stride.reminders import tasks, wording
    from stride.reminders.models import Consent, Message

    consents = {c.participant_id: c for c in Consent.objects.filter(revoked_at__isnull=True)}
    due_on = timezone.localdate() + timedelta(days=1)
    steps = Step.objects.bulk_create(
        [
            Step(
                goal=goals[n % len(goals)],
                what=f"Call the adult school ({n})",
                due_on=due_on,
                wants_reminder=True,
                position=n // len(goals),
            )
            for n in range(count)
        ],  # fmt: skip
        batch_size=5000,
    )
    step_gap = window / count if count else 0
    with transaction.atomic():
        messages = Message.objects.bulk_create(
            [
                Message(
                    participant_id=step.goal.participant_id,
                    channel="sms",
                    address=consents[step.goal.participant_id].address,
                    language="en",
                    body=wording.step_reminder(step.what, due_on, "en"),
                    about=Message.About.STEP,
                    about_id=step.uuid,
                    due_at=first_due + timedelta(seconds=n * step_gap),
                    next_try_at=first_due + timedelta(seconds=n * step_gap),
                )
                for n, step in enumerate(steps)
            ],
            batch_size=5000,
        )
        for message in messages:
            tasks.send_at(message.pk, message.due_at)


def run_once(args, goals, kill: bool, provider_url: str, provider: Provider) -> dict:
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from stride.reminders.models import Message

    Message.objects.all().delete()
    DBTaskResult.objects.all().delete()
    started_writing = time.monotonic()
    planned = timezone.now()
    queue_reminders(goals, args.messages, planned, args.window)
    writing = time.monotonic() - started_writing
    # Written: the first is due --lead seconds from now, while the workers start.
    shift = timezone.now() + timedelta(seconds=args.lead) - planned
    Message.objects.update(due_at=F("due_at") + shift, next_try_at=F("next_try_at") + shift)
    DBTaskResult.objects.update(run_after=F("run_after") + shift)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")

    env = os.environ | {
        "STRIDE_SMS_BACKEND": "bench.reminders.BenchSms",
        "BENCH_PROVIDER_URL": provider_url,
        "STRIDE_TASK_LEASE_SECONDS": str(args.lease),
        "DJANGO_SETTINGS_MODULE": "stride.settings",
        "PYTHONPATH": str(ROOT),
    }
    worker = [sys.executable, "manage.py", "task_worker", "--queue-name", "default"]
    workers = [
        subprocess.Popen(  # noqa: S603 (this script, our own arguments)
            [*worker, "--interval", "0.1", "--worker-id", f"bench-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for n in range(args.workers)
    ]
    killed_at = None
    held_when_killed = 0
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            time.sleep(0.25)
            if kill and killed_at is None and provider.held() >= args.messages // 2:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait(timeout=10)
                killed_at = timezone.now()
                held_when_killed = Message.objects.filter(status="sending").count()
            if all(worker.poll() is not None for worker in workers):
                print("Every worker stopped before the run was done.", file=sys.stderr)
                break
            if provider.held() >= args.messages:
                done = Message.objects.exclude(status__in=["queued", "sending"]).count()
                if done >= args.messages:
                    break
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

    rows = list(
        Message.objects.values_list("idempotency_key", "status", "attempts", "due_at", "sent_at")
    )
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row[1]] = statuses.get(row[1], 0) + 1
    keys = {str(row[0]) for row in rows}
    sent = [row for row in rows if row[4] is not None]
    lags = sorted((row[4] - row[3]).total_seconds() for row in sent)
    seconds = (
        (max(row[4] for row in sent) - min(row[3] for row in rows)).total_seconds() if sent else 0
    )
    with provider.lock:
        at_provider = set(provider.first_seen)
        handed_twice = sum(1 for key in keys if provider.calls.get(key, 0) > 1)
        calls = sum(provider.calls.get(key, 0) for key in keys)
    return {
        "run": "one worker killed halfway" if kill else "plain",
        "messages": len(rows),
        "writing_seconds": writing,
        "statuses": statuses,
        "at_provider": len(keys & at_provider),
        "lost": len(keys - at_provider),
        "provider_calls": calls,
        "keys_handed_twice": handed_twice,
        "texts_twice": 0,  # the provider keeps one text per key; a key handed twice is counted above
        "retried": sum(1 for row in rows if row[2] > 1),
        "seconds": seconds,
        "throughput": len(sent) / seconds if seconds else 0.0,
        "lag_p50": statistics.median(lags) if lags else 0.0,
        "lag_p95": lags[int(0.95 * (len(lags) - 1))] if lags else 0.0,
        "lag_max": lags[-1] if lags else 0.0,
        "killed": killed_at is not None,
        "sending_when_killed": held_when_killed,
    }


def report(result: dict, args) -> None:
    print(f"### {result['run']}: {result['messages']:,} reminders, {args.workers} workers")
    print()
    print(f"- written and queued in {result['writing_seconds']:.1f} s; due over {args.window:g} s")
    print(f"- statuses: {', '.join(f'{k} {v:,}' for k, v in sorted(result['statuses'].items()))}")
    print(
        f"- at the provider: {result['at_provider']:,}; lost: {result['lost']}; keys handed "
        f"over more than once: {result['keys_handed_twice']} ({result['provider_calls']:,} calls); "
        f"messages tried more than once: {result['retried']}"
    )
    if result["killed"]:
        print(
            f"- killed with SIGKILL holding {result['sending_when_killed']} message(s) in sending"
        )
    print(
        f"- {result['throughput']:.1f} sent a second over {result['seconds']:.0f} s (first due "
        f"to last sent); lag behind the due time p50 {result['lag_p50']:.1f} s, p95 "
        f"{result['lag_p95']:.1f} s, max {result['lag_max']:.1f} s"
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--window", type=float, default=3600, help="seconds the due times span")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lease", type=int, default=10, help="STRIDE_TASK_LEASE_SECONDS")
    parser.add_argument("--lead", type=float, default=5, help="seconds before the first is due")
    parser.add_argument("--timeout", type=float, default=3 * 3600)
    parser.add_argument("--only", choices=["plain", "killed"], default=None)
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    started = time.monotonic()
    goals = build_county(args.families)
    print(f"## Reminders: {args.messages:,} due within {args.window:g} s ({connection.vendor})")
    print()
    print(
        f"{args.families:,} families with text consent built in {time.monotonic() - started:.0f} s"
    )
    print()
    provider = Provider()
    server, url = provider.serve()
    try:
        for kill in (False, True):
            if args.only and args.only != ("killed" if kill else "plain"):
                continue
            result = run_once(args, goals, kill, url, provider)
            report(result, args)
            sys.stdout.flush()
            provider.first_seen.clear()
            provider.calls.clear()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
