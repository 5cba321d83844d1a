"""The careers demo step: partners in every county, roadmaps for some adults with interest results."""

import pytest

from stride.careers.demo import build_careers_demo
from stride.careers.models import CareerPlan, LocalPartner
from stride.coaching.models import Goal

from .conftest import take_interests

pytestmark = pytest.mark.django_db


def test_the_demo_adds_partners_and_roadmaps(world, monkeypatch):
    monkeypatch.setattr("stride.careers.demo.PLAN_SHARE", 1.0)
    take_interests(world, person=world.other_case)
    take_interests(world)  # the adult who signs in keeps "Make this my goal" to try
    said = []
    build_careers_demo(7, said.append)
    assert {p.county for p in LocalPartner.objects.all()} == {world.county, world.other_county}
    assert all(p.name.endswith("(demo)") for p in LocalPartner.objects.all())
    plan = CareerPlan.objects.get()
    assert (plan.participant, plan.ladder_key, plan.level) == (world.other_case, "nursing", "entry")
    assert plan.goal.term == Goal.Term.LONG and plan.goal.status_changes.count() == 1
    assert Goal.objects.filter(parent=plan.goal).count() == 10
    assert said and "1 career roadmaps" in said[0]
