"""The Python API for notebooks and scripts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.params import Override, parse_path
from sim.results import RunResult
from sim.scenario import LoadedScenario
from sim.scenario import load_scenario as _load


def _overrides(settings: dict[str, object] | None) -> list[Override]:
    """``{"trust.loss": 0.4}`` as overrides (values given as Python objects)."""
    return [(parse_path(path), value, "settings", None) for path, value in (settings or {}).items()]


def load_scenario(path: str | Path, settings: dict[str, object] | None = None) -> LoadedScenario:
    """Load and validate a scenario file (or a bundled scenario's name).

    Args:
        path: File path or bundled name such as ``"taiwan_strait"``.
        settings: Parameter overrides by dotted path, e.g. ``{"trust.loss": 0.4}``.

    Returns:
        The scenario with its effective parameters.
    """
    return _load(path, _overrides(settings))


def run_ensemble(
    scenario: str | Path | LoadedScenario,
    seeds: Sequence[int] | np.ndarray,
    settings: dict[str, object] | None = None,
    keep_history: bool = True,
) -> RunResult:
    """Play one run per seed, all at once.

    Args:
        scenario: A loaded scenario, a file, or a bundled name.
        seeds: One seed per run; run k depends only on ``seeds[k]``.
        settings: Parameter overrides by dotted path.
        keep_history: Keep per-turn records (needed for `RunResult.turns_table`).

    Returns:
        The results; ``.runs_table()`` and ``.turns_table()`` give DataFrames.
    """
    from sim.model import TrilateralModel

    model = TrilateralModel(
        scenario, seeds=seeds, overrides=_overrides(settings), keep_history=keep_history, collect=False
    )
    while model.running:
        model.step()
    return RunResult(model)


def run(
    scenario: str | Path | LoadedScenario, seed: int = 0, settings: dict[str, object] | None = None
) -> RunResult:
    """Play a single run; see `run_ensemble`."""
    return run_ensemble(scenario, [seed], settings)
