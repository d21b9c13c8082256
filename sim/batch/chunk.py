"""One chunk of a sweep: a range of seeds at one point, as Arrow tables.

This is the unit of work sent to a local process or a Dask worker. It carries the
scenario text rather than a path, so a worker needs no shared file system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sim.actors import ALL_PAIRS, pair_name
from sim.params import Override
from sim.vocab import MECHANISMS

#: Runs stepped together inside a chunk (about 5,000 keeps the arrays in cache).
BLOCK = 5_000


@dataclass(frozen=True)
class Chunk:
    """A unit of work.

    Attributes:
        point: Index of the parameter point.
        start: First run (within the point) of the chunk.
        stop: One past the last run.
        seed0: The sweep's base seed; run k of every point has seed ``seed0 + k``.
        runs_per_point: Runs at each point (for global run ids).
    """

    point: int
    start: int
    stop: int
    seed0: int
    runs_per_point: int

    @property
    def name(self) -> str:
        """File-name stem of the chunk's results."""
        return f"p{self.point:06d}-r{self.start:09d}-{self.stop:09d}"


def run_chunk(
    scenario_text: str,
    scenario_path: str,
    overrides: list[Override],
    values: dict[str, Any],
    chunk: Chunk,
    with_turns: bool,
) -> tuple[pa.Table, pa.Table | None]:
    """Play a chunk's runs as one ensemble and tabulate them.

    Returns:
        The runs table (a row per run) and the turns table (a row per run and turn,
        or None when ``with_turns`` is false).
    """
    import pandas as pd

    from sim.model import TrilateralModel
    from sim.results import RunResult
    from sim.scenario import parse_scenario

    loaded = parse_scenario(scenario_text, scenario_path, overrides, path=scenario_path)
    seeds = chunk.seed0 + np.arange(chunk.start, chunk.stop, dtype=np.int64)
    # Step the chunk in blocks small enough to stay in cache: ensembles give the same
    # results at any size, and two workers contend less for memory bandwidth.
    results = []
    for lo in range(0, seeds.size, BLOCK):
        model = TrilateralModel(
            loaded, seeds=seeds[lo : lo + BLOCK], keep_history=False, collect=False, trace=with_turns
        )
        while model.running:
            model.step()
        results.append((RunResult(model).runs_table(), model.trace or []))
    runs = pd.concat([r for r, _ in results], ignore_index=True).drop(columns=["run"])
    trace = [
        {key: np.concatenate([t[turn][key] for _, t in results]) for key in results[0][1][turn]}
        for turn in range(len(results[0][1]))
    ]
    n = seeds.size
    run_id = chunk.point * chunk.runs_per_point + np.arange(chunk.start, chunk.stop, dtype=np.int64)
    head = {"run_id": run_id, "point": np.full(n, chunk.point, dtype=np.int32)}
    runs_table = pa.table({**head, **{f"param:{k}": [v] * n for k, v in values.items()}})
    for name in runs.columns:
        runs_table = runs_table.append_column(name, pa.array(runs[name].to_numpy()))
    if not with_turns:
        return runs_table, None
    turns = len(trace)

    def col(values: list[np.ndarray]) -> np.ndarray:
        return np.stack(values, axis=1).astype(np.float32).ravel()

    cols: dict[str, Any] = {
        "run_id": np.repeat(run_id, turns),
        "point": np.full(n * turns, chunk.point, dtype=np.int32),
        "turn": np.tile(np.arange(1, turns + 1, dtype=np.int16), n),
    }
    for key in ("cohesion", "index", "crisis", "dispute"):
        cols[key] = col([t[key] for t in trace])
    for i, j in ALL_PAIRS:
        cols[f"trust_{pair_name(i, j)}"] = col([t["trust"][:, i, j] for t in trace])
    for k, name in enumerate(MECHANISMS):
        cols[f"strength_{name}"] = col([t["strength"][:, k] for t in trace])
    return runs_table, pa.table(cols)
