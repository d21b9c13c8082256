"""sim/state.py: the ensemble state and its starting values."""

from __future__ import annotations

import dataclasses

import numpy as np
from support import compiled, make_state

from sim.actors import ACTORS, JPN, ROK
from sim.state import initial_state
from sim.vocab import MECHANISMS, STATUSES


def test_initial_state_shapes_and_values_come_from_the_parameters():
    c = compiled()
    s = initial_state(c, 5, 3)
    assert s.n == 5
    assert s.trust.shape == (5, 4, 4) and s.strength.shape == (5, len(MECHANISMS)) and s.fired.shape == (5, 3)
    w = c.params.world
    assert s.trust[2, ROK, JPN] == w.trust["ROK"]["JPN"]
    assert np.all(np.diagonal(s.trust, axis1=1, axis2=2) == 1.0)
    assert s.crisis[0] == w.crisis and s.dispute[4] == w.dispute
    assert s.resolve[1].tolist() == [w.resolve[a] for a in ACTORS]
    for k, name in enumerate(MECHANISMS):
        assert s.strength[0, k] == c.params.mechanisms[name].strength
        assert STATUSES[s.status[0, k]] == c.params.mechanisms[name].status
    assert not s.fired.any() and not s.pressure.any() and not s.coordinated.any()


def test_runs_do_not_share_memory():
    s = initial_state(compiled(), 3, 2)
    s.trust[0, ROK, JPN] = 0.0
    assert s.trust[1, ROK, JPN] != 0.0
    for f in dataclasses.fields(s):
        a = getattr(s, f.name)
        assert a.flags.writeable and a.strides[0] != 0, f.name  # a real array, not a broadcast view


def test_evolve_replaces_without_mutating_and_take_selects_runs():
    s = make_state(n=4, crisis=np.array([0.1, 0.2, 0.3, 0.4]))
    t = s.evolve(crisis=np.zeros(4))
    assert s.crisis.tolist() == [0.1, 0.2, 0.3, 0.4] and t.crisis.tolist() == [0.0] * 4
    assert t.trust is s.trust
    sub = s.take(np.array([3, 1]))
    assert sub.n == 2 and sub.crisis.tolist() == [0.4, 0.2]
    assert sub.trust.shape == (2, 4, 4)
