"""One place per concept: score fields, event channels and roles are each declared once."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
from support import BUNDLED, play

from sim.actors import (
    ALLIANCE_PAIRS,
    ALLIES,
    CHALLENGER,
    JPN,
    PARTNER_OF,
    PARTNER_PAIRS,
    PARTNERS,
    PATRON,
    PRC,
    ROK,
    USA,
)
from sim.expectations import SCORE_MEASURES, Metric
from sim.params import EventEffect
from sim.results import RunResult
from sim.score_fields import INDEX_COMPONENTS, MECHANISM_SCORES, RUN_SCORES, mechanism_column, points_column
from sim.scoring import Scorecard
from sim.vocab import CHANNELS, MECHANISMS


def test_every_registered_score_is_a_scorecard_field_and_every_field_is_registered():
    fields = {f.name for f in dataclasses.fields(Scorecard)}
    registered = {f.name for f in RUN_SCORES + MECHANISM_SCORES}
    assert registered <= fields
    # what is not registered is the index's breakdown, reported with the components
    assert fields - registered == {"components", "points"}


def test_the_runs_table_and_the_expectation_metrics_read_the_registry():
    model = play(BUNDLED[0], np.arange(2), keep_history=False)
    columns = list(RunResult(model).runs_table().columns)
    expected = (
        ["run", "seed"]
        + [f.name for f in RUN_SCORES]
        + [points_column(c) for c in INDEX_COMPONENTS]
        + [mechanism_column(m, f.name) for m in MECHANISMS for f in MECHANISM_SCORES]
    )
    assert columns == expected
    assert SCORE_MEASURES == tuple(f.name for f in RUN_SCORES)
    assert set(SCORE_MEASURES) <= set(typing.get_args(Metric))
    card = RunResult(model).scorecard_dict(0)
    assert {f.name for f in RUN_SCORES if f.name != "index"} <= set(card)
    assert set(card["mechanisms"][MECHANISMS[0]]) == {f.name for f in MECHANISM_SCORES}


def test_event_effects_have_exactly_the_declared_channels():
    assert tuple(EventEffect.model_fields) == CHANNELS
    assert all(getattr(EventEffect(), c) == 0.0 for c in CHANNELS)


def test_roles():
    assert (PATRON, CHALLENGER) == (USA, PRC)
    assert set(PARTNERS) == {ROK, JPN} and set(ALLIES) == {PATRON, *PARTNERS}
    assert PARTNER_OF[ROK] == JPN and PARTNER_OF[JPN] == ROK
    assert ALLIANCE_PAIRS == ((USA, ROK), (USA, JPN))
    assert PARTNER_PAIRS == ((ROK, JPN), (JPN, ROK))
    assert CHALLENGER not in ALLIES


def test_partner_pair_is_seoul_tokyo_either_way_and_nothing_else():
    from sim.actors import partner_pair

    a = np.array([ROK, JPN, ROK, USA, PRC, JPN, USA])
    t = np.array([JPN, ROK, ROK, ROK, JPN, -1, -1])
    assert partner_pair(a, t).tolist() == [True, True, False, False, False, False, False]
    assert bool(partner_pair(ROK, JPN)) and not bool(partner_pair(USA, -1))


def test_the_dynamics_read_roles_not_actors():
    """The dynamics, the scores' prose and the tutor name roles (patron, partners,
    challenger), never an actor: a fifth seat or a new scenario changes one declaration."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    actors = {"USA", "ROK", "JPN", "PRC"}
    modules = [
        "sim/adjudication.py",
        "agents/utility.py",
        "agents/coordination.py",
        "sim/heat.py",
        "sim/belief.py",
        "sim/narrative.py",
        "sim/base_rates.py",
        "sim/session/tutor.py",
    ]
    for name in modules:
        tree = ast.parse((root / name).read_text())
        named = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "sim.actors"
            for alias in node.names
        }
        assert not named & actors, f"{name} imports {sorted(named & actors)} from sim.actors"
