"""cli/scenarios_cmd.py: `scenarios` lists every bundled scenario, grouped; none is an error."""

from __future__ import annotations

import pytest
from clihelp import invoke
from support import SCENARIO_DIR

import sim.scenario
from sim.scenario import load_scenario


def test_scenarios_lists_bundled_names_and_titles_in_every_group():
    files = sorted(SCENARIO_DIR.rglob("*.yaml"))
    assert any(f.parent.name == "history" for f in files) and any(f.parent.name == "theory" for f in files)
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    for f in files:
        sc = load_scenario(f).scenario
        name = f.stem if f.parent == SCENARIO_DIR else f"{f.parent.name}/{f.stem}"
        row = next((line for line in result.stdout.splitlines() if f" {name} " in line), None)
        assert row is not None, f"{name} not listed"
        assert sc.title in row
        assert f" {sc.turns} " in row
    out = result.stdout
    assert out.index("Crisis scenarios") < out.index("Historical episodes") < out.index("Theory tests")


def test_a_listed_group_name_runs():
    result = invoke("run", "history/dokdo_2021", "--json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", [["scenarios"], ["backtest"]])
def test_finding_no_scenario_is_an_error_not_an_empty_success(command, tmp_path, monkeypatch):
    monkeypatch.setattr(sim.scenario, "SCENARIO_DIR", tmp_path)
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert str(tmp_path) in result.stderr and "error" in result.stderr
    assert "passed" not in result.output and "Traceback" not in result.output
