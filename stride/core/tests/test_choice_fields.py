"""Choice fields never open on Django's "---------": a required one asks for a deliberate choice."""

import pytest
from django import forms
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.forms import ReviewForm, SessionForm
from stride.core.audit import Actor
from stride.core.models import Organisation

pytestmark = pytest.mark.django_db

DASHES = "---------"


class Choices(forms.Form):
    required_select = forms.ChoiceField(choices=[("", DASHES), ("a", "A"), ("b", "B")])
    optional_select = forms.ChoiceField(choices=[("", DASHES), ("a", "A")], required=False)
    required_model = forms.ModelChoiceField(queryset=Organisation.objects.all())
    required_radio = forms.ChoiceField(
        choices=[("", DASHES), ("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )


def test_no_form_field_shows_dashes():
    html = str(Choices())
    assert DASHES not in html
    assert "Choose…" in html and "None" in html


def test_a_required_radio_group_offers_no_empty_option_and_none_is_checked():
    html = Choices()["required_radio"].as_field_group()
    assert 'value=""' not in html and "checked" not in html


def test_a_required_select_refuses_the_empty_choice():
    form = Choices(data={"required_select": "", "required_radio": "a"})
    assert not form.is_valid() and "required_select" in form.errors


@pytest.mark.parametrize("form_class, field", [(SessionForm, "mode"), (ReviewForm, "decision")])
def test_session_how_and_review_what_next_start_unchosen(form_class, field):
    html = form_class()[field].as_field_group()
    assert DASHES not in html and "checked" not in html


def test_the_session_and_review_pages_show_no_dashes(world, client_for):
    goal = actions.set_goal(
        Actor(world.coach), world.case, actions.GoalDetails("Get a job", "work")
    )
    client = client_for(world.coach)
    for url in (
        reverse("coaching:session_new", args=[world.case.uuid]),
        reverse("coaching:review_new", args=[goal.uuid]),
        reverse("coaching:goal_new", args=[world.case.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert DASHES not in response.content.decode(), url
