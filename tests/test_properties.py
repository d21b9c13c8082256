"""Properties of whole runs over random small scenarios and random parameters."""

from __future__ import annotations

import dataclasses
import json
from typing import get_args

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import loaded, make_scenario, play

from sim.actors import ACTORS
from sim.params import TensionParams
from sim.results import RunResult
from sim.scenario import Metric
from sim.scoring import INDEX_COMPONENTS
from sim.vocab import ACTIVE, ENDED, EVENT_KINDS, MECHANISMS, STATUSES

SEEDS = np.arange(8)
unit = st.floats(0.0, 1.0, allow_nan=False)
actor = st.sampled_from(ACTORS)
mechanism = st.sampled_from(MECHANISMS)


@st.composite
def conditions(draw):
    metric = draw(st.sampled_from(get_args(Metric)))
    cond: dict = {"metric": metric}
    if metric in ("trust", "opinion", "threat"):
        of, toward = draw(st.lists(actor, min_size=2, max_size=2, unique=True))
        cond.update(of=of, toward=toward)
    if metric == "pressure":
        cond["of"] = draw(actor)
    if metric.startswith("mechanism"):
        cond["mechanism"] = draw(mechanism)
    if metric == "mechanism_status":
        cond["status"] = draw(st.sampled_from(STATUSES))
    else:
        cond[draw(st.sampled_from(["below", "above"]))] = draw(unit)
    return cond


@st.composite
def events(draw, turns: int):
    kind = draw(st.sampled_from(EVENT_KINDS))
    turn = draw(st.integers(1, turns))
    low = -1.0 if kind == "leadership_change" else 0.0
    ev = {
        "kind": kind,
        "headline": "h",
        "briefing": "b",
        "turn": turn,
        "source": draw(actor),
        "targets": draw(st.lists(actor, min_size=1, max_size=4, unique=True)),
        "magnitude": draw(st.floats(low, 1.0)),
    }
    trigger = draw(st.sampled_from(["scheduled", "chance", "when", "both"]))
    if trigger in ("chance", "both"):
        ev["chance"] = draw(unit)
    if trigger in ("when", "both"):
        ev["when"] = draw(conditions())
    if trigger != "scheduled":
        ev["repeat"] = draw(st.booleans())
        if draw(st.booleans()):
            ev["until"] = draw(st.integers(turn, turns))
    if draw(st.booleans()):
        ev["mechanism"] = draw(mechanism)
        ev["mechanism_effect"] = draw(st.sampled_from(["suspend", "end", "weaken", "strengthen", "activate"]))
    return ev


@st.composite
def scenarios(draw):
    turns = draw(st.integers(1, 6))
    evs = draw(st.lists(events(turns), max_size=6))
    return make_scenario(evs, turns=turns)


TENSION = [
    f"tension.{name}"
    for name, f in TensionParams.model_fields.items()
    if name not in ("coercion_cost", "retaliation_cost")
]
UNIT_PATHS = (
    ["opinion.gain", "opinion.loss", "world.crisis", "world.dispute"]
    + TENSION
    + [f"thresholds.{t}" for t in ("pressure", "crisis", "dispute", "inducement")]
    + [
        f"world.{m}.{i}.{j}"
        for m in ("trust", "opinion", "threat", "exposure")
        for i in ACTORS
        for j in ACTORS
        if i != j
    ]
    + [f"world.resolve.{a}" for a in ACTORS]
    + [f"mechanisms.{m}.{f}" for m in MECHANISMS for f in ("strength", "decay", "invest_gain", "lapse_below")]
)


@st.composite
def parameter_settings(draw):
    chosen = draw(st.lists(st.sampled_from(UNIT_PATHS), max_size=8, unique=True))
    out: dict = {path: draw(unit) for path in chosen}
    for m in draw(st.lists(mechanism, max_size=3, unique=True)):
        out[f"mechanisms.{m}.status"] = draw(st.sampled_from(STATUSES))
        out[f"mechanisms.{m}.notice_period"] = draw(st.integers(1, 3))
    for name in draw(
        st.lists(
            st.sampled_from(["repair", "suspension", "retaliation", "dispute_erosion"]),
            max_size=2,
            unique=True,
        )
    ):
        out[f"trust.{name}"] = draw(st.floats(0.0, 100.0))
    # trust as a belief: any likelihoods that leave each type room for other moves
    for kind in draw(st.lists(st.sampled_from(["trustworthy", "untrustworthy"]), max_size=2, unique=True)):
        answer = draw(st.floats(0.01, 0.97))
        out[f"trust.answer_if_{kind}"] = answer
        out[f"trust.defect_if_{kind}"] = draw(st.floats(0.01, 0.99 - answer))
    for name in draw(st.lists(st.sampled_from(["friendly", "hostile"]), max_size=2, unique=True)):
        for kind in ("trustworthy", "untrustworthy"):
            out[f"trust.{name}_if_{kind}"] = draw(st.floats(0.01, 0.99))
    if draw(st.booleans()):
        out["trust.type_change"] = draw(st.floats(0.0, 0.5))
    for m in draw(st.lists(mechanism, max_size=2, unique=True)):
        out[f"mechanisms.{m}.members"] = draw(st.lists(actor, min_size=1, max_size=4, unique=True))
    for k in ("coercion_cost", "retaliation_cost"):
        if draw(st.booleans()):
            out[f"tension.{k}"] = draw(st.floats(0.0, 100.0))
    if draw(st.booleans()):
        out["actors.ROK.temperature"] = draw(st.floats(0.01, 10.0))
    return out


def in_unit(x: np.ndarray) -> bool:
    return bool(np.all((x >= 0.0) & (x <= 1.0)))


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), settings_=parameter_settings())
def test_whole_runs_stay_in_bounds(sc, settings_):
    model = play(loaded(sc, settings_), seeds=SEEDS)
    previous = model._initial_status
    for rec in model.history:
        s = rec.state
        for name in (
            "trust",
            "opinion",
            "threat",
            "strength",
            "crisis",
            "dispute",
            "pressure",
            "inducement",
            "resolve",
        ):
            assert in_unit(getattr(s, name)), (rec.turn, name)
        assert np.isin(s.status, (0, 1, 2)).all()
        for f in dataclasses.fields(s):
            arr = getattr(s, f.name)
            if arr.dtype.kind == "f":
                assert np.isfinite(arr).all(), (rec.turn, f.name)
        assert np.all((s.cohesion >= 0) & (s.cohesion <= 100)), rec.turn
        # an ended mechanism never comes back
        assert np.all(s.status[previous == ENDED] == ENDED), rec.turn
        assert not np.any((previous == ENDED) & (s.status == ACTIVE))
        assert np.all((rec.probability > 0) & (rec.probability <= 1)), rec.turn
        previous = s.status
    card = model.scores
    assert np.all((card.index >= 0) & (card.index <= 100))
    assert np.all((card.cohesion_mean >= 0) & (card.cohesion_mean <= 100))
    for c in INDEX_COMPONENTS:
        v = card.components[c]
        assert np.all(np.isnan(v) | ((v >= 0) & (v <= 1))), c
    assert in_unit(card.time_active)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), settings_=parameter_settings(), k=st.integers(0, len(SEEDS) - 1))
def test_a_run_is_the_same_alone_and_in_the_ensemble(sc, settings_, k):
    ls = loaded(sc, settings_)
    together = play(ls, seeds=SEEDS)
    alone = play(ls, seeds=SEEDS[k : k + 1])
    for rt, ra in zip(together.history, alone.history, strict=True):
        assert np.array_equal(rt.outcome.choices[k], ra.outcome.choices[0]), rt.turn
        assert np.array_equal(rt.fired[k], ra.fired[0]), rt.turn
    for f in dataclasses.fields(together.state):
        a, b = getattr(together.state, f.name)[k], getattr(alone.state, f.name)[0]
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f.name
    doc = RunResult(alone).to_dict()
    assert doc == RunResult(together).to_dict(k)
    json.dumps(doc, allow_nan=False)
