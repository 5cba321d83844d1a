"""Every route, for every kind of person, with a family whose triage holds a private "no".

The private answer, what it points to and even the neutral words that stand for it
appear only on the pages allowed them (below), and only for the participant's coach
and supervisors. Beside test_url_walk, whose RULES and records this walk reuses;
printouts are checked as the HTML they would be drawn from.
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.coaching import printouts
from stride.core.audit import Actor
from stride.core.tests.test_url_walk import RULES, _triage_left_for_later
from stride.core.vocabulary import Circumstance
from stride.resources import actions as resources
from stride.resources.actions import ServiceDetails
from stride.resources.models import Category, Provider

pytestmark = pytest.mark.django_db

TRIAGE = catalogue().latest("triage")
QUESTIONS = [str(TRIAGE.items[key].text) for key in ("safe_at_home", "talk_privately")]
ADVOCATE = "Safety and domestic violence advocate"  # the help a "no" suggests
NEUTRAL = ["Something to talk about privately", "Fits something to talk about privately"]
SHELTER = "Harbor House"  # on the county map, suggested to this family only for the "no"
# What the "no" points to, by name: fine on the county's own pages (the gap view's rows, a
# service's form), never on a family's.
TOPIC = [str(Circumstance.SAFETY.label), str(Category.SAFETY.label)]
KEYS = ["safe_at_home", "talk_privately"]
READERS = {"coach", "supervisor"}
FAMILY_PAGES = {"resources:family", "resources:family_print"}

# Route -> what its readers (the participant's coach and supervisors) may see on it.
ALLOWED = {
    "assessments:private": [*QUESTIONS, ADVOCATE],
    "assessments:fill": [*QUESTIONS, *KEYS],
    "resources:family": [*NEUTRAL, SHELTER],
    # A records request's JSON carries the private answers by their keys (the printed copies
    # are PDFs, read back with pypdf in casefile/tests/test_records_request.py).
    "staff:records_json": KEYS,
}
# The participant's own copy of their record holds their own private answers.
OWN_COPIES = {"portal:records_json": KEYS}


@pytest.fixture(autouse=True)
def printouts_as_html(monkeypatch):
    def as_html(printable, context, language):
        with translation.override(language):
            return render_to_string(
                printable.template,
                context | {"printed_on": timezone.localdate(), "language": language},
            ).encode()

    monkeypatch.setattr(printouts, "render_pdf", as_html)


@pytest.fixture
def private_no(world):
    """A finished triage with "no" to feeling safe at home, an unfinished one, and a shelter."""
    actor = Actor(world.coach)
    response = assessments.start(actor, world.case, TRIAGE, "with_coach")
    answers = answer_all(TRIAGE, lambda item, values: values[0]) | {"safe_at_home": "no"}
    response = assessments.save_answers(actor, response, answers, response.version)
    response = assessments.save_answers(
        actor, response, {"talk_privately": "yes"}, response.version
    )
    assessments.finish(actor, response, response.version)
    _triage_left_for_later(world)
    provider = Provider.objects.create(county=world.county, hsds_id="o-dv", name="Valley Harbor")
    resources.add_service(
        Actor(world.county_admin), provider, ServiceDetails(SHELTER, "safety", fits=("safety",))
    )
    return response


# An instrument as written (its questions, no one's answers) is reference for all staff.
INSTRUMENT_ROUTES = {"api:instrument-detail", "assessments:instrument"}
# The audit trail names the field read ("private_answers"), never its value.
AUDIT_ROUTES = {"api:audit-event-list", "api:audit-event-detail"}


def words_not_allowed(route: str, person: str) -> list[str]:
    allowed = ALLOWED.get(route, []) if person in READERS else []
    if person == "participant_user":
        allowed = OWN_COPIES.get(route, [])
    if route in INSTRUMENT_ROUTES:
        allowed = [*QUESTIONS, *KEYS]
    never = [*QUESTIONS, ADVOCATE, *NEUTRAL, *KEYS]
    if route.startswith("api:") and route not in AUDIT_ROUTES:
        never.append("private_answers")
    if route in FAMILY_PAGES:
        never += [SHELTER, *TOPIC]
    return [words for words in never if words not in allowed]


@pytest.mark.parametrize("route", sorted(RULES))
def test_no_page_shows_a_private_answer_to_anyone_it_is_not_for(world, private_no, route):
    kwargs_for, expected = RULES[route]
    url = reverse(route, kwargs=kwargs_for(world) if kwargs_for else None)
    people = world.people()
    shown = {}
    for name in sorted(expected):
        client = Client(HTTP_HOST="localhost")
        if name != "anonymous":
            client.force_login(people[name])
        response = client.get(url)
        if getattr(response, "streaming", False):
            text = b"".join(response.streaming_content).decode(errors="replace")
        else:
            text = response.content.decode(errors="replace")
        found = [words for words in words_not_allowed(route, name) if words in text]
        if found:
            shown[name] = found
        if name in READERS and route in ALLOWED:
            # The walk sees what it looks for: the readers do get it here.
            assert any(words in text for words in ALLOWED[route]), (url, name)
        if name == "participant_user" and route in OWN_COPIES:
            assert any(words in text for words in OWN_COPIES[route]), (url, name)
    assert not shown, f"{url} shows private words: {shown}"
