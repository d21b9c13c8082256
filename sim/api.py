"""The Python API for notebooks and scripts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import Override, parse_path
from sim.results import RunResult
from sim.scenario import LoadedScenario
from sim.scenario import load_scenario as _load


def _overrides(settings: dict[str, object] | None) -> list[Override]:
    """``{"opinion.loss": 0.4}`` as overrides (values given as Python objects)."""
    from sim.errors import InputError

    if settings is not None and not isinstance(settings, dict):
        raise InputError.one(
            "settings", 'must be a dict of dotted paths to values, e.g. {"opinion.loss": 0.4}', value=settings
        )
    for path in settings or {}:
        if not isinstance(path, str):
            raise InputError.one(
                "settings", 'each key must be a dotted path such as "opinion.loss"', value=path
            )
    return [(parse_path(path), value, "settings", None) for path, value in (settings or {}).items()]


def _check_scenario(scenario: object) -> None:
    """Refuse what is neither a loaded scenario, a path nor a name (a clear error, not os's)."""
    from sim.errors import InputError

    if not isinstance(scenario, str | Path | LoadedScenario):
        raise InputError.one(
            "scenario",
            "must be a file path, a bundled name such as 'taiwan_strait', or a loaded scenario",
            value=type(scenario).__name__,
        )


def _check_seeds(seeds: object) -> list[int]:
    """Seeds as a list of whole numbers in [0, 2**63): 1.5, True or "12" are not seeds."""
    from sim.errors import InputError

    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence | np.ndarray):
        raise InputError.one("seeds", "must be a list of whole numbers, e.g. [0, 1, 2]", value=seeds)
    if len(seeds) == 0:
        raise InputError.one("seeds", "must hold at least one seed", value=list(seeds))
    out = []
    for seed in seeds:
        ok = isinstance(seed, int | np.integer) and not isinstance(seed, bool | np.bool_)
        if not ok or not 0 <= int(seed) < 2**63:
            raise InputError.one("seeds", "each seed must be a whole number from 0 to 2**63 - 1", value=seed)
        out.append(int(seed))
    return out


def load_scenario(path: str | Path, settings: dict[str, object] | None = None) -> LoadedScenario:
    """Load and validate a scenario file (or a bundled scenario's name).

    Args:
        path: File path or bundled name such as ``"taiwan_strait"``.
        settings: Parameter overrides by dotted path, e.g. ``{"opinion.loss": 0.4}``.

    Returns:
        The scenario with its effective parameters.
    """
    _check_scenario(path)
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

    _check_scenario(scenario)
    seeds = _check_seeds(seeds)
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
    from sim.model import TrilateralModel
    from sim.scenario import parse_scenario

    source = "record"
    if not isinstance(record, dict | str | Path):
        from sim.errors import InputError

        raise InputError.one(
            "record",
            "must be a run's JSON document (a dict) or the path of its file",
            value=type(record).__name__,
        )
    if not isinstance(record, dict):
        source = str(record)
        record = _read_record(record)
    text, path, seeds, given = _record_parts(record, source)
    loaded = parse_scenario(text, path, path=path)
    model = TrilateralModel(loaded, seeds=seeds, overrides=given, collect=False)
    while model.running:
        model.step()
    return RunResult(model)


#: Largest run record `replay` reads: a 60-turn run with full detail is well under
#: 1 MB; a record holds JSON only, which has no aliases to expand.
RECORD_BYTES = 32 * 1024 * 1024
#: Most seeds a replayed record may ask for (as `run_ensemble` on the command line).
RECORD_SEEDS = 100_000


def _read_record(path: str | Path) -> Any:
    """Read a record file as JSON, every failure an `InputError`."""
    import json

    from sim.errors import InputError
    from sim.yamlio import read_text

    try:
        return json.loads(read_text(path, limit=RECORD_BYTES))
    except RecursionError:
        raise InputError.one(str(path), "is JSON nested too deeply to be a run record") from None
    except ValueError as exc:
        raise InputError.one(str(path), f"is not JSON ({exc})") from None


def _record_parts(
    record: Any, source: str
) -> tuple[str, str, list[int], list[tuple[tuple[str, ...], Any, str, None]]]:
    """Check a record's provenance field by field: scenario text, path, seeds, overrides.

    Raises:
        InputError: naming the first field that is missing or of the wrong type.
    """
    import hashlib

    from sim.errors import InputError
    from sim.provenance import SCENARIO_FILE
    from sim.yamlio import read_text

    def bad(field: str, what: str, value: Any = None) -> InputError:
        shown = value if value is None or len(repr(value)) <= 60 else f"{repr(value)[:57]}..."
        return InputError.one(
            source,
            f"{what} (a record is the JSON that `run --json` writes)",
            path=f"provenance.{field}",
            value=shown,
        )

    prov = record.get("provenance", record) if isinstance(record, dict) else None
    if not isinstance(prov, dict) or not {"scenario", "seeds", "overrides"} <= prov.keys():
        raise InputError.one(
            source, "is not a run record: expected a provenance with scenario, overrides and seeds"
        )
    sc = prov.get("scenario")
    if not isinstance(sc, dict):
        raise bad("scenario", "must be a mapping with path, sha256 and text")
    path = sc.get("path")
    if not isinstance(path, str) or not path:
        raise bad("scenario.path", "must be the scenario file's path (text)", path)
    sha = sc.get("sha256")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise bad("scenario.sha256", "must be 64 hexadecimal digits", sha)
    text = sc["text"] if "text" in sc else read_text(path)
    if not isinstance(text, str):
        raise bad("scenario.text", "must be the scenario file's text", text)
    seeds = prov.get("seeds")
    if not isinstance(seeds, list) or not 1 <= len(seeds) <= RECORD_SEEDS:
        raise bad("seeds", f"must be a list of 1 to {RECORD_SEEDS:,} seeds", seeds)
    for seed in seeds:
        # bool is an int in Python, and 1.5 or "12" would silently become other seeds.
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise bad("seeds", "each seed must be a whole number from 0 to 2**63 - 1", seed)
    overrides = prov.get("overrides")
    if not isinstance(overrides, list):
        raise bad("overrides", "must be a list of {path, value, source}", overrides)
    given = []
    for o in overrides:
        if not (isinstance(o, dict) and isinstance(o.get("path"), str) and isinstance(o.get("source"), str)):
            raise bad("overrides", "each must be {path: text, value: ..., source: text}", o)
        if "value" not in o:
            raise bad("overrides", "each must have a value", o)
        if o["source"] != SCENARIO_FILE:
            given.append((parse_path(o["path"]), o["value"], o["source"], None))
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
        raise InputError.one(
            source, f"its scenario text does not match the recorded sha256 {sha[:12]}", path="scenario"
        )
    return text, path, seeds, given
