"""The loader: shipped files load, bad files are refused with where and what, versions stay apart."""

import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from stride.assessments.instruments import InstrumentError, catalogue, load_directory, parse

SMALL = textwrap.dedent(
    """\
    instrument: mood
    version: 1
    title: {en: Mood, es: Ánimo}
    purpose: {en: How you feel, es: Cómo se siente}
    minutes: 1
    picture: over_time
    scales:
      feeling:
        - {value: 1, label: {en: Low, es: Bajo}}
        - {value: 2, label: {en: High, es: Alto}}
    scoring: {method: mean}
    sections:
      - key: now
        title: {en: Now, es: Ahora}
        items:
          - key: today
            kind: scale
            scale: feeling
            text: {en: Today, es: Hoy}
    """
)


def refusal(text: str, name: str = "mood/v1.yaml") -> InstrumentError:
    with pytest.raises(InstrumentError) as caught:
        parse(Path(name), text)
    return caught.value


def test_every_shipped_instrument_loads_in_english_and_spanish():
    instruments = catalogue()
    assert instruments.slugs == [
        "bridge", "career_interests", "quality_of_life", "strengths_needs", "triage",
    ]  # fmt: skip
    for instrument in instruments.all_latest():
        assert set(instrument.title.root) >= {code for code, _ in settings.LANGUAGES}


def test_the_bridge_has_five_pillars_on_a_five_level_ladder():
    bridge = catalogue().latest("bridge")
    assert [section.key for section in bridge.sections] == [
        "family_stability", "well_being", "education_training", "financial_management",
        "employment_career",
    ]  # fmt: skip
    assert len(bridge.ladder or []) == 5
    assert all(len(item.levels or []) == 5 for item in bridge.items.values())


def test_a_small_valid_file_loads():
    assert parse(Path("mood/v1.yaml"), SMALL).items["today"].scale == "feeling"


def test_a_typo_in_a_key_names_the_line_and_the_key():
    error = refusal(SMALL.replace("    kind: scale", "    knid: scale"))
    assert (error.line, error.key) == (17, "sections[0].items[0].knid")
    assert "unknown key" in error.problem
    assert "mood/v1.yaml, line 17" in str(error)


def test_a_missing_language_is_refused_where_it_is_missing():
    error = refusal(SMALL.replace("text: {en: Today, es: Hoy}", "text: {en: Today}"))
    assert error.key == "sections[0].items[0].text"
    assert error.line == 19 and "missing: es" in error.problem


def test_a_ladder_with_the_wrong_number_of_levels_says_how_many_it_needs():
    text = SMALL.replace("picture: over_time", "picture: bridge").replace(
        "scoring: {method: mean}",
        "scoring: {method: levels}\nladder:\n  - {en: Low, es: Bajo}\n  - {en: High, es: Alto}",
    )
    text = text.replace(
        "        kind: scale\n        scale: feeling\n",
        "        kind: ladder\n        levels:\n          - {en: Bad, es: Mal}\n",
    )
    error = refusal(text)
    assert error.key == "sections[0].items[0].levels"
    assert "needs exactly 2 levels" in error.problem and "found 1" in error.problem


def test_branching_may_only_look_back_at_earlier_sections():
    text = SMALL + textwrap.indent(
        textwrap.dedent(
            """\
            - key: later
              kind: yes_no
              text: {en: Later, es: Después}
              show_if: {item: today, any_of: [1]}
            """
        ),
        "      ",
    )
    error = refusal(text)
    assert error.key == "sections[0].items[1].show_if.item"
    assert "earlier section" in error.problem


def test_a_scale_that_does_not_exist_is_named():
    error = refusal(SMALL.replace("scale: feeling\n        text", "scale: feelings\n        text"))
    assert "no scale named 'feelings'" in error.problem


def test_broken_yaml_gives_the_line():
    error = refusal(SMALL.replace("minutes: 1", "minutes: [1"))
    assert error.line is not None and "not valid YAML" in error.problem


def test_the_file_name_must_match_the_instrument_and_version():
    error = refusal(SMALL, name="mood/v2.yaml")
    assert "must be mood/v1.yaml" in error.problem


def test_yes_and_no_stay_words():
    text = SMALL + textwrap.indent(
        "- key: ok\n  kind: yes_no\n  text: {en: OK, es: Bien}\n  suggests:\n"
        "    - {any_of: [no], life_area: health}\n",
        "      ",
    )
    item = parse(Path("mood/v1.yaml"), text).items["ok"]
    assert item.suggests[0].any_of == ["no"]


def test_each_version_is_kept_and_the_newest_is_offered(tmp_path):
    (tmp_path / "mood").mkdir()
    (tmp_path / "mood" / "v1.yaml").write_text(SMALL)
    (tmp_path / "mood" / "v2.yaml").write_text(
        SMALL.replace("version: 1", "version: 2").replace(
            "{en: Today, es: Hoy}", "{en: This week, es: Esta semana}"
        )
    )
    instruments = load_directory(tmp_path)
    assert [i.version for i in instruments.versions("mood")] == [1, 2]
    assert str(instruments.get("mood", 1).items["today"].text) == "Today"
    assert str(instruments.latest("mood").items["today"].text) == "This week"


def test_the_check_command_names_each_refused_file(tmp_path, capsys):
    (tmp_path / "mood").mkdir()
    good = tmp_path / "mood" / "v1.yaml"
    good.write_text(SMALL)
    bad = tmp_path / "mood" / "v2.yaml"
    bad.write_text(SMALL.replace("version: 1", "version: 2").replace("minutes: 1", "minutes: none"))
    with pytest.raises(CommandError, match="1 of 2 files refused"):
        call_command("check_instruments", str(good), str(bad))
    out = capsys.readouterr()
    assert "mood version 1, 1 questions: fine" in out.out
    assert f"{bad}, line 5 (minutes)" in out.err
