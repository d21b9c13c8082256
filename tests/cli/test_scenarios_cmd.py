"""cli/scenarios_cmd.py: `scenarios` lists the bundled scenarios."""

from __future__ import annotations

import pytest
from clihelp import invoke
from support import SCENARIO_DIR

from sim.scenario import load_scenario


def test_scenarios_lists_bundled_names_and_titles():
    files = sorted(SCENARIO_DIR.glob("*.yaml"))
    if not files:
        pytest.skip("no bundled scenario files yet")
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    for f in files:
        sc = load_scenario(f).scenario
        row = next((line for line in result.stdout.splitlines() if f" {f.stem} " in line), None)
        assert row is not None, f"{f.stem} not listed"
        assert sc.title in row
        assert f" {sc.turns} " in row
