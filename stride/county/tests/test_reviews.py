"""Reviews of practice: fidelity reviews of programs and coaches, skills reviews of coaches."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries, make_org, make_user
from stride.coaching import actions as coaching
from stride.coaching.models import Goal
from stride.core import access
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent, Organisation, Role
from stride.county import actions, reviews
from stride.county.models import PracticeReview
from stride.county.rubrics import versions

pytestmark = pytest.mark.django_db

FIDELITY = versions("fidelity").latest()
SKILLS = versions("skills_matrix").latest()


def details(rubric, level, on=None, **overrides):
    return actions.ObservationDetails(
        observer_name="Rosa Vega",
        observer_role="supervisor",
        observed_on=on or timezone.localdate(),
        ratings=dict.fromkeys(rubric.items, level) | overrides,
        notes={next(iter(rubric.items)): "Warm welcome, open questions."},
    )


def fidelity_of(world, level="high", by=None, on=None):
    return actions.write_review(
        Actor(by or world.supervisor),
        PracticeReview.Kind.FIDELITY,
        details(FIDELITY, level, on),
        worker=world.coach,
    )


def skills_of(world, level="steady", by=None, on=None, **overrides):
    return actions.write_review(
        Actor(by or world.supervisor),
        PracticeReview.Kind.SKILLS,
        details(SKILLS, level, on, **overrides),
        worker=world.coach,
    )


def form_data(rubric, level, **extra):
    data = {
        "observer_name": "Rosa Vega",
        "observer_role": "neutral",
        "observed_on": timezone.localdate().isoformat(),
        "summary": "Strong rapport.",
    }
    return data | dict.fromkeys(rubric.items, level) | extra


# Who reviews whom


def test_a_supervisor_reviews_the_coaches_of_their_team_and_office(world):
    office = make_org("North Office", Organisation.Kind.OFFICE, world.county)
    team = make_org("Team North", Organisation.Kind.TEAM, office)
    other_team = make_org("Team North 2", Organisation.Kind.TEAM, office)
    boss = make_user("north_supervisor", Role.SUPERVISOR, team)
    near = make_user("north_coach", Role.COACH, other_team)
    assert set(access.reviewable_workers(boss)) == {near}
    assert set(access.reviewable_workers(world.supervisor)) == {
        world.coach,
        world.coach_same_team,
    }


def test_a_county_administrator_reviews_every_coach_and_program_of_the_county(world):
    office = make_org("North Office", Organisation.Kind.OFFICE, world.county)
    workers = set(access.reviewable_workers(world.county_admin))
    assert {world.coach, world.coach_same_team, world.coach_same_county} <= workers
    assert world.other_county_coach not in workers
    assert set(access.reviewable_programs(world.county_admin)) == {world.county, office}


def test_nobody_else_reviews(world):
    for person in (world.coach, world.state_admin, world.sysadmin, world.participant_user):
        assert not access.reviewable_workers(person).exists()
        assert not access.reviewable_programs(person).exists()
    assert not access.reviewable_programs(world.supervisor).exists()


# Writing a review


def test_a_supervisor_records_a_fidelity_review_from_observation(world, client_for):
    response = client_for(world.supervisor).post(
        reverse("county:worker_review_new", kwargs={"uuid": world.coach.uuid, "kind": "fidelity"}),
        form_data(FIDELITY, "medium", note_clear_goals="Goals named at every meeting."),
    )
    review = PracticeReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("county:review", kwargs={"uuid": review.uuid})
    assert (review.worker, review.county, review.observer_role) == (
        world.coach,
        world.county,
        "neutral",
    )
    assert review.ratings == dict.fromkeys(FIDELITY.items, "medium")
    assert review.notes == {"clear_goals": "Goals named at every meeting."}
    assert review.form_version == FIDELITY.version
    event = AuditEvent.objects.get(action="create", record_id=review.uuid)
    assert event.actor == world.supervisor
    assert "ratings" in event.fields


def test_every_item_needs_a_level_and_says_so_next_to_it(world, client_for):
    data = form_data(FIDELITY, "high")
    del data["clear_goals"]
    data["observed_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(world.supervisor).post(
        reverse("county:worker_review_new", kwargs={"uuid": world.coach.uuid, "kind": "fidelity"}),
        data,
    )
    assert response.status_code == 200
    assert not PracticeReview.objects.exists()
    form = response.context["form"]
    assert form.errors["clear_goals"] == ["Pick the level that fits best."]
    assert 'id="id_clear_goals-error"' in response.content.decode()


def test_a_date_observed_in_the_future_is_refused_next_to_the_date(world):
    with pytest.raises(ValidationError) as refused:
        fidelity_of(world, on=timezone.localdate() + timedelta(days=1))
    assert "observed_on" in refused.value.error_dict


def test_a_supervisor_cannot_review_a_coach_of_another_team(world, client_for):
    url = reverse(
        "county:worker_review_new",
        kwargs={"uuid": world.coach_same_county.uuid, "kind": "fidelity"},
    )
    assert client_for(world.supervisor).get(url).status_code == 404
    with pytest.raises(ValidationError):
        actions.write_review(
            Actor(world.supervisor),
            PracticeReview.Kind.FIDELITY,
            details(FIDELITY, "high"),
            worker=world.coach_same_county,
        )


def test_a_county_administrator_reviews_a_program(world, client_for):
    url = reverse("county:program_review_new", kwargs={"uuid": world.county.uuid})
    response = client_for(world.county_admin).post(url, form_data(FIDELITY, "low"))
    review = PracticeReview.objects.get()
    assert response.status_code == 302
    assert (review.program, review.worker, review.county) == (world.county, None, world.county)
    assert client_for(world.supervisor).get(url).status_code == 404
    history = reverse("county:program_reviews", kwargs={"uuid": world.county.uuid})
    assert client_for(world.county_admin).get(history).status_code == 200
    assert client_for(world.other_county_admin).get(history).status_code == 404


def test_a_skills_review_is_of_a_coach_not_a_program(world):
    with pytest.raises(ValidationError):
        actions.write_review(
            Actor(world.county_admin),
            PracticeReview.Kind.SKILLS,
            details(SKILLS, "steady"),
            program=world.county,
        )


# Reading reviews


def test_a_coach_reads_their_own_reviews(world, client_for):
    review = skills_of(world)
    client = client_for(world.coach)
    assert client.get(reverse("county:review", kwargs={"uuid": review.uuid})).status_code == 200
    mine = client.get(reverse("county:reviews"))
    assert mine.status_code == 200
    assert list(mine.context["reviews"]) == [review]


def test_a_coach_cannot_read_another_coachs_review(world, client_for):
    review = fidelity_of(world)
    client = client_for(world.coach_same_team)
    assert client.get(reverse("county:review", kwargs={"uuid": review.uuid})).status_code == 404
    their_page = reverse("county:worker_reviews", kwargs={"uuid": world.coach.uuid})
    assert client.get(their_page).status_code == 404
    assert client.get(reverse("county:reviews")).context["reviews"] == []


def test_outsiders_get_404_on_a_review(world, client_for):
    review = fidelity_of(world)
    url = reverse("county:review", kwargs={"uuid": review.uuid})
    for person in (
        world.coach_same_county,
        world.other_county_supervisor,
        world.other_county_admin,
        world.state_admin,
    ):
        assert client_for(person).get(url).status_code == 404, person


def test_reading_a_review_of_a_person_is_in_the_audit_trail(world, client_for):
    review = fidelity_of(world)
    client_for(world.coach).get(reverse("county:review", kwargs={"uuid": review.uuid}))
    client_for(world.county_admin).get(
        reverse("county:worker_reviews", kwargs={"uuid": world.coach.uuid})
    )
    client_for(world.supervisor).get(reverse("county:review_edit", kwargs={"uuid": review.uuid}))
    viewers = AuditEvent.objects.filter(action="view", record_id=review.uuid)
    assert sorted(e.actor.username for e in viewers) == ["coach", "county_admin", "supervisor"]


def test_a_coachs_reviews_over_time_are_drawn_with_their_table(world, client_for):
    today = timezone.localdate()
    fidelity_of(world, "low", on=today - timedelta(days=60))
    fidelity_of(world, "high", on=today)
    response = client_for(world.supervisor).get(
        reverse("county:worker_reviews", kwargs={"uuid": world.coach.uuid})
    )
    fidelity = response.context["histories"][0]
    assert [bar.share for bar in fidelity.bars] == [33, 100]  # oldest first
    assert [bar.height for bar in fidelity.bars] == [33, 100]
    assert fidelity.width == reviews.HISTORY_LENGTH * reviews.BAR_STEP  # bars keep one size
    assert [level.value for level in fidelity.rows[0].levels] == ["low", "high"]
    page = response.content.decode()
    assert page.count('class="stride-bars__bar--top"') == 2
    assert "<caption>Each review, item by item</caption>" in page


def test_the_review_list_shows_each_coachs_latest_reviews(world, client_for):
    fidelity_of(world, on=date(2026, 1, 5) if timezone.localdate() > date(2026, 1, 5) else None)
    response = client_for(world.supervisor).get(reverse("county:reviews"))
    row = next(w for w in response.context["workers"] if w.pk == world.coach.pk)
    assert row.last_fidelity is not None and row.last_skills is None


# Changing a review


def test_a_review_is_corrected_and_a_stale_correction_is_refused(world, client_for):
    review = fidelity_of(world, "medium")
    url = reverse("county:review_edit", kwargs={"uuid": review.uuid})
    data = form_data(FIDELITY, "high", version=review.version)
    assert client_for(world.supervisor).post(url, data).status_code == 302
    review.refresh_from_db()
    assert review.version == 2 and set(review.ratings.values()) == {"high"}
    assert AuditEvent.objects.filter(action="change", record_id=review.uuid).exists()
    stale = client_for(world.county_admin).post(url, form_data(FIDELITY, "low", version=1))
    assert stale.status_code == 200
    assert "Someone else saved changes" in stale.content.decode()
    review.refresh_from_db()
    assert set(review.ratings.values()) == {"high"}


def test_a_stale_edit_is_refused_by_the_action(world):
    review = fidelity_of(world)
    with pytest.raises(StaleEdit):
        actions.change_review(Actor(world.supervisor), review, details(FIDELITY, "low"), 7)


def test_a_coach_may_read_but_not_correct_their_review(world, client_for):
    review = fidelity_of(world)
    url = reverse("county:review_edit", kwargs={"uuid": review.uuid})
    assert client_for(world.coach).get(url).status_code == 403


# Skills to grow become professional goals


def test_a_skill_to_grow_starts_a_professional_goal_for_the_coach(world, client_for):
    review = skills_of(world, "strength", open_questions="growing")
    page = client_for(world.supervisor).get(reverse("county:review", kwargs={"uuid": review.uuid}))
    goal_url = reverse("county:review_goal", kwargs={"uuid": review.uuid, "item": "open_questions"})
    assert goal_url in page.content.decode()
    shown = client_for(world.supervisor).get(goal_url)
    assert shown.context["form"].initial["skill_area"] == "customers"
    assert shown.context["form"].initial["words"] == "Asks open, reflective questions"
    response = client_for(world.supervisor).post(
        goal_url,
        {"words": "Ask one open question per topic", "skill_area": "customers", "term": "short"},
    )
    assert response.status_code == 302, response.context["form"].errors
    goal = Goal.objects.get(staff=world.coach)
    assert goal.skill_area == "customers" and goal.created_by == world.supervisor
    assert list(review.goals.all()) == [goal]
    changes = AuditEvent.objects.filter(action="change", record_id=review.uuid)
    assert [event.fields for event in changes] == [["goals"]]
    # The coach sees it on their review, and among their own goals.
    mine = client_for(world.coach).get(reverse("county:review", kwargs={"uuid": review.uuid}))
    assert list(mine.context["goals"]) == [goal]


def test_a_skill_rated_a_strength_starts_no_goal(world, client_for):
    review = skills_of(world, "strength")
    url = reverse("county:review_goal", kwargs={"uuid": review.uuid, "item": "open_questions"})
    assert client_for(world.supervisor).get(url).status_code == 404
    with pytest.raises(ValidationError):
        actions.start_goal_from_review(
            Actor(world.supervisor),
            review,
            "open_questions",
            coaching.GoalDetails(words="x", life_area="", skill_area="customers"),
        )


def test_the_skills_areas_name_the_professional_goal_areas(world):
    from stride.coaching.models import SkillArea

    assert {area.goal_area for area in SKILLS.areas} == set(SkillArea.values)


# Query counts stay flat as reviews and coaches grow


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def test_the_review_pages_read_a_fixed_number_of_queries(world, client_for):
    today = timezone.localdate()
    fidelity_of(world, on=today - timedelta(days=1))
    skills_of(world, on=today - timedelta(days=1))
    program = actions.write_review(
        Actor(world.county_admin),
        PracticeReview.Kind.FIDELITY,
        details(FIDELITY, "low"),
        program=world.county,
    )
    urls = [
        reverse("county:reviews"),
        reverse("county:worker_reviews", kwargs={"uuid": world.coach.uuid}),
        reverse("county:program_reviews", kwargs={"uuid": world.county.uuid}),
        reverse("county:review", kwargs={"uuid": program.uuid}),
    ]
    client = client_for(world.county_admin)
    before = [_count(client, url) for url in urls]
    for n in range(5):
        fidelity_of(world, "medium", on=today - timedelta(days=10 + n))
        skills_of(world, "growing", on=today - timedelta(days=10 + n))
        make_user(f"coach_{n}", Role.COACH, world.team)
        actions.write_review(
            Actor(world.county_admin),
            PracticeReview.Kind.FIDELITY,
            details(FIDELITY, "high", on=today - timedelta(days=n)),
            program=world.county,
        )
    assert [_count(client, url) for url in urls] == before
    mine = client_for(world.coach)
    assert _count(mine, reverse("county:reviews")) == _count(mine, reverse("county:reviews"))


def test_history_keeps_the_latest_reviews(world):
    today = timezone.localdate()
    for n in range(reviews.HISTORY_LENGTH + 2):
        fidelity_of(world, on=today - timedelta(days=n))
    found = reviews.visible(world.coach).filter(kind=PracticeReview.Kind.FIDELITY)
    drawn = reviews.history(PracticeReview.Kind.FIDELITY, list(found))
    assert len(drawn.bars) == reviews.HISTORY_LENGTH
    assert drawn.bars[-1].review.observed_on == today
