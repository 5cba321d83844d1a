"""The measures pages: every measure over twelve months for the viewer's families, and one
measure in a month side by side by team, office, county or coach.

The clock is frozen at 20 June 2026; the records are made at earlier moments through the real
actions, so each figure is known by hand.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries, make_user, open_case
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.models import Role
from stride.measures.catalogue import MEASURES
from stride.people import actions as people
from stride.people.actions import PersonDetails
from stride.people.models import Enrollment, Household, Member, Program

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
CHILD, PARTNER = Member.Relationship.CHILD, Member.Relationship.PARTNER
TODAY = date(2026, 6, 20)


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC), tick=False
    )


def family(world, number: int, name: str, coach):
    with on(date(2026, 3, 2)):
        county = world.county if coach.organisation.parent == world.county else world.other_county
        return open_case(
            coach, f"FR{3000 + number:07d}", county, world.program, coach, first_name=name
        )


def contact(person, day: date) -> None:
    with on(day, 15):
        coaching.record_session(
            Actor(person.coach),
            person,
            coaching.SessionDetails(
                datetime(day.year, day.month, day.day, 9, tzinfo=PACIFIC),
                CoachingSession.Mode.PHONE,
                20,
            ),
        )


@pytest.fixture
def families(world):
    """Team A: world.case (no contact) and Ana (a session in June). Team B: Cruz (none).
    Kern: a family with a session in June."""
    ana = family(world, 1, "Ana", world.coach)
    family(world, 2, "Cruz", world.coach_same_county)
    kern = family(world, 3, "Kay", world.other_county_coach)
    contact(ana, date(2026, 6, 3))
    contact(kern, date(2026, 6, 4))


def rows(response):
    return [
        (row.name, row.figure.numerator, row.figure.denominator) for row in response.context["rows"]
    ]


def test_a_county_administrator_sees_engagement_by_team(world, client_for, families):
    url = reverse("staff:measure", args=["engagement"])
    with on(TODAY):
        response = client_for(world.county_admin).get(url, {"by": "team", "month": "2026-06"})
    assert response.status_code == 200
    assert rows(response) == [("Team A", 1, 2), ("Team B", 0, 1)]
    june = response.context["trend"].months[-1]
    assert (june[0], june[1].numerator, june[1].denominator) == (date(2026, 6, 1), 1, 3)
    with on(TODAY):
        by_county = client_for(world.county_admin).get(url, {"by": "county"})
        by_coach = client_for(world.county_admin).get(url, {"by": "coach"})
    assert rows(by_county) == [("Fresno County", 1, 3)]
    assert rows(by_coach) == [
        ("Coach Same County Tester", 0, 1),
        ("Coach Tester", 1, 2),
    ]


def test_a_supervisor_and_the_state_see_only_their_own_scope(world, client_for, families):
    url = reverse("staff:measure", args=["engagement"])
    with on(TODAY):
        team = client_for(world.supervisor).get(url, {"by": "team"})
        state = client_for(world.state_admin).get(url, {"by": "county"})
        kern = client_for(world.other_county_admin).get(url, {"by": "team"})
    assert rows(team) == [("Team A", 1, 2)]
    # Kern: Kay had a session; world.other_case had none.
    assert rows(state) == [("Fresno County", 1, 3), ("Kern County", 1, 2)]
    assert rows(kern) == [("Kern Team", 1, 2)]


def test_a_month_outside_the_twelve_shown_and_an_unknown_grouping_fall_back(world, client_for):
    url = reverse("staff:measure", args=["goals-set"])
    with on(TODAY):
        response = client_for(world.county_admin).get(url, {"month": "2024-01", "by": "planet"})
    assert response.context["month"] == date(2026, 6, 1)
    assert response.context["by"] == "team"


def test_every_measure_is_drawn_with_its_definition_and_table(world, client_for, families):
    with on(TODAY):
        response = client_for(world.county_admin).get(reverse("staff:measures"))
    trends = response.context["trends"]
    assert [trend.measure.key for trend in trends] == [measure.key for measure in MEASURES]
    page = response.content.decode()
    for measure in MEASURES:
        assert reverse("staff:measure", args=[measure.key]) in page
        assert str(measure.definition.numerator).replace("'", "&#x27;") in page
    assert page.count("<svg") == len(MEASURES)


def test_coaches_and_outsiders_cannot_open_the_measures(world, client_for):
    for person in (world.coach, world.sysadmin, world.participant_user):
        client = client_for(person)
        assert client.get(reverse("staff:measures")).status_code == 403
        assert client.get(reverse("staff:measure", args=["engagement"])).status_code == 403
    unknown = reverse("staff:measure", args=["happiness"])
    assert client_for(world.county_admin).get(unknown).status_code == 404


def test_the_measures_page_makes_the_same_number_of_queries_for_more_families(world, client_for):
    admin = client_for(world.county_admin)
    counted = []
    for size in (1, 4):
        coach = make_user(f"coach_{size}", Role.COACH, world.team)
        for number in range(size):
            person = family(world, size * 10 + number, f"Pat{size}{number}", coach)
            contact(person, date(2026, 5, 4))
        with on(TODAY), CaptureQueriesContext(connection) as captured:
            assert admin.get(reverse("staff:measures")).status_code == 200
        counted.append(len(data_queries(captured)))
    # Two to four grouped queries a measure, none per family; one for the programs to filter by.
    assert counted == [46, 46]


def test_the_measures_are_in_the_reports_menu(world, client_for):
    page = client_for(world.county_admin).get(reverse("people:caseload")).content.decode()
    assert f'href="{reverse("staff:measures")}"' in page


def test_the_measures_speak_spanish(world, client_for, families):
    client = client_for(world.county_admin)
    with on(TODAY):
        page = client.get(reverse("staff:measures"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Medidas</h1>" in page
    assert "Familias con una inscripción abierta en algún momento del mes." in page


def test_the_measures_count_only_the_families_of_a_program_language_or_household_shape(
    world, client_for
):
    """Four Fresno families, each with a session in June: their shapes, languages and
    programs are set by hand, so each filtered figure is known."""
    other_program = Program.objects.create(
        code="ga", name="General Assistance", agency=world.agency
    )
    actor = Actor(world.coach)
    one_parent = family(world, 1, "Ana", world.coach)
    two_parents = family(world, 2, "Bea", world.coach)
    no_children = family(world, 3, "Cal", world.coach)
    elsewhere = family(world, 4, "Dee", world.coach_same_county)
    with on(date(2026, 3, 3)):
        for kid, household in (("Kit", one_parent.household), ("Kai", two_parents.household)):
            people.add_member(
                actor, household, PersonDetails(kid, "Lopez", date(2018, 1, 5), CHILD)
            )
        people.add_member(
            actor, two_parents.household, PersonDetails("Sam", "Lopez", date(1989, 2, 2), PARTNER)
        )
        household = Household.objects.get(pk=two_parents.household_id)
        people.update_household(actor, household, household.version, language="es")
        Enrollment.objects.filter(pk=elsewhere.current_enrollment_id).update(program=other_program)
    for person in (one_parent, two_parents, no_children, elsewhere):
        contact(person, date(2026, 6, 3))
    url = reverse("staff:measure", args=["engagement"])
    client = client_for(world.county_admin)

    def engaged(**chosen) -> tuple[int, int]:
        with on(TODAY):
            response = client.get(url, {"by": "county", "month": "2026-06", **chosen})
        assert response.status_code == 200
        [(_name, numerator, denominator)] = rows(response)
        return numerator, denominator

    # world.case (no contact) is a head of household alone, in English, in world.program.
    assert engaged() == (4, 5)
    assert engaged(shape="one-parent") == (1, 1)
    assert engaged(shape="two-parents") == (1, 1)
    assert engaged(shape="no-children") == (2, 3)
    assert engaged(language="es") == (1, 1)
    assert engaged(language="en", shape="no-children") == (2, 3)
    assert engaged(program="ga") == (1, 1)
    assert engaged(program=world.program.code, shape="no-children") == (1, 2)
    with on(TODAY):
        page = client.get(url, {"language": "es", "shape": "two-parents"}).content.decode()
        overview = client.get(reverse("staff:measures"), {"program": "ga"})
    assert "Counting only these families: Spanish, Two parents with children." in page
    assert overview.context["trends"][0].months[-1][1].numerator == 1
    # Each measure's link keeps the choice.
    link = reverse("staff:measure", args=["engagement"]) + "?program=ga"
    assert f'href="{link}"' in overview.content.decode()


def test_a_family_filter_that_does_not_hold_is_named_and_left_out(world, client_for, families):
    url = reverse("staff:measure", args=["engagement"])
    with on(TODAY):
        response = client_for(world.county_admin).get(
            url, {"by": "county", "program": "no-such-program", "shape": "one-parent"}
        )
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Counting only these families: One parent with children." in page
    assert rows(response) == []
