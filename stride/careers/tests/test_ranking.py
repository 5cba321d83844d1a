"""Ladders in the order of a participant's interest codes."""

from hypothesis import given
from hypothesis import strategies as st

from stride.careers import catalogue, ranking

from .conftest import FIXTURE

letters = st.sampled_from(list("RIASEC"))
interests = st.lists(letters, max_size=3, unique=True)
code = st.lists(letters, min_size=1, max_size=3, unique=True).map("".join)
ladder_codes = st.lists(code, min_size=3, max_size=3)


def rank_codes(ladders, wanted):
    return ranking.rank(list(range(len(ladders))), wanted, lambda n: ladders[n])


def test_the_ladders_follow_the_interests_best_match_first():
    careers = catalogue.load(FIXTURE)
    pairs = careers.pairs()
    order = ranking.rank(pairs, ["S", "R", "C"], lambda pair: pair[1].codes)
    assert [ladder.key for _, ladder in order] == ["nursing", "electrical", "office"]
    order = ranking.rank(pairs, ["C", "E"], lambda pair: pair[1].codes)
    assert [ladder.key for _, ladder in order] == ["office", "electrical", "nursing"]


def test_without_interests_the_files_order_stays():
    assert ranking.rank(["a", "b", "c"], [], lambda item: ["R"]) == ["a", "b", "c"]


def test_the_first_letters_weigh_most():
    assert ranking.score(["S", "R"], ["S"]) > ranking.score(["S", "R"], ["R"])
    assert ranking.score(["S"], ["SR"]) > ranking.score(["S"], ["RS"])
    assert ranking.score(["A"], ["SRC", "SR"]) == 0


@given(st.lists(ladder_codes, max_size=8), interests)
def test_ranking_is_a_permutation(ladders, wanted):
    assert sorted(rank_codes(ladders, wanted)) == list(range(len(ladders)))


@given(st.lists(ladder_codes, min_size=2, max_size=8), interests.filter(bool))
def test_a_ladder_matching_the_first_interest_never_ranks_below_one_matching_none(ladders, wanted):
    order = rank_codes(ladders, wanted)
    place = {n: order.index(n) for n in range(len(ladders))}
    first = wanted[0]
    for a, codes_a in enumerate(ladders):
        if not any(first in c for c in codes_a):
            continue
        for b, codes_b in enumerate(ladders):
            if not any(letter in c for c in codes_b for letter in wanted):
                assert place[a] < place[b]


@given(st.lists(ladder_codes, max_size=8), interests)
def test_ties_keep_the_files_order(ladders, wanted):
    order = rank_codes(ladders, wanted)
    scores = [ranking.score(wanted, ladders[n]) for n in order]
    assert scores == sorted(scores, reverse=True)
    for x, y in zip(order, order[1:], strict=False):
        if ranking.score(wanted, ladders[x]) == ranking.score(wanted, ladders[y]):
            assert x < y
