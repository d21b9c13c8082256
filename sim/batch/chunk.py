"""One chunk of a sweep: a range of seeds at one point, as Arrow tables.

This is the unit of work sent to a local process or a Dask worker. It carries the
scenario text rather than a path, so a worker needs no shared file system.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sim.params import Override

#: Runs stepped together inside a chunk: 10,000 keeps the arrays near the cache and
#: spreads each numpy call's fixed cost over more runs (issue 8's larger model steps
#: in about 6% less CPU than in blocks of 5,000; bench/README.md).
BLOCK = 10_000


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


def column_value(value: Any) -> Any:
    """How a parameter value is stored in its ``param:`` column.

    Numbers, words and true/false as themselves; a list or mapping (e.g. a
    mechanism's members) as its JSON text, ``["ROK", "JPN"]``, so every column holds
    one plain type that Parquet, SQL engines and the summary can group by.
    """
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, sort_keys=True)
    return value


_PARSED: dict[tuple[str, str, str], Any] = {}


def _parsed(text: str, path: str, key: str, overrides: list[Override]) -> Any:
    """Parse each (scenario, overrides) once per worker: a worker runs many chunks of a point."""
    from sim.scenario import parse_scenario

    if (text, path, key) not in _PARSED:
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[(text, path, key)] = parse_scenario(text, path, overrides, path=path)
    return _PARSED[(text, path, key)]


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

    loaded = _parsed(scenario_text, scenario_path, repr(overrides), overrides)
    seeds = chunk.seed0 + np.arange(chunk.start, chunk.stop, dtype=np.int64)
    run_id = chunk.point * chunk.runs_per_point + np.arange(chunk.start, chunk.stop, dtype=np.int64)
    # Step the chunk in blocks small enough to stay in cache: ensembles give the same
    # results at any size, and two workers contend less for memory bandwidth. Each
    # block is tabulated at once, so only its compact columns outlive its model.
    runs_parts, turn_parts = [], []
    for lo in range(0, seeds.size, BLOCK):
        model = TrilateralModel(
            loaded, seeds=seeds[lo : lo + BLOCK], keep_history=False, collect=False, trace=with_turns
        )
        while model.running:
            model.step()
        runs_parts.append(RunResult(model).runs_table().drop(columns=["run"]))
        if with_turns:
            turn_parts.append(_turn_columns(model, run_id[lo : lo + BLOCK], chunk.point))
    runs = pd.concat(runs_parts, ignore_index=True)
    n = seeds.size
    head = {"run_id": run_id, "point": np.full(n, chunk.point, dtype=np.int32)}
    runs_table = pa.table({**head, **{f"param:{k}": [column_value(v)] * n for k, v in values.items()}})
    for name in runs.columns:
        # from_pandas: a rate never tested (NaN in the frame) is stored as null, as in
        # the JSON, so Arrow and SQL engines skip it rather than average it into NaN.
        runs_table = runs_table.append_column(name, pa.array(runs[name].to_numpy(), from_pandas=True))
    if not with_turns:
        return runs_table, None
    return runs_table, pa.concat_tables(turn_parts)


def _turn_columns(model: Any, run_id: np.ndarray, point: int) -> pa.Table:
    """A block's per-turn trace as the per-turn table (`sim.turns`) with the sweep's point."""
    from sim.turns import turn_table

    opts = model.compiled.options
    table = turn_table(
        model.trace or [],
        run_id,
        model.seeds,
        [opts.label(o) for o in range(len(opts))],
        model.script.event_ids(),
    )
    return table.add_column(1, "point", pa.array(np.full(table.num_rows, point, dtype=np.int32)))
