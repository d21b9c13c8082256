"""sim/compiled.py: parameters turned into numpy tables."""

from __future__ import annotations

import numpy as np
from support import compiled

from sim.actors import ACTORS, JPN, PRC, ROK
from sim.vocab import CHANNELS, EVENT_KINDS, HOOKS, MECHANISMS, TERMS


def test_tables_match_the_parameters():
    c = compiled()
    p = c.params
    assert c.weights.shape == (4, len(TERMS))
    assert c.weights[ROK, TERMS.index("economy")] == p.actors["ROK"].preferences.economy
    assert c.temperature.tolist() == [p.actors[a].temperature for a in ACTORS]
    k = MECHANISMS.index("gsomia")
    assert c.members[k].tolist() == [1.0 if a in p.mechanisms["gsomia"].members else 0.0 for a in ACTORS]
    assert c.effects.shape == (len(MECHANISMS), len(HOOKS))
    assert c.effects[k, HOOKS.index("coordination")] == p.mechanisms["gsomia"].effects["coordination"]
    assert c.mech["notice_period"][k] == p.mechanisms["gsomia"].notice_period
    e = EVENT_KINDS.index("tourism_ban")
    assert c.event_coef[e, CHANNELS.index("pressure")] == p.events["tourism_ban"].pressure
    assert c.event_coef[e, CHANNELS.index("crisis")] == 0.0


def test_co_members_are_symmetric_pairs_without_the_diagonal():
    c = compiled()
    assert np.array_equal(c.co_members, c.co_members.transpose(0, 2, 1))
    assert not np.diagonal(c.co_members, axis1=1, axis2=2).any()
    assert not c.co_members[:, PRC, :].any()
    np.testing.assert_array_equal(c.seoul_tokyo, c.members[:, ROK] * c.members[:, JPN])


def test_membership_overrides_reach_the_tables():
    c = compiled({"mechanisms.gsomia.members": ["USA", "JPN"]})
    k = MECHANISMS.index("gsomia")
    assert c.members[k].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert c.seoul_tokyo[k] == 0.0
