"""sim/mechanisms.py: mechanism effects (hooks) and how mechanisms rise, fall and end."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled, make_state

from sim.actors import JPN, PRC, ROK, USA
from sim.mechanisms import MechanismMoves, mechanism_hooks, step_mechanisms
from sim.vocab import ACTIVE, ENDED, HOOKS, MECHANISMS, SUSPENDED

M = {name: k for k, name in enumerate(MECHANISMS)}
N_M = len(MECHANISMS)


def step(state, investing=None, suspending=None, c=None, conceding=None, noticing=None, restoring=None):
    """One step with the given moves; suspending, noticing and restoring are bitmasks."""
    c = c or compiled()
    n = state.n

    def bits(x):
        return np.zeros((n, N_M), dtype=np.int8) if x is None else np.asarray(x, dtype=np.int8)

    moves = MechanismMoves(
        investing=np.zeros((n, N_M)) if investing is None else investing,
        suspending=bits(suspending),
        noticing=bits(noticing),
        restoring=bits(restoring),
    )
    conceding = np.zeros((n, N_M)) if conceding is None else conceding
    return step_mechanisms(state, c, moves, conceding, mechanism_hooks(state, c))


ROK_BIT, JPN_BIT = 1 << ROK, 1 << JPN


def test_strength_only_changes_by_the_strength_equation():
    """A step with no moves keeps every status in a calm world (nothing hollowed out)."""
    state = make_state(dispute=0.0)
    r = step(state)
    lapse = compiled().mech["lapse_below"]
    expected = np.where((state.status == ACTIVE) & (r.strength < lapse), SUSPENDED, state.status)
    np.testing.assert_array_equal(r.status, expected)


def test_a_member_conceding_to_beijing_costs_strength():
    c = compiled(
        {"mechanisms.trilateral_exercises.concession_stress": 0.5, "mechanisms.gsomia.concession_stress": 0.0}
    )
    state = make_state(c, n=2)
    conceding = np.zeros((2, N_M))
    conceding[1, :] = 1.0
    strength = step(state, c=c, conceding=conceding).strength
    ex, gs = MECHANISMS.index("trilateral_exercises"), MECHANISMS.index("gsomia")
    assert strength[1, ex] == pytest.approx(0.5 * strength[0, ex])
    assert strength[1, gs] == strength[0, gs]


def test_a_mechanism_too_weak_to_function_lapses():
    c = compiled({"mechanisms.history_dialogue.lapse_below": 0.2})
    hd = MECHANISMS.index("history_dialogue")
    weak = np.array(c.mech["strength"])
    weak[hd] = 0.1
    r = step(make_state(c, strength=weak), c=c)
    assert r.status[0, hd] == SUSPENDED and r.held_by[0, hd] == 0  # nobody holds a lapsed one
    weak[hd] = 0.5
    assert step(make_state(c, strength=weak), c=c).status[0, hd] == ACTIVE


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


def test_investing_raises_strength():
    state = make_state(dispute=0.0)
    plain = step(state).strength
    investing = np.zeros((1, N_M))
    investing[0, M["contingency_planning"]] = 2
    invested = step(state, investing).strength
    k = M["contingency_planning"]
    assert invested[0, k] > plain[0, k]
    assert invested[0, k] > state.strength[0, k]
    others = [m for m in range(N_M) if m != k]
    np.testing.assert_array_equal(invested[0, others], plain[0, others])


def test_dispute_stresses_only_seoul_tokyo_mechanisms():
    calm, hot = make_state(dispute=0.0), make_state(dispute=0.9)
    s_calm = step(calm).strength
    s_hot = step(hot).strength
    assert s_hot[0, M["gsomia"]] < s_calm[0, M["gsomia"]]
    assert s_hot[0, M["technology_partnership"]] < s_calm[0, M["technology_partnership"]]
    # a mechanism without Seoul is not stressed by the Seoul-Tokyo dispute
    c = compiled({"mechanisms.gsomia.members": ["USA", "JPN"]})
    s_calm = step(make_state(c, dispute=0.0), c=c).strength
    s_hot = step(make_state(c, dispute=0.9), c=c).strength
    assert s_hot[0, M["gsomia"]] == s_calm[0, M["gsomia"]]


def test_distrust_alone_never_suspends():
    """No trust threshold: a mechanism whose members distrust each other stays active."""
    state = make_state(trust=np.zeros((4, 4)), dispute=0.0)
    r = step(state)
    assert r.status[0, M["gsomia"]] == ACTIVE
    assert r.status[0, M["joint_statements"]] == ACTIVE


def test_a_member_suspending_suspends_and_holds_it():
    suspending = np.zeros((1, N_M), dtype=np.int8)
    suspending[0, M["joint_statements"]] = JPN_BIT
    r = step(make_state(), suspending=suspending)
    assert r.status[0, M["joint_statements"]] == SUSPENDED
    assert r.held_by[0, M["joint_statements"]] == JPN_BIT


def _suspended_by(bits_, k, c=None):
    state = make_state(c)
    status, held = state.status.copy(), state.held_by.copy()
    status[:, k], held[:, k] = SUSPENDED, bits_
    return state.evolve(status=status, held_by=held)


def test_restore_returns_it_only_when_no_member_holds_it_any_more():
    k = M["gsomia"]
    state = _suspended_by(ROK_BIT | JPN_BIT, k)
    restoring = np.zeros((1, N_M), dtype=np.int8)
    restoring[0, k] = ROK_BIT
    once = step(state, restoring=restoring)
    assert once.status[0, k] == SUSPENDED and once.held_by[0, k] == JPN_BIT
    state = state.evolve(status=once.status, held_by=once.held_by, strength=once.strength)
    restoring[0, k] = JPN_BIT
    twice = step(state, restoring=restoring)
    assert twice.status[0, k] == ACTIVE and twice.held_by[0, k] == 0
    # both in the same turn
    both = step(_suspended_by(ROK_BIT | JPN_BIT, k), restoring=np.where(np.arange(N_M) == k, 6, 0)[None])
    assert both.status[0, k] == ACTIVE


def test_a_suspension_this_turn_beats_a_restore():
    k = M["gsomia"]
    state = _suspended_by(ROK_BIT, k)
    restoring = np.zeros((1, N_M), dtype=np.int8)
    restoring[0, k] = ROK_BIT
    suspending = np.zeros((1, N_M), dtype=np.int8)
    suspending[0, k] = JPN_BIT
    r = step(state, restoring=restoring, suspending=suspending)
    assert r.status[0, k] == SUSPENDED and r.held_by[0, k] == JPN_BIT


def test_a_restore_too_weak_to_function_stays_suspended():
    c = compiled({"mechanisms.history_dialogue.lapse_below": 0.5})
    k = M["history_dialogue"]
    state = _suspended_by(0, k, c)
    restoring = np.zeros((1, N_M), dtype=np.int8)
    restoring[0, k] = ROK_BIT
    investing = np.zeros((1, N_M))
    investing[0, k] = 1
    r = step(state, investing=investing, restoring=restoring, c=c)
    assert r.strength[0, k] < 0.5 and r.status[0, k] == SUSPENDED


def test_a_mechanism_starting_suspended_is_held_by_every_member():
    state = make_state()
    assert state.status[0, M["acsa"]] == SUSPENDED
    assert state.held_by[0, M["acsa"]] == ROK_BIT | JPN_BIT
    assert state.held_by[0, M["gsomia"]] == 0  # active: nobody holds it


def test_notice_ends_it_after_the_notice_period_unless_withdrawn():
    c = compiled()
    k = M["gsomia"]
    period = c.params.mechanisms["gsomia"].notice_period
    assert period == 3  # 90 days
    noticing = np.zeros((1, N_M), dtype=np.int8)
    noticing[0, k] = ROK_BIT
    state = make_state(dispute=0.0)
    seen = []
    for t in range(period + 2):
        r = step(state, noticing=noticing if t == 0 else None)
        state = state.evolve(
            strength=r.strength,
            status=r.status,
            held_by=r.held_by,
            noticed_by=r.noticed_by,
            notice_left=r.notice_left,
        )
        seen.append((int(r.status[0, k]), int(r.notice_left[0, k]), int(r.noticed_by[0, k])))
    # active while the notice runs, ended at the end of the period-th turn after it
    assert seen[:period] == [(ACTIVE, 3, ROK_BIT), (ACTIVE, 2, ROK_BIT), (ACTIVE, 1, ROK_BIT)]
    assert seen[period] == (ENDED, 0, 0) and seen[period + 1] == (ENDED, 0, 0)


def test_withdrawing_the_notice_keeps_it():
    k = M["gsomia"]
    state = make_state()
    noticed, left = state.noticed_by.copy(), state.notice_left.copy()
    noticed[:, k], left[:, k] = ROK_BIT, 1
    state = state.evolve(noticed_by=noticed, notice_left=left)
    assert step(state).status[0, k] == ENDED
    restoring = np.zeros((1, N_M), dtype=np.int8)
    restoring[0, k] = ROK_BIT
    r = step(state, restoring=restoring)
    assert r.status[0, k] == ACTIVE and r.noticed_by[0, k] == 0 and r.notice_left[0, k] == 0


def test_a_second_notice_does_not_restart_the_clock():
    k = M["gsomia"]
    state = make_state()
    noticed, left = state.noticed_by.copy(), state.notice_left.copy()
    noticed[:, k], left[:, k] = ROK_BIT, 2
    noticing = np.zeros((1, N_M), dtype=np.int8)
    noticing[0, k] = JPN_BIT
    r = step(state.evolve(noticed_by=noticed, notice_left=left), noticing=noticing)
    assert r.notice_left[0, k] == 1 and r.noticed_by[0, k] == ROK_BIT | JPN_BIT


def test_no_mechanism_ends_just_for_staying_suspended():
    state = make_state(status=np.full(N_M, SUSPENDED, dtype=np.int8))
    for _ in range(30):
        r = step(state)
        state = state.evolve(strength=r.strength, status=r.status, suspended_for=r.suspended_for)
    assert np.all(state.status == SUSPENDED)
    assert np.all(state.suspended_for == 30)


def test_ended_never_resumes_even_with_investment_and_full_trust():
    status = make_state().status.copy()
    status[:] = ENDED
    state = make_state(status=status, trust=np.ones((4, 4)))
    investing = np.full((1, N_M), 3.0)
    everyone = np.full((1, N_M), ROK_BIT | JPN_BIT | (1 << USA), dtype=np.int8)
    for _ in range(5):
        r = step(state, investing, restoring=everyone)
        state = state.evolve(strength=r.strength, status=r.status, suspended_for=r.suspended_for)
        assert np.all(r.status == ENDED)


def test_suspended_mechanisms_lose_strength_faster():
    state = make_state(dispute=0.0)
    k = M["gsomia"]
    status = state.status.copy()
    status[:, k] = SUSPENDED
    active = step(state).strength
    suspended = step(state.evolve(status=status)).strength
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
    s_plain = step(state).strength
    s_shield = step(shielded).strength
    assert s_shield[0, k] > s_plain[0, k]


@settings(max_examples=40, deadline=None)
@given(
    status=st.lists(st.sampled_from([ACTIVE, SUSPENDED, ENDED]), min_size=N_M, max_size=N_M),
    strength=st.lists(st.floats(0, 1), min_size=N_M, max_size=N_M),
    moves=st.lists(st.lists(st.integers(0, 7), min_size=4, max_size=4), min_size=N_M, max_size=N_M),
    turns=st.integers(1, 6),
)
def test_holds_and_notices_stay_consistent_with_status(status, strength, moves, turns):
    """Whatever members do: ended is absorbing; only a suspended mechanism has holds;
    a notice is pending exactly while its clock runs, and never on an ended one."""
    state = make_state(status=np.array(status, dtype=np.int8), strength=np.array(strength))
    bits = np.array(moves, dtype=np.int8)  # per mechanism: invest count, suspend, notice, restore masks
    for _ in range(turns):
        r = step(
            state,
            investing=bits[None, :, 0].astype(float) % 3,
            suspending=(bits[None, :, 1] & 6) * (state.status == ACTIVE),
            noticing=(bits[None, :, 2] & 6) * (state.status == ACTIVE),
            restoring=bits[None, :, 3] & 6,
        )
        assert np.all(r.status[state.status == ENDED] == ENDED)
        assert np.all(r.held_by[r.status != SUSPENDED] == 0)
        assert np.all((r.noticed_by != 0) == (r.notice_left > 0))
        assert np.all(r.noticed_by[r.status == ENDED] == 0)
        assert np.all((r.strength >= 0) & (r.strength <= 1))
        state = state.evolve(
            strength=r.strength,
            status=r.status,
            suspended_for=r.suspended_for,
            held_by=r.held_by,
            noticed_by=r.noticed_by,
            notice_left=r.notice_left,
        )


@settings(max_examples=30, deadline=None)
@given(
    urged=st.lists(st.floats(0, 1), min_size=4 * (N_M + 1), max_size=4 * (N_M + 1)),
    pressed=st.lists(st.booleans(), min_size=4 * (N_M + 1), max_size=4 * (N_M + 1)),
)
def test_pressure_stays_in_the_unit_interval_and_a_press_never_lowers_it(urged, pressed):
    from sim.mechanisms import step_urging

    u = np.array(urged).reshape(1, 4, N_M + 1)
    p = np.array(pressed, dtype=float).reshape(1, 4, N_M + 1)
    c = compiled()
    out = step_urging(u, p, c)
    assert np.all((out >= 0) & (out <= 1))
    assert np.all(out >= step_urging(u, np.zeros_like(p), c))
