from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries, open_case
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Review, Step
from stride.coaching.today import today_for
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def a_step(world, due_in_days: int, case=None, coach=None):
    coach = Actor(coach or world.coach)
    goal = actions.set_goal(coach, case or world.case, GoalDetails("Finish my GED", "learning"))
    due = timezone.localdate() + timedelta(days=due_in_days)
    return actions.add_step(coach, goal, StepDetails("Call the adult school", due_on=due))


def test_a_coach_lands_on_today(world, client_for):
    response = client_for(world.coach).get(reverse("home"))
    assert response["Location"] == reverse("staff:today")


def test_todays_appointments_are_listed_and_tomorrows_are_not(world):
    held = timezone.now() - timedelta(days=7)
    later_today = timezone.localtime().replace(hour=23, minute=30)
    actions.record_session(Actor(world.coach), world.case,
                           SessionDetails(held, "phone", 20, next_appointment=later_today))  # fmt: skip
    assert [s.participant for s in today_for(world.coach, timezone.now()).appointments] == [
        world.case
    ]
    tomorrow = timezone.now() + timedelta(days=1)
    assert today_for(world.coach, tomorrow).appointments == []


def test_steps_due_soon_on_open_goals_are_listed(world):
    due = a_step(world, 1)
    a_step(world, 10)  # not yet
    done = a_step(world, -1)
    actions.mark_step(Actor(world.coach), done, 1, Step.Status.DONE)
    reached = a_step(world, 0)
    actions.record_review(
        Actor(world.coach), reached.goal, ReviewDetails("Did it", Review.Decision.ACHIEVED)
    )
    theirs = a_step(world, 0, case=world.other_case, coach=world.other_county_coach)

    today = today_for(world.coach, timezone.now())
    assert today.due_steps == [due] and today.due_steps_total == 1
    assert today_for(world.other_county_coach, timezone.now()).due_steps == [theirs]


def test_a_check_in_is_due_after_the_countys_interval(world):
    assert today_for(world.coach, timezone.now()).quiet == [world.case]  # no contact yet
    ten_days_ago = timezone.now() - timedelta(days=10)
    actions.record_session(
        Actor(world.coach), world.case, SessionDetails(ten_days_ago, "phone", 20)
    )
    assert today_for(world.coach, timezone.now()).quiet == []
    world.county.contact_gap_days = 7
    world.county.save()
    assert today_for(world.coach, timezone.now()).quiet == [world.case]


def test_what_a_participant_changed_shows_until_the_next_contact(world):
    step = a_step(world, 3)
    actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.DONE, "Called!")
    changes = today_for(world.coach, timezone.now()).changes
    assert [(c.participant, c.event.record_type) for c in changes] == [(world.case, "Step")]
    actions.record_session(
        Actor(world.coach), world.case, SessionDetails(timezone.now(), "phone", 15)
    )
    assert today_for(world.coach, timezone.now()).changes == []
    # Another coach never sees it.
    assert today_for(world.coach_same_team, timezone.now()).changes == []


def test_today_makes_the_same_number_of_queries_for_a_bigger_caseload(world, client_for):
    clients = (client_for(world.coach), client_for(world.supervisor))
    made = []

    def grow(count: int) -> int:
        for number in range(len(made), len(made) + count):
            made.append(number)
            case = open_case(world.coach, f"FR10{number:05d}", world.county, world.program,
                             world.coach, first_name=f"Ana{number}", last_name="Ruiz")  # fmt: skip
            step = a_step(world, 0, case=case)
            actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.NOT_DONE)
            held = timezone.now() - timedelta(days=40)
            soon = timezone.localtime().replace(hour=23, minute=50)
            actions.record_session(Actor(world.coach), case,
                                   SessionDetails(held, "video", 30, next_appointment=soon))  # fmt: skip
        counted = []
        for client in clients:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("staff:today")).status_code == 200
            counted.append(len(data_queries(captured)))
        return tuple(counted)

    counts = (grow(1), grow(6))
    assert counts[0] == counts[1], counts
    # session, user, session save; appointments; steps due (with their count); the
    # counties' intervals, overdue check-ins (with their count); participants'
    # changes (with their count) and who made them; participation: the caseload, its months
    # on aid, and hours waiting to be checked; the cliff watch's flags (one query, whatever
    # their number); answers to reminders and reminders that failed (one union query). The
    # supervisor's Today reads the same lists over the team, plus their organisation (the
    # root of the team's subtree).
    assert counts[0] == (14, 15)


# A supervisor's Today is the team's


def test_a_supervisors_today_covers_the_caseloads_of_the_team(world, client_for):
    step = a_step(world, -3)
    today = today_for(world.supervisor, timezone.now())
    assert today.for_team and today.quiet == [world.case] and today.due_steps == [step]
    page = client_for(world.supervisor).get(reverse("staff:today")).content.decode()
    assert "Everyone has been in touch recently." not in page
    assert world.case.member.full_name in page and world.coach.get_full_name() in page


def test_another_countys_supervisor_and_another_coach_do_not_see_the_team(world):
    a_step(world, -3)
    for other in (world.other_county_supervisor, world.coach_same_team):
        today = today_for(other, timezone.now())
        assert world.case not in today.quiet and today.due_steps == []


# The coach's lists: overdue marked, counted, and seen in full


def test_overdue_steps_are_marked_overdue(world, client_for):
    late, soon = a_step(world, -2), a_step(world, 1)
    page = client_for(world.coach).get(reverse("staff:today")).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    late_row = next(row for row in rows if f"#step-{late.uuid}" in row)
    soon_row = next(row for row in rows if f"#step-{soon.uuid}" in row)
    assert "Overdue" in late_row and "Overdue" not in soon_row


def test_each_list_says_how_long_it_is_at_the_top(world, client_for):
    a_step(world, 0)
    a_step(world, 1)
    page = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert 'Steps due <span class="text-normal">(2)</span></h2>' in page
    assert 'Time for a check-in <span class="text-normal">(1)</span></h2>' in page
    assert 'Appointments today <span class="text-normal">(0)</span></h2>' in page
    assert 'Time clocks running low <span class="text-normal">(0)</span></h2>' in page


@pytest.fixture
def short_lists(monkeypatch):
    """Lists cut at two rows and full lists of two a page, so a few steps fill them."""
    monkeypatch.setattr("stride.coaching.today.LIST_LENGTH", 2)
    monkeypatch.setattr("stride.staff.views.FULL_LIST_PAGE", 2)


def test_a_cut_list_links_to_all_of_it_page_by_page(world, client_for, short_lists):
    steps = [a_step(world, days) for days in (-1, 0, 1)]
    client = client_for(world.coach)
    today = client.get(reverse("staff:today"))
    assert today.context["today"].due_steps_total == 3
    full = reverse("staff:today_list", args=["steps"])
    page = today.content.decode()
    assert f'href="{full}"' in page and "See all 3 steps due" in page
    assert "See all" not in page.split("quiet-heading")[1]  # one check-in: not cut
    first, second = client.get(full), client.get(full, {"page": 2})
    assert [s.uuid for s in first.context["items"]] == [steps[0].uuid, steps[1].uuid]
    assert [s.uuid for s in second.context["items"]] == [steps[2].uuid]
    assert "Overdue" in first.content.decode()


def test_the_full_lists_keep_to_the_same_caseload(world, client_for):
    a_step(world, -1)
    for kind in ("steps", "check-ins", "changes"):
        url = reverse("staff:today_list", args=[kind])
        assert client_for(world.coach).get(url).status_code == 200
        other = client_for(world.coach_same_team).get(url)
        assert (
            other.status_code == 200 and world.case.member.full_name not in other.content.decode()
        )
        assert client_for(world.participant_user).get(url).status_code == 403
    supervisor = client_for(world.supervisor).get(reverse("staff:today_list", args=["steps"]))
    assert world.case.member.full_name in supervisor.content.decode()
    assert client_for(world.coach).get("/today/anything/").status_code == 404


def test_the_full_list_of_changes_names_who_changed_what(world, client_for):
    step = a_step(world, 3)
    actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.DONE, "Called!")
    page = client_for(world.coach).get(reverse("staff:today_list", args=["changes"]))
    assert [c.participant for c in page.context["items"]] == [world.case]
