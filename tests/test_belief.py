"""sim/belief.py: trust as a Bayesian belief (Kydd 2005), its invariants as properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from support import compiled

from sim.belief import belief_update, log_odds, move_evidence, move_ratios, probability, relax
from sim.params import TrustParams, default_parameters

DEFAULT = default_parameters().trust
level = st.floats(0.0, 1.0)
inner = st.floats(0.001, 0.999)
llr = st.floats(-20.0, 20.0)
months = st.floats(0.05, 3.0)
share = st.floats(0.0, 0.3)


def _one(x: float) -> np.ndarray:
    return np.full((1, 4, 4), x)


@settings(max_examples=200, deadline=None)
@given(trust=level, prior=level, news=llr, conduct=llr, h=share, dt=months)
def test_a_belief_stays_strictly_between_zero_and_one(trust, prior, news, conduct, h, dt):
    out = belief_update(_one(trust), np.full((4, 4), prior), _one(news), _one(conduct), h, dt)
    assert np.all(out > 0.0) and np.all(out < 1.0)


@settings(max_examples=100, deadline=None)
@given(p=inner)
def test_with_the_default_likelihoods_a_defection_moves_trust_more_than_an_answer(p):
    """Kydd: a trustworthy partner rarely defects, so bad news is the more diagnostic."""
    r = move_ratios(DEFAULT)
    prior = np.full((4, 4), p)
    up = belief_update(_one(p), prior, _one(r["answer"]), _one(0.0), 0.0, 1.0)[0, 0, 1] - p
    down = p - belief_update(_one(p), prior, _one(r["defect"]), _one(0.0), 0.0, 1.0)[0, 0, 1]
    assert down > up > 0.0


@settings(max_examples=200, deadline=None)
@given(answer_t=st.floats(0.05, 0.95), other=st.floats(0.01, 0.5), gap=st.floats(0.01, 0.5))
def test_bad_news_is_more_diagnostic_when_a_trustworthy_type_defects_less_than_an_untrustworthy_one_answers(
    answer_t, other, gap
):
    """With the same share of other moves, a_T - a_U = d_U - d_T = gap; ln(d_U/d_T) > ln(a_T/a_U)
    exactly when d_T < a_U (a_T + a_U + other > 1)."""
    answer_u = answer_t - gap
    defect_t = 1.0 - answer_t - other
    defect_u = defect_t + gap
    assume(answer_u > 0.01 and defect_t > 0.01 and abs(defect_t - answer_u) > 1e-9)
    t = DEFAULT.model_copy(
        update={
            "answer_if_trustworthy": answer_t,
            "answer_if_untrustworthy": answer_u,
            "defect_if_trustworthy": defect_t,
            "defect_if_untrustworthy": defect_u,
        }
    )
    r = move_ratios(t)
    assert r["answer"] > 0.0 > r["defect"]
    assert (-r["defect"] > r["answer"]) == (defect_t < answer_u)


@settings(max_examples=200, deadline=None)
@given(x=llr, prior=llr, rate=st.floats(-5.0, 5.0), h=share, a=months, b=months)
def test_evidence_at_a_steady_rate_composes_over_turns(x, prior, rate, h, a, b):
    """Two turns of a and b months move the log-odds as one of a + b months."""
    x, prior = np.array([x]), np.array([prior])
    twice = relax(relax(x, prior, rate, h, a), prior, rate, h, b)
    once = relax(x, prior, rate, h, a + b)
    np.testing.assert_allclose(twice, once, rtol=1e-9, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(trust=inner, prior=inner, per_month=st.floats(-3.0, 3.0), h=share)
def test_two_half_month_turns_of_the_same_conduct_make_one_month(trust, prior, per_month, h):
    """A turn's conduct is a month's conduct times the turn's length (`adjudicate`)."""
    half = 0.5
    p = np.full((4, 4), prior)
    first = belief_update(_one(trust), p, _one(0.0), _one(per_month * half), h, half)
    second = belief_update(first, p, _one(0.0), _one(per_month * half), h, half)
    month = belief_update(_one(trust), p, _one(0.0), _one(per_month), h, 1.0)
    np.testing.assert_allclose(second, month, rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(trust=inner, prior=inner, h=st.floats(0.001, 0.3), dt=months)
def test_without_evidence_a_belief_moves_toward_its_prior_and_never_past_it(trust, prior, h, dt):
    out = belief_update(_one(trust), np.full((4, 4), prior), _one(0.0), _one(0.0), h, dt)[0, 0, 1]
    assert min(trust, prior) - 1e-12 <= out <= max(trust, prior) + 1e-12
    assert abs(out - prior) <= abs(trust - prior) + 1e-12


def test_beliefs_do_not_lock_under_steady_bad_news():
    """The fixed point x0 + e / k is finite: a year of heavy bad news leaves trust above 0,
    and a year without news brings it most of the way back (k = -ln 0.98 a month)."""
    prior = np.full((4, 4), 0.5)
    k = -np.log(0.98)
    out = belief_update(_one(0.5), prior, _one(0.0), _one(-12.0), 0.02, 12.0)[0, 0, 1]
    expected = probability(np.array(-1.0 / k * (1 - 0.98**12)))  # x0 + e/k (1 - e^{-12k}), x0 = 0
    assert out == pytest.approx(float(expected), rel=1e-12)
    assert out > 1e-6


def test_log_odds_and_probability_are_inverse_and_finite_at_the_ends():
    p = np.array([0.0, 0.2, 0.5, 0.77, 1.0])
    x = log_odds(p)
    assert np.all(np.isfinite(x))
    np.testing.assert_allclose(probability(x)[1:-1], p[1:-1], rtol=1e-12)
    assert probability(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]  # no overflow warning


def test_move_evidence_only_among_allies_and_only_when_the_holder_was_tested():
    r = move_ratios(DEFAULT)
    responding = np.array([[True, True, False, False], [True, False, False, False]])
    defecting = np.array([[False, False, True, False], [False, False, False, False]])
    conceded = np.array([[False, False, True, False], [False, False, False, False]])
    military = np.array([True, False])
    e = move_evidence(responding, defecting, conceded, military, DEFAULT)
    # run 0: Washington and Seoul answered, Tokyo conceded
    assert e[0, 0, 1] == r["answer"] and e[0, 1, 0] == r["answer"]
    assert e[0, 0, 2] == r["defect"] and e[0, 1, 2] == r["defect"]
    assert e[0, 2, 0] == 0.0 and e[0, 2, 1] == 0.0  # Tokyo was not tested: no news of its partners
    assert not e[0, 3].any() and not e[0, :, 3].any()  # Beijing: not judged this way
    assert not e[1].any()  # no crisis, no concession: no evidence


def test_parameters_refuse_likelihoods_with_no_room_for_other_moves():
    from sim.errors import InputError
    from sim.params import build_parameters

    with pytest.raises(InputError) as err:
        build_parameters([(("trust", "answer_if_trustworthy"), 0.95, "test", None)])
    assert "answer_if_trustworthy + defect_if_trustworthy must be below 1" in str(err.value)
    assert isinstance(compiled().params.trust, TrustParams)
