"""agents/policies.py: logit choice and scripted moves."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.policies import LogitPolicy, RandomPolicy, ScriptedPolicy, choice_probabilities

N_OPT = 6


@st.composite
def menus(draw, n=8):
    utility = draw(arrays(np.float64, (n, N_OPT), elements=st.floats(-3, 3)))
    open_ = draw(arrays(bool, (n, N_OPT)))
    open_[:, 0] = open_[:, 0] | ~open_.any(axis=1)  # at least one open option (hold)
    draws = draw(arrays(np.float64, n, elements=st.floats(0, 1, exclude_max=True)))
    temperature = draw(st.floats(0.01, 10))
    return utility, open_, draws, temperature


@settings(max_examples=60, deadline=None)
@given(menus())
def test_logit_never_picks_a_closed_option(menu):
    utility, open_, draws, temperature = menu
    chosen = LogitPolicy().choose(1, utility, open_, draws, temperature)
    assert chosen.shape == (len(draws),)
    assert np.all((chosen >= 0) & (chosen < N_OPT))
    assert open_[np.arange(len(draws)), chosen].all()


@settings(max_examples=40, deadline=None)
@given(menus())
def test_probabilities_sum_to_one_and_are_zero_when_closed(menu):
    utility, open_, _, temperature = menu
    p = choice_probabilities(utility, open_, temperature)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all(p[~open_] == 0)
    assert np.all(p >= 0)


def test_choice_follows_the_cumulative_distribution():
    utility = np.zeros((4, 3))
    open_ = np.ones((4, 3), dtype=bool)
    draws = np.array([0.0, 0.34, 0.67, 0.999])
    np.testing.assert_array_equal(LogitPolicy().choose(1, utility, open_, draws, 1.0), [0, 1, 2, 2])


def test_lower_temperature_concentrates_on_the_best_option():
    utility = np.array([[0.1, 0.5, 0.3, 0.0]])
    open_ = np.ones_like(utility, dtype=bool)
    best = [choice_probabilities(utility, open_, t)[0, 1] for t in (5.0, 1.0, 0.2, 0.05, 0.01)]
    assert all(a < b for a, b in zip(best, best[1:], strict=False))
    assert best[-1] > 0.999
    n = 2000
    draws = (np.arange(n) + 0.5) / n
    cold = LogitPolicy().choose(1, np.repeat(utility, n, 0), np.repeat(open_, n, 0), draws, 0.02)
    hot = LogitPolicy().choose(1, np.repeat(utility, n, 0), np.repeat(open_, n, 0), draws, 5.0)
    assert (cold == 1).mean() > 0.99
    assert 0.2 < (hot == 1).mean() < 0.4


def test_best_open_option_wins_when_the_best_is_closed():
    utility = np.array([[0.0, 0.9, 0.5]])
    open_ = np.array([[True, False, True]])
    assert LogitPolicy().choose(1, utility, open_, np.array([0.5]), 0.01)[0] == 2


def test_logit_with_a_tiny_valid_temperature_still_respects_closed_options():
    utility = np.array([[0.0, 0.1, 0.5]])
    open_ = np.array([[False, True, True]])
    with np.errstate(all="ignore"):
        chosen = LogitPolicy().choose(1, utility, open_, np.array([0.3]), 1e-320)
    assert open_[0, chosen[0]]


# -- ScriptedPolicy --------------------------------------------------------------------------


class Fixed:
    """A fallback that always picks one option (to see when it is used)."""

    def __init__(self, option: int) -> None:
        self.option = option
        self.calls = 0

    def choose(self, turn, utility, open_, draws, temperature):
        self.calls += 1
        return np.full(len(draws), self.option)


def test_scripted_plays_its_move_where_open_and_falls_back_where_closed():
    policy = ScriptedPolicy({2: 3}, fallback=Fixed(0))
    open_ = np.ones((3, 5), dtype=bool)
    open_[1, 3] = False
    utility = np.zeros((3, 5))
    draws = np.full(3, 0.5)
    np.testing.assert_array_equal(policy.choose(2, utility, open_, draws, 0.1), [3, 0, 3])


def test_scripted_uses_the_fallback_on_unscripted_turns():
    fallback = Fixed(4)
    policy = ScriptedPolicy({2: 3}, fallback=fallback)
    out = policy.choose(5, np.zeros((2, 5)), np.ones((2, 5), dtype=bool), np.zeros(2), 0.1)
    np.testing.assert_array_equal(out, [4, 4])
    assert fallback.calls == 1


def test_scripted_default_fallback_is_the_logit_ai():
    utility = np.array([[0.0, 1.0, 0.0]])
    open_ = np.ones((1, 3), dtype=bool)
    scripted = ScriptedPolicy({}).choose(1, utility, open_, np.array([0.5]), 0.01)
    assert scripted[0] == LogitPolicy().choose(1, utility, open_, np.array([0.5]), 0.01)[0] == 1


# --- the random baseline -------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(menus())
def test_random_policy_never_picks_a_closed_option(menu):
    utility, open_, draws, temperature = menu
    chosen = RandomPolicy().choose(1, utility, open_, draws, temperature)
    assert chosen.shape == (len(draws),)
    assert open_[np.arange(len(draws)), chosen].all()


def test_random_policy_maps_draws_onto_open_options_by_hand():
    # Open: options 0, 2 and 3 of four; thirds of [0, 1) go to each of them in order.
    open_ = np.tile([True, False, True, True], (6, 1))
    draws = np.array([0.0, 0.33, 0.34, 0.66, 0.67, 0.999])
    chosen = RandomPolicy().choose(1, np.zeros((6, 4)), open_, draws, 0.05)
    np.testing.assert_array_equal(chosen, [0, 0, 2, 2, 3, 3])


def test_random_policy_ignores_utility_and_temperature():
    rng = np.random.default_rng(3)
    open_ = rng.random((200, 7)) < 0.6
    open_[:, 0] = True
    draws = rng.random(200)
    a = RandomPolicy().choose(1, rng.normal(size=(200, 7)), open_, draws, 0.01)
    b = RandomPolicy().choose(5, rng.normal(size=(200, 7)) * 100, open_, draws, 9.0)
    np.testing.assert_array_equal(a, b)


def test_random_policy_is_uniform_over_open_options():
    # 12,000 draws over five open options of eight: each should get about 2,400.
    n = 12_000
    open_ = np.tile([True, True, False, True, False, True, True, False], (n, 1))
    draws = np.random.default_rng(11).random(n)
    chosen = RandomPolicy().choose(1, np.zeros(open_.shape), open_, draws, 0.05)
    counts = np.bincount(chosen, minlength=8)
    assert counts[[2, 4, 7]].sum() == 0
    expected = n / 5
    chi2 = float((((counts[open_[0]] - expected) ** 2) / expected).sum())
    assert chi2 < 25.0  # 4 degrees of freedom: p < 1e-4 above 23.5


def test_random_play_is_reproducible_and_independent_of_the_ensemble():
    from agents.policies import random_policies
    from sim.model import TrilateralModel

    def play(seeds):
        model = TrilateralModel("wedge_driving", seeds=seeds, policies=random_policies(), collect=False)
        while model.running:
            model.step()
        return np.stack([rec.outcome.choices for rec in model.history], axis=1)

    whole = play([0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(whole, play([0, 1, 2, 3, 4, 5]))
    np.testing.assert_array_equal(whole[3:4], play([3]))
    ai = TrilateralModel("wedge_driving", seeds=[0, 1, 2, 3, 4, 5], collect=False)
    while ai.running:
        ai.step()
    assert not np.array_equal(whole, np.stack([rec.outcome.choices for rec in ai.history], axis=1))
