"""Cliff detection and the cliff watch, on plain lists.

No PolicyEngine and no database: `cliffs` works on a curve of net resources
along the earner's pay. The first part works through examples; the second
states what must hold for any curve and checks it with Hypothesis.

The rules, read from `cliffs.find` (TOLERANCE is a dollar a year):

- a cliff starts at a point whose next point is more than TOLERANCE lower;
- it is cleared at the first later point back within TOLERANCE of the start
  (None when the curve ends first), and every point in between is more than
  TOLERANCE below the start;
- its bottom is the lowest point in between (the first, if several are
  equally low), and its loss is the start less the bottom, so more than
  TOLERANCE; only cliffs at least `min_loss` deep are kept;
- the search goes on from where a cliff is cleared, so cliffs come in order
  of pay and never overlap (a cliff may start where the last was cleared);
- a program is named when it falls by more than TOLERANCE from start to
  bottom, largest fall first; it has ended when it was worth more than
  TOLERANCE at the start and reaches zero by the bottom.
"""

from itertools import accumulate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride.benefits.cliffs import TOLERANCE, Cliff, Flag, Target, find, watch

PAY = [float(pay) for pay in range(0, 10_001, 1_000)]


def pay(points: int) -> list[float]:
    return PAY[:points]


def cliff(
    start: float,
    bottom: float,
    loss: float,
    cleared_at: float | None,
    programs: tuple[tuple[str, float], ...] = (),
    ended: tuple[str, ...] = (),
) -> Cliff:
    return Cliff(start, bottom, loss, cleared_at, programs, ended)


# Worked examples


def test_a_single_drop_that_recovers():
    net = [10_000, 11_000, 12_000, 9_000, 10_000, 12_500, 13_000]
    assert find(pay(7), net) == [cliff(2_000, 3_000, 3_000, 5_000)]


def test_a_drop_that_never_recovers_within_the_curve_has_no_clearing_point():
    net = [10_000, 11_000, 12_000, 8_000, 9_000, 10_000]
    assert find(pay(6), net) == [cliff(2_000, 3_000, 4_000, None)]


def test_a_drop_at_the_last_point_is_a_cliff_that_does_not_clear():
    assert find(pay(4), [1_000, 2_000, 3_000, 500]) == [cliff(2_000, 3_000, 2_500, None)]


def test_two_cliffs_in_order_of_pay():
    net = [10_000, 12_000, 8_000, 13_000, 15_000, 11_000, 12_000, 16_000]
    assert find(pay(8), net) == [
        cliff(1_000, 2_000, 4_000, 3_000),
        cliff(4_000, 5_000, 4_000, 7_000),
    ]


def test_a_cliff_can_start_where_the_last_one_cleared():
    net = [10_000, 5_000, 10_000, 4_000, 12_000]
    assert find(pay(5), net) == [
        cliff(0, 1_000, 5_000, 2_000),
        cliff(2_000, 3_000, 6_000, 4_000),
    ]


def test_a_flat_or_rising_curve_has_no_cliffs():
    assert find(pay(6), [5_000.0] * 6) == []
    assert find(pay(6), [5_000, 6_000, 6_000, 7_500, 8_000, 9_000]) == []
    assert find([], []) == []
    assert find([0.0], [5_000.0]) == []


def test_the_bottom_is_the_lowest_point_and_the_first_of_equally_low_ones():
    net = [10_000, 6_000, 4_000, 4_000, 7_000, 12_000]
    assert find(pay(6), net) == [cliff(0, 2_000, 6_000, 5_000)]


def test_a_cliff_is_cleared_within_tolerance_of_the_start():
    assert find(pay(3), [100.0, 50.0, 99.0]) == [cliff(0, 1_000, 50.0, 2_000)]
    assert find(pay(4), [100.0, 50.0, 98.99, 99.0]) == [cliff(0, 1_000, 50.0, 3_000)]


def test_falls_of_no_more_than_the_tolerance_are_rounding():
    assert TOLERANCE == 1.0
    assert find(pay(2), [100.0, 99.0]) == []
    assert find(pay(2), [100.0, 98.99]) == [cliff(0, 1_000, 1.01, None)]


def test_a_slow_slide_in_steps_within_the_tolerance_is_not_a_cliff():
    net = [100.0 - 0.5 * point for point in range(11)]  # five dollars down in all
    assert find(pay(11), net) == []


def test_a_cliff_shallower_than_min_loss_is_left_out():
    net = [10_000, 9_950, 10_100, 8_000, 10_500]
    assert find(pay(5), net, min_loss=100) == [cliff(2_000, 3_000, 2_100, 4_000)]
    assert find(pay(5), net, min_loss=50) == [
        cliff(0, 1_000, 50, 2_000),
        cliff(2_000, 3_000, 2_100, 4_000),
    ]
    assert find(pay(5), net, min_loss=2_101) == []


def test_the_programs_that_fell_are_named_largest_first_and_ended_ones_reach_zero():
    net = [20_000, 21_000, 15_000, 16_000, 22_000]
    programs = {
        "tanf": [3_000, 2_500, 0, 0, 0],  # falls 2,500 and stops
        "snap": [4_000, 3_800, 3_000, 2_800, 2_600],  # falls 800, goes on
        "child_care_help": [5_000] * 5,  # unchanged
        "eitc": [0, 0, 0, 0, 0],  # never paid
        "ctc": [2_000, 2_000.5, 2_000, 2_000, 2_000],  # falls by half a dollar
        "health": [8_000, 8_000, 7_000, 5_000, 5_000],  # falls 1,000
        "wic": [0.5, 0.5, 0, 0, 0],  # reaches zero from less than the tolerance
    }
    [found] = find(pay(5), net, programs)
    assert (found.start, found.bottom, found.loss, found.cleared_at) == (1_000, 2_000, 6_000, 4_000)
    assert found.programs == (("tanf", 2_500), ("health", 1_000), ("snap", 800))
    assert found.ended == ("tanf",)


def test_a_program_that_rises_through_a_cliff_is_not_named():
    net = [10_000, 6_000, 11_000]
    programs = {"health": [1_000, 3_000, 3_000], "snap": [5_000, 0, 0]}
    [found] = find(pay(3), net, programs)
    assert found.programs == (("snap", 5_000),)
    assert found.ended == ("snap",)


def test_earnings_and_net_resources_must_have_the_same_points():
    with pytest.raises(ValueError):
        find(pay(3), [1.0, 2.0])


def test_the_watch_names_a_cliff_just_above_the_familys_pay():
    ahead = cliff(20_000, 21_000, 3_000, 26_000)
    assert watch([ahead], current=18_000) == [Flag("near", ahead, 18_000)]
    assert watch([ahead], current=17_000, distance=3_000) == [Flag("near", ahead, 17_000)]
    assert watch([ahead], current=16_999, distance=3_000) == []
    assert watch([ahead], current=20_000) == [Flag("near", ahead, 20_000)]


def test_the_watch_names_a_cliff_the_family_is_already_in():
    ahead = cliff(20_000, 21_000, 3_000, 26_000)
    assert watch([ahead], current=20_500) == [Flag("inside", ahead, 20_500)]
    assert watch([ahead], current=25_999) == [Flag("inside", ahead, 25_999)]
    assert watch([ahead], current=26_000) == []
    assert watch([ahead], current=40_000) == []
    endless = cliff(20_000, 21_000, 3_000, None)
    assert watch([endless], current=90_000) == [Flag("inside", endless, 90_000)]


def test_the_watch_names_targets_that_land_inside_a_cliff():
    ahead = cliff(20_000, 21_000, 3_000, 26_000)
    targets = [
        Target("at the start", 20_000),
        Target("rung 2", 22_000),
        Target("offer A", 25_000),
        Target("cleared", 26_000),
        Target("below", 12_000),
    ]
    assert watch([ahead], current=10_000, targets=targets) == [
        Flag("target", ahead, 22_000, "rung 2"),
        Flag("target", ahead, 25_000, "offer A"),
    ]


def test_the_watch_goes_through_cliffs_in_order_each_with_its_targets():
    first = cliff(10_000, 11_000, 2_000, 14_000)
    second = cliff(20_000, 22_000, 5_000, None)
    targets = [Target("rung 3", 30_000), Target("rung 1", 12_000)]
    assert watch([first, second], current=18_000, targets=targets) == [
        Flag("target", first, 12_000, "rung 1"),
        Flag("near", second, 18_000),
        Flag("target", second, 30_000, "rung 3"),
    ]


# Properties

# Changes in net resources from one point to the next: mostly within or
# around the tolerance, some large, some exactly on its edges.
changes = st.one_of(
    st.floats(min_value=-2.0, max_value=2.0),
    st.floats(min_value=-20_000, max_value=20_000),
    st.sampled_from([-TOLERANCE, TOLERANCE, -TOLERANCE - 0.01, 0.0]),
)


@st.composite
def curves(draw, max_points: int = 30) -> tuple[list[float], list[float]]:
    """Earnings rising in steps of at least a cent, and net resources in cents."""
    points = draw(st.integers(min_value=0, max_value=max_points))
    steps = draw(st.lists(st.integers(1, 500_000), min_size=points, max_size=points))
    first = draw(st.integers(min_value=0, max_value=1_000_000))
    earnings = [cents / 100 for cents in accumulate(steps, initial=first)][:points]
    moves = draw(st.lists(changes, min_size=points, max_size=points))
    level = draw(st.floats(min_value=-50_000, max_value=100_000))
    net = [round(value, 2) for value in accumulate(moves, initial=level)][1:]
    return earnings, net


@st.composite
def exact_curves(draw) -> tuple[list[float], list[float]]:
    """Net resources in quarters of a dollar, which floats add up exactly."""
    earnings, _ = draw(curves())
    quarters = st.one_of(st.integers(-8, 8), st.integers(-80_000, 80_000))
    moves = draw(st.lists(quarters, min_size=len(earnings), max_size=len(earnings)))
    net = [value / 4 for value in accumulate(moves)]
    return earnings, net


def falls(net: list[float]) -> list[int]:
    """The points after which net resources fall by more than the tolerance."""
    return [point for point in range(len(net) - 1) if net[point + 1] < net[point] - TOLERANCE]


def spans(earnings: list[float], found: list[Cliff]) -> list[tuple[int, int, int | None]]:
    """Each cliff's start, bottom and clearing point as indexes of the curve."""
    at = {pay: index for index, pay in enumerate(earnings)}
    return [
        (
            at[c.start],
            at[c.bottom],
            None if c.cleared_at is None else at[c.cleared_at],
        )
        for c in found
    ]


@given(curves())
def test_there_are_no_cliffs_exactly_when_net_resources_never_fall_past_the_tolerance(curve):
    earnings, net = curve
    assert (find(earnings, net, min_loss=TOLERANCE) == []) == (falls(net) == [])


@given(curves(), st.floats(min_value=0, max_value=5_000))
def test_every_cliff_falls_from_its_start_to_its_bottom_and_climbs_back_where_it_clears(
    curve, min_loss
):
    earnings, net = curve
    found = find(earnings, net, min_loss=min_loss)
    for c, (start, bottom, cleared) in zip(found, spans(earnings, found), strict=True):
        end = len(net) if cleared is None else cleared
        assert start < bottom < end
        assert net[start + 1] < net[start] - TOLERANCE
        # Every point after the start and before clearing is more than TOLERANCE down.
        assert all(net[point] < net[start] - TOLERANCE for point in range(start + 1, end))
        if cleared is not None:
            assert net[cleared] >= net[start] - TOLERANCE
        # The bottom is the first of the lowest points in between.
        between = net[start + 1 : end]
        assert net[bottom] == min(between)
        assert bottom == start + 1 + between.index(min(between))
        depth = net[start] - net[bottom]
        assert depth > TOLERANCE
        assert depth >= min_loss
        assert c.loss == round(depth, 2)


@given(curves(), st.floats(min_value=0, max_value=5_000))
def test_cliffs_come_in_order_of_pay_and_do_not_overlap(curve, min_loss):
    earnings, net = curve
    found = spans(earnings, find(earnings, net, min_loss=min_loss))
    for (_, _, cleared), (start, _, _) in zip(found, found[1:], strict=False):
        assert cleared is not None
        assert start >= cleared
    assert all(cleared is not None for _, _, cleared in found[:-1])


@given(curves())
def test_with_the_smallest_min_loss_every_fall_is_inside_a_cliff_and_cliffs_start_at_the_first(
    curve,
):
    earnings, net = curve
    found = spans(earnings, find(earnings, net, min_loss=TOLERANCE))
    for point in falls(net):
        assert any(
            start <= point and (cleared is None or point < cleared) for start, _, cleared in found
        )
    # Nothing falls between one cliff clearing and the next starting.
    resumes = [0] + [cleared for _, _, cleared in found if cleared is not None]
    for resume, (start, _, _) in zip(resumes, found, strict=False):
        assert [point for point in falls(net) if resume <= point < start] == []


@given(curves(), st.floats(min_value=0, max_value=5_000))
def test_min_loss_only_leaves_out_cliffs_too_shallow(curve, min_loss):
    earnings, net = curve
    every = find(earnings, net, min_loss=0)
    kept = [
        c
        for c, (start, bottom, _) in zip(every, spans(earnings, every), strict=True)
        if net[start] - net[bottom] >= min_loss
    ]
    assert find(earnings, net, min_loss=min_loss) == kept


@given(exact_curves(), st.integers(min_value=-1_000_000, max_value=1_000_000))
def test_adding_the_same_amount_to_every_point_changes_no_cliff(curve, amount):
    earnings, net = curve
    assert find(earnings, [value + amount for value in net]) == find(earnings, net)


program_names = st.sampled_from(["tanf", "snap", "child_care_help", "eitc", "ctc", "health"])


@st.composite
def curves_with_programs(draw):
    earnings, net = draw(curves())
    amounts = st.one_of(
        st.just(0.0),
        st.floats(min_value=0, max_value=2.0),
        st.floats(min_value=0, max_value=20_000).map(lambda v: round(v, 2)),
    )
    names = draw(st.sets(program_names))
    programs = {
        name: draw(st.lists(amounts, min_size=len(net), max_size=len(net))) for name in names
    }
    return earnings, net, programs


@given(curves_with_programs())
def test_programs_are_named_by_how_much_they_fell_and_ended_when_they_reach_zero(curve):
    earnings, net, programs = curve
    found = find(earnings, net, programs)
    assert [(c.start, c.bottom, c.loss, c.cleared_at) for c in found] == [
        (c.start, c.bottom, c.loss, c.cleared_at) for c in find(earnings, net)
    ]
    for c, (start, bottom, _) in zip(found, spans(earnings, found), strict=True):
        fell = {
            name: values[start] - values[bottom]
            for name, values in programs.items()
            if values[start] - values[bottom] > TOLERANCE
        }
        assert [name for name, _ in c.programs] == sorted(fell, key=lambda name: -fell[name])
        assert dict(c.programs) == {name: round(drop, 2) for name, drop in fell.items()}
        assert set(c.ended) == {
            name
            for name, values in programs.items()
            if values[start] > TOLERANCE and min(values[start : bottom + 1]) <= 0
        }
        for name in c.ended:
            assert programs[name][start] > TOLERANCE
            assert any(value <= 0 for value in programs[name][start : bottom + 1])


@st.composite
def watches(draw):
    earnings, net = draw(curves())
    found = find(earnings, net)
    near_pay = st.sampled_from(earnings) if earnings else st.just(0.0)
    pays = st.one_of(st.floats(min_value=0, max_value=200_000).map(lambda v: round(v, 2)), near_pay)
    current = draw(pays)
    distance = draw(st.one_of(st.just(3_000.0), st.floats(min_value=0, max_value=50_000)))
    targets = draw(
        st.lists(st.builds(Target, label=st.text(max_size=5), earnings=pays), max_size=5)
    )
    return found, current, distance, targets


def strictly_inside(c: Cliff, pay: float) -> bool:
    return c.start < pay and (c.cleared_at is None or pay < c.cleared_at)


@given(watches())
def test_the_watch_flags_near_inside_and_target_exactly_when_they_hold(case):
    found, current, distance, targets = case
    flags = watch(found, current, distance, targets)
    assert {flag.kind for flag in flags} <= {"near", "inside", "target"}
    for c in found:
        mine = [flag for flag in flags if flag.cliff is c]
        kinds = [flag.kind for flag in mine]
        assert ("near" in kinds) == (0 <= c.start - current <= distance)
        assert ("inside" in kinds) == strictly_inside(c, current)
        assert kinds.count("near") + kinds.count("inside") <= 1
        flagged_targets = [(flag.earnings, flag.label) for flag in mine if flag.kind == "target"]
        assert flagged_targets == [
            (target.earnings, target.label)
            for target in targets
            if strictly_inside(c, target.earnings)
        ]
        for flag in mine:
            if flag.kind != "target":
                assert (flag.earnings, flag.label) == (current, "")
    assert len(flags) == sum(1 for flag in flags if any(flag.cliff is c for c in found))
