"""MODEL.md §6.5 (logit choice and sampling, agents/policies.py), against values worked by hand.

Coverage map:

- P(o) = exp(U(o)/τ) / Σ_open exp(U(o')/τ), closed options 0: test_probabilities_*.
- weights exp((U − max_open U)/τ), best open option weight exactly 1: test_scaled_*.
- inverse-CDF sampling, first o with F_o > u·F_K: test_sampling_*.
- scaling w by λ ≡ dividing τ by λ: test_preference_scale_is_inverse_temperature.
"""

from __future__ import annotations

from math import exp

import numpy as np
import pytest

from agents.policies import LogitPolicy, _scaled, choice_probabilities


def test_probabilities_by_hand():
    """U = (0.1, 0.3, 0.2), τ = 0.1: weights e^−2, 1, e^−1 over their sum."""
    p = choice_probabilities(np.array([[0.1, 0.3, 0.2]]), np.ones((1, 3), bool), 0.1)
    total = exp(-2) + 1 + exp(-1)  # = 1.50321
    assert p[0].tolist() == pytest.approx(
        [exp(-2) / total, 1 / total, exp(-1) / total]
    )  # 0.0900, 0.6652, 0.2447


def test_probabilities_renormalise_over_open_options_only():
    """The best option closed: P over options 0 and 2 only, e^−1 : 1."""
    p = choice_probabilities(np.array([[0.1, 0.3, 0.2]]), np.array([[True, False, True]]), 0.1)
    assert p[0].tolist() == pytest.approx(
        [exp(-1) / (1 + exp(-1)), 0.0, 1 / (1 + exp(-1))]
    )  # 0.2689, 0, 0.7311


def test_scaled_subtracts_the_best_open_utility_before_dividing():
    """(U − max_open U)/τ on open options, −inf elsewhere."""
    s = _scaled(np.array([[0.1, 0.3, 0.2]]), np.array([[True, False, True]]), 0.1)
    assert s[0, 0] == pytest.approx((0.1 - 0.2) / 0.1) and s[0, 2] == 0.0 and s[0, 1] == -np.inf


def test_sampling_is_the_first_option_whose_cdf_exceeds_u_times_the_total():
    """F = (e^−2, e^−2 + 1, e^−2 + 1 + e^−1); pick the first o with F_o > u·F_K."""
    f1, f2, fk = exp(-2), exp(-2) + 1, exp(-2) + 1 + exp(-1)
    edges = [f1 / fk, f2 / fk]  # = 0.0900, 0.7553
    draws = np.array([0.0, edges[0] - 1e-9, edges[0] + 1e-9, edges[1] - 1e-9, edges[1] + 1e-9, 0.999999])
    n = len(draws)
    chosen = LogitPolicy().choose(1, np.tile([0.1, 0.3, 0.2], (n, 1)), np.ones((n, 3), bool), draws, 0.1)
    assert chosen.tolist() == [0, 0, 1, 1, 2, 2]


def test_sampling_skips_closed_options():
    """A closed option has zero width: with option 1 closed, F = (e^−1, e^−1, e^−1 + 1)."""
    edge = exp(-1) / (exp(-1) + 1)  # = 0.2689
    draws = np.array([edge - 1e-9, edge + 1e-9])
    chosen = LogitPolicy().choose(
        1, np.tile([0.1, 0.3, 0.2], (2, 1)), np.tile([True, False, True], (2, 1)), draws, 0.1
    )
    assert chosen.tolist() == [0, 2]


def test_preference_scale_is_inverse_temperature():
    """§6.5: U linear in w, so (λU, τ) gives the same probabilities as (U, τ/λ)."""
    u = np.array([[0.1, 0.3, 0.2, -0.4]])
    open_ = np.ones_like(u, bool)
    np.testing.assert_allclose(choice_probabilities(3 * u, open_, 0.3), choice_probabilities(u, open_, 0.1))
