"""MODEL.md §1.3 (counter-based draws, sim/rng.py) and Validation's intervals
(sim/expectations.py), against values worked by hand or an independent implementation.

Coverage map:

- §1.3 x ← mix(seed·g + 1); x ← mix(x XOR ((k mod 2³²)·g + g)) for k in (turn, slot,
  purpose); u = (x >> 11)/2⁵³: test_draw_*.
- Validation, Wilson's score interval for a share: test_wilson_*.
- Validation, the normal interval of a mean (also the claims' paired effect): test_mean_interval_*.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

from sim import rng
from sim.expectations import mean_interval, wilson

MASK = 2**64 - 1
G = 0x9E3779B97F4A7C15


def mix(x: int) -> int:
    """SplitMix64's finaliser on Python integers (Steele, Lea & Flood 2014)."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def draw(seed: int, turn: int, slot: int, purpose: int) -> float:
    """MODEL.md §1.3's pseudo-code, step by step."""
    x = mix((seed * G + 1) & MASK)
    for k in (turn, slot, purpose):
        x = mix(x ^ (((k % 2**32) * G + G) & MASK))
    return (x >> 11) / 2**53


def test_draw_mixer_is_splitmix64():
    """The published first output of SplitMix64 from state 0 is mix(g) = 0xE220A8397B1DCDAF."""
    assert mix(G) == 0xE220A8397B1DCDAF


@pytest.mark.parametrize(
    ("seed", "turn", "slot", "purpose"),
    [(0, 1, 0, rng.DECISION), (7, 3, 2, rng.EVENT_CHANCE), (2**40 + 5, 60, 3, 1), (12345, 2**32 + 4, 1, 2)],
)
def test_draw_follows_the_pseudo_code(seed, turn, slot, purpose):
    got = rng.uniforms(np.array([seed], dtype=np.uint64), turn, slot, purpose)[0]
    assert got == draw(seed, turn, slot, purpose)


def test_wilson_by_hand():
    """p̂ = 0.5, n = 100: centre 0.5, half-width 1.96·sqrt(0.0025 + 1.96²/40000)/(1 + 1.96²/100)."""
    half = 1.96 * sqrt(0.5 * 0.5 / 100 + 1.96**2 / (4 * 100**2)) / (1 + 1.96**2 / 100)  # = 0.096170
    assert wilson(50, 100) == pytest.approx((0.5 - half, 0.5 + half))
    assert wilson(50, 100)[0] == pytest.approx(0.40383, abs=1e-5)


def test_wilson_off_centre_by_hand():
    """p̂ = 0.1, n = 20: the interval is not centred on p̂."""
    z2 = 1.96**2
    centre = (0.1 + z2 / 40) / (1 + z2 / 20)  # = 0.16445
    half = 1.96 * sqrt(0.1 * 0.9 / 20 + z2 / 1600) / (1 + z2 / 20)  # = 0.13658
    low, high = wilson(2, 20)
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert low == pytest.approx(0.02787, abs=1e-5) and high == pytest.approx(0.30103, abs=1e-5)


def test_wilson_is_clipped_and_nan_without_runs():
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert all(np.isnan(wilson(0, 0)))


def test_mean_interval_by_hand():
    """x̄ ± 1.96·s/√n for (1, 2, 3, 4): s = sqrt(5/3), half = 1.96·1.29099/2 = 1.26517."""
    mean, low, high = mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 1.96 * sqrt((1.5**2 + 0.5**2 + 0.5**2 + 1.5**2) / 3) / sqrt(4)
    assert (mean, low, high) == pytest.approx((2.5, 2.5 - half, 2.5 + half))
    assert half == pytest.approx(1.26517, abs=1e-5)


def test_mean_interval_of_one_value_has_no_width():
    assert mean_interval(np.array([0.3])) == (0.3, 0.3, 0.3)
