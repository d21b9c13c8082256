"""scenarios/history/: every historical episode's expectations hold with the default parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.expectations import backtest
from sim.scenario import SCENARIO_DIR, load_scenario

EPISODES = sorted((SCENARIO_DIR / "history").glob("*.yaml"))


def test_the_four_episodes_are_there() -> None:
    assert {p.stem for p in EPISODES} >= {"senkaku_2010", "thaad_2016", "comfort_women_2015", "dokdo_2021"}


@pytest.mark.parametrize("path", EPISODES, ids=[p.stem for p in EPISODES])
def test_episode_reproduces_its_history(path: Path) -> None:
    loaded = load_scenario(path)
    assert loaded.scenario.expectations is not None and len(loaded.scenario.sources) >= 2
    failed = [r for r in backtest(loaded) if not r.passed]
    assert not failed, "; ".join(f"{r.name}: {r.value:.3f} not {r.bound}" for r in failed)
