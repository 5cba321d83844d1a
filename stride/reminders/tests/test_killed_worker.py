"""A worker killed (SIGKILL) after the provider accepted a text: the text still goes once.

Real processes on a database file of their own: the first worker hands the text to
the provider and hangs, and is killed; after its lease the next worker finds the
task and the message abandoned, takes them up, and hands the text over again with
the same idempotency key, which the provider answers with the text it already has.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LEASE = 2
SETUP = """
from datetime import time
from django.utils import timezone
from stride.core.audit import Actor
from stride.core.models import Organisation, Role, User
from stride.people import actions as people
from stride.people.models import Member, Program
from stride.coaching import actions as coaching
from stride.reminders import actions
from stride.reminders.models import Consent, CountySettings

def org(name, kind, parent):
    made = Organisation(name=name, kind=kind, parent=parent)
    made.save()
    return made

agency = org("State", Organisation.Kind.AGENCY, None)
county = org("Fresno", Organisation.Kind.COUNTY, agency)
team = org("Team", Organisation.Kind.TEAM, county)
CountySettings.objects.create(county=county, quiet_from=time(0), quiet_until=time(0))
program = Program.objects.create(code="p", name="p", agency=agency)
coach = User.objects.create_user(username="coach", role=Role.COACH, organisation=team)
today = timezone.localdate()
case = people.open_case(
    Actor(coach), case_number="FR1", county=county,
    person=people.PersonDetails("Rosa", "Diaz", today.replace(year=today.year - 30, day=1),
                                Member.Relationship.HEAD),
    program=program, aid_start=today.replace(day=1), coach=coach,
)
actions.give_consent(Actor(coach), case, "sms", "5595550101", Consent.How.IN_PERSON)
goal = coaching.set_goal(Actor(coach), case, coaching.GoalDetails("Finish my GED", "learning"))
for n in range(STEPS):
    coaching.add_step(Actor(coach), goal, coaching.StepDetails(
        "Call the school" if n == 0 else f"Step {n}", due_on=today, wants_reminder=True))
"""
REPORT = """
from stride.reminders.models import Message
print(list(Message.objects.order_by("pk").values_list("status", "attempts", "provider_id")))
"""


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, timeout=300, **kwargs,
    )  # fmt: skip


def killed_after_the_first_accept(tmp_path, steps: int) -> tuple[list[dict], list[str], str]:
    """A worker that took `steps` reminders hangs after the provider accepted the first and is
    killed; after its lease a new worker runs every task. The texts the provider keeps, every
    key it was handed, and the messages' (status, attempts, provider id)."""
    outbox = tmp_path / "sms.jsonl"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STRIDE_SMS_BACKEND": "stride.reminders.tests.hanging.HangingFileSms",
        "STRIDE_SMS_FILE": str(outbox),
        "STRIDE_TASK_LEASE_SECONDS": str(LEASE),
        "DJANGO_SETTINGS_MODULE": "stride.settings",
    }
    env.pop("STRIDE_TEST_HANG_AFTER_ACCEPT", None)
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", f"STEPS = {steps}\n{SETUP}")

    first = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--queue-name", "default", "--interval", "0.1"],
        cwd=ROOT, env=env | {"STRIDE_TEST_HANG_AFTER_ACCEPT": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (outbox.exists() and outbox.read_text().strip()):
            assert time.monotonic() < deadline, "the first worker never reached the provider"
            assert first.poll() is None, "the first worker stopped on its own"
            time.sleep(0.1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    held = manage(env, "shell", "-c", REPORT).stdout
    assert held.count("('sending', 1, '')") == steps, held  # its whole batch was held

    time.sleep(LEASE + 1)  # the dead worker's lease runs out
    manage(env, "task_worker", "--queue-name", "default", "--batch", "--interval", "0.1")

    texts = [json.loads(line) for line in outbox.read_text().splitlines()]
    calls = Path(f"{outbox}.calls").read_text().split()
    return texts, calls, manage(env, "shell", "-c", REPORT).stdout


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_after_the_provider_accepted_sends_nothing_twice(tmp_path):
    texts, _calls, report = killed_after_the_first_accept(tmp_path, 1)
    assert len(texts) == 1  # the phone got one text
    assert f"('sent', 2, '{texts[0]['id']}')" in report, report


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(tmp_path):
    texts, calls, report = killed_after_the_first_accept(tmp_path, 3)
    keys = [text["key"] for text in texts]
    assert len(keys) == len(set(keys)) == 3  # each reminder reached the phone, once
    # The text in flight when the worker died was handed over again with its own key; the
    # rest of the batch, never handed over before, once after the lease.
    assert calls.count(keys[0]) == 2 and all(calls.count(key) == 1 for key in keys[1:])
    assert len(calls) == 4
    for text in texts:
        assert f"('sent', 2, '{text['id']}')" in report, report
