"""sim/api.py and sim/__init__.py: the notebook API (named apart from tests/batch/test_api.py)."""

from __future__ import annotations

import pytest
from support import SMALL

import sim
from sim.api import load_scenario, run, run_ensemble


def test_run_is_one_run_of_an_ensemble():
    single = run(SMALL, seed=3)
    many = run_ensemble(SMALL, [8, 3])
    assert single.to_dict() == many.to_dict(1)
    assert len(many.runs_table()) == 2 and len(single.turns_table()) == 4


def test_settings_override_parameters():
    ls = load_scenario(SMALL, {"opinion.loss": 0.45})
    assert ls.parameters.opinion.loss == 0.45
    a = run(SMALL, seed=1)
    b = run(SMALL, seed=1, settings={"opinion.loss": 0.9})
    assert a.to_dict()["turns"] != b.to_dict()["turns"]


def test_keep_history_false():
    result = run_ensemble(SMALL, [0, 1], keep_history=False)
    with pytest.raises(ValueError):
        result.turns_table()


def test_package_names_load_lazily():
    assert sim.run is run and sim.run_ensemble is run_ensemble and sim.load_scenario is load_scenario
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018
