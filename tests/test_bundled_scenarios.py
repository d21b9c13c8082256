"""scenarios/*.yaml: the three bundled scenarios differ in the ways they intend."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sim.actors import JPN, ROK
from sim.model import TrilateralModel
from sim.scenario import SCENARIO_DIR, load_scenario

NAMES = ("taiwan_strait", "wedge_driving", "economic_coercion")


@cache
def played(name: str) -> TrilateralModel:
    model = TrilateralModel(SCENARIO_DIR / f"{name}.yaml", seeds=np.arange(300), collect=False)
    while model.running:
        model.step()
    return model


def seoul_tokyo_trust_change(model: TrilateralModel) -> float:
    pair = [(ROK, JPN), (JPN, ROK)]
    return float(np.mean([model.state.trust[:, i, j] - model.start.trust[:, i, j] for i, j in pair]))


def concessions(model: TrilateralModel) -> float:
    return float(np.mean([rec.outcome.conceded.sum(axis=1) for rec in model.history]))


def military_crisis_turns(model: TrilateralModel) -> float:
    threshold = model.compiled.params.thresholds.crisis
    return float(np.mean([(rec.state.crisis >= threshold).mean() for rec in model.history]))


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_is_documented(name: str) -> None:
    sc = load_scenario(name).scenario
    assert sc.title and sc.description and sc.sources
    assert set(sc.briefings) == set(range(1, sc.turns + 1)), "a briefing for every turn"
    assert all(e.headline and e.briefing for e in sc.events)
    assert "#" in (SCENARIO_DIR / f"{name}.yaml").read_text(), "comments explain the choices"


def test_the_wedge_scenario_hurts_seoul_tokyo_trust_most() -> None:
    change = {n: seoul_tokyo_trust_change(played(n)) for n in NAMES}
    assert change["wedge_driving"] < 0
    assert change["wedge_driving"] == min(change.values()), change


def test_the_coercion_scenario_tests_concessions_most() -> None:
    count = {n: concessions(played(n)) for n in NAMES}
    assert count["economic_coercion"] == max(count.values()), count
    rate = played("economic_coercion").scores.coercion_success_rate
    assert np.isfinite(rate).mean() > 0.9 and np.nanmean(rate) > 0.2


def test_the_taiwan_scenario_is_a_military_crisis() -> None:
    share = {n: military_crisis_turns(played(n)) for n in NAMES}
    assert share["taiwan_strait"] == max(share.values()) and share["taiwan_strait"] > 0.3, share
    assert np.isfinite(played("taiwan_strait").scores.coordinated_response_rate).all()
