"""MODEL.md "Turn length" (sim/timescale.py, adjudication.bounded_update_over), by hand.

Coverage map:

- rate kinds: share 1 − (1 − r)^Δt, amount r·Δt, months max(1, round(r/Δt)), 0 stays 0:
  test_scale_rate_*.
- the bounded update over Δt months of steady evidence: ℓ* + (ℓ − ℓ*)(1 − u − d)^Δt with
  u = γ(1 − e^−g), d = λ(1 − e^−b), ℓ* = u/(u + d): test_bounded_update_over_*.
- trust and opinion at another turn length: the events' evidence once, then the rest as
  a monthly rate over the turn: test_update_view_*.
"""

from __future__ import annotations

from math import exp

import numpy as np
import pytest

from sim.adjudication import _update_view, bounded_update, bounded_update_over
from sim.events import Signals
from sim.timescale import scale_rate


def test_scale_rate_share_amount_and_months():
    assert scale_rate(0.2, "share", 0.5) == pytest.approx(1 - (1 - 0.2) ** 0.5)  # = 0.10557
    assert scale_rate(0.2, "amount", 0.5) == pytest.approx(0.2 * 0.5)
    assert scale_rate(6, "months", 0.5) == 12.0  # round(6 / 0.5)
    assert scale_rate(1, "months", 3.0) == 1.0  # max(1, round(1/3))
    assert scale_rate(0, "months", 0.5) == 0.0  # 0 still means never


def test_bounded_update_over_by_hand():
    """Half a month at g = 0.5, b = 0.2 per month from ℓ = 0.4."""
    u = 0.12 * (1 - exp(-0.5))  # = 0.047216
    d = 0.30 * (1 - exp(-0.2))  # = 0.054381
    fixed = u / (u + d)  # = 0.464741
    expected = fixed + (0.4 - fixed) * (1 - u - d) ** 0.5  # = 0.403377
    out = bounded_update_over(np.array([0.4]), np.array([0.5]), np.array([0.2]), 0.12, 0.30, 0.5)
    assert out[0] == pytest.approx(expected)
    assert out[0] == pytest.approx(0.403377, abs=1e-6)


def test_bounded_update_over_one_month_is_the_bounded_update():
    args = (np.array([0.4, 0.9]), np.array([0.5, 0.0]), np.array([0.2, 3.0]), 0.12, 0.30)
    np.testing.assert_allclose(bounded_update_over(*args, 1.0), bounded_update(*args), rtol=1e-12)


def test_bounded_update_over_two_half_months_make_one_month():
    level, good, bad = np.array([0.4]), np.array([0.5]), np.array([0.2])
    half = bounded_update_over(level, good, bad, 0.12, 0.30, 0.5)
    twice = bounded_update_over(half, good, bad, 0.12, 0.30, 0.5)
    np.testing.assert_allclose(twice, bounded_update(level, good, bad, 0.12, 0.30), rtol=1e-12)


def test_bounded_update_over_without_evidence_keeps_the_level():
    out = bounded_update_over(np.array([0.37]), np.zeros(1), np.zeros(1), 0.12, 0.30, 0.5)
    assert out[0] == 0.37


def test_bounded_update_over_only_good_evidence_approaches_one():
    """d = 0: ℓ* = 1, ℓ' = 1 − (1 − ℓ)(1 − u)^Δt."""
    u = 0.12 * (1 - exp(-1.0))
    out = bounded_update_over(np.array([0.5]), np.array([1.0]), np.zeros(1), 0.12, 0.30, 2.0)
    assert out[0] == pytest.approx(1 - 0.5 * (1 - u) ** 2)


def test_update_view_applies_the_events_once_then_the_rest_as_a_rate():
    """Δt = 0.5: the events' 0.3 bad evidence by the monthly update, then moves' 0.25 good per
    turn as 0.5 good per month over half a month."""
    signals = Signals.zeros(1, 4)
    one_off = Signals.zeros(1, 4)
    for s in (signals, one_off):
        s.trust_bad[0, 1, 2] += 0.3
    signals.trust_good[0, 1, 2] += 0.25
    level = np.full((1, 4, 4), 0.5)
    out = _update_view(level, signals, one_off, "trust", 0.12, 0.30, 0.5)
    after_events = 0.5 - 0.30 * 0.5 * (1 - exp(-0.3))  # = 0.461123
    u = 0.12 * (1 - exp(-0.5))
    expected = 1 + (after_events - 1) * (1 - u) ** 0.5  # d = 0, ℓ* = 1
    assert out[0, 1, 2] == pytest.approx(expected)
    assert out[0, 2, 1] == 0.5


def test_update_view_monthly_is_one_bounded_update_of_everything():
    signals = Signals.zeros(1, 4)
    signals.opinion_good[0, 1, 2] += 0.4
    signals.opinion_bad[0, 1, 2] += 0.1
    out = _update_view(np.full((1, 4, 4), 0.5), signals, None, "opinion", 0.06, 0.15, 1.0)
    expected = 0.5 + 0.06 * 0.5 * (1 - exp(-0.4)) - 0.15 * 0.5 * (1 - exp(-0.1))
    assert out[0, 1, 2] == pytest.approx(expected)


def test_update_view_separates_event_and_move_evidence_of_both_signs():
    """Δt = 0.5 with events 0.2 good and 0.3 bad, and moves 0.1 good and 0.05 bad per turn
    (so 0.2 and 0.1 per month over the half month)."""
    signals, one_off = Signals.zeros(1, 4), Signals.zeros(1, 4)
    for s in (signals, one_off):
        s.opinion_good[0, 1, 2] += 0.2
        s.opinion_bad[0, 1, 2] += 0.3
    signals.opinion_good[0, 1, 2] += 0.1
    signals.opinion_bad[0, 1, 2] += 0.05
    out = _update_view(np.full((1, 4, 4), 0.5), signals, one_off, "opinion", 0.06, 0.15, 0.5)
    after_events = 0.5 + 0.06 * 0.5 * (1 - exp(-0.2)) - 0.15 * 0.5 * (1 - exp(-0.3))
    u, d = 0.06 * (1 - exp(-0.1 / 0.5)), 0.15 * (1 - exp(-0.05 / 0.5))
    fixed = u / (u + d)
    assert out[0, 1, 2] == pytest.approx(fixed + (after_events - fixed) * (1 - u - d) ** 0.5)
