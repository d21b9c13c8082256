"""sim/results.py: tables and JSON documents of finished runs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from support import CALM, SMALL, play

from agents.policies import ScriptedPolicy
from sim.actors import ACTORS
from sim.model import TrilateralModel
from sim.results import RunResult
from sim.scoring import INDEX_COMPONENTS
from sim.vocab import MECHANISMS, STATUSES, TERMS


@pytest.fixture(scope="module")
def ensemble():
    return RunResult(play(SMALL, seeds=[4, 9, 21]))


def test_unfinished_model_is_refused():
    model = TrilateralModel(str(SMALL), rng=1, collect=False)
    model.step()
    with pytest.raises(ValueError, match="not finished"):
        RunResult(model)


def test_to_dict_has_every_turn_with_events_actions_trust_mechanisms_scores(ensemble):
    doc = ensemble.to_dict(1)
    assert doc["seed"] == 9
    assert doc["scenario"]["name"] == "small" and doc["scenario"]["title"] == "Small test crisis"
    assert len(doc["turns"]) == 4
    for i, turn in enumerate(doc["turns"]):
        assert turn["turn"] == i + 1
        assert set(turn) >= {
            "briefing",
            "events",
            "actions",
            "coordinated_response",
            "trust",
            "mechanisms",
            "scores",
        }
        assert set(turn["actions"]) == set(ACTORS)
        for a in ACTORS:
            act = turn["actions"][a]
            assert 0 < act["probability"] <= 1 and set(act["terms"]) == set(TERMS)
        assert set(turn["trust"]) == set(ACTORS) and all(len(row) == 3 for row in turn["trust"].values())
        assert set(turn["mechanisms"]) == set(MECHANISMS)
        assert all(m["status"] in STATUSES for m in turn["mechanisms"].values())
        assert 0 <= turn["scores"]["cohesion"] <= 100
    assert doc["turns"][0]["events"][0]["id"] == "drills"
    assert doc["turns"][0]["briefing"].startswith("Beijing begins")
    final = doc["final"]
    assert 0 <= final["resilience_index"] <= 100
    assert set(final["breakdown"]) == set(INDEX_COMPONENTS)
    json.dumps(doc, allow_nan=False)  # no NaN sneaks through


def test_to_dict_matches_the_state(ensemble):
    m = ensemble.model
    doc = ensemble.to_dict(2)
    last = m.history[-1].state
    assert doc["turns"][-1]["trust"]["ROK"]["JPN"] == round(float(last.trust[2, 1, 2]), 6)
    assert doc["final"]["resilience_index"] == round(float(m.scores.index[2]), 6)
    opts = m.compiled.options
    assert doc["turns"][0]["actions"]["PRC"]["action"] == opts.label(int(m.history[0].outcome.choices[2, 3]))


def test_a_run_s_document_does_not_depend_on_the_ensemble(ensemble):
    alone = RunResult(play(SMALL, seeds=[21]))
    assert alone.to_dict(0) == ensemble.to_dict(2)


def test_untested_rates_become_null():
    # Beijing holds every turn of a calm scenario: no crisis, no coercion, no wedge
    beijing_holds = ScriptedPolicy({1: 0, 2: 0})
    result = RunResult(play(CALM, seeds=[0], policies={"PRC": beijing_holds}))
    model = result.model
    assert model.compiled.options.label(int(model.history[0].outcome.choices[0, 3])) == "hold"
    card = result.scorecard_dict()
    assert card["wedge_success_rate"] is None
    assert card["coercion_success_rate"] is None
    assert card["coordinated_response_rate"] is None
    assert card["breakdown"]["wedge_resistance"] == {"component": None, "points": 0.0}
    json.dumps(card, allow_nan=False)


def test_runs_table_has_one_row_per_run(ensemble):
    df = ensemble.runs_table()
    assert df["seed"].tolist() == [4, 9, 21] and df["run"].tolist() == [0, 1, 2]
    np.testing.assert_array_equal(df["index"].to_numpy(), ensemble.scores.index)
    for name in MECHANISMS:
        assert f"{name}_survived" in df.columns
    points = df[[f"points_{c}" for c in INDEX_COMPONENTS]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(points, df["index"].to_numpy())


def test_turns_table_has_one_row_per_run_and_turn(ensemble):
    df = ensemble.turns_table()
    assert len(df) == 3 * 4
    assert df.groupby("run")["turn"].apply(list).tolist() == [[1, 2, 3, 4]] * 3
    assert {"action_USA", "trust_ROK_JPN", "status_gsomia", "events"} <= set(df.columns)
    assert df["trust_ROK_JPN"].between(0, 1).all()
    first = df[df["turn"] == 1]["events"].tolist()
    assert all("drills" in e for e in first)


def test_turns_table_needs_history():
    result = RunResult(play(SMALL, seeds=[0], keep_history=False))
    with pytest.raises(ValueError, match="no history"):
        result.turns_table()
    assert len(result.runs_table()) == 1
