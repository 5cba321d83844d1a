"""What one person can queue for the benefits worker, and how long a page asks for it.

Every what-if in the address of the calculator (or of /me/benefits/) is a GET that can
queue seconds of PolicyEngine work: the same what-if is one curve however often it is
asked for, and one person has at most WAITING_PER_PERSON curves waiting at once."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stride.benefits import engine, queueing
from stride.benefits.models import Curve, EngineState

from .test_pages import calculator_url, family, ready  # noqa: F401 (family: the fixture)

pytestmark = pytest.mark.django_db

COMPUTE = "stride.benefits.tasks.compute_curve"
BUSY = "You already have 3 pictures being worked out."


def curve_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=COMPUTE).count()


def test_five_what_ifs_queue_no_more_than_three_curves(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    client = client_for(world.coach)
    pages = []
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (20, 25, 32, 36, 40):
            pages.append(client.get(calculator_url(family, weekly_hours=hours)))
    assert curve_tasks() == queueing.WAITING_PER_PERSON == 3
    assert Curve.objects.filter(requested_by=world.coach).count() == 3
    for page in pages[:3]:
        assert page.context["curve"] is not None and BUSY not in page.content.decode()
    for page in pages[3:]:
        text = page.content.decode()
        assert page.context["curve"] is None and BUSY in text
        assert "hx-get" not in text  # nothing to ask about: the page does not poll
        assert "Check again" in text


def test_the_same_what_if_asked_twice_queues_one_curve(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    client = client_for(world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(calculator_url(family, weekly_hours=36)).context["curve"]
        again = client.get(calculator_url(family, weekly_hours=36)).context["curve"]
        client.get(reverse("benefits:curve", args=[family.uuid]) + "?weekly_hours=36")
    assert first.pk == again.pk and curve_tasks() == 1


def test_a_participant_reloading_their_page_queues_one_curve_and_at_most_three(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    me = client_for(world.participant_user)
    url = reverse("benefits:mine")
    with django_capture_on_commit_callbacks(execute=True):
        for _load in range(5):
            me.get(url)
        for hours in (20, 25, 32, 36, 40):
            me.get(f"{url}?weekly_hours={hours}")
    assert curve_tasks() == 3


def test_one_persons_waiting_curves_do_not_hold_up_another(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (20, 25, 32, 36):
            client_for(world.coach).get(calculator_url(family, weekly_hours=hours))
        other = client_for(world.supervisor).get(calculator_url(family, weekly_hours=38))
    assert other.context["curve"] is not None
    assert curve_tasks() == 4


def test_a_finished_curve_makes_room_for_the_next(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    client = client_for(world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (20, 25, 32):
            client.get(calculator_url(family, weekly_hours=hours))
        assert client.get(calculator_url(family, weekly_hours=36)).context["curve"] is None
        ready(Curve.objects.order_by("pk").first())
        assert client.get(calculator_url(family, weekly_hours=36)).context["curve"] is not None
    assert curve_tasks() == 4


def test_a_retry_counts_against_the_same_bound(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    client = client_for(world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        failed = client.get(calculator_url(family)).context["curve"]
        Curve.objects.filter(pk=failed.pk).update(status=Curve.Status.FAILED)
        for hours in (20, 25, 32):
            client.get(calculator_url(family, weekly_hours=hours))
        client.post(reverse("benefits:retry", args=[family.uuid]) + "?")
    failed.refresh_from_db()
    assert failed.status == Curve.Status.FAILED and curve_tasks() == 4


# How long the page asks


def test_the_page_asks_again_for_five_minutes_then_stops_and_says_so(
    world,
    family,  # noqa: F811
    client_for,
):
    client = client_for(world.coach)
    part = reverse("benefits:curve", args=[family.uuid])
    asked = timezone.now()
    with time_machine.travel(asked, tick=False) as clock:
        client.get(calculator_url(family))
        clock.shift(queueing.POLL_FOR - timedelta(seconds=1))
        polling = client.get(part, headers={"Stride-Poll": "true"}).content.decode()
        clock.shift(timedelta(seconds=2))
        stopped = client.get(part, headers={"Stride-Poll": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in polling
    assert """hx-headers='{"Stride-Poll": "true"}'""" in polling  # polls are not activity
    assert "hx-trigger" not in stopped and 'aria-busy="true"' not in stopped
    assert "The calculator is not running right now" in stopped  # no worker has said hello
    assert 'href="?"' in stopped and "Check again" in stopped


def test_with_the_calculator_running_a_page_that_stopped_asking_says_it_is_slow(
    world,
    family,  # noqa: F811
    client_for,
):
    EngineState.objects.create(
        status=EngineState.Status.WARM,
        engine_version=engine.engine_version(),
        pid=4242,
        started_at=timezone.now(),
    )
    client = client_for(world.coach)
    client.get(calculator_url(family))
    with time_machine.travel(timezone.now() + queueing.POLL_FOR + timedelta(seconds=1)):
        page = client.get(calculator_url(family)).content.decode()
    assert "This picture is taking longer than it should." in page
    assert "hx-trigger" not in page and "Check again" in page


# Trying again


def test_a_participant_can_ask_again_for_their_own_failed_picture(
    world,
    family,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    me = client_for(world.participant_user)
    with django_capture_on_commit_callbacks(execute=True):
        curve = me.get(reverse("benefits:mine")).context["curve"]
    Curve.objects.filter(pk=curve.pk).update(status=Curve.Status.FAILED)
    page = me.get(reverse("benefits:mine")).content.decode()
    retry = reverse("benefits:retry", args=[family.uuid])
    assert "The calculator could not work out this picture." in page and retry in page
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post(retry + "?")
    assert response.status_code == 302 and response["Location"] == reverse("benefits:mine") + "?"
    curve.refresh_from_db()
    assert curve.status == Curve.Status.PENDING and curve_tasks() == 2
    # Only their own: another family's picture is not found.
    assert me.post(reverse("benefits:retry", args=[world.other_case.uuid])).status_code == 404
