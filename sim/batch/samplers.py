"""Samplers: turn varied dimensions into a list of points (path -> value).

Kept apart from evaluation (as in EMA Workbench): a sampler only proposes points.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np

from sim.errors import InputError

SAMPLERS = ("grid", "lhs", "random", "sobol")


def _where(source: str) -> tuple[str, str]:
    """The flag, or the file and field, that set the point count."""
    return ("--points", "") if source == "--vary" else (source, "points")


def count_points(dims: tuple, sampler: str, points: int | None, source: str) -> int:
    """How many points `sample_points` will propose, checked before any is made.

    Raises:
        InputError: a sampler given lists, or no point count; a Sobol' base size
            that is not a power of two.
    """
    if not dims:
        return 1
    if sampler == "grid":
        return math.prod(len(d.grid()) if d.values is not None else d.steps for d in dims)
    lists = [d.path for d in dims if d.values is not None]
    if lists:
        raise InputError.one(
            source, f"the {sampler} sampler needs LO:HI ranges, not lists", path=", ".join(lists)
        )
    where, field = _where(source)
    if not points:
        raise InputError.one(source, f"the {sampler} sampler needs --points K (how many points)")
    if sampler == "sobol":
        if points & (points - 1):
            below = 1 << (points.bit_length() - 1)
            raise InputError.one(
                where,
                f"the sobol sampler's base size N must be a power of two: Sobol' sequences cover "
                f"the ranges evenly only in blocks of 2^k points; use {below} or {below * 2} "
                f"(the sweep then has N x (2 x {len(dims)} + 2) points)",
                path=field,
                value=points,
            )
        return points * (2 * len(dims) + 2)
    return points


def sample_points(
    dims: tuple, sampler: str, points: int | None, seed: int, source: str
) -> list[dict[str, Any]]:
    """Points of the parameter space.

    Args:
        dims: The varied dimensions (`sim.batch.spec.Dimension`).
        sampler: ``grid`` (cartesian product), ``lhs``, ``random`` or ``sobol``.
        points: How many points a sampler draws (for ``sobol``, the base sample
            size N; Saltelli's scheme then gives N x (2D + 2) points).
        seed: Seed of the sampler, so the same command gives the same points.
        source: How errors name the input.

    Returns:
        One mapping per point; ``[{}]`` when nothing is varied.
    """
    if not dims:
        return [{}]
    count_points(dims, sampler, points, source)
    if sampler == "grid":
        grids = [d.grid() for d in dims]
        return [dict(zip([d.path for d in dims], combo, strict=True)) for combo in itertools.product(*grids)]
    assert points is not None  # count_points refused a sampler without points
    lo = np.array([d.lo for d in dims])
    hi = np.array([d.hi for d in dims])
    unit = _unit_sample(sampler, points, len(dims), seed)
    values = lo + unit * (hi - lo)
    return [{d.path: float(v) for d, v in zip(dims, row, strict=True)} for row in values]


def _unit_sample(sampler: str, points: int, d: int, seed: int) -> np.ndarray:
    if sampler == "random":
        return np.random.default_rng(seed).random((points, d))
    if sampler == "lhs":
        rng = np.random.default_rng(seed)
        strata = np.stack([rng.permutation(points) for _ in range(d)], axis=1)
        return (strata + rng.random((points, d))) / points
    if sampler == "sobol":
        from SALib.sample import sobol

        problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
        with warnings.catch_warnings():
            # `count_points` has already explained, in our words, the power-of-two rule
            # SciPy would warn about; no raw library warning reaches the user.
            warnings.simplefilter("ignore")
            return np.asarray(sobol.sample(problem, points, calc_second_order=True, seed=seed))
    raise InputError.one("--sample", "unknown sampler; allowed: grid, lhs, random, sobol", value=sampler)
