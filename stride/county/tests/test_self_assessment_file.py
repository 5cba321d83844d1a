"""The self-assessment file: the shipped one loads, a broken one is refused with where and what."""

import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

from stride.county import self_assessment
from stride.county.self_assessment import SelfAssessmentError, load_directory, parse, versions

SMALL = textwrap.dedent(
    """\
    form: county_self_assessment
    version: 1
    title: {en: Check, es: Revisión}
    purpose: {en: A look, es: Una mirada}
    groups:
      - {key: done, name: {en: Done, es: Hecho}}
      - {key: later, name: {en: Later, es: Después}}
    scale:
      - {value: yes_done, group: done, label: {en: Done, es: Hecho}, progress: 4}
      - {value: not_yet, group: later, label: {en: Not yet, es: Aún no}, progress: 0}
    areas:
      - key: place
        title: {en: Place, es: Lugar}
        components:
          - key: welcome
            title: {en: Welcome, es: Bienvenida}
            looks_like:
              - {en: People are greeted, es: Se saluda a la gente}
    """
)


def refusal(text: str, name: str = "v1.yaml") -> SelfAssessmentError:
    with pytest.raises(SelfAssessmentError) as caught:
        parse(Path(name), text)
    return caught.value


def test_the_shipped_file_has_five_areas_on_a_seven_column_scale_in_both_languages():
    form = versions().latest()
    assert [area.key for area in form.areas] == [
        "approach", "environment", "staffing", "service_delivery", "performance",
    ]  # fmt: skip
    assert len(form.scale) == 7
    assert [group.key for group in form.groups] == ["in_place", "growing", "not_yet"]
    assert [point.progress for point in form.scale] == [4, 3, 2, 1, 0, 0, 0]
    languages = {code for code, _ in settings.LANGUAGES}
    for component in form.components.values():
        assert set(component.title.root) >= languages
        assert all(set(words.root) >= languages for words in component.looks_like)


def test_a_small_file_loads():
    form = parse(Path("v1.yaml"), SMALL)
    assert list(form.components) == ["welcome"]
    assert form.area_of["welcome"].key == "place"


def test_a_missing_spanish_word_is_refused_with_its_line_and_key():
    error = refusal(SMALL.replace("title: {en: Welcome, es: Bienvenida}", "title: {en: Welcome}"))
    assert error.line == 16
    assert error.key == "areas[0].components[0].title"
    assert "missing: es" in error.problem


def test_a_scale_value_in_a_group_that_does_not_exist_is_refused():
    error = refusal(SMALL.replace("group: later", "group: someday"))
    assert error.key == "scale[1].group"
    assert "no group named 'someday'" in error.problem
    assert error.line == 10


def test_a_key_used_twice_is_refused():
    error = refusal(SMALL.replace("key: welcome", "key: place"))
    assert error.key == "areas[0].components[0].key"
    assert "used twice" in error.problem


def test_a_scale_with_no_value_for_fully_in_place_is_refused():
    error = refusal(SMALL.replace("progress: 4", "progress: 3"))
    assert "fully in place" in error.problem


def test_a_file_named_for_another_version_is_refused():
    error = refusal(SMALL, name="v2.yaml")
    assert error.key == "version"
    assert "must be named v1.yaml" in error.problem
    assert str(error).startswith("v2.yaml, line 2 (version):")


def test_a_county_folder_with_a_second_version_offers_it_and_keeps_the_first(tmp_path):
    (tmp_path / "v1.yaml").write_text(SMALL)
    (tmp_path / "v2.yaml").write_text(SMALL.replace("version: 1", "version: 2"))
    loaded = load_directory(tmp_path)
    assert loaded.latest().version == 2
    assert loaded.get(1).version == 1


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(SelfAssessmentError, match="holds no self-assessment file"):
        load_directory(tmp_path)


def test_a_broken_file_stops_stride_from_starting_with_a_clear_message(tmp_path):
    (tmp_path / "v1.yaml").write_text(SMALL.replace("progress: 0", "progress: 9"))
    versions.cache_clear()
    try:
        with override_settings(COUNTY_SELF_ASSESSMENT=str(tmp_path)):
            problems = self_assessment.self_assessment_loads()
    finally:
        versions.cache_clear()
    assert [problem.id for problem in problems] == ["county.E001"]
    assert isinstance(problems[0], checks.Error)
    assert "v1.yaml, line 10 (scale[1].progress)" in problems[0].msg
