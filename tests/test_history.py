"""scenarios/history/: every episode runs and every check evaluates to a real verdict.

The episodes' checks are history's, not the model's: whether they pass is what
`python run.py backtest` reports (MODEL.md, Validation), and some fail today. What
these tests hold is that each episode plays, that each check measures something in
enough runs to judge, and that the outcomes are not written into the inputs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.episodes import acts_on
from sim.expectations import Check
from sim.scenario import SCENARIO_DIR, load_scenario
from sim.verdicts import backtest

EPISODES = sorted((SCENARIO_DIR / "history").glob("*.yaml"))


def test_the_episodes_are_there() -> None:
    assert {p.stem for p in EPISODES} >= {
        "senkaku_2010",
        "thaad_2016",
        "comfort_women_2015",
        "dokdo_2021",
        "australia_2020",
    }


@pytest.mark.parametrize("path", EPISODES, ids=[p.stem for p in EPISODES])
def test_every_check_of_the_episode_evaluates(path: Path) -> None:
    loaded = load_scenario(path)
    spec = loaded.scenario.expectations
    assert spec is not None and len(loaded.scenario.sources) >= 2
    results = backtest(loaded)
    assert [r.name for r in results] == [c.name for c in spec.checks]
    for check, r in zip(spec.checks, results, strict=True):
        assert r.n == spec.runs, f"{r.name}: judged on {r.n} of {spec.runs} runs"
        assert math.isfinite(r.value) and r.low <= r.value <= r.high, r.name
        assert r.passed == _meets(r.value, check), r.name


def _meets(value: float, check: Check) -> bool:
    if check.share is not None:
        low, high = check.share.at_least, check.share.at_most
        return (low is None or value >= low) and (high is None or value <= high)
    assert check.mean is not None
    above, below = check.mean.above, check.mean.below
    return (above is None or value > above) and (below is None or value < below)


@pytest.mark.parametrize("path", EPISODES, ids=[p.stem for p in EPISODES])
def test_no_episode_scripts_what_its_checks_measure(path: Path) -> None:
    # The outcomes are not inputs: no event of the file writes a mechanism (or a
    # resolve) that one of its checks reads, inside the turns the check reads.
    scenario = load_scenario(path).scenario
    assert scenario.expectations is not None
    for event in scenario.events:
        for check in scenario.expectations.checks:
            assert acts_on(event, check, scenario.turns) is None, (event.id, check.name)


def test_the_comfort_women_file_no_longer_scripts_the_hollowing_out() -> None:
    # Its history-dialogue checks stop at turn 35; the one scripted effect on the
    # dialogue is the documented dissolution, in turn 36.
    scenario = load_scenario(SCENARIO_DIR / "history" / "comfort_women_2015.yaml").scenario
    on_dialogue = [(e.turn, e.mechanism_effect) for e in scenario.events if e.mechanism == "history_dialogue"]
    assert on_dialogue == [(36, "end")]
