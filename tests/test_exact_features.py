"""Utility features' speed shortcuts change no value by a single bit (bench/README.md, sitting L).

`exposed_dispute` and `support_need` compute their per-actor factors once per actor
(`agents.utility._per_option`), and the features test membership with
`_member_of` instead of `np.isin`. Each feature is compared here with the plain
expression it replaced (copied below as it was), bit for bit, on a played ensemble
and on random states, over every option group of the utility plan that reads it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import bundled_path

from agents.utility import FEATURES, _member_of, situation
from sim.actors import ACTORS, ALLIES, CHALLENGER, PARTNER_OF, PARTNERS, PATRON, partner_pair
from sim.mechanisms import mechanism_hooks
from sim.model import TrilateralModel


def _plain_exposed_dispute(x, g, c):
    a, _, m = g
    s = x.state
    partner = np.array([PARTNER_OF.get(int(i), int(i)) for i in a])
    grievance = s.grievance[:, a, partner] * np.isin(a, PARTNERS)[None]
    heat = s.dispute[:, None] + grievance
    return heat * (c.mech["salience"][m] * np.isin(a, PARTNERS))[None]


def _plain_support_need(x, g, c):
    a, t, m = g
    partner = partner_pair(a, t) | ((c.seoul_tokyo[np.maximum(m, 0)] > 0) & (m >= 0) & np.isin(a, PARTNERS))
    return ((1.0 - x.weights[a, PATRON]) * partner)[None] * (1.0 - x.state.trust[:, a, PATRON])


def _plain_press_stake(x, g, c):
    from sim.vocab import SUSPENDED

    a, t, m = g
    about = m >= 0
    mm = np.maximum(m, 0)
    s = x.state
    gave_notice = ((s.noticed_by[:, mm] >> t.astype(np.int8)) & 1) != 0
    at_risk = np.where((s.status[:, mm] == SUSPENDED) | gave_notice, 1.0, 1.0 - s.strength[:, mm])
    value = x.security_value[mm][None] * 0.5 * (s.crisis[:, None] + s.threat[:, a, CHALLENGER])
    return value * at_risk * about[None]


PLAIN = {
    "mechanism_security": lambda x, g, c: (
        x.security_value[g[2]][None] * 0.5 * (x.state.crisis[:, None] + x.state.threat[:, g[0], CHALLENGER])
    ),
    "press_stake": _plain_press_stake,
    "exposed_dispute": _plain_exposed_dispute,
    "support_need": _plain_support_need,
    "ally_trust_target": lambda x, g, c: x.state.trust[:, g[0], g[1]] * np.isin(g[1], ALLIES)[None],
    "dispute_heat": lambda x, g, c: x.state.dispute[:, None] * np.isin(g[0], PARTNERS)[None],
    "target_is_ally": lambda x, g, c: np.repeat(np.isin(g[1], ALLIES)[None].astype(float), x.state.n, axis=0),
    "bullying": lambda x, g, c: (
        x.state.pressure[
            :,
            np.where(g[1] == PARTNERS[0], PARTNERS[1], np.where(g[1] == PARTNERS[1], PARTNERS[0], 0)),
        ]
        * np.isin(g[1], PARTNERS)[None]
    ),
}


def _played(runs: int = 300, turns: int = 6):
    model = TrilateralModel(
        bundled_path("taiwan_strait"), seeds=np.arange(runs), keep_history=False, collect=False
    )
    for _ in range(turns):
        model.step()
    c = model.compiled
    return situation(model.state, mechanism_hooks(model.state, c), c), model.plan, c


def _groups(plan, feature):
    """Every option group of the plan that reads ``feature`` (per option or per actor)."""
    out = []
    for kp in plan:
        if any(f == feature for f, _ in kp.option_features):
            out.append(kp.group)
        if any(f == feature for f, _ in kp.actor_features):
            out.append(kp.actors)
    return out


@pytest.mark.parametrize("feature", sorted(PLAIN))
def test_features_equal_their_plain_expressions_on_a_played_ensemble(feature):
    x, plan, c = _played()
    groups = _groups(plan, feature)
    assert groups, f"no kind reads {feature}"
    for g in groups:
        got, want = FEATURES[feature](x, g, c), PLAIN[feature](x, g, c)
        assert got.shape == want.shape
        assert (got.view(np.int64) == want.view(np.int64)).all(), feature  # bit for bit


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_features_equal_their_plain_expressions_on_random_states(seed):
    """Grievances, trust and disputes drawn at random (grievance unbounded, with exact zeros)."""
    x, plan, c = _played(runs=20, turns=1)
    rng = np.random.default_rng(seed)
    s = x.state
    state = s.evolve(
        grievance=rng.exponential(0.5, size=s.grievance.shape) * (rng.random(s.grievance.shape) < 0.7),
        trust=rng.random(s.trust.shape),
        dispute=rng.random(s.dispute.shape),
        crisis=rng.random(s.crisis.shape),
        threat=rng.random(s.threat.shape),
    )
    x = situation(state, x.hooks, c)
    for feature in PLAIN:
        for g in _groups(plan, feature):
            got, want = FEATURES[feature](x, g, c), PLAIN[feature](x, g, c)
            assert (got.view(np.int64) == want.view(np.int64)).all(), feature


def test_member_of_equals_isin():
    ids = np.array([-1, 0, 1, 2, 3, 3, 0])
    for members in (ALLIES, PARTNERS, (CHALLENGER,), tuple(range(len(ACTORS)))):
        assert np.array_equal(_member_of(ids, members), np.isin(ids, members))


def _plain_fellow_mean(matrix, c):
    out = np.zeros((matrix.shape[0], matrix.shape[1], c.members.shape[0]))
    for ms, actors in _plain_member_sets(c):
        for a in actors:
            others = [b for b in actors if b != a]
            total = np.zeros(matrix.shape[0])
            for b in others:
                total += matrix[:, a, b]
            out[:, a, ms] = (total / max(len(others), 1))[:, None]
    return out


def _plain_member_sets(c):
    groups = {}
    for m, row in enumerate(c.members):
        groups.setdefault(tuple(np.flatnonzero(row)), []).append(m)
    return [(np.array(ms), np.array(actors)) for actors, ms in groups.items()]


def test_member_sets_equal_the_plain_grouping_and_are_read_only():
    from sim.mechanisms import member_sets

    _, _, c = _played(runs=5, turns=1)
    got, want = member_sets(c), _plain_member_sets(c)
    assert [(ms.tolist(), a.tolist()) for ms, a in got] == [(ms.tolist(), a.tolist()) for ms, a in want]
    assert member_sets(c) is got  # computed once per membership table
    with pytest.raises(ValueError):
        got[0][0][0] = 99


def test_situation_views_equal_their_plain_computations():
    """The fellow members' means (laid out run-last) and the expected support without x 1.0."""
    from agents.utility import counted_on, partner_expectation

    x, _, c = _played()
    for got, matrix in ((x.members_trust, x.state.trust), (x.members_opinion, x.state.opinion)):
        want = _plain_fellow_mean(matrix, c)
        assert got.shape == want.shape
        assert (got.view(np.int64) == want.view(np.int64)).all()
    ones = np.ones((x.state.n, len(ACTORS)))
    counted = counted_on(x.state.trust, x.hooks.of("consultation"))
    for got, want in (
        (x.support, partner_expectation(counted, ones, x.weights)),
        (
            partner_expectation(x.state.trust, None, x.weights),
            partner_expectation(x.state.trust, ones, x.weights),
        ),
    ):
        assert got.tobytes() == want.tobytes()


def test_mechanism_hooks_keep_their_layout():
    """The hooks are summed run-last but returned (n, hooks, actors) in C order as before:
    reductions over their actor axis (e.g. the deterrence mean) add in the same order."""
    x, _, c = _played(runs=50, turns=3)
    hooks = mechanism_hooks(x.state, c)
    assert hooks.actor.flags["C_CONTIGUOUS"]
    assert hooks.actor.shape == (50, c.effects.shape[1], len(ACTORS))
