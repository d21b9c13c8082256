"""agents/utility.py: features of the situation and the utility of every option."""

from __future__ import annotations

import numpy as np
import pytest
from support import compiled, make_state, option

from agents.utility import FEATURES, situation, utilities, utility_plan, utility_terms
from sim.actors import INDEX, PRC, ROK
from sim.mechanisms import mechanism_hooks
from sim.vocab import FEATURES as FEATURE_NAMES


def utility_of(state, c=None):
    c = c or compiled()
    view = situation(state, mechanism_hooks(state, c), c)
    return utilities(view, utility_plan(c), c), utility_terms(view, c)


def test_every_feature_named_in_the_vocabulary_is_defined():
    assert set(FEATURE_NAMES) == set(FEATURES)


def test_utilities_are_preference_weighted_terms_plus_crowding():
    c = compiled()
    state = make_state(n=2, crisis=np.array([0.1, 0.7]), pressure=np.array([[0, 0.4, 0, 0], [0, 0, 0.3, 0]]))
    u, terms = utility_of(state, c)
    crowding = np.zeros(len(c.options))
    for kp in utility_plan(c):
        crowding[kp.idx] = kp.crowding
    weighted = (terms * c.weights[c.options.actor][None]).sum(axis=2)
    np.testing.assert_allclose(u, weighted + crowding[None], atol=1e-12)


def test_crowding_offsets_the_number_of_sibling_options():
    c = compiled()
    for kp in utility_plan(c):
        actors = c.options.actor[kp.idx]
        for pos, a in enumerate(actors):
            siblings = np.count_nonzero(actors == a)
            assert kp.crowding[pos] == -c.temperature[a] * np.log(siblings)


def test_each_run_s_utilities_do_not_depend_on_the_ensemble():
    c = compiled()
    state = make_state(n=3, crisis=np.array([0.1, 0.5, 0.9]), dispute=np.array([0.2, 0.6, 0.0]))
    together, _ = utility_of(state, c)
    for k in range(3):
        alone, _ = utility_of(state.take(slice(k, k + 1)), c)
        assert np.array_equal(together[k : k + 1], alone)


def test_coordinating_is_worth_more_in_a_crisis():
    c = compiled()
    calm, _ = utility_of(make_state(crisis=0.0), c)
    hot, _ = utility_of(make_state(crisis=0.8), c)
    o = option(c, "JPN", "coordinate")
    assert hot[0, o] > calm[0, o]


def test_conceding_is_worth_more_with_higher_exposure_under_pressure():
    """The paper's claim: higher economic exposure makes concession more likely."""
    c = compiled()
    pressure = np.array([0, 0.5, 0, 0])
    exposure = make_state().exposure.copy()
    low, high = exposure.copy(), exposure.copy()
    low[0, ROK, PRC], high[0, ROK, PRC] = 0.05, 0.5
    u_low, _ = utility_of(make_state(pressure=pressure, exposure=low), c)
    u_high, _ = utility_of(make_state(pressure=pressure, exposure=high), c)
    o = option(c, "ROK", "concede")
    assert u_high[0, o] > u_low[0, o]


def test_an_offer_pulls_whatever_the_partner_trust_and_trust_acts_through_the_game():
    """wedge_pull reads no trust (issue 8); a rift lowers the answering options' value instead."""
    c = compiled()
    inducement = np.array([0, 0.6, 0, 0])
    trust = make_state().trust.copy()
    friendly, rift = trust.copy(), trust.copy()
    friendly[0, ROK, INDEX["JPN"]], rift[0, ROK, INDEX["JPN"]] = 0.9, 0.1
    u_friendly, _ = utility_of(make_state(crisis=0.6, inducement=inducement, trust=friendly), c)
    u_rift, _ = utility_of(make_state(crisis=0.6, inducement=inducement, trust=rift), c)
    hedge, answer = option(c, "ROK", "hedge"), option(c, "ROK", "coordinate")
    assert u_rift[0, answer] - u_rift[0, hedge] < u_friendly[0, answer] - u_friendly[0, hedge]


def test_utilities_are_finite():
    u, terms = utility_of(make_state(n=2, crisis=np.array([0.0, 1.0]), dispute=np.array([1.0, 0.0])))
    assert np.isfinite(u).all() and np.isfinite(terms).all()


def test_a_dispute_makes_walking_out_of_exposed_mechanisms_worth_more_not_security_ones():
    """§6.3 exposed_dispute: the spill-over is selective, by each mechanism's salience.

    Raising D by 0.5 raises Seoul's utility of suspending m by w_approval x 3.30 x 0.5 x
    salience_m (0.20 x 3.30 x 0.5 = 0.33 for the history dialogue, salience 1.0; 0.066
    for GSOMIA, 0.2; 0.033 for the crisis consultation, 0.1) and leaves Washington's alone.
    """
    c = compiled()
    calm, _ = utility_of(make_state(dispute=0.1), c)
    hot, _ = utility_of(make_state(dispute=0.6), c)
    rise = {
        m: hot[0, option(c, "ROK", f"suspend {m}")] - calm[0, option(c, "ROK", f"suspend {m}")]
        for m in ("history_dialogue", "gsomia", "crisis_consultation")
    }
    assert rise["history_dialogue"] == pytest.approx(0.20 * 3.30 * 0.5 * 1.0, abs=1e-9)
    assert rise["gsomia"] == pytest.approx(0.20 * 3.30 * 0.5 * 0.2, abs=1e-9)
    assert rise["crisis_consultation"] == pytest.approx(0.20 * 3.30 * 0.5 * 0.1, abs=1e-9)
    usa = option(c, "USA", "suspend crisis_consultation")
    assert hot[0, usa] == calm[0, usa]
