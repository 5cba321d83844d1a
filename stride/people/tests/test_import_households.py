"""A caseload extract that writes a household on several rows: one per member, the head's among
them, with a relationship column."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import matching
from stride.people.models import (
    CaseloadExtract,
    ExtractSource,
    Household,
    MatchReview,
    Member,
    Participant,
)
from stride.people.tests.test_caseload_import import MAPPING, NOW

pytestmark = pytest.mark.django_db

HEADER = "CASE_NO,FNAME,LNAME,DOB,SSN,ZIP,LANG,AID_BEGIN,WORKER,REL_TO_HOH"
ROSA = "FR0000777,Rosa,Diaz,19880315,345-67-8901,93702,English,2026-03-01,coach,Self"
LUIS = "FR0000777,Luis,Diaz,19860101,,,,,,Spouse"
TOMAS = "FR0000777,Tomás,Diaz,20190505,,,,,,Son"
# The world's case: Maria Lopez, born 1990-04-02, SSN 123-45-6789, case FR0000001.
MARIA = "FR0000001,Maria,Lopez,04/02/1990,123456789,93701,SPA,2026-01-01,coach,HEAD"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def source(world):
    source = ExtractSource.objects.create(
        county=world.county, name="CalSAWS members", program=world.program
    )
    matching.save_mapping(source, HEADER.split(","), MAPPING | {"relationship": "REL_TO_HOH"})
    return source


def _extract(world, source, *lines: str) -> CaseloadExtract:
    return CaseloadExtract.objects.create(
        source=source,
        uploaded_by=world.county_admin,
        filename="members.csv",
        encoding="utf-8",
        data=matching.encode_file("\n".join([HEADER, *lines]).encode()),
    )


def _import(world, extract, good_only=False):
    return matching.apply(
        Actor(world.county_admin), extract, world.county_admin, good_only=good_only
    )


def _household(case_number: str) -> list[tuple[str, str]]:
    return list(
        Member.objects.filter(household__case_number=case_number)
        .order_by("birth_date")
        .values_list("first_name", "relationship")
    )


def test_the_relationship_column_is_suggested_by_its_name():
    assert matching.suggested_mapping(["Case", "Rel to HOH"]) == {
        "case_number": "Case",
        "relationship": "Rel to HOH",
    }


def test_a_new_household_comes_in_whole_and_only_its_head_is_coached(world, source):
    extract = _extract(world, source, LUIS, ROSA, TOMAS)  # the head's row need not come first

    found = matching.plan(extract, world.county_admin)
    assert (found.summary()["new"], found.summary()["members"], found.problems) == (1, 2, [])
    _import(world, extract)

    assert _household("FR0000777") == [
        ("Luis", Member.Relationship.PARTNER),
        ("Rosa", Member.Relationship.HEAD),
        ("Tomás", Member.Relationship.CHILD),
    ]
    household = Household.objects.get(case_number="FR0000777")
    rosa = Participant.objects.get(household=household)
    assert (rosa.member.first_name, household.member_count) == ("Rosa", 3)
    added = AuditEvent.objects.filter(record_type="Member", action="create", participant=rosa.uuid)
    assert added.count() == 3


def test_re_importing_the_household_changes_nothing(world, source):
    _import(world, _extract(world, source, ROSA, LUIS, TOMAS))
    before = AuditEvent.objects.count(), Member.objects.count()

    again = _import(world, _extract(world, source, ROSA, LUIS, TOMAS))

    assert (again.count(matching.UNCHANGED), again.summary()["members"]) == (1, 0)
    assert (AuditEvent.objects.count(), Member.objects.count()) == before


def test_a_later_extract_adds_the_member_who_joined_and_the_head_counts_as_changed(world, source):
    _import(world, _extract(world, source, ROSA, LUIS))
    baby = "FR0000777,Ana,Díaz,20261101,,,,,,Daughter"

    found = _import(world, _extract(world, source, ROSA, LUIS, baby))

    assert [(o.kind, o.changes) for o in found.outcomes] == [(matching.UPDATE, ["members"])]
    assert [name for name, _relationship in _household("FR0000777")] == ["Luis", "Rosa", "Ana"]


def test_members_join_a_household_already_in_stride(world, source):
    found = _import(
        world, _extract(world, source, MARIA, "FR0000001,Leo,Lopez,2015-02-02,,,,,,hijo")
    )
    assert found.summary()["members"] == 1
    assert ("Leo", Member.Relationship.CHILD) in _household("FR0000001")


@pytest.mark.parametrize(
    ("said", "relationship"),
    [
        ("HIJA", Member.Relationship.CHILD),
        (" Cónyuge ", Member.Relationship.PARTNER),
        ("domestic_partner", Member.Relationship.PARTNER),
        ("Grandmother", Member.Relationship.RELATIVE),
        ("Non-Relative", Member.Relationship.OTHER),
    ],
)
def test_relationships_are_read_as_states_write_them(world, source, said, relationship):
    found = matching.plan(
        _extract(world, source, ROSA, f"FR0000777,Eli,Diaz,19500101,,,,,,{said}"),
        world.county_admin,
    )
    [member] = found.outcomes[0].members
    assert member.relationship == relationship


def test_rows_that_cannot_join_their_household_are_rows_to_fix(world, source):
    extract = _extract(
        world,
        source,
        ROSA,
        LUIS,
        "FR0000777,Luis,Diaz,19860101,,,,,,Husband",  # Luis again
        "FR0000777,Eve,Diaz,19900101,345-67-8901,,,,,Sister",  # Rosa's SSN
        "FR0000777,Ida,Diaz,19900101,,,,,,Lodger",  # a word Stride does not read
        "FR0000777,Ike,Diaz,19900101,,,,,,",  # no relationship
        "FR0000888,Kim,Lee,20100101,,,,,,Child",  # no head on the file
        "FR0000999,Pat,Lee,1980-01-01,,,,2026-03-01,,Head",  # a new case without a coach
        "FR0000999,Sam,Lee,2012-01-01,,,,,,Child",
    )

    found = matching.plan(extract, world.county_admin)

    assert {problem.row: problem.kind for problem in found.problems} == {
        4: "duplicate",
        5: "duplicate",
        6: "value",
        7: "missing",
        8: "missing",
        9: "coach",
        10: "value",
    }
    messages = {problem.row: problem.message for problem in found.problems}
    assert messages[10] == "Row 9, the head of this household, needs fixing first."
    assert [len(outcome.members) for outcome in found.outcomes] == [1]
    with pytest.raises(matching.NotImported):
        _import(world, extract)
    assert not Household.objects.filter(case_number="FR0000777").exists()


def test_a_member_an_action_refuses_is_skipped_and_the_rest_of_the_household_kept(world, source):
    # The other county's family already holds this SSN: only the action can tell.
    clash = "FR0000777,Eve,Diaz,19900101,234-56-7890,,,,,Sister"
    with pytest.raises(matching.NotImported, match="row 4"):
        _import(world, _extract(world, source, ROSA, LUIS, clash))
    assert not Household.objects.filter(case_number="FR0000777").exists()

    found = _import(world, _extract(world, source, ROSA, LUIS, clash), good_only=True)

    assert [(problem.row, problem.kind) for problem in found.problems] == [(4, "refused")]
    assert [name for name, _relationship in _household("FR0000777")] == ["Luis", "Rosa"]


@pytest.mark.parametrize("same", [True, False])
def test_a_household_behind_an_uncertain_match_waits_with_it(world, source, same):
    # Same birth date and SSN ending, another first name and SSN: a typo, or someone else.
    head = "NEW0002,Mariana,Lopez,04/02/1990,456-78-6789,93701,,2026-01-01,coach,Head"
    _import(world, _extract(world, source, head, "NEW0002,Leo,Lopez,2015-02-02,,,,,,Son"))
    assert not Member.objects.filter(first_name="Leo").exists()
    review = MatchReview.objects.get()

    person = matching.settle(Actor(world.supervisor), review, same=same)

    assert person.household == (world.case.household if same else person.household)
    assert ("Leo", Member.Relationship.CHILD) in _household(person.household.case_number)
    assert Participant.objects.filter(household=person.household).count() == 1


def test_a_longer_file_of_households_costs_no_more_statements(world, source):
    def households(first: int, count: int) -> list[str]:
        rows = []
        for n in range(first, first + count):
            rows.append(f"FR{n:07d},Eva{n},Ruiz,1987-07-07,,93702,es,2026-03-01,coach,Head")
            rows.append(f"FR{n:07d},Leo{n},Ruiz,2015-02-02,,,,,,Son")
            rows.append(f"FR{n:07d},Ana{n},Ruiz,2017-02-02,,,,,,Daughter")
        return rows

    def statements(extract):
        with CaptureQueriesContext(connection) as queries:
            found = _import(world, extract)
        assert found.problems == []
        return len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    _import(world, _extract(world, source, ROSA))  # so each file below has someone left
    few = statements(_extract(world, source, *households(1000, 3)))
    many = statements(_extract(world, source, *households(2000, 30)))

    assert many == few
    assert Member.objects.filter(household__case_number__startswith="FR00020").count() == 90
    assert Household.objects.filter(case_number="FR0002001").get().member_count == 3


cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=14)
relationships = st.sampled_from(["Head", "Son", "wife", "", "Lodger", "SELF"]) | cells


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["FR0000777", "FR0000001", "X1"]),
            st.lists(cells, min_size=8, max_size=8),
            relationships,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_household_rows_give_outcomes_or_problems_never_a_crash(world, source, rows):
    out = io.StringIO()
    csv.writer(out).writerows(
        [HEADER.split(","), *([case, *middle, said] for case, middle, said in rows)]
    )
    extract = CaseloadExtract(
        source=source,
        filename="x.csv",
        encoding="utf-8",
        data=matching.encode_file(out.getvalue().encode()),
    )
    found = matching.plan(extract, world.county_admin)
    placed = [outcome.row.number for outcome in found.outcomes] + [
        member.number for outcome in found.outcomes for member in outcome.members
    ]
    assert len(placed) == len(set(placed))
    assert not set(placed) & {problem.row for problem in found.problems}
    assert all(problem.message and problem.row >= 1 for problem in found.problems)


def test_the_birth_dates_of_members_may_be_a_child_s(world, source):
    found = matching.plan(_extract(world, source, ROSA, TOMAS), world.county_admin)
    assert found.outcomes[0].members[0].birth_date == date(2019, 5, 5)
