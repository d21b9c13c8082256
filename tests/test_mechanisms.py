"""sim/mechanisms.py: mechanism effects (hooks) and how mechanisms rise, fall and end."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled, make_state

from sim.actors import JPN, PRC, ROK, USA
from sim.mechanisms import mechanism_hooks, member_trust, step_mechanisms
from sim.vocab import ACTIVE, ENDED, HOOKS, MECHANISMS, SUSPENDED

M = {name: k for k, name in enumerate(MECHANISMS)}
N_M = len(MECHANISMS)


def step(state, investing=None, suspending=None, c=None, conceding=None):
    c = c or compiled()
    n = state.n
    investing = np.zeros((n, N_M)) if investing is None else investing
    suspending = np.zeros((n, N_M), dtype=bool) if suspending is None else suspending
    conceding = np.zeros((n, N_M)) if conceding is None else conceding
    return step_mechanisms(state, c, investing, suspending, conceding, mechanism_hooks(state, c))


def test_a_member_conceding_to_beijing_costs_strength():
    c = compiled(
        {"mechanisms.trilateral_exercises.concession_stress": 0.5, "mechanisms.gsomia.concession_stress": 0.0}
    )
    state = make_state(c, n=2)
    conceding = np.zeros((2, N_M))
    conceding[1, :] = 1.0
    strength, _, _ = step(state, c=c, conceding=conceding)
    ex, gs = MECHANISMS.index("trilateral_exercises"), MECHANISMS.index("gsomia")
    assert strength[1, ex] == pytest.approx(0.5 * strength[0, ex])
    assert strength[1, gs] == strength[0, gs]


def test_a_mechanism_too_weak_to_function_lapses():
    c = compiled({"mechanisms.history_dialogue.lapse_below": 0.2})
    hd = MECHANISMS.index("history_dialogue")
    weak = np.array(c.mech["strength"])
    weak[hd] = 0.1
    _, status, _ = step(make_state(c, strength=weak), c=c)
    assert status[0, hd] == SUSPENDED
    weak[hd] = 0.5
    _, status, _ = step(make_state(c, strength=weak), c=c)
    assert status[0, hd] == ACTIVE


def test_hooks_are_zero_when_every_mechanism_is_suspended():
    state = make_state(status=np.full(N_M, SUSPENDED, dtype=np.int8), strength=np.ones(N_M))
    hooks = mechanism_hooks(state, compiled())
    assert not hooks.actor.any() and not hooks.trust_repair.any() and not hooks.opinion_repair.any()


def test_suspending_a_mechanism_removes_exactly_its_effects():
    state = make_state()
    status = state.status.copy()
    status[:, M["china_dialogue"]] = SUSPENDED  # the only source of wedge_shield
    live = mechanism_hooks(state, compiled())
    cut = mechanism_hooks(state.evolve(status=status), compiled())
    assert live.of("wedge_shield")[0, ROK] > 0
    assert cut.of("wedge_shield")[0, ROK] == 0
    np.testing.assert_array_equal(cut.of("coercion_shield"), live.of("coercion_shield"))


def test_ended_mechanism_has_no_effect():
    state = make_state()
    status = state.status.copy()
    status[:, M["history_dialogue"]] = ENDED
    live = mechanism_hooks(state, compiled())
    cut = mechanism_hooks(state.evolve(status=status), compiled())
    assert cut.opinion_repair[0, ROK, JPN] < live.opinion_repair[0, ROK, JPN]


def test_hooks_reach_members_only_and_grow_with_strength():
    c = compiled()
    weak = make_state()
    strong = weak.evolve(strength=np.clip(weak.strength * 2, 0, 1))
    h_weak, h_strong = mechanism_hooks(weak, c), mechanism_hooks(strong, c)
    # gsomia and acsa (ROK, JPN) give coordination; PRC belongs to nothing
    assert h_weak.actor[0, :, PRC].sum() == 0
    assert h_strong.of("coordination")[0, ROK] > h_weak.of("coordination")[0, ROK]
    assert h_weak.trust_repair[0, USA, PRC] == 0
    assert h_weak.trust_repair[0, ROK, ROK] == 0  # no self-repair


@settings(max_examples=30, deadline=None)
@given(
    strength=st.lists(st.floats(0, 1), min_size=N_M, max_size=N_M),
    status=st.lists(st.sampled_from([ACTIVE, SUSPENDED, ENDED]), min_size=N_M, max_size=N_M),
)
def test_hooks_are_saturated_in_unit_interval(strength, status):
    state = make_state(strength=np.array(strength), status=np.array(status, dtype=np.int8))
    hooks = mechanism_hooks(state, compiled())
    assert hooks.actor.shape == (1, len(HOOKS), 4)
    assert np.all((hooks.actor >= 0) & (hooks.actor < 1))


def test_member_trust_is_the_weakest_link_among_members():
    state = make_state()
    trust = state.trust.copy()
    trust[0, JPN, ROK] = 0.05
    weakest = member_trust(trust, compiled())
    assert weakest[0, M["gsomia"]] == 0.05
    assert weakest[0, M["trilateral_exercises"]] == 0.05
    np.testing.assert_allclose(
        member_trust(state.trust, compiled())[0, M["gsomia"]],
        min(state.trust[0, ROK, JPN], state.trust[0, JPN, ROK]),
    )


def test_investing_raises_strength():
    state = make_state(dispute=0.0)
    plain, _, _ = step(state)
    investing = np.zeros((1, N_M))
    investing[0, M["contingency_planning"]] = 2
    invested, _, _ = step(state, investing)
    k = M["contingency_planning"]
    assert invested[0, k] > plain[0, k]
    assert invested[0, k] > state.strength[0, k]
    others = [m for m in range(N_M) if m != k]
    np.testing.assert_array_equal(invested[0, others], plain[0, others])


def test_dispute_stresses_only_seoul_tokyo_mechanisms():
    calm, hot = make_state(dispute=0.0), make_state(dispute=0.9)
    s_calm, _, _ = step(calm)
    s_hot, _, _ = step(hot)
    assert s_hot[0, M["gsomia"]] < s_calm[0, M["gsomia"]]
    assert s_hot[0, M["technology_partnership"]] < s_calm[0, M["technology_partnership"]]
    # a mechanism without Seoul is not stressed by the Seoul-Tokyo dispute
    c = compiled({"mechanisms.gsomia.members": ["USA", "JPN"]})
    s_calm, _, _ = step(make_state(c, dispute=0.0), c=c)
    s_hot, _, _ = step(make_state(c, dispute=0.9), c=c)
    assert s_hot[0, M["gsomia"]] == s_calm[0, M["gsomia"]]


def test_low_member_trust_auto_suspends():
    c = compiled()
    state = make_state()
    trust = state.trust.copy()
    trust[0, ROK, JPN] = c.params.mechanisms["gsomia"].suspend_below / 2
    _, status, suspended_for = step(state.evolve(trust=trust))
    assert status[0, M["gsomia"]] == SUSPENDED
    assert suspended_for[0, M["gsomia"]] == 1
    _, status_ok, _ = step(state)
    assert status_ok[0, M["gsomia"]] == ACTIVE


def test_a_member_suspending_suspends():
    suspending = np.zeros((1, N_M), dtype=bool)
    suspending[0, M["joint_statements"]] = True
    _, status, _ = step(make_state(), suspending=suspending)
    assert status[0, M["joint_statements"]] == SUSPENDED


def test_suspended_for_end_after_turns_ends_it():
    c = compiled()
    k = M["gsomia"]
    end_after = c.params.mechanisms["gsomia"].end_after
    assert end_after > 1
    status = make_state().status.copy()
    status[:, k] = SUSPENDED
    state = make_state(status=status)
    history = []
    for _ in range(end_after + 2):
        strength, st_, sf = step(state)
        state = state.evolve(strength=strength, status=st_, suspended_for=sf)
        history.append((int(st_[0, k]), int(sf[0, k])))
    # counts consecutive suspended turns, ends on the end_after-th
    assert history[: end_after - 1] == [(SUSPENDED, t) for t in range(1, end_after)]
    assert history[end_after - 1] == (ENDED, 0)
    assert all(s == ENDED for s, _ in history[end_after - 1 :])


def test_end_after_zero_means_never_ends():
    c = compiled()
    k = M["acsa"]
    assert c.params.mechanisms["acsa"].end_after == 0
    state = make_state()
    assert state.status[0, k] == SUSPENDED
    for _ in range(30):
        strength, st_, sf = step(state)
        state = state.evolve(strength=strength, status=st_, suspended_for=sf)
    assert state.status[0, k] == SUSPENDED
    assert state.suspended_for[0, k] == 30


def test_suspended_mechanism_resumes_with_investment_and_trust():
    c = compiled()
    k = M["shuttle_diplomacy"]
    state = make_state()
    assert state.status[0, k] == SUSPENDED
    trust = state.trust.copy()
    trust[0, ROK, JPN] = trust[0, JPN, ROK] = c.params.mechanisms["shuttle_diplomacy"].resume_above + 0.1
    state = state.evolve(trust=trust)
    investing = np.zeros((1, N_M))
    investing[0, k] = 1
    _, without, _ = step(state)
    _, status, sf = step(state, investing)
    assert without[0, k] == SUSPENDED
    assert status[0, k] == ACTIVE and sf[0, k] == 0
    # but not when trust is too low
    low = trust.copy()
    low[0, ROK, JPN] = 0.0
    _, status_low, _ = step(state.evolve(trust=low), investing)
    assert status_low[0, k] == SUSPENDED


def test_ended_never_resumes_even_with_investment_and_full_trust():
    status = make_state().status.copy()
    status[:] = ENDED
    state = make_state(status=status, trust=np.ones((4, 4)))
    investing = np.full((1, N_M), 3.0)
    for _ in range(5):
        strength, st_, sf = step(state, investing)
        state = state.evolve(strength=strength, status=st_, suspended_for=sf)
        assert np.all(st_ == ENDED)


def test_suspended_mechanisms_lose_strength_faster():
    state = make_state(dispute=0.0)
    k = M["gsomia"]
    status = state.status.copy()
    status[:, k] = SUSPENDED
    active, _, _ = step(state)
    suspended, _, _ = step(state.evolve(status=status))
    assert suspended[0, k] < active[0, k] < state.strength[0, k]


def test_spillover_shield_protects_seoul_tokyo_mechanisms():
    c = compiled()
    state = make_state(dispute=0.8)
    k = M["gsomia"]
    strong = state.strength.copy()
    strong[:, M["crisis_consultation"]] = 1.0  # the spillover shield
    shielded = state.evolve(strength=strong)
    hooks = mechanism_hooks(shielded, c)
    assert hooks.of("spillover_shield")[0, ROK] > 0
    s_plain, _, _ = step(state)
    s_shield, _, _ = step(shielded)
    assert s_shield[0, k] > s_plain[0, k]
