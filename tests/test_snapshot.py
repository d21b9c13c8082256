"""A run is a value: snapshots, continuing from them, given moves, injects and rulings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SMALL, event, play

from agents.policies import ScriptedPolicy
from sim.actors import INDEX
from sim.model import Snapshot, TrilateralModel
from sim.rulings import apply_ruling, parse_ruling, read_value
from sim.scenario import Event, load_scenario
from sim.scoring import cohesion
from sim.vocab import MECHANISMS, STATUSES, SUSPENDED

LOADED = load_scenario(SMALL)
TAIWAN = load_scenario("taiwan_strait")


def arrays_of(snap: Snapshot) -> dict[str, np.ndarray]:
    """Every array of a snapshot by name (state, start, tallies)."""
    out = {}
    for f in dataclasses.fields(snap):
        v = getattr(snap, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = v
        elif f.name in ("state", "start"):
            out |= {f"{f.name}.{g.name}": getattr(v, g.name) for g in dataclasses.fields(v)}
        elif f.name in ("coercion", "wedge"):
            out |= {f"{f.name}.{g.name}": getattr(v, g.name) for g in dataclasses.fields(v)}
    return out


def differences(a: Snapshot, b: Snapshot) -> list[str]:
    x, y = arrays_of(a), arrays_of(b)
    return [
        k
        for k in x
        if x[k].dtype != y[k].dtype or x[k].shape != y[k].shape or x[k].tobytes() != y[k].tobytes()
    ]


def played(model: TrilateralModel) -> TrilateralModel:
    while model.running:
        model.step()
    return model


def test_snapshot_restore_continue_equals_uninterrupted_bit_for_bit():
    seeds = np.arange(40)
    whole = play(LOADED, seeds=seeds)
    part = TrilateralModel(LOADED, seeds=seeds, collect=False)
    part.step()
    part.step()
    snap = part.snapshot()
    resumed = played(TrilateralModel.from_snapshot(snap, LOADED))
    end_a, end_b = whole.snapshot(), resumed.snapshot()
    assert differences(end_a, end_b) == []
    assert end_a.digest() == end_b.digest()
    for f in dataclasses.fields(whole.scores):
        a, b = getattr(whole.scores, f.name), getattr(resumed.scores, f.name)
        if isinstance(a, dict):
            assert all(np.array_equal(a[c], b[c], equal_nan=True) for c in a), f.name
        else:
            assert np.array_equal(a, b, equal_nan=True), f.name
    # the restored model keeps the turn records, so turn views and tables still work
    assert [r.turn for r in resumed.history] == [1, 2, 3, 4]
    assert np.array_equal(resumed.history[3].outcome.choices, whole.history[3].outcome.choices)


def test_a_snapshot_is_a_private_copy():
    model = TrilateralModel(LOADED, rng=1, collect=False)
    model.step()
    snap = model.snapshot()
    before = snap.digest()
    played(model)
    assert snap.digest() == before
    assert snap.turn == 1 and snap.cohesion.shape == (1, 1)


def test_ensemble_from_a_snapshot_equals_each_run_continued_alone():
    model = TrilateralModel(LOADED, rng=5, collect=False)
    model.step()
    snap = model.snapshot()
    seeds = np.array([5, 11, 12, 99, 2**40])
    many = played(TrilateralModel.from_snapshot(snap, LOADED, runs=seeds.size, seeds=seeds))
    assert many.n_runs == 5 and many.history[0].turn == 2  # the snapshot's records are one run's
    for k, s in enumerate(seeds):
        one = played(TrilateralModel.from_snapshot(snap, LOADED, seeds=[s]))
        assert differences(one.snapshot(), _row(many.snapshot(), k)) == [], f"run {k}"
    # seed 5 is the snapshot's own: that continuation is the uninterrupted run
    assert many.scores.index[0] == played(model).scores.index[0]
    # the runs really differ (the small scenario has a chance event and logit choices)
    assert np.unique(many.scores.index).size > 1


def test_the_same_seed_repeated_gives_identical_continuations():
    model = TrilateralModel(TAIWAN, rng=2, collect=False)
    model.step()
    many = played(TrilateralModel.from_snapshot(model.snapshot(), TAIWAN, runs=4))
    assert np.all(many.scores.index == many.scores.index[0])


def _row(snap: Snapshot, k: int) -> Snapshot:
    """Run k of an ensemble snapshot as a one-run snapshot."""
    take = slice(k, k + 1)
    return dataclasses.replace(
        snap,
        seeds=snap.seeds[take],
        state=snap.state.take(take),
        start=snap.start.take(take),
        cohesion=snap.cohesion[:, take],
        status=snap.status[:, take],
        initial_status=snap.initial_status[take],
        live_strength=snap.live_strength[take],
        crisis_turns=snap.crisis_turns[take],
        coordinated_turns=snap.coordinated_turns[take],
        coercion=type(snap.coercion)(
            *(getattr(snap.coercion, f.name)[take] for f in dataclasses.fields(snap.coercion))
        ),
        wedge=type(snap.wedge)(*(getattr(snap.wedge, f.name)[take] for f in dataclasses.fields(snap.wedge))),
        responding=snap.responding[take],
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stop=st.integers(0, 4),
    seed=st.integers(0, 2**31),
    extra=st.integers(1, 3),
    scenario=st.sampled_from([0, 1]),
)
def test_property_stop_anywhere_and_continue_singly_or_in_an_ensemble(stop, seed, extra, scenario):
    loaded = (LOADED, TAIWAN)[scenario]
    stop = min(stop, loaded.scenario.turns)
    whole = play(loaded, seeds=[seed])
    part = TrilateralModel(loaded, seeds=[seed], collect=False)
    for _ in range(stop):
        part.step()
    snap = part.snapshot()
    alone = played(TrilateralModel.from_snapshot(snap, loaded))
    assert alone.snapshot().digest() == whole.snapshot().digest()
    seeds = [seed, *range(seed + 1, seed + 1 + extra)]
    many = played(TrilateralModel.from_snapshot(snap, loaded, runs=len(seeds), seeds=seeds))
    for k, s in enumerate(seeds):
        one = played(TrilateralModel.from_snapshot(snap, loaded, seeds=[s]))
        assert differences(one.snapshot(), _row(many.snapshot(), k)) == []


def test_given_moves_equal_the_same_moves_through_a_scripted_policy():
    moves = {1: 8, 2: 3, 3: 0, 4: 8}  # indexes into Seoul's menu
    scripted = play(LOADED, seeds=[4], policies={"ROK": ScriptedPolicy(moves)})
    stepped = TrilateralModel(LOADED, rng=4, collect=False)
    for turn in range(1, 5):
        stepped.play_turn(given={"ROK": moves[turn]})
    assert differences(scripted.snapshot(), stepped.snapshot()) == []
    menu = stepped.compiled.options.slices[INDEX["ROK"]]
    assert [int(r.outcome.choices[0, INDEX["ROK"]]) - menu.start for r in stepped.history] == [8, 3, 0, 8]


def test_given_moves_by_label_and_per_run():
    model = TrilateralModel(LOADED, seeds=[1, 2], collect=False)
    model.play_turn(given={"JPN": "repair ROK", "USA": np.array([1, 2])})
    opts = model.compiled.options
    rec = model.history[0].outcome.choices
    assert [opts.label(int(o)) for o in rec[:, INDEX["JPN"]]] == ["repair ROK", "repair ROK"]
    assert [opts.label(int(o)) for o in rec[:, INDEX["USA"]]] == ["coordinate", "joint statement"]


def test_a_closed_given_move_is_refused_or_left_to_the_ai():
    model = TrilateralModel(LOADED, rng=1, collect=False)
    with pytest.raises(ValueError, match="cannot 'concede' this turn"):
        model.play_turn(given={"ROK": "concede"})  # nobody pressures Seoul on turn 1
    assert model.turn == 0  # nothing changed
    with pytest.raises(ValueError, match="not on ROK's menu"):
        model.play_turn(given={"ROK": "invade"})
    with pytest.raises(ValueError, match="unknown actor"):
        model.play_turn(given={"KOR": 0})
    ai = TrilateralModel(LOADED, rng=1, collect=False)
    ai.step()
    model.play_turn(given={"ROK": "concede"}, if_closed="ai")
    assert differences(model.snapshot(), ai.snapshot()) == []


def test_a_finished_run_refuses_another_step():
    model = play(LOADED, seeds=[0])
    with pytest.raises(ValueError, match="the run is over"):
        model.step()


def _inject(turn: int, **fields) -> Event:
    return Event.model_validate(event("missile_test", id=f"inject-{turn}", turn=turn, **fields))


def test_an_injected_event_acts_like_the_same_event_written_in_the_scenario():
    extra = _inject(2, targets=["ROK", "JPN"], magnitude=0.7)
    with_file = load_scenario(SMALL)
    written = with_file.scenario.model_copy(update={"events": [*with_file.scenario.events, extra]})
    from dataclasses import replace

    in_file = play(replace(with_file, scenario=written), seeds=[3, 8])
    live = TrilateralModel(LOADED, seeds=[3, 8], collect=False)
    live.step()
    live.inject([extra])
    assert live.history[0].fired.shape == (2, 4)  # earlier records padded: the event had not fired
    played(live)
    assert differences(in_file.snapshot(), live.snapshot()) == []
    assert live.history[1].fired[:, 3].all()
    # a snapshot carries its injects: continuing from it needs only the scenario file
    part = TrilateralModel(LOADED, seeds=[3, 8], collect=False)
    part.step()
    part.inject([extra])
    part.step()
    resumed = played(TrilateralModel.from_snapshot(part.snapshot(), LOADED))
    assert resumed.snapshot().digest() == live.snapshot().digest()


def test_an_inject_must_be_scheduled_for_the_next_turn_with_a_fresh_id():
    model = TrilateralModel(LOADED, rng=0, collect=False)
    with pytest.raises(ValueError, match="next turn"):
        model.inject([_inject(3)])
    with pytest.raises(ValueError, match="id not yet used"):
        model.inject([Event.model_validate(event(id="drills", turn=1))])
    with pytest.raises(ValueError, match="no 'when' or 'chance'"):
        model.inject([Event.model_validate(event(id="x", turn=1, chance=0.5))])
    assert len(model.script.events) == 3


def test_override_keeps_the_engine_value_and_rescores_the_turn():
    model = TrilateralModel(LOADED, rng=0, collect=False)
    model.step()
    engine_trust = float(model.state.trust[0, 1, 2])
    engine = model.override({"trust.ROK.JPN": 0.9, "status.gsomia": "suspended"})
    g = MECHANISMS.index("gsomia")
    assert engine == {"trust.ROK.JPN": engine_trust, "status.gsomia": "active"}
    assert model.state.trust[0, 1, 2] == 0.9
    assert model.state.status[0, g] == SUSPENDED and model.state.suspended_for[0, g] == 1
    want = cohesion(model.state, model.history[0].outcome.responding, model.compiled.params)
    assert model.state.cohesion[0] == want[0]
    assert model._tallies().cohesion[-1, 0] == want[0]
    assert model.history[-1].state is model.state
    with pytest.raises(ValueError, match="cannot rule on"):
        model.override({"trust.ROK": 0.2})


def test_override_before_any_turn_is_refused():
    with pytest.raises(ValueError, match="no adjudicated turn"):
        TrilateralModel(LOADED, rng=0, collect=False).override({"crisis": 0.1})


def test_rulings_parse_and_apply_by_hand():
    assert parse_ruling(["trust.ROK.JPN=0.4", " status.gsomia = ended"]) == {
        "trust.ROK.JPN": 0.4,
        "status.gsomia": "ended",
    }
    for bad, message in (
        (["trust.ROK.ROK=0.4"], "same actor twice"),
        (["trust.ROK.JPN=1.4"], r"in \[0, 1\]"),
        (["status.gsomia=paused"], "active, suspended, ended"),
        (["strength.nato=0.5"], "not a mechanism"),
        (["crisis"], "PATH=VALUE"),
        (["crisis=0.1", "crisis=0.2"], "twice"),
        (["cost.ROK=-1"], ">= 0"),
        ([], "at least one"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_ruling(bad)
    model = TrilateralModel(LOADED, seeds=[0, 1], collect=False)
    state, engine = apply_ruling(model.state, {"crisis": 0.25, "pressure.ROK": 0.5, "cost.JPN": 3})
    assert engine == {"crisis": float(model.state.crisis[0]), "pressure.ROK": 0.0, "cost.JPN": 0.0}
    assert list(state.crisis) == [0.25, 0.25] and list(state.pressure[:, 1]) == [0.5, 0.5]
    assert read_value(state, "cost.JPN") == 3.0 and read_value(state, "status.acsa") in STATUSES
    assert model.state.crisis[0] != 0.25  # the old state is untouched


def test_a_status_ruling_sets_how_long_a_mechanism_has_been_suspended():
    model = TrilateralModel(LOADED, seeds=[0, 1], collect=False)
    g = MECHANISMS.index("gsomia")
    status = model.state.status.copy()
    held = model.state.suspended_for.copy()
    status[0, g], held[0, g] = SUSPENDED, 3  # run 0: suspended for three turns already
    state = model.state.evolve(status=status, suspended_for=held)
    again, _ = apply_ruling(state, {"status.gsomia": "suspended"})
    assert again.suspended_for[:, g].tolist() == [3, 1]  # kept; newly suspended
    ended, _ = apply_ruling(state, {"status.gsomia": "ended"})
    assert ended.suspended_for[:, g].tolist() == [0, 0] and ended.status[:, g].tolist() == [2, 2]
    active, engine = apply_ruling(state, {"status.gsomia": "active"})
    assert active.suspended_for[:, g].tolist() == [0, 0] and engine == {"status.gsomia": "suspended"}
