"""SSN checking and hashing, ages and months on aid, over many inputs."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from stride.people.identity import normalise_ssn, ssn_lookup_hash
from stride.people.models import age_on, months_between

issued_ssns = st.tuples(
    st.integers(1, 899).filter(lambda area: area != 666),
    st.integers(1, 99),
    st.integers(1, 9999),
).map(lambda parts: f"{parts[0]:03d}{parts[1]:02d}{parts[2]:04d}")


@given(issued_ssns, st.sampled_from(["{}", "{}-{}-{}", "{} {} {}", " {}-{}{} "]))
def test_any_issued_ssn_is_accepted_however_it_is_typed(digits, shape):
    typed = shape.format(digits[:3], digits[3:5], digits[5:]) if shape.count("{}") == 3 else digits
    assert normalise_ssn(typed) == digits


@given(st.text(alphabet="0123456789-", min_size=1, max_size=14))
def test_anything_else_is_refused_with_a_message(text):
    digits = "".join(c for c in text if c.isdigit())
    try:
        result = normalise_ssn(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert result == digits and (len(digits) == 9 or digits == "")


def test_the_lookup_hash_is_keyed_and_stable(settings):
    first = ssn_lookup_hash("123456789")
    assert first == ssn_lookup_hash("123456789") and "123456789" not in first
    settings.STRIDE_LOOKUP_KEY = "another-key"
    assert ssn_lookup_hash("123456789") != first
    assert ssn_lookup_hash("") == ""


def birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year: the birthday comes on 1 March
        return date(born.year + years, 3, 1)


@given(st.dates(date(1920, 1, 1), date(2026, 1, 1)), st.dates(date(1920, 1, 1), date(2030, 1, 1)))
def test_age_is_the_number_of_birthdays_passed(born, day):
    if day < born:
        return
    age = age_on(born, day)
    assert birthday(born, age) <= day < birthday(born, age + 1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 11, 1), date(2026, 11, 23), 1),  # aid this month counts as one
        (date(2026, 1, 31), date(2026, 2, 1), 2),
        (date(2024, 11, 15), date(2026, 11, 23), 25),
        (date(2027, 1, 1), date(2026, 11, 23), 0),  # never negative
    ],
)
def test_months_on_aid_count_calendar_months(start, end, months):
    assert months_between(start, end) == months
