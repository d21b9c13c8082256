"""Seoul-Tokyo dispute heat: how news accumulates into the standing level.

The level d in [0, 1) is 1 - exp(-H) of an unbounded stock H of news that has not
yet faded: news of heat h >= 0 moves it to 1 - (1 - d) exp(-h), so each provocation
adds (1 - d)(1 - exp(-h)) > 0. The marginal effect diminishes as the dispute heats
but never reaches zero, and the level never reaches a ceiling at which further
provocations add nothing. Cooling (a summit, a repair gesture) takes heat off
linearly, down to 0. Pure numpy, vectorised over the run axis; no mesa here.
"""

from __future__ import annotations

import numpy as np


def heat_up(level: np.ndarray, heat: np.ndarray | float) -> np.ndarray:
    """The dispute level after news of signed ``heat``.

    Args:
        level: Dispute level in [0, 1), shape (n,).
        heat: This news' heat, shape (n,) or scalar: > 0 heats (1 - (1 - d) e^-h),
            < 0 cools (d + h, not below 0).

    Returns:
        The new level in [0, 1], shape (n,).
    """
    heat = np.asarray(heat, dtype=float)
    rise = np.maximum(heat, 0.0)
    cool = np.minimum(heat, 0.0)
    # -expm1(-h) = 1 - e^-h, exact for small h.
    return np.clip(level + (1.0 - level) * -np.expm1(-rise) + cool, 0.0, 1.0)
