"""The Python API for notebooks and scripts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def replay(record: dict[str, Any] | str | Path) -> RunResult:
    """Rebuild a run (or ensemble) from its record alone: the same results, bit for bit.

    Args:
        record: A run's JSON document (``run --json``, `RunResult.to_dict`), its
            ``provenance`` part, or the path of a file holding either.

    Returns:
        The replayed result (its seeds, overrides and scenario text are the record's).

    Raises:
        InputError: the file is unreadable, is not such a record, or its scenario text
            does not match the recorded SHA-256.
    """
    import hashlib
    import json

    from sim.errors import InputError
    from sim.model import TrilateralModel
    from sim.provenance import SCENARIO_FILE
    from sim.scenario import parse_scenario
    from sim.yamlio import read_text

    source = "record"
    if not isinstance(record, dict):
        source = str(record)
        try:
            record = json.loads(read_text(record))
        except ValueError as exc:
            raise InputError.one(source, f"is not JSON ({exc})") from None
    prov = record.get("provenance", record) if isinstance(record, dict) else None
    try:
        sc = prov["scenario"]
        text = sc["text"] if "text" in sc else read_text(sc["path"])
        seeds = [int(s) for s in prov["seeds"]]
        given = [
            (parse_path(o["path"]), o["value"], o["source"], None)
            for o in prov["overrides"]
            if o["source"] != SCENARIO_FILE
        ]
        sha = sc["sha256"]
    except (KeyError, TypeError, ValueError):
        raise InputError.one(
            source, "is not a run record: expected a provenance with scenario, overrides and seeds"
        ) from None
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
        raise InputError.one(
            source, f"its scenario text does not match the recorded sha256 {sha[:12]}", path="scenario"
        )
    loaded = parse_scenario(text, sc["path"], path=sc["path"])
    model = TrilateralModel(loaded, seeds=seeds, overrides=given, collect=False)
    while model.running:
        model.step()
    return RunResult(model)
