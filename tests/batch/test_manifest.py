"""Sweep manifests: the shared provenance record; never left "running" after a stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.batch.runner import Interrupted, run_sweep
from sim.batch.spec import Dimension, build_spec

SCENARIO = Path(__file__).resolve().parent / "sweep_scenario.yaml"


def _spec():
    return build_spec(
        SCENARIO,
        runs=8,
        seed=3,
        fixed={"opinion.gain": 0.2},
        dimensions=[Dimension("opinion.loss", values=(0.2, 0.4))],
        chunk_size=4,
    )


def test_a_stopped_sweep_is_marked_interrupted_and_resumes(tmp_path: Path) -> None:
    calls = []

    def stop_after_first() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Interrupted):
        run_sweep(_spec(), tmp_path, workers=1, stop=stop_after_first, command=["test"])
    stopped = json.loads((tmp_path / "manifest.json").read_text())
    assert stopped["status"] == "interrupted" and stopped["finished"] is None
    done = run_sweep(_spec(), tmp_path, workers=1, command=["test"])
    assert done["status"] == "complete" and done["started"] == stopped["started"]


def test_a_keyboard_interrupt_is_marked_too(tmp_path: Path) -> None:
    def ctrl_c() -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(_spec(), tmp_path, workers=1, stop=ctrl_c, command=["test"])
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "interrupted"


def test_the_manifest_carries_the_provenance_record(tmp_path: Path) -> None:
    spec = _spec()
    final = run_sweep(spec, tmp_path, workers=1, command=["trilateral", "sweep", "x"])
    prov = final["provenance"]
    assert prov["scenario"]["sha256"] == spec.scenario.sha256 and prov["scenario"]["name"] == "sweep_scenario"
    given = {o["path"]: o for o in prov["overrides"] if o["source"].startswith("sweep")}
    assert given["opinion.gain"]["value"] == 0.2 and given["opinion.gain"]["source"] == "sweep: fixed"
    assert given["opinion.loss"]["value"] == {"values": [0.2, 0.4]}
    assert prov["seeds"]["base"] == 3 and prov["seeds"]["runs_per_point"] == 8
    assert {"python", "trilateral", "mesa", "numpy", "pydantic"} <= set(prov["versions"])
    assert prov["command"] == "trilateral sweep x"
