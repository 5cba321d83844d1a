"""Making a ladder a goal, and keeping the county's local partners: each change audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from stride.careers import actions
from stride.careers.actions import PartnerDetails
from stride.careers.models import CareerPlan, LocalPartner
from stride.coaching.models import Goal, GoalStatusChange
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def make_goal(world, level="entry", by=None, ladder=("healthcare", "nursing")):
    return actions.make_ladder_goal(Actor(by or world.coach), world.case, *ladder, level)


# Make this my goal


def test_a_ladder_becomes_a_long_term_goal_with_progress_goals_per_rung(world):
    made = make_goal(world)
    assert made.created
    plan = made.plan
    destination = plan.goal
    assert (destination.term, destination.life_area, destination.words) == (
        Goal.Term.LONG,
        "work",
        "Work as a registered nurse",
    )
    assert destination.measure == "Earning about $45.00 an hour"
    assert destination.proposed_by == Goal.ProposedBy.TOGETHER
    stops = list(Goal.objects.filter(parent=destination).order_by("pk"))
    assert [stop.words for stop in stops] == [
        "Training for a nursing assistant: A 6-week nursing assistant course",
        "Credential for a nursing assistant: State CNA certificate",
        "Get a first job as a nursing assistant",
        "Plan the next step up: a licensed practical nurse",
        "Training for a licensed practical nurse: A one-year practical nursing program",
        "Credential for a licensed practical nurse: NCLEX-PN licence",
        "Get a first job as a licensed practical nurse",
        "Plan the next step up: a registered nurse",
        "Training for a registered nurse: An associate's degree in nursing",
        "Credential for a registered nurse: NCLEX-RN licence",
    ]
    assert all(s.term == Goal.Term.SHORT and s.participant == world.case for s in stops)
    assert GoalStatusChange.objects.filter(goal__participant=world.case).count() == 11
    assert (plan.participant, plan.industry_key, plan.ladder_key, plan.level) == (
        world.case, "healthcare", "nursing", "entry",
    )  # fmt: skip
    event = AuditEvent.objects.get(record_type="CareerPlan")
    assert (event.action, event.participant, event.actor) == (
        "create",
        world.case.uuid,
        world.coach,
    )
    assert AuditEvent.objects.filter(record_type="Goal", participant=world.case.uuid).count() == 11


def test_starting_higher_up_makes_goals_from_that_rung(world):
    plan = make_goal(world, level="advanced").plan
    assert [g.words for g in Goal.objects.filter(parent=plan.goal).order_by("pk")] == [
        "Training for a registered nurse: An associate's degree in nursing",
        "Credential for a registered nurse: NCLEX-RN licence",
    ]


def test_making_the_same_ladder_twice_shows_the_roadmap_already_made(world):
    first = make_goal(world)
    again = make_goal(world, level="middle", by=world.participant_user)
    assert not again.created and again.plan == first.plan
    assert Goal.objects.filter(participant=world.case, term=Goal.Term.LONG).count() == 1
    assert CareerPlan.objects.count() == 1
    assert AuditEvent.objects.filter(record_type="CareerPlan").count() == 1


def test_a_ladder_whose_goal_was_set_aside_can_be_made_again(world):
    first = make_goal(world)
    Goal.objects.filter(pk=first.plan.goal_id).update(status=Goal.Status.SET_ASIDE)
    again = make_goal(world, level="middle")
    assert again.created and again.plan.pk == first.plan.pk
    assert again.plan.goal != first.plan.goal and again.plan.level == "middle"
    assert again.plan.version == 2
    assert AuditEvent.objects.filter(record_type="CareerPlan", action="change").exists()


def test_the_goals_are_written_in_the_households_language(world):
    household = world.case.household
    household.language = "es"
    household.save()
    plan = make_goal(world, ladder=("construction", "electrical"), level="middle").plan
    stops = [g.words for g in Goal.objects.filter(parent=plan.goal).order_by("pk")]
    # The data's Spanish; the sentence around it comes from the Spanish catalogue.
    assert "supervisor(a) de electricistas" in plan.goal.words
    assert "aprendiz de electricista" in stops[0] and "Un aprendizaje de cuatro años" in stops[0]
    assert actions.goal_language(world.case) == "es"


def test_a_participant_making_their_own_goal_proposed_it(world):
    plan = make_goal(world, by=world.participant_user).plan
    assert plan.goal.proposed_by == Goal.ProposedBy.PARTICIPANT
    assert plan.created_by == world.participant_user


def test_an_unknown_ladder_or_level_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as refused:
        make_goal(world, ladder=("healthcare", "plumbing"))
    assert "ladder" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        make_goal(world, level="top")
    assert "level" in refused.value.error_dict
    assert not Goal.objects.exists() and not CareerPlan.objects.exists()


# Local partners


def details(**changes) -> PartnerDetails:
    values = {
        "industry_key": "healthcare", "ladder_key": "nursing", "level": "entry",
        "kind": LocalPartner.Kind.TRAINING, "name": "Fresno Adult School CNA class",
        "offer": "Six weeks, evenings", "starting_wage": None,
    } | changes  # fmt: skip
    return PartnerDetails(**values)


def test_a_county_administrator_adds_a_partner_checked_today_and_audited(world):
    partner = actions.add_partner(Actor(world.county_admin), world.county, details())
    assert (partner.county, partner.soc, partner.version) == (world.county, "31-1131", 1)
    assert partner.last_verified_by == world.county_admin and partner.last_verified_on
    event = AuditEvent.objects.get(record_type="LocalPartner")
    assert (event.action, event.participant, event.record_id) == ("create", None, partner.uuid)
    assert "name" in event.fields and "Six weeks" not in str(event.fields)


def test_an_edit_saves_the_changed_fields_and_a_stale_one_is_refused(world):
    admin = Actor(world.county_admin)
    partner = actions.add_partner(admin, world.county, details())
    changed = actions.change_partner(
        admin, partner, details(level="middle", starting_wage=Decimal("24.50")), 1
    )
    assert (changed.level, changed.soc, changed.version) == ("middle", "29-2061", 2)
    event = AuditEvent.objects.filter(record_type="LocalPartner", action="change").get()
    assert sorted(event.fields) == ["last_verified_on", "level", "starting_wage"]
    with pytest.raises(StaleEdit):
        actions.change_partner(admin, partner, details(name="Someone else's edit"), 1)
    assert LocalPartner.objects.get().name == "Fresno Adult School CNA class"


def test_a_partner_for_a_ladder_that_does_not_exist_is_refused(world):
    admin = Actor(world.county_admin)
    with pytest.raises(ValidationError) as refused:
        actions.add_partner(admin, world.county, details(ladder_key="plumbing"))
    assert "ladder" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        actions.add_partner(admin, world.county, details(starting_wage=Decimal("0")))
    assert "starting_wage" in refused.value.error_dict
    assert not LocalPartner.objects.exists()


def test_removing_a_partner_is_audited_and_needs_the_version_seen(world):
    admin = Actor(world.county_admin)
    partner = actions.add_partner(admin, world.county, details())
    actions.change_partner(admin, partner, details(name="Renamed"), 1)
    with pytest.raises(StaleEdit):
        actions.remove_partner(admin, partner, 1)
    actions.remove_partner(admin, partner, 2)
    assert not LocalPartner.objects.exists()
    assert AuditEvent.objects.filter(
        record_type="LocalPartner", action="delete", record_id=partner.uuid
    ).exists()
