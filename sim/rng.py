"""Counter-based randomness: every draw is a pure function of its coordinates.

A draw depends only on (run seed, turn, slot, purpose), never on how many runs share
an array or which worker computes them, so run k gives the same result alone, inside
an ensemble of any size, and under any chunking. The mixer is SplitMix64's finaliser
(Steele, Lea & Flood 2014), applied to a combination of the coordinates.
"""

from __future__ import annotations

import numpy as np

#: Purposes of draws; a new kind of draw takes a new number.
DECISION = 1
EVENT_CHANCE = 2

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


def uniforms(seeds: np.ndarray, turn: int, slot: int, purpose: int) -> np.ndarray:
    """One uniform draw in [0, 1) per run.

    Args:
        seeds: The runs' seeds, shape (n,), any integer dtype (taken modulo 2**64).
        turn: The turn number.
        slot: Which actor or event the draw is for.
        purpose: What the draw is for (a module constant such as `DECISION`).

    Returns:
        Array of shape (n,) of float64 in [0, 1).
    """
    with np.errstate(over="ignore"):
        x = _mix(seeds.astype(np.uint64) * _GOLDEN + np.uint64(1))
        for counter in (turn, slot, purpose):
            x = _mix(x ^ (np.uint64(counter & 0xFFFFFFFF) * _GOLDEN + _GOLDEN))
    return (x >> _S11).astype(np.float64) * (1.0 / 9007199254740992.0)
