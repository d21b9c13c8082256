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
            assert act["unlikely"] == (act["probability"] < 0.05)
            if act["runner_up"] is not None:
                assert act["runner_up"]["action"] != act["action"] and act["margin"] is not None
        assert {"opinion", "threat", "exposure", "resolve", "story"} <= set(turn)
        assert turn["story"][0].startswith("Beijing chose to")
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
    assert df.groupby("run_id")["turn"].apply(list).tolist() == [[1, 2, 3, 4]] * 3
    assert df["seed"].tolist() == [4] * 4 + [9] * 4 + [21] * 4
    assert {"action_USA", "trust_ROK_JPN", "status_gsomia", "events", "index", "coordinated"} <= set(
        df.columns
    )
    assert df["trust_ROK_JPN"].between(0, 1).all()
    first = df[df["turn"] == 1]["events"].tolist()
    assert all("drills" in e for e in first)


def test_turns_table_values_are_the_records(ensemble):
    m = ensemble.model
    df = ensemble.turns_table()
    opts = m.compiled.options
    for run in range(3):
        for rec in m.history:
            row = df[(df["run_id"] == run) & (df["turn"] == rec.turn)].iloc[0]
            assert row["action_PRC"] == opts.label(int(rec.outcome.choices[run, 3]))
            assert row["trust_ROK_JPN"] == np.float32(rec.state.trust[run, 1, 2])
            assert row["index"] == np.float32(rec.index[run])
            assert row["status_gsomia"] == STATUSES[rec.state.status[run, MECHANISMS.index("gsomia")]]
            assert bool(row["coordinated"]) == bool(rec.outcome.coordinated[run])
    last = df[df["turn"] == 4]["index"].to_numpy()
    np.testing.assert_allclose(last, ensemble.scores.index.astype(np.float32))


def test_turns_table_needs_history():
    result = RunResult(play(SMALL, seeds=[0], keep_history=False))
    with pytest.raises(ValueError, match="no history"):
        result.turns_table()
    assert len(result.runs_table()) == 1


def test_json_terms_are_weighted_like_the_text(ensemble):
    m = ensemble.model
    doc = ensemble.to_dict(0)
    rec = m.history[1]
    for a, code in enumerate(ACTORS):
        terms = doc["turns"][1]["actions"][code]["terms"]
        for k, t in enumerate(TERMS):
            assert terms[t] == round(float(rec.terms[0, a, k] * m.compiled.weights[a, k]), 6)


def test_runner_up_and_margin_come_from_the_utilities():
    from sim.actors import INDEX

    model = play(SMALL, seeds=[3])
    doc = RunResult(model).to_dict()
    rec = model.history[0]
    a = INDEX["ROK"]
    act = doc["turns"][0]["actions"]["ROK"]
    assert act["margin"] == round(float(rec.margin[0, a]), 6)
    # a positive margin means the taken option was at least as likely as the runner-up (logit is monotone)
    assert (act["margin"] >= 0) == (act["probability"] >= act["runner_up"]["probability"] - 1e-9)


def test_events_carry_their_briefing_and_the_start_is_recorded(ensemble):
    doc = ensemble.to_dict(0)
    sc = ensemble.model.script
    first = doc["turns"][0]["events"][0]
    assert first["briefing"] == next(e.briefing for e in sc.events if e.id == first["id"])
    start = doc["start"]
    assert start["trust"]["ROK"]["JPN"] == round(float(ensemble.model.start.trust[0, 1, 2]), 6)
    assert set(start["resolve"]) == set(ACTORS) and "cohesion" in start["scores"]


def test_scorecard_counts_back_the_rates(ensemble):
    for run in range(3):
        card = ensemble.scorecard_dict(run)
        for rate, key in (
            ("coordinated_response_rate", "coordinated_response"),
            ("wedge_success_rate", "wedge_success"),
            ("coercion_success_rate", "coercion_success"),
        ):
            k = card["counts"][key]
            if k["of"] == 0:
                assert card[rate] is None
            else:
                # hits may be an expected count (the wedge measure), kept to six decimals
                assert abs(card[rate] - k["hits"] / k["of"]) <= 1e-6
        assert card["verdict"]["word"] in card["verdict"]["scale"]


def test_provenance_names_every_override_with_its_source():
    model = TrilateralModel(
        str(SMALL), rng=2, overrides=[(("opinion", "loss"), 0.45, "--set", None)], collect=False
    )
    while model.running:
        model.step()
    prov = RunResult(model).to_dict()["provenance"]
    given = [o for o in prov["overrides"] if o["source"] == "--set"]
    assert given == [{"path": "opinion.loss", "value": 0.45, "source": "--set"}]
    assert prov["seeds"] == [2] and prov["scenario"]["sha256"] == model.loaded.sha256
    assert {"python", "trilateral", "mesa", "numpy", "pydantic"} <= set(prov["versions"])
    assert prov["scenario"]["text"] == SMALL.read_text()


def test_repr_names_scenario_runs_seeds_and_the_mean_index(ensemble):
    mean = float(np.mean(ensemble.scores.index))
    assert repr(ensemble) == f"<RunResult 'small': 3 runs, seeds=[4, 9, 21], final index mean {mean:.1f}>"
    one = RunResult(play(SMALL, seeds=[5, 6]))
    assert repr(one).startswith("<RunResult 'small': 2 runs, seeds=5..6, final index mean ")
    assert repr(RunResult(play(SMALL, seeds=[7]))).startswith("<RunResult 'small': 1 run, seed=7, ")
