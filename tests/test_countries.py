"""agents/countries.py: the four actors as Mesa agents."""

from __future__ import annotations

import numpy as np
from support import SMALL

from agents.countries import COUNTRIES, Country
from agents.policies import LogitPolicy, ScriptedPolicy
from sim import rng
from sim.actors import ACTORS, CAPITAL
from sim.model import TrilateralModel


def test_one_agent_per_actor_registered_with_the_model():
    model = TrilateralModel(str(SMALL), seeds=[0, 1], collect=False)
    assert [cls.code for cls in COUNTRIES] == list(ACTORS)
    assert set(model.countries) == set(ACTORS)
    assert len(model.agents) == 4 and all(isinstance(a, Country) for a in model.agents)
    for code, agent in model.countries.items():
        assert agent.index == ACTORS.index(code) and agent.capital == CAPITAL[code]
        assert isinstance(agent.policy, LogitPolicy)


def test_decide_returns_global_options_from_the_actor_menu_using_its_own_draws():
    model = TrilateralModel(str(SMALL), seeds=np.arange(50), collect=False)
    n_opt = len(model.compiled.options)
    utility = np.random.default_rng(0).normal(size=(50, n_opt))
    open_ = np.ones((50, n_opt), dtype=bool)
    for code, agent in model.countries.items():
        chosen = agent.decide(utility, open_, turn=3)
        menu = agent.menu
        assert np.all((chosen >= menu.start) & (chosen < menu.stop)), code
        draws = rng.uniforms(model.seeds, 3, agent.index, rng.DECISION)
        expected = LogitPolicy().choose(
            3, utility[:, menu], open_[:, menu], draws, float(model.compiled.temperature[agent.index])
        )
        np.testing.assert_array_equal(chosen, menu.start + expected)


def test_a_plugged_in_policy_is_used():
    script = ScriptedPolicy({1: 0})
    model = TrilateralModel(str(SMALL), seeds=[0], policies={"JPN": script}, collect=False)
    assert model.countries["JPN"].policy is script
    assert isinstance(model.countries["ROK"].policy, LogitPolicy)


def test_a_finished_model_can_be_freed():
    # mesa 3.3 keeps every model alive through Agent._ids; sweeps build hundreds.
    import gc
    import weakref

    from sim.model import TrilateralModel

    model = TrilateralModel(str(SMALL), seeds=[1, 2], collect=False)
    while model.running:
        model.step()
    ids = sorted(a.unique_id for a in model.countries.values())
    assert ids == [1, 2, 3, 4]
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None
