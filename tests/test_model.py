"""sim/model.py: the Mesa model, ensembles, determinism and Mesa integration."""

from __future__ import annotations

import dataclasses
import inspect

import mesa
import numpy as np
import pytest
from support import CALM, SMALL, play

from agents.policies import ScriptedPolicy
from sim.actors import INDEX
from sim.model import TrilateralModel
from sim.scenario import load_scenario

ENSEMBLE = 1000


def same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f":
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def state_diff(big_state, k, small_state) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(big_state)
        if not same(getattr(big_state, f.name)[k : k + 1], getattr(small_state, f.name))
    ]


def score_diff(big, k, small) -> list[str]:
    out = []
    for f in dataclasses.fields(big.scores):
        a, b = getattr(big.scores, f.name), getattr(small.scores, f.name)
        if isinstance(a, dict):
            out += [f"{f.name}.{c}" for c in a if not same(a[c][k : k + 1], b[c])]
        elif not same(a[k : k + 1], b):
            out.append(f.name)
    return out


@pytest.fixture(scope="module")
def big():
    """The small scenario played by an ensemble of 1,000 runs at once."""
    return play(SMALL, seeds=np.arange(ENSEMBLE))


def test_the_small_scenario_makes_randomness_matter(big):
    chance = big.history[1].fired[:, 1].mean()  # the 50% tourism ban on turn 2
    conditional = big.history[2].fired[:, 2].mean()  # the ruling that depends on pressure
    assert 0.4 < chance < 0.6
    assert 0.05 < conditional < 0.95


@pytest.mark.parametrize("k", [0, 1, 137, 500, 998, 999])
def test_run_k_alone_equals_run_k_inside_an_ensemble_of_1000(big, k):
    alone = play(SMALL, seeds=[k])
    assert state_diff(big.state, k, alone.state) == []
    for rb, ra in zip(big.history, alone.history, strict=True):
        assert np.array_equal(rb.outcome.choices[k : k + 1], ra.outcome.choices), f"turn {rb.turn}"
        assert np.array_equal(rb.fired[k : k + 1], ra.fired), f"turn {rb.turn}"
        assert same(rb.probability[k : k + 1], ra.probability), f"turn {rb.turn}"
        assert state_diff(rb.state, k, ra.state) == [], f"turn {rb.turn}"
    assert score_diff(big, k, alone) == []


def test_run_k_does_not_depend_on_its_position_or_neighbours(big):
    seeds = np.array([999, 5, 0, 42])
    mixed = play(SMALL, seeds=seeds)
    for pos, k in enumerate(seeds):
        assert state_diff(big.state, int(k), mixed.state.take(slice(pos, pos + 1))) == []
        assert same(mixed.scores.index[pos], big.scores.index[k])


def test_same_seed_twice_gives_identical_results():
    a, b = play(SMALL, seeds=[3, 4]), play(SMALL, seeds=[3, 4])
    for f in dataclasses.fields(a.state):
        assert same(getattr(a.state, f.name), getattr(b.state, f.name)), f.name
    for ra, rb in zip(a.history, b.history, strict=True):
        assert np.array_equal(ra.outcome.choices, rb.outcome.choices)
    assert same(a.scores.index, b.scores.index)


def test_different_seeds_give_different_choice_histories(big):
    histories = np.stack([rec.outcome.choices for rec in big.history], axis=1)  # (runs, turns, actors)
    distinct = np.unique(histories.reshape(ENSEMBLE, -1), axis=0)
    assert len(distinct) > 10
    assert np.unique(big.scores.index).size > 10


def test_model_runs_exactly_turns_steps_and_scores_at_the_end():
    model = TrilateralModel(str(SMALL), rng=7)
    turns = model.script.turns
    steps = 0
    assert model.scores is None
    while model.running:
        model.step()
        steps += 1
        assert steps <= turns
    assert steps == turns == model.turn == len(model.history)
    assert model.steps == turns
    assert model.scores is not None and model.scores.index.shape == (1,)
    assert 0 <= model.scores.index[0] <= 100
    assert [rec.turn for rec in model.history] == list(range(1, turns + 1))


def test_datacollector_has_one_row_per_turn():
    model = TrilateralModel(str(SMALL), rng=7)
    while model.running:
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert {"cohesion", "resilience_index"} <= set(df.columns)
    assert len(df) == model.script.turns
    np.testing.assert_allclose(df["cohesion"].to_numpy(), [rec.state.cohesion[0] for rec in model.history])
    assert df["resilience_index"].iloc[-1] == pytest.approx(model.scores.index[0])
    assert df["cohesion"].between(0, 100).all() and df["resilience_index"].between(0, 100).all()


def test_rng_is_the_seed_of_a_single_run():
    by_rng = TrilateralModel(str(SMALL), rng=11)
    by_seeds = TrilateralModel(str(SMALL), seeds=[11], collect=False)
    for m in (by_rng, by_seeds):
        while m.running:
            m.step()
    assert by_rng.seeds.tolist() == [11]
    assert same(by_rng.scores.index, by_seeds.scores.index)


def seeded_batch_run(parameters: dict, seeds: list[int]) -> list[dict]:
    """mesa.batch_run over seeds: mesa 3.5 takes them as its own `rng` argument (and
    would override an `rng` parameter with None); mesa 3.3 only as a parameter."""
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        return mesa.batch_run(
            TrilateralModel, parameters=parameters, rng=seeds, number_processes=1, display_progress=False
        )
    return mesa.batch_run(
        TrilateralModel,
        parameters={**parameters, "rng": seeds},
        number_processes=1,
        iterations=1,
        display_progress=False,
    )


def test_mesa_batch_run_matches_direct_runs():
    rows = seeded_batch_run({"scenario": str(SMALL)}, [1, 2, 3])
    assert len(rows) == 3
    for row in rows:
        assert {"cohesion", "resilience_index", "rng", "scenario"} <= set(row)
        direct = TrilateralModel(str(SMALL), rng=row["rng"])
        while direct.running:
            direct.step()
        last = direct.datacollector.get_model_vars_dataframe().iloc[-1]
        assert row["cohesion"] == last["cohesion"]
        assert row["resilience_index"] == last["resilience_index"]
        assert row["resilience_index"] == pytest.approx(direct.scores.index[0])
    assert len({row["resilience_index"] for row in rows}) > 1


def test_scripted_policy_is_played_where_open():
    c_model = TrilateralModel(str(SMALL), seeds=[0, 1], collect=False)
    menu = c_model.compiled.options.slices[INDEX["ROK"]]
    local = c_model.compiled.options.find(INDEX["ROK"], "coordinate") - menu.start
    script = ScriptedPolicy({t: local for t in range(1, 5)})
    model = play(SMALL, seeds=[0, 1], policies={"ROK": script})
    for rec in model.history:
        assert np.all(rec.outcome.choices[:, INDEX["ROK"]] == menu.start + local)


def test_overrides_change_the_run():
    base = play(SMALL, seeds=np.arange(20))
    # beliefs that forget 40% a month toward their prior: every trust that moved moves less
    forgetful = play(SMALL, seeds=np.arange(20), overrides=[(("trust", "type_change"), 0.4, "test", None)])
    assert forgetful.compiled.params.trust.type_change == 0.4
    assert not np.array_equal(base.state.trust, forgetful.state.trust)


def test_a_loaded_scenario_with_overrides_applies_them():
    ls = load_scenario(SMALL)
    model = TrilateralModel(
        ls, seeds=[0], overrides=[(("opinion", "gain"), 0.3, "test", None)], collect=False
    )
    assert model.compiled.params.opinion.gain == 0.3
    assert model.loaded.scenario == ls.scenario
    # the scenario's own overrides are kept
    assert model.compiled.params.world.trust["ROK"]["JPN"] == ls.parameters.world.trust["ROK"]["JPN"]


def test_an_empty_ensemble_is_refused():
    with pytest.raises(ValueError, match="at least one seed"):
        TrilateralModel(str(SMALL), seeds=[])


def test_history_records_probabilities_of_the_choices():
    model = play(SMALL, seeds=np.arange(5))
    for rec in model.history:
        assert np.all((rec.probability > 0) & (rec.probability <= 1))
        assert rec.terms.shape == (5, 4, 5)
        assert rec.fired.shape == (5, 3)


def test_a_scenario_without_events_plays():
    model = play(CALM, seeds=[0, 1])
    assert model.turn == 2 and model.state.fired.shape == (2, 0)
    assert np.all((model.scores.index >= 0) & (model.scores.index <= 100))


def test_keep_history_false_keeps_scores_the_same():
    lean = play(SMALL, seeds=[0, 1, 2], keep_history=False)
    full = play(SMALL, seeds=[0, 1, 2])
    assert lean.history == []
    assert same(lean.scores.index, full.scores.index)
    for f in dataclasses.fields(lean.state):
        assert same(getattr(lean.state, f.name), getattr(full.state, f.name)), f.name


def test_a_lone_run_scores_exactly_as_inside_an_ensemble():
    # Twelve turns: numpy's pairwise summation would treat a lone run's column
    # differently from many runs' rows; the scores must not notice.
    from sim.scenario import SCENARIO_DIR

    path = SCENARIO_DIR / "taiwan_strait.yaml"
    alone = {k: play(path, seeds=[k]) for k in (9, 4)}
    many = play(path, seeds=list(range(12)))
    for k, model in alone.items():
        assert model.scores.cohesion_mean[0] == many.scores.cohesion_mean[k]
        assert model.scores.index[0] == many.scores.index[k]
