from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from stride.coaching.cycle import goal_hints
from stride.coaching.models import Goal

TODAY = date(2026, 11, 23)


def codes(**fields) -> set[str]:
    goal = Goal(words="Finish my GED by passing all four tests", life_area="learning", **fields)
    return {hint.code for hint in goal_hints(goal, TODAY)}


def test_a_specific_measurable_dated_goal_gets_no_hints():
    assert codes(measure="Certificate in hand", target_date=TODAY + timedelta(days=90)) == set()


def test_a_vague_goal_is_asked_for_more():
    goal = Goal(words="Job", life_area="work")
    assert {"specific", "measurable", "time_bound"} <= {h.code for h in goal_hints(goal, TODAY)}


def test_a_hard_goal_due_soon_is_offered_smaller_goals():
    assert "too_big" in codes(measure="x", target_date=TODAY + timedelta(days=10), difficulty=9)


def test_a_far_short_term_goal_is_asked_whether_it_is_long_term():
    assert "too_far" in codes(measure="x", target_date=TODAY + timedelta(days=400))
    assert "too_far" not in codes(
        measure="x", target_date=TODAY + timedelta(days=400), term=Goal.Term.LONG
    )


@given(
    words=st.text(max_size=80),
    measure=st.text(max_size=20),
    days=st.one_of(st.none(), st.integers(-400, 4000)),
    difficulty=st.one_of(st.none(), st.integers(1, 10)),
    confidence=st.one_of(st.none(), st.integers(1, 10)),
)
def test_hints_never_fail_and_never_repeat(words, measure, days, difficulty, confidence):
    goal = Goal(
        words=words,
        measure=measure,
        life_area="home",
        target_date=None if days is None else TODAY + timedelta(days=days),
        difficulty=difficulty,
        confidence=confidence,
    )
    hints = goal_hints(goal, TODAY)
    assert len({hint.code for hint in hints}) == len(hints)
    assert all(hint.message for hint in hints)
