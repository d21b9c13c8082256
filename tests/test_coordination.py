"""agents/coordination.py: the assurance game solved as a logit QRE (McKelvey and Palfrey 1995)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import compiled, make_state, option

from agents import coordination
from agents.utility import partner_expectation, situation, utilities, utility_plan
from sim.actions import open_options
from sim.actors import JPN, PRC, ROK, USA
from sim.mechanisms import mechanism_hooks


def _solve(state, c=None, rounds=None):
    c = c or compiled({"assurance.rounds": rounds} if rounds is not None else None)
    view = situation(state, mechanism_hooks(state, c), c)
    open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
    return c, view, open_, coordination.solve(view, utility_plan(c), c, open_)


def test_partner_expectation_is_trust_times_answering_averaged_over_partners():
    trust = np.full((1, 4, 4), 0.5)
    trust[0, ROK, USA], trust[0, ROK, JPN] = 0.8, 0.2
    respond = np.array([[0.9, 0.5, 0.4, 1.0]])
    p = partner_expectation(trust, respond)
    # Seoul: (0.8 x 0.9 + 0.2 x 0.4) / 2 = 0.40; Beijing is not in the game.
    assert p[0, ROK] == np.float64(0.8 * 0.9 + 0.2 * 0.4) / 2
    assert p[0, PRC] == 0.0


def test_partner_expectation_weighs_the_patron_for_seoul_and_tokyo():
    """Snyder 1984: Seoul and Tokyo weigh Washington by patron_weight; Washington its allies equally."""
    from agents.utility import partner_weights

    w = partner_weights(0.75)
    assert w[ROK, USA] == 0.75 and w[ROK, JPN] == 0.25 and w[JPN, USA] == 0.75 and w[JPN, ROK] == 0.25
    assert w[USA, ROK] == w[USA, JPN] == 0.5
    assert (w[PRC] == 0).all() and (w[:, PRC] == 0).all()
    trust = np.full((1, 4, 4), 0.5)
    trust[0, ROK, USA], trust[0, ROK, JPN] = 0.8, 0.2
    p = partner_expectation(trust, np.array([[0.9, 0.5, 0.4, 1.0]]), w)
    assert p[0, ROK] == np.float64(0.75 * 0.8 * 0.9 + 0.25 * 0.2 * 0.4)


def test_assured_stake_is_stake_times_crisis_times_threat_times_expectation():
    c = compiled()
    state = make_state(crisis=0.5)
    view = situation(state, mechanism_hooks(state, c), c)
    view = dataclasses.replace(view, partners_join=np.array([[0.6, 0.3, 0.7, 0.0]]))
    from agents.utility import FEATURES

    group = (np.array([JPN]), np.array([-1]), np.array([-1]))
    got = FEATURES["assured_stake"](view, group, c)[0, 0]
    stake = c.params.assurance.stakes["JPN"]["taiwan"]
    assert got == stake * 0.5 * state.threat[0, JPN, PRC] * 0.7
    exposed = FEATURES["left_exposed"](view, group, c)[0, 0]
    assert exposed == state.exposure[0, JPN, PRC] * (1.0 - 0.7)


def test_solved_utilities_equal_the_utilities_at_the_equilibrium_expectations():
    c, _, _, (view, u, _) = _solve(make_state(n=2, crisis=np.array([0.2, 0.7])))
    np.testing.assert_allclose(u, utilities(view, utility_plan(c), c), atol=1e-12)


def test_damped_rounds_converge():
    """The default rounds land within 1e-3 of the exact fixed point, near a tipping point too.

    The last state is one where the fall from sigma = 1 is slow: sixteen rounds (the cap
    until 2026-11-30) left sigma at about 0.46 where the fixed point is below 0.03.
    """
    state = make_state(n=6, crisis=np.array([0.2, 0.3, 0.4, 0.6, 0.9, 0.9]))
    state.trust[5], state.threat[5] = 0.81, 0.125
    *_, (_, _, default) = _solve(state)
    exact = compiled({"assurance.tolerance": 0.0})
    *_, (_, _, fixed) = _solve(state, c=exact)
    assert fixed[5, [USA, ROK, JPN]].max() < 0.05  # the tipping-point case does tip
    assert np.abs(default - fixed)[:, [USA, ROK, JPN]].max() < 1e-3


def test_no_rounds_means_trust_alone():
    state = make_state(crisis=0.6)
    _, view, _, (solved, _, _) = _solve(state, rounds=0)
    np.testing.assert_array_equal(solved.partners_join, view.partners_join)


@settings(max_examples=25, deadline=None)
@given(low=st.floats(0.0, 0.45), high=st.floats(0.55, 1.0), crisis=st.floats(0.3, 1.0))
def test_less_trust_in_partners_never_raises_answering(low, high, crisis):
    """The game's monotonicity: a government that trusts its partners less answers no more.

    Trust also enters other options directly (investing with trusted fellow members,
    the support that hedging and conceding put at risk), which can move answering
    either way; those terms are set to 0 here so that the property is the coordination
    game's own.
    """
    c = compiled(
        {
            "utility.invest.alliance.member_trust": 0.0,
            "utility.suspend.alliance.member_trust": 0.0,
            "utility.hedge.alliance.expected_support": 0.0,
            "utility.concede.alliance.expected_support": 0.0,
            "utility.repair.alliance.distrust_target": 0.0,
            "utility.notice.alliance.member_trust": 0.0,
            "utility.restore.alliance.member_trust": 0.0,
            "utility.invest.alliance.mechanism_repair": 0.0,
            "utility.restore.alliance.mechanism_repair": 0.0,
        }
    )
    out = []
    for t in (low, high):
        state = make_state(crisis=crisis)
        trust = state.trust.copy()
        trust[0, ROK, USA] = trust[0, ROK, JPN] = t
        *_, (_, _, sigma) = _solve(make_state(crisis=crisis, trust=trust), c)
        out.append(sigma[0, ROK])
    assert out[0] <= out[1] + 1e-9


@settings(max_examples=50, deadline=None)
@given(
    trust=st.lists(st.floats(0.0, 1.0), min_size=16, max_size=16),
    consult=st.floats(0.0, 0.99),
    weight=st.floats(0.0, 1.0),
)
def test_expected_support_is_a_probability_that_consultation_only_raises(trust, consult, weight):
    """B_i = sum_j w_ij (T_ij + c_i (1 - T_ij)) stays in [0, 1] and never falls with c_i."""
    from agents.utility import counted_on, partner_weights

    t = np.array(trust).reshape(1, 4, 4)
    w = partner_weights(weight)
    assert np.allclose(w[list((USA, ROK, JPN))].sum(axis=1), 1.0)
    ones = np.ones((1, 4))
    alone = partner_expectation(counted_on(t, np.zeros((1, 4))), ones, w)
    backed = partner_expectation(counted_on(t, np.full((1, 4), consult)), ones, w)
    np.testing.assert_array_equal(alone, partner_expectation(t, ones, w))
    assert (backed >= alone - 1e-12).all() and (backed <= 1.0 + 1e-12).all() and (alone >= 0.0).all()


def test_a_taiwan_crisis_touches_tokyo_more_than_seoul():
    c = compiled()
    stakes = c.params.assurance.stakes
    assert stakes["JPN"]["taiwan"] > stakes["ROK"]["taiwan"]
    assert stakes["ROK"]["peninsula"] > stakes["ROK"]["taiwan"]
    # With the stake of the peninsula, Seoul's value of coordinating rises.
    state = make_state(crisis=0.7)
    *_, (_, u_taiwan, _) = _solve(state, c)
    *_, (_, u_peninsula, _) = _solve(state, compiled({"assurance.theatre": "peninsula"}))
    o = option(c, "ROK", "coordinate")
    assert u_peninsula[0, o] > u_taiwan[0, o]


def test_answering_is_worth_what_the_partners_are_expected_to_return():
    """partners_join replaces trust in Washington in the answering options' alliance term."""
    c = compiled()
    for kind in ("coordinate", "joint_statement"):
        alliance = c.params.utility[kind]["alliance"]
        assert "partners_join" in alliance and "trust_usa" not in alliance


def test_the_split_logit_equals_the_full_logit():
    """A round's answering probability equals the plain logit over the whole menu."""
    from agents.policies import choice_probabilities
    from agents.utility import assured_columns
    from sim.actions import RESPONSE_KINDS

    c = compiled()
    state = make_state(n=4, crisis=np.array([0.0, 0.3, 0.6, 0.95]), pressure=np.array([[0, 0.4, 0, 0]] * 4))
    view = situation(state, mechanism_hooks(state, c), c)
    open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
    plan = utility_plan(c)
    base = utilities(view, plan, c, assured=False)
    cols, assured = assured_columns(view, plan, c)
    full = base.copy()
    full[:, cols] += assured
    for a in (USA, ROK, JPN):
        menu = c.options.slices[a]
        p = choice_probabilities(full[:, menu], open_[:, menu], float(c.temperature[a]))
        want = p[:, np.isin(c.options.kind[menu], RESPONSE_KINDS)].sum(axis=1)
        got = coordination._Logit(a, base, open_, cols, c).answering_probability(assured)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _one_more_round(c, open_, utility, sigma):
    """sigma after one more damped round at the solved utilities, computed over the whole menu."""
    from agents.policies import choice_probabilities
    from sim.actions import RESPONSE_KINDS
    from sim.actors import ALLIES

    rules = c.params.assurance
    after = sigma.copy()
    for a in ALLIES:
        menu = c.options.slices[a]
        p = choice_probabilities(utility[:, menu], open_[:, menu], float(c.temperature[a]))
        answering = np.isin(c.options.kind[menu], RESPONSE_KINDS)
        after[:, a] = (1.0 - rules.damping) * sigma[:, a] + rules.damping * p[:, answering].sum(axis=1)
    return after


@settings(max_examples=20, deadline=None)
@given(
    crisis=st.floats(0.0, 1.0),
    trust=st.floats(0.1, 0.95),
    threat=st.floats(0.0, 1.0),
)
@example(crisis=1.0, trust=0.5, threat=0.75)  # still moving after fifty rounds (a bottleneck)
@example(crisis=0.5, trust=0.95, threat=0.4)  # about 150 rounds to its fixed point
def test_solved_sigma_is_within_the_tolerance_of_one_more_round(crisis, trust, threat):
    """The stopping rule: the rounds stop once no run's sigma moves by more than the tolerance.

    One more round, computed independently from the solved utilities over the whole
    menu, moves no ally's answering probability by more than `assurance.tolerance`
    (plus rounding), at the default cap: every run stops by the rule rather than at the
    cap, near a tipping point too, where the fall from sigma = 1 crawls through a
    bottleneck before it tips (crisis 1.0, trust 0.5, threat 0.75 was still at 0.90
    after fifty rounds, the cap until 2026-11-30; its only fixed point is 0.007).
    """
    c = compiled()
    tolerance = c.params.assurance.tolerance
    assert 0.0 < tolerance <= 1e-3
    state = make_state(n=3, crisis=np.array([crisis, 0.5, 0.9]))
    state.trust[:, :3, :3] = trust
    state.threat[:, :3, PRC] = threat
    _, _, open_, (_, utility, sigma) = _solve(state, c)
    after = _one_more_round(c, open_, utility, sigma)
    assert np.abs(after - sigma)[:, [USA, ROK, JPN]].max() <= tolerance + 1e-12


def test_the_tolerance_stops_the_rounds_early_and_close_to_the_exact_fixed_point(monkeypatch):
    """A tolerance spares rounds; the sigma it keeps is near the exact fixed point's (0)."""
    calls = []
    expectation = coordination.partner_expectation
    monkeypatch.setattr(coordination, "partner_expectation", lambda *a: calls.append(1) or expectation(*a))
    state = make_state(n=5, crisis=np.array([0.2, 0.3, 0.4, 0.6, 0.9]))
    *_, (_, _, loose) = _solve(state, compiled({"assurance.tolerance": 1e-4}))
    loose_rounds = len(calls)
    calls.clear()
    *_, (_, _, exact) = _solve(state, compiled({"assurance.tolerance": 0.0}))
    assert loose_rounds < len(calls)
    # The rounds contract toward the fixed point, so the distance left is of the
    # order of the last step (at most the tolerance) times a modest factor.
    assert np.abs(loose - exact)[:, [USA, ROK, JPN]].max() < 1e-3
