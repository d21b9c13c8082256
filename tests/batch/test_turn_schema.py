"""One per-turn schema: the Python API's turns_table() and a sweep's turns.parquet agree."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from sim import run_ensemble, sweep
from sim.turns import COLUMNS, turn_schema

SCENARIO = Path(__file__).resolve().parent / "sweep_scenario.yaml"


def test_sweep_turns_and_api_turns_share_columns_types_and_values(tmp_path: Path) -> None:
    result = sweep(SCENARIO, runs=6, settings={"opinion.loss": 0.3}, workers=1, out=tmp_path)
    from_file = pq.read_table(tmp_path / "turns.parquet")
    api = run_ensemble(SCENARIO, seeds=range(6), settings={"opinion.loss": 0.3}).turns_table(arrow=True)
    assert api.schema.names == list(COLUMNS)
    assert from_file.schema.names == ["run_id", "point", *list(COLUMNS)[1:]]
    assert from_file.drop_columns(["point"]).schema.remove_metadata().equals(api.schema.remove_metadata())
    assert api.schema.equals(turn_schema(), check_metadata=False)
    # the same runs (seeds 0..5 at the only point) give the same rows
    assert from_file.drop_columns(["point"]).to_pylist() == api.to_pylist()
    assert result.turns()["action_PRC"].notna().all()
