"""Which services the resource map suggests for realistic families, and why."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import open_case
from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor
from stride.core.vocabulary import Circumstance
from stride.people import actions as people
from stride.people.actions import PersonDetails
from stride.people.models import Household, Member, Participant
from stride.resources import actions
from stride.resources.actions import Opening, ServiceDetails
from stride.resources.circumstances import Family, family_of
from stride.resources.matching import Filters, for_family, suiting
from stride.resources.models import CIRCUMSTANCE_BITS, Location, Provider, Service

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def years_ago(years: int) -> date:
    return TODAY - timedelta(days=365 * years + 30)


@pytest.fixture
def directory(world):
    """A small county map: one service of each kind a family below might need."""
    admin = Actor(world.county_admin)
    school = Provider.objects.create(county=world.county, hsds_id="o1", name="Fresno Adult School")
    care = Provider.objects.create(
        county=world.county, hsds_id="o2", name="Little Steps", contracted=True
    )
    kern = Provider.objects.create(county=world.other_county, hsds_id="o3", name="Kern Works")
    place = Location.objects.create(
        provider=care, hsds_id="l1", name="Little Steps", postal_code="93721",
        latitude=36.737, longitude=-119.787,
    )  # fmt: skip

    def add(provider, name, category, **rules):
        return actions.add_service(admin, provider, ServiceDetails(name, category, **rules))

    made = {
        "ged": add(school, "Diploma and GED", "adult_education", fits=("no_diploma",)),
        "esl": add(school, "English classes", "english", languages=("en", "es"),
                   openings=(Opening(1, time(18), time(21)),)),
        "infant": add(care, "Infant care", "child_care", fits=("children_under_6",)),
        "after": add(care, "After school", "after_school", fits=("school_age_children",)),
        "cal_learn": add(school, "Cal-Learn", "parenting", fits=("teen_parent",)),
        "bus": add(school, "Bus passes", "transportation", fits=("no_car",)),
        "late_jobs": add(school, "Subsidised jobs", "subsidised_jobs",
                         months_on_aid_min=96, months_on_aid_max=120),
        "job_club": add(school, "Job club", "job_search"),
        "shelter": add(school, "Safe Harbor", "safety", fits=("safety",)),
        "kern_club": add(kern, "Kern job club", "job_search"),
    }  # fmt: skip
    made["infant"].locations.add(place)
    paused = add(school, "Paused food pantry", "food")
    actions.pause_service(admin, paused, paused.version, Service.Status.INACTIVE)
    return made


def _family(world, person: Participant, *, private: bool = False) -> Family:
    fresh = Participant.objects.select_related("household", "member", "current_enrollment").get(
        pk=person.pk
    )
    return family_of(fresh, with_private=private)


def _names(groups) -> dict[str, list[str]]:
    return {g.area: [s.service.name for s in g.suggestions] for g in groups if g.suggestions}


def _finish(world, person, slug, choose):
    instrument = catalogue().latest(slug)
    actor = Actor(world.coach)
    response = assessments.start(actor, person, instrument, "with_coach")
    response = assessments.save_answers(
        actor, response, answer_all(instrument, choose), response.version
    )
    return assessments.finish(actor, response, response.version)


def test_a_parent_with_a_toddler_and_no_car_gets_care_and_bus_passes_first(world, directory):
    people.add_member(
        Actor(world.coach),
        world.case.household,
        PersonDetails("Leo", "Lopez", years_ago(2), Member.Relationship.CHILD),
    )
    # The bridge: every domain at level 3 except getting around, at 1.
    _finish(
        world, world.case, "bridge", lambda item, values: 1 if item.key == "transportation" else 3
    )
    family = _family(world, world.case)

    assert set(family.circumstances) == {Circumstance.CHILDREN_UNDER_SIX, Circumstance.NO_CAR}
    names = _names(for_family(family, Filters()))
    assert names["child_care"] == ["Infant care"]  # not the after-school programme
    assert names["supports"][0] == "Bus passes"
    assert "Cal-Learn" not in names["supports"]
    assert "Safe Harbor" not in names["supports"]
    # Month 23 or so on aid: the subsidised jobs for months 96-120 are not offered yet.
    assert names["work"] == ["Job club"]
    assert "Kern job club" not in names["work"]


def test_each_suggestion_says_why_it_fits(world, directory):
    people.add_member(
        Actor(world.coach),
        world.case.household,
        PersonDetails("Leo", "Lopez", years_ago(3), Member.Relationship.CHILD),
    )
    groups = {g.area: g for g in for_family(_family(world, world.case), Filters())}
    infant = groups["child_care"].suggestions[0]
    assert infant.reasons[0].startswith("Meant for: Children under six (household record")
    job_club = groups["work"].suggestions[0]
    assert job_club.reasons == ["Open to any family in the county"]


def test_a_teen_parent_is_offered_cal_learn(world, directory):
    teen = open_case(
        world.coach, "FR0000077", world.county, world.program, world.coach,
        first_name="Jazmin", last_name="Cruz", birth_date=years_ago(17),
    )  # fmt: skip
    people.add_member(
        Actor(world.coach),
        teen.household,
        PersonDetails("Mia", "Cruz", years_ago(1), Member.Relationship.CHILD),
    )
    names = _names(for_family(_family(world, teen), Filters()))
    assert "Cal-Learn" in names["supports"]


def test_a_private_triage_answer_counts_only_for_those_who_may_read_it(world, directory):
    _finish(
        world, world.case, "triage",
        lambda item, values: "no" if item.key == "safe_at_home" else values[0],
    )  # fmt: skip
    shared = _names(for_family(_family(world, world.case), Filters()))
    private = _names(for_family(_family(world, world.case, private=True), Filters()))
    assert "Safe Harbor" not in shared.get("supports", [])
    assert "Safe Harbor" in private["supports"]


def test_the_months_on_aid_range_decides_when_a_service_is_offered(world, directory):
    enrollment = world.case.current_enrollment
    people.update_enrollment(
        Actor(world.coach),
        enrollment,
        enrollment.version,
        aid_start=date(TODAY.year - 9, TODAY.month, 1),
    )
    family = _family(world, world.case)
    assert family.months_on_aid == 109
    groups = {g.area: g for g in for_family(family, Filters())}
    late = [s for s in groups["work"].suggestions if s.service.name == "Subsidised jobs"]
    assert late and "this family is in month 109" in late[0].reasons[0]


def test_filters_narrow_by_language_hours_and_distance(world, directory):
    family = _family(world, world.case)
    spanish = _names(for_family(family, Filters(language="es")))
    assert spanish == {"education": ["English classes"]}
    evenings = _names(for_family(family, Filters(evenings=True)))
    assert evenings == {"education": ["English classes"]}
    near = for_family(family, Filters(near_zip="93721", within_miles=5))
    suggestions = [s for g in near for s in g.suggestions]
    assert [s.service.name for s in suggestions] == []  # infant care is for under-sixes only
    Household.objects.filter(pk=world.case.household_id).update(language="es")
    directory["esl"].locations.add(Location.objects.get(hsds_id="l1"))
    near = for_family(_family(world, world.case), Filters(near_zip="93721", within_miles=5))
    found = [s for g in near for s in g.suggestions]
    assert [s.service.name for s in found] == ["English classes"]
    assert found[0].miles is not None and found[0].miles < 5
    assert "Offered in the family's language" in found[0].reasons


def test_each_area_shows_the_best_few_and_counts_the_rest(world, directory):
    admin = Actor(world.county_admin)
    provider = Provider.objects.get(hsds_id="o1")
    for number in range(8):
        actions.add_service(admin, provider, ServiceDetails(f"Job club {number}", "job_search"))
    groups = {g.area: g for g in for_family(_family(world, world.case), Filters(), per_area=3)}
    assert len(groups["work"].suggestions) == 3
    assert groups["work"].total == 9
    assert groups["work"].more == 6


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    family_codes=st.sets(st.sampled_from(list(CIRCUMSTANCE_BITS))),
    month=st.one_of(st.none(), st.integers(1, 80)),
    rules=st.lists(
        st.tuples(
            st.sets(st.sampled_from(list(CIRCUMSTANCE_BITS)), max_size=3),
            st.one_of(st.none(), st.integers(1, 60)),
            st.one_of(st.none(), st.integers(1, 60)),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_database_applies_the_service_rules_exactly(world, family_codes, month, rules):
    provider, _ = Provider.objects.get_or_create(county=world.county, hsds_id="h", name="H")
    Service.objects.filter(provider=provider).delete()
    expected = set()
    for number, (fits, low, high) in enumerate(rules):
        if low is not None and high is not None and low > high:
            low, high = high, low
        service = actions.add_service(
            Actor(world.county_admin),
            provider,
            ServiceDetails(
                f"S{number}", "job_search", fits=tuple(fits),
                months_on_aid_min=low, months_on_aid_max=high,
            ),
        )  # fmt: skip
        fits_family = not fits or bool(fits & family_codes)
        in_range = month is None or (
            (low is None or low <= month) and (high is None or month <= high)
        )
        if fits_family and in_range:
            expected.add(service.pk)
    family = Family(world.county.pk, month, "en", "", {code: ["test"] for code in family_codes})
    found = set(suiting(family).filter(provider=provider).values_list("pk", flat=True))
    assert found == expected
