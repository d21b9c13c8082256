"""sim/scoring.py: the cohesion index, recovery times and the scorecard."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from support import compiled, make_state

from sim.actors import JPN, PRC, ROK, USA
from sim.scoring import INDEX_COMPONENTS, Episodes, Tallies, cohesion, recovery_times, scorecard
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

A, S, E = ACTIVE, SUSPENDED, ENDED
N_M = len(MECHANISMS)
unit_arrays = lambda shape: arrays(np.float64, shape, elements=st.floats(0, 1))  # noqa: E731


# -- cohesion --------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    trust=unit_arrays((2, 4, 4)),
    threat=unit_arrays((2, 4, 4)),
    strength=unit_arrays((2, N_M)),
    status=arrays(np.int8, (2, N_M), elements=st.sampled_from([A, S, E])),
    responding=arrays(bool, (2, 4)),
)
def test_cohesion_is_between_0_and_100(trust, threat, strength, status, responding):
    state = make_state(n=2, trust=trust, threat=threat, strength=strength, status=status)
    value = cohesion(state, responding, compiled().params)
    assert value.shape == (2,)
    assert np.all((value >= 0) & (value <= 100))


def test_cohesion_extremes():
    p = compiled().params
    best = make_state(
        trust=np.ones((4, 4)),
        strength=np.ones(N_M),
        status=np.zeros(N_M, dtype=np.int8),
        threat=np.full((4, 4), 0.5),
    )
    np.testing.assert_allclose(cohesion(best, np.ones((1, 4), dtype=bool), p), [100.0])
    threat = np.zeros((4, 4))
    threat[USA, PRC] = 1.0  # the allies disagree completely about Beijing
    worst = make_state(trust=np.zeros((4, 4)), strength=np.zeros(N_M), threat=threat)
    np.testing.assert_allclose(cohesion(worst, np.zeros((1, 4), dtype=bool), p), [0.0], atol=1e-12)


def test_cohesion_rises_with_ally_trust_and_ignores_beijing():
    p = compiled().params
    base = make_state()
    none = np.zeros((1, 4), dtype=bool)
    trust = base.trust.copy()
    trust[0, ROK, JPN] += 0.2
    assert cohesion(base.evolve(trust=trust), none, p)[0] > cohesion(base, none, p)[0]
    trust = base.trust.copy()
    trust[0, PRC, :] = 0.0
    trust[0, :, PRC] = 0.0
    assert cohesion(base.evolve(trust=trust), none, p)[0] == cohesion(base, none, p)[0]
    answering = np.array([[True, True, False, True]])
    assert cohesion(base, answering, p)[0] > cohesion(base, none, p)[0]


def test_all_zero_cohesion_weights_are_refused():
    from sim.errors import InputError

    settings_ = {f"scoring.cohesion.{k}": 0.0 for k in ("trust", "mechanisms", "alignment", "coordination")}
    with pytest.raises(InputError, match="at least one weight must be above 0"):
        compiled(settings_)


# -- recovery times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([A, S, S, A], 2.0),
        ([A, A, A], np.nan),  # never suspended
        ([A, S, S, S], np.nan),  # never recovered
        ([A, S, E, E], np.nan),  # ended instead
        ([A, E, E], np.nan),
        ([S, A, A], 1.0),  # suspended from the start
        ([A, S, A, S, S, A], 1.0),  # from the first suspension to the first return
    ],
)
def test_recovery_times_on_a_hand_made_history(history, expected):
    status = np.array(history, dtype=np.int8)[:, None, None]
    out = recovery_times(status)
    assert out.shape == (1, 1)
    np.testing.assert_equal(out[0, 0], expected)


def test_recovery_times_are_per_run_and_mechanism():
    # (turns=4, runs=2, mechanisms=2)
    status = np.array(
        [
            [[A, S], [S, A]],
            [[S, S], [S, A]],
            [[A, S], [A, S]],
            [[A, A], [A, A]],
        ],
        dtype=np.int8,
    )
    np.testing.assert_equal(recovery_times(status), [[1.0, 3.0], [2.0, 1.0]])


# -- scorecard -------------------------------------------------------------------------------


def episodes(attempts: float, successes: float, n: int = 1) -> Episodes:
    e = Episodes.none(n, 4)
    return Episodes(e.under, e.won, np.full(n, float(attempts)), np.full(n, float(successes)))


def tallies(turns: int = 4, n: int = 1, **changes) -> Tallies:
    base = dict(
        cohesion=np.full((turns, n), 60.0),
        status=np.zeros((turns, n, N_M), dtype=np.int8),
        initial_status=np.zeros((n, N_M), dtype=np.int8),
        strength=np.full((n, N_M), 0.5),
        live_strength=np.full((n, N_M), 4.0),  # strength 1 while active, all four turns
        crisis_turns=np.full(n, 4.0),
        coordinated_turns=np.full(n, 2.0),
        coercion=episodes(3, 0, n),
        wedge=episodes(4, 1, n),
    )
    base.update(changes)
    if "status" in changes and "live_strength" not in changes:
        base["live_strength"] = (np.asarray(base["status"]) == ACTIVE).sum(axis=0).astype(float)
    return Tallies(**base)


def test_scorecard_rates_and_components():
    card = scorecard(tallies(), compiled().params)
    np.testing.assert_allclose(card.coordinated_response_rate, [0.5])
    np.testing.assert_allclose(card.wedge_success_rate, [0.25])
    np.testing.assert_allclose(card.coercion_success_rate, [0.0])
    np.testing.assert_allclose(card.cohesion_mean, [60.0])
    np.testing.assert_allclose(card.components["wedge_resistance"], [0.75])
    np.testing.assert_allclose(card.components["mechanisms"], [1.0])
    assert card.survived.all() and np.all(card.time_active == 1.0)


def test_index_is_the_weighted_sum_of_its_points():
    p = compiled().params
    card = scorecard(tallies(), p)
    w = {c: getattr(p.scoring.index, c) for c in INDEX_COMPONENTS}
    expected = 100 * sum(w[c] * card.components[c][0] for c in INDEX_COMPONENTS) / sum(w.values())
    np.testing.assert_allclose(card.index, [expected])
    np.testing.assert_allclose(sum(card.points[c] for c in INDEX_COMPONENTS), card.index)


def test_untested_rates_are_nan_and_the_index_renormalises():
    p = compiled().params
    t = tallies(
        crisis_turns=np.zeros(1),
        coordinated_turns=np.zeros(1),
        wedge=episodes(0, 0),
        coercion=episodes(2, 0),
        cohesion=np.full((4, 1), 100.0),
    )
    card = scorecard(t, p)
    assert np.isnan(card.coordinated_response_rate[0]) and np.isnan(card.wedge_success_rate[0])
    assert np.isnan(card.components["coordinated_response"][0])
    assert card.points["coordinated_response"][0] == 0 and card.points["wedge_resistance"][0] == 0
    # every tested component is perfect, so the renormalised index is 100
    np.testing.assert_allclose(card.index, [100.0])


def test_mechanism_component_is_nan_when_none_started_active():
    status = np.full((4, 1, N_M), SUSPENDED, dtype=np.int8)
    card = scorecard(tallies(status=status, initial_status=status[0]), compiled().params)
    assert np.isnan(card.components["mechanisms"][0])
    assert card.points["mechanisms"][0] == 0
    assert 0 <= card.index[0] <= 100


def test_time_active_survival_and_final_strength():
    status = np.zeros((4, 1, N_M), dtype=np.int8)
    status[1:, 0, 0] = SUSPENDED
    status[2:, 0, 1] = ENDED
    strength = np.linspace(0, 1, N_M)[None]
    card = scorecard(tallies(status=status, strength=strength), compiled().params)
    np.testing.assert_allclose(card.time_active[0, :3], [0.25, 0.5, 1.0])
    assert card.survived[0].tolist() == [1.0, 0.0] + [1.0] * (N_M - 2)
    np.testing.assert_array_equal(card.final_strength, strength)
    # mechanism component at strength 1 while active: the mean time active
    np.testing.assert_allclose(card.components["mechanisms"], [(0.25 + 0.5 + (N_M - 2)) / N_M])


def test_mechanism_component_weights_status_by_strength():
    # Two mechanisms over 4 turns, the rest never active (not tested):
    # m0 active all 4 turns at strength 0.2 (hollow): live sum 0.8
    # m1 active 2 turns at 0.9, then suspended: live sum 1.8
    # component = (0.8 + 1.8) / (4 turns x 2 tested) = 0.325, not the old 0.75
    status = np.full((4, 1, N_M), SUSPENDED, dtype=np.int8)
    status[:, 0, 0] = ACTIVE
    status[:2, 0, 1] = ACTIVE
    live = np.zeros((1, N_M))
    live[0, :2] = [0.8, 1.8]
    initial = status[0].copy()
    card = scorecard(tallies(status=status, initial_status=initial, live_strength=live), compiled().params)
    np.testing.assert_allclose(card.components["mechanisms"], [0.325])


def test_a_mechanism_never_active_is_not_tested_not_survived():
    status = np.full((3, 1, N_M), SUSPENDED, dtype=np.int8)
    status[:, 0, 0] = ACTIVE  # m0 active throughout
    status[2, 0, 1] = ACTIVE  # m1 starts suspended, restored after turn 3
    initial = np.full((1, N_M), SUSPENDED, dtype=np.int8)
    initial[0, 0] = ACTIVE
    card = scorecard(
        tallies(turns=3, status=status, initial_status=initial, cohesion=np.full((3, 1), 60.0)),
        compiled().params,
    )
    assert card.survived[0, 0] == 1.0 and card.survived[0, 1] == 1.0
    assert np.isnan(card.survived[0, 2:]).all()
    # live strength 1 per active turn: (3 + 1) / (3 turns x 2 tested)
    np.testing.assert_allclose(card.components["mechanisms"], [4 / 6])


@settings(max_examples=30, deadline=None)
@given(
    crisis=st.integers(0, 6),
    coord=st.integers(0, 6),
    targets=st.integers(0, 6),
    splits=st.integers(0, 6),
    coerced=st.integers(0, 6),
    conceded=st.integers(0, 6),
    coh=st.floats(0, 100),
)
def test_index_in_0_100_for_any_tallies(crisis, coord, targets, splits, coerced, conceded, coh):
    t = tallies(
        crisis_turns=np.array([crisis], float),
        coordinated_turns=np.array([min(coord, crisis)], float),
        wedge=episodes(targets, min(splits, targets)),
        coercion=episodes(coerced, min(conceded, coerced)),
        cohesion=np.full((4, 1), coh),
    )
    card = scorecard(t, compiled().params)
    assert 0 <= card.index[0] <= 100
    for c in INDEX_COMPONENTS:
        v = card.components[c][0]
        assert np.isnan(v) or 0 <= v <= 1, c
    assert (np.isnan(card.coordinated_response_rate[0])) == (crisis == 0)
    assert card.points["cohesion"][0] >= 0


# -- episodes ------------------------------------------------------------------------------


def replay(under_seq, gave_way_seq) -> Episodes:
    """Advance one ally (ROK) through a sequence of turns."""
    e = Episodes.none(1, 4)
    for under, gave in zip(under_seq, gave_way_seq, strict=True):
        u = np.zeros((1, 4), bool)
        g = np.zeros((1, 4), bool)
        u[0, 1], g[0, 1] = under, gave
        e = e.advance(u, g)
    return e


@pytest.mark.parametrize(
    ("under", "gave_way", "attempts", "successes"),
    [
        ([0, 0, 0], [0, 0, 0], 0, 0),
        ([1, 1, 1], [0, 0, 0], 1, 0),  # one long episode, resisted
        ([1, 1, 1], [0, 1, 1], 1, 1),  # giving way twice in one episode counts once
        ([1, 0, 1], [1, 0, 1], 2, 2),  # two episodes, both won
        ([1, 1, 0, 1, 1], [1, 0, 0, 0, 0], 2, 1),  # won, then resisted the next
        ([0, 0, 0], [1, 1, 1], 0, 0),  # giving way without being under the lever is no success
    ],
)
def test_episodes_count_attempts_and_successes(under, gave_way, attempts, successes):
    e = replay(under, gave_way)
    assert (e.attempts[0], e.successes[0]) == (attempts, successes)
    assert e.successes[0] <= e.attempts[0]


def test_episodes_are_per_ally_and_per_run():
    e = Episodes.none(2, 4)
    under = np.array([[False, True, True, False], [False, False, True, False]])
    gave = np.array([[False, True, False, False], [False, False, False, False]])
    e = e.advance(under, gave)
    np.testing.assert_array_equal(e.attempts, [2, 1])
    np.testing.assert_array_equal(e.successes, [1, 0])


def test_episodes_with_fractional_success_compound_within_an_episode():
    # One episode of three turns; the attempt caused the break with probability
    # 0.5 on turn 1 and 0.4 on turn 3: it succeeded with 1 - 0.5 x 0.6 = 0.7.
    e = Episodes.none(1, 4)
    for g in (0.5, 0.0, 0.4):
        u = np.zeros((1, 4), bool)
        u[0, 1] = True
        gave = np.zeros((1, 4))
        gave[0, 1] = g
        e = e.advance(u, gave)
    np.testing.assert_allclose(e.successes, [0.7])
    assert e.attempts[0] == 1
    # the episode ends; a new one starts from zero
    e = e.advance(np.zeros((1, 4), bool), np.zeros((1, 4)))
    u = np.zeros((1, 4), bool)
    u[0, 1] = True
    gave = np.zeros((1, 4))
    gave[0, 1] = 0.25
    e = e.advance(u, gave)
    np.testing.assert_allclose(e.successes, [0.95])
    assert e.attempts[0] == 2
