"""Every number and date a person types in a form, read in English and in Spanish.

The fields are found by walking the forms of every app, so a new field is
covered the day it is added. A Spanish page writes "2,5" and reads it as 2.5;
both languages read "2.5"; "1,500" hours on a Spanish page could be one and a
half or fifteen hundred and is refused with a message; money is written the US
way in both languages. A date the browser sends is read back; an impossible one
is refused with words saying so.
"""

import importlib
import inspect
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from stride.coaching import actions as coaching
from stride.coaching.models import Step
from stride.core import fields
from stride.core.audit import Actor

LANGUAGES = ("en", "es")
EXAMPLES = settings(max_examples=40, deadline=None)


def app_forms() -> Iterator[type[forms.BaseForm]]:
    for app in apps.get_app_configs():
        if not app.name.startswith("stride."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for form in vars(module).values():
            if (
                inspect.isclass(form)
                and issubclass(form, forms.BaseForm)
                and form.__module__ == module.__name__
            ):
                yield form


def typed_fields(kind: type[forms.Field]) -> list:
    found = []
    for form in app_forms():
        for name, field in form.base_fields.items():  # type: ignore[attr-defined]
            if isinstance(field, kind) and not isinstance(field.widget, forms.HiddenInput):
                found.append(pytest.param(field, id=f"{form.__module__}.{form.__name__}.{name}"))
    return found


DECIMALS = typed_fields(forms.DecimalField)
INTEGERS = [
    param
    for param in typed_fields(forms.IntegerField)
    if type(param.values[0]) is forms.IntegerField
]
DATES = typed_fields(forms.DateField)


def is_money(field: forms.Field) -> bool:
    return getattr(field, "money", False)


def bounds(field: forms.Field, low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, Decimal(str(validator.limit_value)))
        if isinstance(validator, MaxValueValidator):
            high = min(high, Decimal(str(validator.limit_value)))
    return low, high


def values_of(field: forms.DecimalField) -> st.SearchStrategy[Decimal]:
    places = field.decimal_places or 2
    high = Decimal(999_999)
    if field.max_digits:
        high = Decimal(10) ** (field.max_digits - places) - Decimal(1).scaleb(-places)
    low, high = bounds(field, Decimal(0), high)
    return st.decimals(min_value=low, max_value=high, places=places)


def test_the_walk_finds_the_fields_people_type():
    names = {param.id for param in DECIMALS + INTEGERS + DATES}
    assert "stride.participation.forms.HoursForm.hours" in names
    assert "stride.benefits.forms.WhatIfForm.hourly_wage" in names
    assert "stride.coaching.forms.AchievementForm.incentive_amount" in names
    assert "stride.coaching.forms.StepForm.due_on" in names
    assert "stride.county.forms.CheckInForm.contact_gap_days" in names


# Decimal numbers


@pytest.mark.parametrize("field", DECIMALS)
def test_a_decimal_field_is_a_text_box_read_in_the_pages_language(field):
    assert isinstance(field, fields.DecimalField)
    assert field.widget.input_type == "text"  # a number box reads "1,5" as 15 in some browsers
    assert field.widget_attrs(field.widget)["inputmode"] == "decimal"


@pytest.mark.parametrize("field", DECIMALS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_decimal_reads_back_as_the_page_writes_it_and_with_a_dot(field, language):
    @EXAMPLES
    @given(values_of(field))
    def reads_back(value: Decimal) -> None:
        with translation.override(language):
            shown = field.widget.format_value(field.prepare_value(value))
            assert field.clean(shown) == value
            assert field.clean(f"{value:f}") == value or _ambiguous(field, f"{value:f}")

    reads_back()


def _ambiguous(field: fields.DecimalField, text: str) -> bool:
    try:
        field.clean(text)
    except ValidationError as error:
        return error.code == "ambiguous"
    return False


@pytest.mark.parametrize("field", DECIMALS)
def test_spanish_pages_write_a_decimal_comma_and_money_the_us_way(field):
    with translation.override("es"):
        shown = field.widget.format_value(field.prepare_value(Decimal("2.5")))
    assert shown == ("2.5" if is_money(field) else "2,5")


@pytest.mark.parametrize("field", [f for f in DECIMALS if not is_money(f.values[0])])
def test_a_decimal_comma_is_read_in_spanish_and_refused_with_a_message_in_english(field):
    @EXAMPLES
    @given(st.integers(0, 9), st.integers(1, 9))
    def comma(whole: int, tenth: int) -> None:
        typed = f"{whole},{tenth}"  # read, whatever the field's range
        with translation.override("es"):
            assert field.to_python(typed) == Decimal(f"{whole}.{tenth}")
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            field.to_python(typed)
        assert refused.value.messages == [f"Write decimals with a dot, like {whole}.{tenth}."]

    comma()


@pytest.mark.parametrize("field", [f for f in DECIMALS if not is_money(f.values[0])])
def test_what_could_be_two_numbers_in_spanish_is_refused_naming_both(field):
    @EXAMPLES
    @given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([",", "."]))
    def refused(whole: int, thousandths: int, mark: str) -> None:
        typed = f"{whole}{mark}{thousandths:03d}"
        with translation.override("es"), pytest.raises(ValidationError) as refused:
            field.clean(typed)
        small = f"{Decimal(f'{whole}.{thousandths:03d}').normalize():f}".replace(".", ",")
        assert refused.value.code == "ambiguous"
        assert f"could be {small} or {whole}{thousandths:03d}" in str(
            refused.value.message % refused.value.params
        )

    refused()


@pytest.mark.parametrize("field", [f for f in DECIMALS if is_money(f.values[0])])
@pytest.mark.parametrize("language", LANGUAGES)
def test_money_is_read_in_the_us_format_in_both_languages(field, language):
    @EXAMPLES
    @given(values_of(field))
    def us_format(value: Decimal) -> None:
        with translation.override(language):
            assert field.clean(f"${value:,.2f}") == value
            assert field.clean(f"{value:,.2f}") == value

    us_format()


@pytest.mark.parametrize("field", DECIMALS + INTEGERS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_any_text_is_read_or_refused_with_a_message(field, language):
    @EXAMPLES
    @given(st.text(alphabet="0123456789,.-+$ abc", max_size=12))
    def never_crashes(typed: str) -> None:
        with translation.override(language):
            try:
                field.clean(typed)
            except ValidationError as error:
                assert all(message.strip() and "%(" not in message for message in error.messages)

    never_crashes()


# Whole numbers


@pytest.mark.parametrize("field", INTEGERS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_number_reads_back_in_both_languages(field, language):
    low, high = bounds(field, Decimal(-1000), Decimal(1000))

    @EXAMPLES
    @given(st.integers(int(low), int(high)))
    def reads_back(value: int) -> None:
        with translation.override(language):
            assert field.clean(field.widget.format_value(value)) == value

    reads_back()


# Dates


@pytest.mark.parametrize("field", DATES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_the_browser_sends_reads_back_in_both_languages(field, language):
    @EXAMPLES
    @given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
    def reads_back(day: date) -> None:
        with translation.override(language):
            sent = field.widget.format_value(day)
            read = field.clean(sent)
        if field.widget.input_type == "month":
            assert read == day.replace(day=1)
        else:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sent)  # a date input takes ISO dates only
            assert read == day

    reads_back()


@pytest.mark.parametrize("field", [f for f in DATES if f.values[0].widget.input_type == "date"])
def test_a_date_picker_says_what_to_do_with_a_date_it_cannot_read(field):
    assert isinstance(field, fields.DateField)
    for language, words in (
        ("en", "Enter a real date, like 03/15/2026."),
        ("es", "Escriba una fecha real, como 15/03/2026."),
    ):
        with translation.override(language):
            assert str(field.widget_attrs(field.widget)["data-bad-date"]) == words


@pytest.mark.parametrize("field", [f for f in DATES if f.values[0].widget.input_type == "date"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_impossible_typed_date_is_refused_with_words(field, language):
    @EXAMPLES
    @given(
        st.integers(2000, 2100),
        st.sampled_from([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)]),
    )
    def refused(year: int, month_day: tuple[int, int]) -> None:
        month, day = month_day
        own_order = (
            f"{month:02d}/{day:02d}/{year}" if language == "en" else f"{day:02d}/{month:02d}/{year}"
        )
        for typed in (f"{year}-{month:02d}-{day:02d}", own_order):
            with translation.override(language), pytest.raises(ValidationError) as error:
                field.clean(typed)
            assert re.search(r"(real date|fecha real)", error.value.messages[0])

    refused()


# A page, end to end


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, typed, words",
    [
        ("en", "02/31/2026", "Enter a real date, like 03/15/2026."),
        ("es", "31/02/2026", "Escriba una fecha real, como 15/03/2026."),
    ],
)
def test_a_typed_date_that_cannot_be_read_is_refused_next_to_it_and_nothing_is_saved(
    world, client_for, language, typed, words
):
    """Where the browser has no date picker (or no script), the date arrives as typed."""
    goal = coaching.set_goal(
        Actor(world.coach),
        world.case,
        coaching.GoalDetails(words="Finish the course", life_area="work"),
    )
    client = client_for(world.coach)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    sent = client.post(
        reverse("coaching:step_new", args=[goal.uuid]), {"what": "Call", "due_on": typed}
    )
    assert sent.status_code == 200
    assert sent.context["form"].errors["due_on"] == [words]
    assert f'<span class="usa-error-message" id="id_due_on-error" role="alert">{words}' in (
        sent.content.decode()
    )
    assert not Step.objects.filter(goal=goal).exists()
