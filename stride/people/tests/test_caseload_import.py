"""Importing a state's caseload extract: the dry run, matching, reviews, and a later extract."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
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
    Participant,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
HEADER = "CASE_NO,FNAME,LNAME,DOB,SSN,ZIP,LANG,AID_BEGIN,WORKER"
# The world's case: Maria Lopez, born 1990-04-02, SSN 123-45-6789, case FR0000001.
MARIA = "FR0000001,Maria,Lopez,04/02/1990,123456789,93701,SPA,2026-01-01,coach"
NEW_FAMILY = "FR0000777,Rosa,Diaz,19880315,345-67-8901,93702,English,2026-03-01,coach"
MAPPING = {
    "case_number": "CASE_NO",
    "first_name": "FNAME",
    "last_name": "LNAME",
    "birth_date": "DOB",
    "ssn": "SSN",
    "zip_code": "ZIP",
    "language": "LANG",
    "aid_start": "AID_BEGIN",
    "coach": "WORKER",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def source(world):
    source = ExtractSource.objects.create(
        county=world.county, name="CalSAWS", program=world.program
    )
    matching.save_mapping(source, HEADER.split(","), MAPPING)
    return source


def _extract(world, source, *lines: str, header: str = HEADER) -> CaseloadExtract:
    data = "\n".join([header, *lines]).encode()
    return CaseloadExtract.objects.create(
        source=source,
        uploaded_by=world.county_admin,
        filename="extract.csv",
        encoding="utf-8",
        data=matching.encode_file(data),
    )


def _import(world, extract, good_only=False):
    return matching.apply(
        Actor(world.county_admin), extract, world.county_admin, good_only=good_only
    )


def test_the_next_file_with_the_same_header_maps_itself_and_another_header_does_not(world, source):
    assert matching.saved_mapping(source, [" case_no", *HEADER.split(",")[1:]]) == MAPPING
    assert matching.saved_mapping(source, ["CASE", "FIRST"]) is None
    assert matching.suggested_mapping(["Case Number", "First", "DOB"]) == {
        "case_number": "Case Number",
        "first_name": "First",
        "birth_date": "DOB",
    }


def test_the_dry_run_reports_every_bad_row_by_kind_and_writes_nothing(world, source):
    extract = _extract(
        world,
        source,
        NEW_FAMILY,
        "FR0000778,Luis,Diaz,Dec 31 1985,,,,2026-03-01,coach",
        "FR0000779,Eva,Diaz,2/30/1985,,,,2026-03-01,coach",
        "FR0000780,Ana,Soto,01/01/1985,000-11-2222,,,2026-03-01,coach",
        "FR0000781,Jo,Soto,01/01/1985,,,,2026-03-01,nobody",
        "FR0000777,Rosa,Diaz,19880315,,,,2026-03-01,coach",
        "FR0000782,,Soto,01/01/1985,,,,2026-03-01,coach",
    )
    before = AuditEvent.objects.count()
    found = matching.plan(extract, world.county_admin)
    assert found.count(matching.NEW) == 1
    assert {problem.row: problem.kind for problem in found.problems} == {
        3: "date",
        4: "date",
        5: "ssn",
        6: "coach",
        7: "duplicate",
        8: "missing",
    }
    kinds = {kind["message"]: kind["count"] for kind in found.problem_kinds()}
    assert kinds["Write dates as MM/DD/YYYY, YYYYMMDD or YYYY-MM-DD."] == 1
    assert AuditEvent.objects.count() == before
    assert not Household.objects.filter(case_number="FR0000777").exists()


def test_all_or_nothing_is_refused_while_a_row_has_a_problem(world, source):
    extract = _extract(world, source, NEW_FAMILY, "FR0000778,Luis,Diaz,bad,,,,2026-03-01,coach")
    with pytest.raises(matching.NotImported):
        _import(world, extract)
    assert not Household.objects.filter(case_number="FR0000777").exists()


def test_the_good_rows_are_imported_through_the_actions_with_their_audit(world, source):
    extract = _extract(world, source, NEW_FAMILY, "FR0000778,Luis,Diaz,bad,,,,2026-03-01,coach")
    found = _import(world, extract, good_only=True)
    assert found.summary()["new"] == 1
    rosa = Participant.objects.get(household__case_number="FR0000777")
    assert rosa.member.birth_date == date(1988, 3, 15)
    assert rosa.member.ssn_last4 == "8901"
    assert rosa.coach == world.coach
    assert rosa.current_enrollment.aid_start == date(2026, 3, 1)
    assert AuditEvent.objects.filter(participant=rosa.uuid, action="create").count() >= 4
    extract.refresh_from_db()
    assert extract.applied_at is not None
    with pytest.raises(matching.NotImported):
        _import(world, extract, good_only=True)


def test_a_person_is_matched_by_case_number_and_only_what_changed_is_changed(world, source):
    found = _import(world, _extract(world, source, MARIA))
    assert found.count(matching.UPDATE) == 1
    world.case.household.refresh_from_db()
    assert world.case.household.zip_code == "93701"
    assert world.case.household.language == "es"
    assert Participant.objects.count() == 2


def test_re_importing_the_same_file_changes_nothing(world, source):
    _import(world, _extract(world, source, MARIA, NEW_FAMILY))
    before = AuditEvent.objects.count()
    found = _import(world, _extract(world, source, MARIA, NEW_FAMILY))
    assert found.count(matching.UNCHANGED) == 2
    assert found.count(matching.NEW) == found.count(matching.UPDATE) == 0
    assert AuditEvent.objects.count() == before
    assert Participant.objects.count() == 3


def test_a_person_is_matched_by_name_birth_date_and_ssn_ending_under_another_case_number(
    world, source
):
    found = matching.plan(
        _extract(world, source, MARIA.replace("FR0000001", "NEW0001")), world.county_admin
    )
    [outcome] = found.outcomes
    assert outcome.participant == world.case


def test_a_later_extract_updates_what_changed_and_reports_who_left(world, source):
    _import(world, _extract(world, source, MARIA, NEW_FAMILY))
    later = _extract(world, source, NEW_FAMILY.replace("93702", "93710"))
    found = _import(world, later)
    assert found.count(matching.UPDATE) == 1
    assert found.left == [world.case]
    assert Participant.objects.filter(pk=world.case.pk).exists()
    assert Household.objects.get(case_number="FR0000777").zip_code == "93710"


def test_an_uncertain_match_waits_for_a_supervisor_and_is_never_merged(world, source):
    # Same birth date and SSN ending, another first name and SSN: a typo, or someone else.
    row = "NEW0002,Mariana,Lopez,04/02/1990,456-78-6789,93701,,2026-01-01,coach"
    found = _import(world, _extract(world, source, row))
    assert found.count(matching.REVIEW) == 1
    [review] = MatchReview.objects.all()
    assert review.participant == world.case
    assert review.reason == MatchReview.Reason.CLOSE
    assert not Household.objects.filter(case_number="NEW0002").exists()
    world.case.member.refresh_from_db()
    assert world.case.member.first_name == "Maria"
    # The same file again adds no second review.
    again = _import(world, _extract(world, source, row))
    assert again.count(matching.WAITING) == 1
    assert MatchReview.objects.count() == 1


def test_a_supervisor_settles_a_match_as_the_same_person(world, source):
    row = "FR0000001,Mariana,Lopez,04/02/1990,,93799,,2026-01-01,coach"
    _import(world, _extract(world, source, row))
    review = MatchReview.objects.get()
    assert review.reason == MatchReview.Reason.CASE_NUMBER
    matching.settle(Actor(world.supervisor), review, same=True)
    world.case.member.refresh_from_db()
    assert world.case.member.first_name == "Mariana"
    review.refresh_from_db()
    assert review.status == MatchReview.Status.SAME
    assert AuditEvent.objects.filter(
        participant=world.case.uuid, record_type="MatchReview", action="change"
    ).exists()


def test_a_supervisor_settles_a_match_as_different_people(world, source):
    row = "NEW0002,Mariana,Lopez,04/02/1990,456-78-6789,,,2026-01-01,coach"
    _import(world, _extract(world, source, row))
    review = MatchReview.objects.get()
    person = matching.settle(Actor(world.supervisor), review, same=False)
    assert person.household.case_number == "NEW0002"
    assert person != world.case


def test_a_case_number_of_another_county_is_a_problem(world, source):
    number = world.other_case.household.case_number
    found = matching.plan(
        _extract(world, source, f"{number},Ana,Reyes,01/01/1985,,,,2026-03-01,coach"),
        world.county_admin,
    )
    assert [problem.kind for problem in found.problems] == ["county"]


def test_a_name_in_capitals_without_accents_keeps_strides_spelling(world, source):
    _import(world, _extract(world, source, NEW_FAMILY.replace("Diaz", "Díaz")))
    found = _import(world, _extract(world, source, NEW_FAMILY.replace("Rosa,Diaz", "ROSA,DIAZ")))
    assert found.count(matching.UNCHANGED) == 1
    rosa = Participant.objects.get(household__case_number="FR0000777")
    assert rosa.member.last_name == "Díaz"


def test_months_on_aid_give_the_enrollment_start_when_the_file_has_no_start(world, source):
    header = "CASE_NO,FNAME,LNAME,DOB,MONTHS,WORKER"
    matching.save_mapping(
        source,
        header.split(","),
        {
            "case_number": "CASE_NO",
            "first_name": "FNAME",
            "last_name": "LNAME",
            "birth_date": "DOB",
            "months_on_aid": "MONTHS",
            "coach": "WORKER",
        },
    )
    _import(world, _extract(world, source, "FR0000900,Eva,Ruiz,1987-07-07,14,coach", header=header))
    eva = Participant.objects.get(household__case_number="FR0000900")
    assert eva.current_enrollment.aid_start == date(2025, 11, 1)
    assert eva.current_enrollment.months_on_aid == 14


def test_a_person_whose_row_has_a_problem_is_not_reported_as_left(world, source):
    _import(world, _extract(world, source, MARIA, NEW_FAMILY))
    found = matching.plan(
        _extract(world, source, MARIA, NEW_FAMILY.replace("19880315", "1988-15-03")),
        world.county_admin,
    )
    assert found.left == []
    assert [problem.row for problem in found.problems] == [3]


cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=14)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=11), min_size=1, max_size=6))
def test_any_rows_give_outcomes_or_problems_never_a_crash(world, source, rows):
    out = io.StringIO()
    csv.writer(out).writerows([HEADER.split(","), *rows])
    extract = CaseloadExtract(
        source=source,
        filename="x.csv",
        encoding="utf-8",
        data=matching.encode_file(out.getvalue().encode()),
    )
    found = matching.plan(extract, world.county_admin)
    assert found.good_rows + found.problem_rows >= 0
    for problem in found.problems:
        assert problem.message and problem.row >= 1
    written = {outcome.row.number for outcome in found.outcomes}
    assert not written & {problem.row for problem in found.problems}


def test_a_child_is_a_row_to_fix_in_the_dry_run(world, source):
    found = matching.plan(
        _extract(world, source, "FR0000901,Tim,Ruiz,2019-05-05,,,,2026-03-01,coach"),
        world.county_admin,
    )
    assert [problem.kind for problem in found.problems] == ["value"]


def test_a_row_an_action_refuses_is_skipped_with_its_reason_and_the_rest_imported(world, source):
    rosa_without_ssn = NEW_FAMILY.replace("345-67-8901", "")
    _import(world, _extract(world, source, rosa_without_ssn))
    # The other county's family already holds this SSN: only the action can tell.
    clash = NEW_FAMILY.replace("345-67-8901", "234-56-7890")
    new = "FR0000902,Eva,Ruiz,1987-07-07,,,,2026-03-01,coach"
    with pytest.raises(matching.NotImported, match="row 2"):
        _import(world, _extract(world, source, clash, new))
    assert not Household.objects.filter(case_number="FR0000902").exists()
    found = _import(world, _extract(world, source, clash, new), good_only=True)
    assert [(problem.row, problem.kind) for problem in found.problems] == [(2, "refused")]
    assert found.summary()["new"] == 1
    assert Household.objects.filter(case_number="FR0000902").exists()
    assert Participant.objects.get(household__case_number="FR0000777").member.ssn_last4 == ""


def test_a_long_file_is_read_in_batches_with_the_same_matches(world, source, monkeypatch):
    _import(world, _extract(world, source, MARIA, NEW_FAMILY))
    monkeypatch.setattr(matching, "CHUNK", 1)
    moved = MARIA.replace("FR0000001", "NEW0009")  # found by name, birth date and SSN ending
    later = "FR0000903,Eva,Ruiz,1987-07-07,,,,2026-03-01,coach"
    found = matching.plan(_extract(world, source, moved, later), world.county_admin)
    assert [(o.kind, o.participant) for o in found.outcomes] == [
        (matching.UNCHANGED, world.case),
        (matching.NEW, None),
    ]
    assert [person.household.case_number for person in found.left] == ["FR0000777"]


def _new_rows(first: int, count: int) -> list[str]:
    return [
        f"FR{n:07d},Eva{n},Ruiz,1987-07-07,{n // 10:03d}-45-{n:04d},93702,es,2026-03-01,coach"
        for n in range(first, first + count)
    ]


def test_new_households_are_opened_together_so_a_longer_file_costs_no_more_statements(
    world, source
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(extract):
        with CaptureQueriesContext(connection) as queries:
            found = _import(world, extract)
        assert found.problems == []
        return len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    _import(world, _extract(world, source, NEW_FAMILY))  # so each file below has someone left
    few = statements(_extract(world, source, *_new_rows(1000, 3)))
    many = statements(_extract(world, source, *_new_rows(2000, 40)))
    assert many == few
    assert Participant.objects.filter(household__case_number__startswith="FR00020").count() == 40
    assert AuditEvent.objects.filter(action="create", record_type="Enrollment").count() == 46


def test_re_importing_households_opened_together_changes_nothing(world, source):
    rows = _new_rows(3000, 25)
    found = _import(world, _extract(world, source, *rows))
    assert found.count(matching.NEW) == 25
    before = AuditEvent.objects.count(), Participant.objects.count()
    again = _import(world, _extract(world, source, *rows))
    assert again.count(matching.UNCHANGED) == 25
    assert again.count(matching.NEW) == again.count(matching.UPDATE) == 0
    assert (AuditEvent.objects.count(), Participant.objects.count()) == before


def test_a_re_import_and_its_dry_run_cost_no_more_statements_for_more_people(world, source):
    # Matched by case number, nobody is looked for again by name, and nothing a match does
    # not compare (an SSN to decrypt) is read, person by person or at all.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = _new_rows(4000, 3), _new_rows(5000, 30)
    _import(world, _extract(world, source, *few, *many))
    counts = []
    for rows in (few, many):
        with CaptureQueriesContext(connection) as queries:
            found = matching.plan(_extract(world, source, *rows), world.county_admin)
        assert found.count(matching.UNCHANGED) == len(rows)
        assert not any('"ssn"' in query["sql"] for query in queries)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_later_extract_changes_households_together_as_the_action_changes_each(world, source):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def moved(rows: list[str]) -> list[str]:
        return [row.replace(",93702,", ",93710,") for row in rows]

    few, many = _new_rows(6000, 3), _new_rows(7000, 30)
    _import(world, _extract(world, source, *few, *many))
    counts = []
    for rows in (few, many):
        before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            found = _import(world, _extract(world, source, *moved(rows)))
        assert found.count(matching.UPDATE) == len(rows)
        counts.append(
            len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
        )
        assert AuditEvent.objects.count() - before == len(rows)
    assert counts[0] == counts[1]
    household = Household.objects.get(case_number="FR0007001")
    eva = Participant.objects.get(household=household)
    event = AuditEvent.objects.filter(record_type="Household", record_id=household.uuid).latest(
        "id"
    )
    assert (household.zip_code, household.version, event.action) == ("93710", 2, "change")
    assert (event.fields, event.participant) == (["zip_code"], eva.uuid)
