"""Scoring, for any answers a person could give to the shipped instruments."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stride.assessments.instruments import catalogue
from stride.assessments.scoring import AnswerError, answer_all, clean, is_shown, missing, score

SLUGS = ["bridge", "career_interests", "quality_of_life", "strengths_needs", "triage"]


@st.composite
def answer_sets(draw, slug: str) -> dict:
    """Answers to every item that shows, and to some optional ones left blank."""
    instrument = catalogue().latest(slug)
    answers: dict = {}
    for item in instrument.items.values():
        if not is_shown(item, answers):
            continue
        if not item.required and draw(st.booleans()):
            continue
        answers[item.key] = draw(st.sampled_from(instrument.values(item)))
    return answers


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_valid_answers_score_within_range(slug, data):
    instrument = catalogue().latest(slug)
    answers = data.draw(answer_sets(slug))
    result = score(instrument, answers)
    for key, value in result.items.items():
        low, high = instrument.value_range(instrument.items[key])
        assert low <= value <= high
    if result.overall is not None:
        scored = [item for item in instrument.items.values() if item.scored]
        low = min(instrument.value_range(item)[0] for item in scored)
        high = max(instrument.value_range(item)[1] for item in scored)
        if instrument.scoring.method == "sum":
            low, high = low * len(scored), high * len(scored)
        assert low <= result.overall <= high
        for mean in result.sections.values():
            assert low <= mean <= high
    assert len(result.top) <= instrument.scoring.top
    assert not any(instrument.items[hint.item].private for hint in result.hints)


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_missing_required_answer_is_named_not_a_crash(slug, data):
    instrument = catalogue().latest(slug)
    answers = data.draw(answer_sets(slug))
    required = [key for key in answers if instrument.items[key].required]
    dropped = data.draw(st.sampled_from(required))
    del answers[dropped]
    with pytest.raises(AnswerError) as caught:
        score(instrument, answers)
    assert dropped in caught.value.problems


@given(st.text(max_size=5) | st.integers())
def test_an_answer_the_item_does_not_offer_is_refused(raw):
    instrument = catalogue().latest("quality_of_life")
    if str(raw) in {"1", "2", "3", "4", "5", ""}:
        return
    with pytest.raises(AnswerError) as caught:
        clean(instrument, {"overall": raw})
    assert list(caught.value.problems) == ["overall"]


def test_the_bridge_scores_each_pillar_as_the_mean_of_its_domains():
    bridge = catalogue().latest("bridge")
    answers = answer_all(bridge, lambda item, values: 2 if item.key == "housing" else 4)
    result = score(bridge, answers)
    family = [item.key for item in bridge.sections[0].items]
    assert result.sections["family_stability"] == round(
        (2 + 4 * (len(family) - 1)) / len(family), 2
    )
    assert result.sections["employment_career"] == 4
    assert "housing" in result.grow and "employment" in result.strong
    assert {"life_area": "home", "specialist": "housing"}.items() <= vars(result.hints[0]).items()


def test_career_interests_give_the_three_codes_with_most_interest():
    interests = catalogue().latest("career_interests")
    liked = {"S": 2, "A": 1, "E": 1}
    answers = answer_all(interests, lambda item, values: liked.get(item.code or "", 0))
    result = score(interests, answers)
    assert result.top == ["S", "A", "E"]
    assert result.codes["S"] == 6 and result.codes["R"] == 0


def test_no_interest_at_all_gives_no_top_codes():
    interests = catalogue().latest("career_interests")
    assert score(interests, answer_all(interests, lambda item, values: 0)).top == []


def test_triage_keeps_the_safety_answers_apart_and_out_of_the_result():
    triage = catalogue().latest("triage")
    raw = answer_all(triage, lambda item, values: "no" if item.key == "safe_at_home" else values[0])
    shared, private = clean(triage, raw)
    assert private["safe_at_home"] == "no" and "safe_at_home" not in shared
    assert "talk_privately" in private  # the follow-up shows, and is private too
    result = score(triage, {**shared, **private})
    assert all(hint.specialist != "domestic_violence" for hint in result.hints)


def test_a_follow_up_is_only_required_when_its_question_shows():
    triage = catalogue().latest("triage")
    calm = answer_all(
        triage, lambda item, values: "yes" if item.key == "safe_at_home" else values[0]
    )
    assert "talk_privately" not in calm
    assert "talk_privately" not in [item.key for item in missing(triage, calm)]
