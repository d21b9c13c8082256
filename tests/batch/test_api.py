"""The notebook API returns the same tables as the files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from sim import sweep
from sim.batch.summary import summarise

SCENARIO = Path(__file__).resolve().parent / "sweep_scenario.yaml"


def test_sweep_api_returns_dataframes_and_arrow(tmp_path: Path) -> None:
    result = sweep(SCENARIO, runs=12, vary={"opinion.loss": (0.2, 0.4, 2)}, workers=1, out=tmp_path)
    runs = result.runs()
    assert len(runs) == 24 and set(runs["param:opinion.loss"]) == {0.2, 0.4}
    turns = result.turns(arrow=True)
    assert isinstance(turns, pa.Table) and turns.num_rows == 24 * 4
    assert result.manifest["status"] == "complete"
    call = result.manifest["provenance"]["command"]
    assert (
        call.startswith("sim.sweep(") and "vary={'opinion.loss': (0.2, 0.4, 2)}" in call and "runs=12" in call
    )
    mean = runs["index"].mean()
    assert repr(result) == (
        f"<SweepResult 'sweep_scenario': 2 points x 12 runs, seeds 0..11, "
        f"final index mean {mean:.1f}, in {str(tmp_path)!r}>"
    )


def test_summary_means_match_the_runs_table(tmp_path: Path) -> None:
    result = sweep(SCENARIO, runs=30, vary={"opinion.loss": [0.2, 0.4]}, workers=1, out=tmp_path)
    runs = result.runs()
    rows = summarise(tmp_path)
    overall = rows[0]
    assert overall["n"] == 60 and abs(overall["mean"] - runs["index"].mean()) < 1e-9
    assert overall["low"] <= overall["mean"] <= overall["high"]
    by = {r["value"]: r for r in rows[1:]}
    for value in (0.2, 0.4):
        want = runs.loc[runs["param:opinion.loss"] == value, "index"].mean()
        assert abs(by[str(value)]["mean"] - want) < 1e-9 and by[str(value)]["n"] == 30


def test_temporary_output_when_no_folder_is_given() -> None:
    result = sweep(SCENARIO, runs=3, workers=1, turns=False)
    assert len(result.runs()) == 3 and (result.out / "runs.parquet").exists()
