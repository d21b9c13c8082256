"""The speed shortcuts of issue 8 change no result by a single bit.

`LogitPolicy.choose` and `coordination.solve` leave out options closed in every run,
and the coordination game stops at an exact fixed point (bench/README.md, Issue 8).
Each is checked here against the plain computation it replaces, bit for bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled, make_state

from agents import coordination
from agents.policies import LogitPolicy, _scaled
from agents.utility import assured_columns, partner_expectation, situation, utilities, utility_plan
from sim.actions import open_options
from sim.actors import ALLIES
from sim.mechanisms import mechanism_hooks


def _full_menu_choice(utility, open_, draws, temperature):
    """The inverse-cdf draw over the whole menu, closed options included (before issue 8's shortcut)."""
    cdf = np.cumsum(np.exp(_scaled(utility, open_, temperature)), axis=1)
    return (cdf <= draws[:, None] * cdf[:, -1:]).sum(axis=1)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 40),
    k=st.integers(1, 30),
    t=st.sampled_from([0.05, 0.3, 2.0]),
)
def test_choose_equals_the_full_menu_draw(seed, n, k, t):
    rng = np.random.default_rng(seed)
    utility = rng.normal(size=(n, k))
    open_ = rng.random((n, k)) < 0.6
    open_[:, rng.random(k) < 0.4] = False  # some options closed in every run
    open_[:, rng.integers(k)] = True  # as `hold`: one option always open
    draws = rng.random(n)
    draws[0] = 0.0  # the lowest draw
    got = LogitPolicy().choose(1, utility, open_, draws, t)
    np.testing.assert_array_equal(got, _full_menu_choice(utility, open_, draws, t))
    assert open_[np.arange(n), got].all()


def _solve_every_round(x, plan, c, open_):
    """The coordination game with all its rounds over the whole menu (no shortcut)."""
    rules = c.params.assurance
    base = utilities(x, plan, c, assured=False)
    sigma = np.ones(x.partners_join.shape)
    cols, _ = assured_columns(x, plan, c)
    everything = np.ones_like(open_)  # a menu open everywhere keeps every column in `_Logit`
    logits = {a: coordination._Logit(a, np.where(open_, base, -np.inf), everything, cols, c) for a in ALLIES}
    for k in range(rules.rounds):
        x = dataclasses.replace(x, partners_join=partner_expectation(x.state.trust, sigma, x.weights))
        _, assured = assured_columns(x, plan, c)
        response = sigma.copy()
        for a, logit in logits.items():
            response[:, a] = logit.answering_probability(assured)
        sigma = response if k == 0 else (1.0 - rules.damping) * sigma + rules.damping * response
    x = dataclasses.replace(x, partners_join=partner_expectation(x.state.trust, sigma, x.weights))
    cols, assured = assured_columns(x, plan, c)
    base[:, cols] += assured
    return base, sigma


def test_solve_equals_every_round_over_the_whole_menu():
    """Leaving out closed options and stopping at a repeated sigma change nothing, to the bit.

    The reference marks closed options with utility -inf in a menu open everywhere,
    so `_Logit` keeps every column, and it plays all the rounds.
    """
    c = compiled()
    crisis = np.linspace(0.0, 0.95, 24)
    state = make_state(n=24, crisis=crisis, pressure=np.array([[0, 0.4, 0, 0]] * 24))
    view = situation(state, mechanism_hooks(state, c), c)
    open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
    assert (~open_.any(axis=0)).any(), "the shortcut must have a column to leave out"
    plan = utility_plan(c)
    _, utility, sigma = coordination.solve(view, plan, c, open_)
    want_utility, want_sigma = _solve_every_round(view, plan, c, open_)
    assert sigma.tobytes() == want_sigma.tobytes()
    assert utility.tobytes() == want_utility.tobytes()
