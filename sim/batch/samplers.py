"""Samplers: turn varied dimensions into a list of points (path -> value).

Kept apart from evaluation (as in EMA Workbench): a sampler only proposes points.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from sim.errors import InputError


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
    if sampler == "grid":
        grids = [d.grid() for d in dims]
        return [dict(zip([d.path for d in dims], combo, strict=True)) for combo in itertools.product(*grids)]
    lists = [d.path for d in dims if d.values is not None]
    if lists:
        raise InputError.one(
            source, f"the {sampler} sampler needs LO:HI ranges, not lists", path=", ".join(lists)
        )
    if not points:
        raise InputError.one(source, f"the {sampler} sampler needs --points K (how many points)")
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
        return np.asarray(sobol.sample(problem, points, calc_second_order=True, seed=seed))
    raise InputError.one("--sample", "unknown sampler; allowed: grid, lhs, random, sobol", value=sampler)
