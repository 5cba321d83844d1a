"""The review rubrics' files: the shipped ones load, a broken one is refused with where and what."""

import textwrap
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from stride.county import rubrics
from stride.county.rubrics import RubricError, load_directory, parse, versions

SMALL = textwrap.dedent(
    """\
    form: fidelity
    version: 1
    title: {en: Check, es: Revisión}
    purpose: {en: A look, es: Una mirada}
    scale:
      - {value: high, label: {en: High, es: Alta}, score: 3}
      - {value: none, label: {en: Not in place, es: No implementado}, score: 0}
    areas:
      - key: place
        title: {en: Place, es: Lugar}
        items:
          - key: welcome
            title: {en: Welcome, es: Bienvenida}
            looks_like:
              - {en: People are greeted, es: Se saluda a la gente}
    """
)


def refusal(text: str, kind="fidelity", name: str = "v1.yaml") -> RubricError:
    with pytest.raises(RubricError) as caught:
        parse(Path(name), text, kind)
    return caught.value


def test_the_shipped_rubrics_load_with_their_levels():
    fidelity = versions("fidelity").latest()
    assert [level.value for level in fidelity.scale] == ["high", "medium", "low", "not_in_place"]
    assert len(fidelity.areas) == 5 and len(fidelity.items) >= 15
    skills = versions("skills_matrix").latest()
    assert len(skills.areas) == 4
    assert [level.value for level in skills.scale if level.to_grow] == ["growing", "starting"]


def test_a_small_file_loads_and_scores():
    form = parse(Path("v1.yaml"), SMALL, "fidelity")
    assert form.share({"welcome": "high"}) == 100
    assert form.share({"welcome": "none"}) == 0
    assert form.share({}) is None


def test_a_text_missing_its_spanish_is_refused_with_its_line():
    error = refusal(SMALL.replace("{en: Welcome, es: Bienvenida}", "{en: Welcome}"))
    assert error.line == 13
    assert "missing: es" in error.problem


def test_a_key_used_twice_is_refused():
    error = refusal(SMALL.replace("key: welcome", "key: place"))
    assert error.key == "areas[0].items[0].key"


def test_a_scale_without_a_top_is_refused():
    error = refusal(SMALL.replace("score: 3", "score: 2"))
    assert "score: 3" in error.problem


def test_a_file_of_the_other_rubric_is_refused():
    error = refusal(SMALL, kind="skills_matrix")
    assert error.key == "form"


def test_a_skills_area_must_name_its_goal_area():
    text = SMALL.replace("form: fidelity", "form: skills_matrix")
    assert refusal(text, kind="skills_matrix").key == "areas[0]"
    named = text.replace(
        "title: {en: Place, es: Lugar}", "title: {en: Place, es: Lugar}\n    goal_area: framework"
    )
    assert parse(Path("v1.yaml"), named, "skills_matrix").areas[0].goal_area == "framework"
    assert refusal(named.replace("framework", "gardening"), kind="skills_matrix").key == (
        "areas[0].goal_area"
    )


def test_the_file_name_must_match_its_version():
    assert refusal(SMALL, name="v2.yaml").key == "version"


def test_a_county_replaces_the_rubric_with_its_own_folder(tmp_path):
    (tmp_path / "v1.yaml").write_text(SMALL)
    (tmp_path / "v2.yaml").write_text(SMALL.replace("version: 1", "version: 2"))
    found = load_directory(tmp_path, "fidelity")
    assert found.latest().version == 2 and found.get(1).version == 1
    rubrics.versions.cache_clear()
    try:
        with override_settings(COUNTY_FIDELITY=str(tmp_path)):
            assert rubrics.versions("fidelity").latest().items.keys() == {"welcome"}
    finally:
        rubrics.versions.cache_clear()


def test_a_broken_file_stops_the_system_check(tmp_path):
    (tmp_path / "v1.yaml").write_text(SMALL.replace("score: 3", "score: 9"))
    rubrics.versions.cache_clear()
    try:
        with override_settings(COUNTY_FIDELITY=str(tmp_path)):
            errors = rubrics.rubrics_load()
    finally:
        rubrics.versions.cache_clear()
    assert [error.id for error in errors] == ["county.E002"]
    assert isinstance(errors[0], checks.Error)
