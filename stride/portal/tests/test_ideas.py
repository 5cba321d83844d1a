"""A participant drafts a goal for their next meeting."""

import pytest
from django.urls import reverse

from stride.coaching.models import GoalIdea
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_draft_is_saved_as_the_participants_own_idea_and_audited(world, me):
    response = me.post(
        reverse("portal:idea_new"), {"life_area": "money", "words": "Open a savings account"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    idea = GoalIdea.objects.get()
    assert (idea.participant, idea.source, idea.by) == (
        world.case,
        GoalIdea.Source.PARTICIPANT,
        world.participant_user,
    )
    event = AuditEvent.objects.get(record_type="GoalIdea")
    assert event.actor == world.participant_user and event.participant == world.case.uuid
    assert "Open a savings account" in me.get(reverse("portal:home")).content.decode()


def test_a_draft_needs_words_and_a_life_area(world, me):
    response = me.post(reverse("portal:idea_new"), {"life_area": "", "words": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"life_area", "words"}
    assert not GoalIdea.objects.exists()


@pytest.mark.parametrize("name", ["coach", "county_admin"])
def test_staff_get_a_404(world, client_for, name):
    client = client_for(getattr(world, name))
    assert client.get(reverse("portal:idea_new")).status_code == 404
    response = client.post(reverse("portal:idea_new"), {"life_area": "money", "words": "x"})
    assert response.status_code == 404
    assert not GoalIdea.objects.exists()
