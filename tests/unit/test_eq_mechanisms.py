"""MODEL.md §5 (mechanisms, sim/mechanisms.py), each equation against a value worked by hand.

Coverage map (MODEL.md section -> tests):

- §5.1 hooks h^X_a = 1 − exp(−Σ s_m e_m,X) over active mechanisms with a as member:
  test_hook_*; the pair repairs R^T, R^O (no saturation): test_pair_repair_*.
- §5.2 strength: stress, gain, loss, kept, clip: test_strength_*.
- §5.3 status: suspend by a member (who then holds it) or by lapse, restore when no
  member holds it and the new strength functions, notice and its withdrawal, the end
  of the notice period, suspended_for, ended absorbing: test_status_*; Washington's
  pressure: test_urging_*.

Mechanisms other than the one under test are suspended at strength 0 (so they give no
hook), and the coefficients a test reads are set by path in the test.
"""

from __future__ import annotations

from math import exp

import numpy as np
import pytest
from handmade import hand, hooks_with, quiet, quiet_trust
from support import zero_hooks

from sim.actors import JPN, PRC, ROK, USA
from sim.mechanisms import MechanismMoves, mechanism_hooks, step_mechanisms, step_urging
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

M = {name: k for k, name in enumerate(MECHANISMS)}
N_M = len(MECHANISMS)


def only(c, n: int = 1, **live: tuple[float, int]):
    """Strength and status with every mechanism suspended at 0 except ``gsomia=(0.5, ACTIVE)``."""
    strength = np.zeros((n, N_M))
    status = np.full((n, N_M), SUSPENDED, dtype=np.int8)
    for name, (s, st) in live.items():
        strength[:, M[name]] = s
        status[:, M[name]] = st
    return strength, status


def step(
    state, c, investing=None, suspending=None, conceding=None, hooks=None, noticing=None, restoring=None
):
    """(strength, status, suspended_for) after one step; suspending, noticing and
    restoring are bitmasks over actors (1 << actor)."""
    r = step_full(state, c, investing, suspending, conceding, hooks, noticing, restoring)
    return r.strength, r.status, r.suspended_for


def step_full(
    state, c, investing=None, suspending=None, conceding=None, hooks=None, noticing=None, restoring=None
):
    n = state.n

    def bits(x):
        return np.zeros((n, N_M), dtype=np.int8) if x is None else np.asarray(x).astype(np.int8)

    moves = MechanismMoves(
        investing=np.zeros((n, N_M)) if investing is None else investing,
        suspending=bits(suspending),
        noticing=bits(noticing),
        restoring=bits(restoring),
    )
    return step_mechanisms(
        state, c, moves, np.zeros((n, N_M)) if conceding is None else conceding, hooks or zero_hooks(n)
    )


ROK_BIT, JPN_BIT = 1 << ROK, 1 << JPN


def per_mechanism(n: int = 1, **values: float) -> np.ndarray:
    out = np.zeros((n, N_M))
    for name, v in values.items():
        out[:, M[name]] = v
    return out


# -- §5.1 hooks ------------------------------------------------------------------------------


def test_hook_saturates_the_sum_over_a_members_active_mechanisms():
    """§5.1: h^co_ROK = 1 − exp(−(0.5·0.2 + 0.4·0.25)); Washington, not in either, gets 0."""
    c = hand(mechanisms__gsomia__effects__coordination=0.2, mechanisms__acsa__effects__coordination=0.25)
    strength, status = only(c, gsomia=(0.5, ACTIVE), acsa=(0.4, ACTIVE))
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    expected = 1 - exp(-(0.5 * 0.2 + 0.4 * 0.25))  # = 1 − e^−0.2 = 0.18127
    assert hooks.of("coordination")[0, ROK] == pytest.approx(expected)
    assert hooks.of("coordination")[0, JPN] == pytest.approx(expected)
    assert hooks.of("coordination")[0, USA] == 0.0
    assert hooks.of("coordination")[0, PRC] == 0.0


def test_hook_sums_across_membership_groups():
    """§5.1: a trilateral and a Seoul-Tokyo mechanism add up for Seoul, not for Washington."""
    c = hand(
        mechanisms__trilateral_exercises__effects__deterrence=0.25,
        mechanisms__gsomia__effects__deterrence=0.4,
    )
    strength, status = only(c, trilateral_exercises=(0.4, ACTIVE), gsomia=(0.5, ACTIVE))
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    assert hooks.of("deterrence")[0, USA] == pytest.approx(1 - exp(-0.4 * 0.25))  # = 0.09516
    assert hooks.of("deterrence")[0, ROK] == pytest.approx(1 - exp(-(0.4 * 0.25 + 0.5 * 0.4)))  # 0.25918


def test_hook_ignores_suspended_and_ended_mechanisms():
    """§5.1: only active mechanisms act."""
    c = hand(mechanisms__gsomia__effects__coordination=0.2, mechanisms__acsa__effects__coordination=0.25)
    strength, status = only(c, n=3, gsomia=(0.5, ACTIVE), acsa=(0.4, ACTIVE))
    status[1, M["acsa"]] = SUSPENDED
    status[2, M["acsa"]] = ENDED
    hooks = mechanism_hooks(quiet(c, n=3, strength=strength, status=status), c)
    np.testing.assert_allclose(
        hooks.of("coordination")[:, ROK], [1 - exp(-0.2), 1 - exp(-0.1), 1 - exp(-0.1)], rtol=1e-12
    )


def test_hook_for_every_effect_reads_its_own_coefficient():
    """§5.1 for each of the nine hooks: one active mechanism with e_X = 0.1·(k + 1)."""
    from sim.vocab import HOOKS

    settings = {f"mechanisms__gsomia__effects__{h}": 0.1 * (k + 1) for k, h in enumerate(HOOKS)}
    c = hand(**settings)
    strength, status = only(c, gsomia=(0.5, ACTIVE))
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    for k, h in enumerate(HOOKS):
        assert hooks.of(h)[0, ROK] == pytest.approx(1 - exp(-0.5 * 0.1 * (k + 1))), h


def test_pair_repair_adds_without_saturation_between_co_members_only():
    """§5.1: R^T_ij = Σ s_m e_m,TR over active m with i, j ∈ m; R^O likewise; diagonal 0."""
    c = hand(
        mechanisms__history_dialogue__effects__trust_repair=0.3,
        mechanisms__people_exchange__effects__trust_repair=0.2,
        mechanisms__shuttle_diplomacy__effects__trust_repair=0.8,
        mechanisms__people_exchange__effects__opinion_repair=0.8,
        mechanisms__history_dialogue__effects__opinion_repair=0.6,
        mechanisms__joint_statements__effects__trust_repair=0.5,
    )
    strength, status = only(
        c,
        history_dialogue=(0.5, ACTIVE),
        people_exchange=(0.4, ACTIVE),
        shuttle_diplomacy=(0.25, ACTIVE),
        joint_statements=(0.2, ACTIVE),
    )
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    seoul_tokyo = 0.5 * 0.3 + 0.4 * 0.2 + 0.25 * 0.8 + 0.2 * 0.5  # = 0.53, more than 1 − e^−0.53
    assert hooks.trust_repair[0, ROK, JPN] == pytest.approx(seoul_tokyo)
    assert hooks.trust_repair[0, JPN, ROK] == pytest.approx(seoul_tokyo)
    assert hooks.trust_repair[0, USA, ROK] == pytest.approx(0.2 * 0.5)  # only joint statements
    assert hooks.trust_repair[0, USA, PRC] == 0.0
    assert hooks.trust_repair[0, ROK, ROK] == 0.0 and hooks.trust_repair[0, USA, USA] == 0.0
    assert hooks.opinion_repair[0, ROK, JPN] == pytest.approx(0.5 * 0.6 + 0.4 * 0.8)  # = 0.62
    assert hooks.opinion_repair[0, USA, ROK] == 0.0


# -- §5.2 strength ---------------------------------------------------------------------------


GSOMIA_RULES = {
    "mechanisms__gsomia__decay": 0.02,
    "mechanisms__gsomia__invest_gain": 0.08,
    "mechanisms__gsomia__stress": 0.12,
    "mechanisms__gsomia__concession_stress": 0.1,
    "mechanisms__gsomia__lapse_below": 0.0,
    "mechanisms__gsomia__notice_period": 3,
}


def test_strength_all_terms_by_hand():
    """§5.2: s' = clip((s + gain − loss)·kept) with every term present."""
    c = hand(**GSOMIA_RULES)
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    state = quiet(c, dispute=0.4, strength=strength)
    hooks = hooks_with(spillover_shield={USA: 0.9, ROK: 0.2, JPN: 0.4})  # mean over members 0.3
    new, _, _ = step(
        state, c, investing=per_mechanism(gsomia=1), conceding=per_mechanism(gsomia=1), hooks=hooks
    )
    stress = 0.12 * 1.0 * 0.4 * (1 - 0.3)  # = 0.0336
    gain = 0.08 * 1 * (1 - 0.5)  # = 0.04
    loss = (0.02 + stress) * 0.5  # = 0.0268
    assert new[0, M["gsomia"]] == pytest.approx((0.5 + gain - loss) * (1 - 0.1) ** 1)  # = 0.46188


def test_strength_spillover_rule_multiplies_the_stress():
    """§5.2: stress ∝ mechanism_rules.spillover (2.0 here)."""
    c = hand(**GSOMIA_RULES, mechanism_rules__spillover=2.0)
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    new, _, _ = step(quiet(c, dispute=0.4, strength=strength), c)
    assert new[0, M["gsomia"]] == pytest.approx(0.5 - (0.02 + 0.12 * 2.0 * 0.4) * 0.5)  # = 0.442


def test_strength_stress_needs_both_seoul_and_tokyo():
    """§5.2: [ROK ∈ m and JPN ∈ m]: GSOMIA given to USA and JPN only is not stressed."""
    c = hand(**GSOMIA_RULES, mechanisms__gsomia__members=["USA", "JPN"])
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    new, _, _ = step(quiet(c, dispute=0.9, strength=strength), c)
    assert new[0, M["gsomia"]] == pytest.approx(0.5 - 0.02 * 0.5)  # = 0.49


def test_strength_shield_is_the_mean_over_a_trilateral_mechanisms_members():
    """§5.2: h̄^ss_m over USA, ROK, JPN = (0.6 + 0.2 + 0.4)/3 = 0.4."""
    c = hand(
        mechanisms__joint_statements__decay=0.05,
        mechanisms__joint_statements__stress=0.08,
    )
    strength = c.mech["strength"].copy()
    strength[M["joint_statements"]] = 0.5
    hooks = hooks_with(spillover_shield={USA: 0.6, ROK: 0.2, JPN: 0.4, PRC: 1.0})
    new, _, _ = step(quiet(c, dispute=0.5, strength=strength), c, hooks=hooks)
    stress = 0.08 * 1.0 * 0.5 * (1 - 0.4)  # = 0.024
    assert new[0, M["joint_statements"]] == pytest.approx(0.5 - (0.05 + stress) * 0.5)  # = 0.463


def test_strength_suspended_decays_faster():
    """§5.2: loss += 0.10·[suspended]·s."""
    c = hand(**GSOMIA_RULES)
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    status = c.mech["status"].copy()
    status[M["gsomia"]] = SUSPENDED
    new, _, _ = step(quiet(c, strength=strength, status=status), c)
    assert new[0, M["gsomia"]] == pytest.approx(0.5 - (0.02 + 0.10) * 0.5)  # = 0.44


def test_strength_investment_counts_each_investor():
    """§5.2: gain = 0.08·I·(1 − s) with I = 2."""
    c = hand(**GSOMIA_RULES)
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    new, _, _ = step(quiet(c, strength=strength), c, investing=per_mechanism(gsomia=2))
    assert new[0, M["gsomia"]] == pytest.approx(0.5 + 0.08 * 2 * 0.5 - 0.02 * 0.5)  # = 0.57


def test_strength_concessions_compound():
    """§5.2: kept = (1 − concession_stress)^K, K = 2 → 0.7² of the stepped strength."""
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__concession_stress": 0.3})
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    new, _, _ = step(quiet(c, strength=strength), c, conceding=per_mechanism(gsomia=2))
    assert new[0, M["gsomia"]] == pytest.approx((0.5 - 0.02 * 0.5) * (1 - 0.3) ** 2)  # = 0.2401


def test_strength_is_clipped_and_decays_even_when_ended():
    """§5.2: clip to [0, 1]; strength decays in every status (also when ended)."""
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__stress": 5.0})
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.5
    status = c.mech["status"].copy()
    status[M["gsomia"]] = ENDED
    new, st, _ = step(quiet(c, dispute=1.0, strength=strength, status=status), c)
    assert new[0, M["gsomia"]] == 0.0  # 0.5 − (0.02 + 5.0)·0.5 < 0
    assert st[0, M["gsomia"]] == ENDED
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__invest_gain": 1.0, "mechanisms__gsomia__decay": 0.0})
    strength[M["gsomia"]] = 0.5
    new, _, _ = step(quiet(c, strength=strength), c, investing=per_mechanism(gsomia=3))
    assert new[0, M["gsomia"]] == 1.0  # 0.5 + 1.0·3·0.5 = 2.0, clipped


# -- §5.3 status -----------------------------------------------------------------------------


def test_status_no_trust_threshold_even_at_zero_trust():
    """§5.3: distrust alone never suspends (the rule was removed): trust 0 stays active."""
    c = hand(**GSOMIA_RULES)
    _, status, suspended_for = step(quiet(c, trust=quiet_trust(ROK_JPN=0.0, JPN_ROK=0.0)), c)
    assert status[0, M["gsomia"]] == ACTIVE and suspended_for[0, M["gsomia"]] == 0


def test_status_suspended_by_a_member():
    """§5.3: active → suspended if a member chose `suspend m` this turn."""
    c = hand(**GSOMIA_RULES)
    r = step_full(quiet(c), c, suspending=per_mechanism(gsomia=JPN_BIT))
    assert r.status[0, M["gsomia"]] == SUSPENDED
    assert r.held_by[0, M["gsomia"]] == JPN_BIT  # Tokyo holds it


def test_status_lapses_strictly_below_lapse_below_on_the_new_strength():
    """§5.3: suspended if s' < lapse_below (0.08): s' = 0.08 stays, s' = 0.0792 lapses."""
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__lapse_below": 0.08, "mechanisms__gsomia__decay": 0.01})
    strength = np.tile(c.mech["strength"], (2, 1))
    strength[:, M["gsomia"]] = [0.08 / 0.99, 0.08]  # s' = 0.08 and 0.0792
    new, status, _ = step(quiet(c, n=2, strength=strength), c)
    assert new[:, M["gsomia"]] == pytest.approx([0.08, 0.0792])
    assert status[:, M["gsomia"]].tolist() == [ACTIVE, SUSPENDED]


def test_status_lapse_below_zero_never_lapses():
    c = hand(**GSOMIA_RULES)
    strength = c.mech["strength"].copy()
    strength[M["gsomia"]] = 0.0
    _, status, _ = step(quiet(c, strength=strength), c)
    assert status[0, M["gsomia"]] == ACTIVE


def test_status_restore_needs_every_hold_lifted_and_a_functioning_strength():
    """§5.3: suspended → active iff a member restores, held_by' = 0 and s' ≥ lapse_below.

    Runs: (0) Seoul lifts the only hold; (1) Seoul restores but Tokyo still holds it;
    (2) Seoul restores while Tokyo suspends anew; (3) nobody holds it (lapsed) and
    Tokyo restores, but s' = 0.5 − 0.12·0.5 + 0.08·0.5 = 0.48 < lapse_below 0.49.
    """
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__lapse_below": 0.0})
    status = np.tile(c.mech["status"], (4, 1))
    status[:, M["gsomia"]] = SUSPENDED
    held = np.zeros((4, N_M), dtype=np.int8)
    held[:, M["gsomia"]] = [ROK_BIT, ROK_BIT | JPN_BIT, ROK_BIT, 0]
    restoring = np.zeros((4, N_M), dtype=np.int8)
    restoring[:, M["gsomia"]] = [ROK_BIT, ROK_BIT, ROK_BIT, JPN_BIT]
    suspending = np.zeros((4, N_M), dtype=np.int8)
    suspending[2, M["gsomia"]] = JPN_BIT
    r = step_full(quiet(c, n=4, status=status, held_by=held), c, suspending=suspending, restoring=restoring)
    assert r.status[:3, M["gsomia"]].tolist() == [ACTIVE, SUSPENDED, SUSPENDED]
    assert r.held_by[:3, M["gsomia"]].tolist() == [0, JPN_BIT, JPN_BIT]
    assert r.suspended_for[:3, M["gsomia"]].tolist() == [0, 1, 1]
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__lapse_below": 0.49})
    strength = np.tile(c.mech["strength"], (2, 1))
    strength[:, M["gsomia"]] = 0.5
    investing = per_mechanism(2, gsomia=1)
    one = step_full(
        quiet(c, n=2, status=status[:2], held_by=held[[3, 3]], strength=strength),
        c,
        investing=investing,
        restoring=restoring[[3, 3]],
    )
    assert one.strength[0, M["gsomia"]] == pytest.approx(0.5 - (0.02 + 0.10) * 0.5 + 0.08 * 0.5)  # = 0.48
    assert one.status[0, M["gsomia"]] == SUSPENDED  # 0.48 < 0.49: too weak to function


def test_status_notice_ends_it_notice_period_turns_later():
    """§5.3: a notice given in turn t sets n' = notice_period (3); n counts down a turn
    at a time; the mechanism ends at the end of turn t + 3 (n reaches 0)."""
    c = hand(**GSOMIA_RULES)
    state = quiet(c)
    seen = []
    for t in range(4):
        r = step_full(state, c, noticing=per_mechanism(gsomia=ROK_BIT) if t == 0 else None)
        state = state.evolve(
            status=r.status, held_by=r.held_by, noticed_by=r.noticed_by, notice_left=r.notice_left
        )
        seen.append((int(r.status[0, M["gsomia"]]), int(r.notice_left[0, M["gsomia"]])))
    assert seen == [(ACTIVE, 3), (ACTIVE, 2), (ACTIVE, 1), (ENDED, 0)]
    assert state.noticed_by[0, M["gsomia"]] == 0


def test_status_withdrawing_a_notice_is_a_restore_by_the_member_who_gave_it():
    """§5.3: noticed_by' = noticed_by & ~restoring; with no notice left the clock stops (n' = 0).

    Run 0: Seoul withdraws its notice in the turn it would have ended the mechanism.
    Run 1: Tokyo 'restores' but the notice is Seoul's: it runs out.
    """
    c = hand(**GSOMIA_RULES)
    noticed = np.zeros((2, N_M), dtype=np.int8)
    noticed[:, M["gsomia"]] = ROK_BIT
    left = np.zeros((2, N_M), dtype=np.int16)
    left[:, M["gsomia"]] = 1
    restoring = np.zeros((2, N_M), dtype=np.int8)
    restoring[:, M["gsomia"]] = [ROK_BIT, JPN_BIT]
    r = step_full(quiet(c, n=2, noticed_by=noticed, notice_left=left), c, restoring=restoring)
    assert r.status[:, M["gsomia"]].tolist() == [ACTIVE, ENDED]
    assert r.noticed_by[:, M["gsomia"]].tolist() == [0, 0]
    assert r.notice_left[:, M["gsomia"]].tolist() == [0, 0]


def test_status_notice_period_one_ends_at_the_end_of_the_next_turn():
    """§5.3: notice_period = 1: given in turn t, ended at the end of turn t + 1."""
    c = hand(**{**GSOMIA_RULES, "mechanisms__gsomia__notice_period": 1})
    r = step_full(quiet(c), c, noticing=per_mechanism(gsomia=JPN_BIT))
    assert r.status[0, M["gsomia"]] == ACTIVE and r.notice_left[0, M["gsomia"]] == 1
    state = quiet(c).evolve(noticed_by=r.noticed_by, notice_left=r.notice_left)
    assert step_full(state, c).status[0, M["gsomia"]] == ENDED


def test_status_holds_on_a_mechanism_an_inject_made_active_are_void():
    """§5.3: held_by is cleared where the status after this turn's events is active."""
    c = hand(**GSOMIA_RULES)
    held = np.zeros(N_M, dtype=np.int8)
    held[M["gsomia"]] = ROK_BIT | JPN_BIT
    r = step_full(quiet(c, held_by=held), c)
    assert r.status[0, M["gsomia"]] == ACTIVE and r.held_by[0, M["gsomia"]] == 0


def test_urging_decays_and_adds_each_press():
    """§5.3: urged' = clip(urged·(1 − 0.3) + 0.6·pressing, 0, 1)."""
    c = hand(mechanism_rules__press=0.6, mechanism_rules__press_decay=0.3)
    urged = np.zeros((1, 4, N_M + 1))
    urged[0, ROK, M["gsomia"]] = 0.5
    urged[0, JPN, N_M] = 0.9
    pressing = np.zeros_like(urged)
    pressing[0, ROK, M["gsomia"]] = 1.0
    pressing[0, JPN, N_M] = 1.0
    out = step_urging(urged, pressing, c)
    assert out[0, ROK, M["gsomia"]] == pytest.approx(0.5 * 0.7 + 0.6)  # = 0.95
    assert out[0, JPN, N_M] == 1.0  # 0.63 + 0.6, clipped
    assert out.sum() == pytest.approx(0.95 + 1.0)


def test_status_ended_is_absorbing_and_suspended_for_resets_when_active():
    """§5.3: ended stays ended whatever happens; suspended_for is 0 when not suspended."""
    c = hand(**GSOMIA_RULES)
    status = c.mech["status"].copy()
    status[M["gsomia"]] = ENDED
    count = np.zeros(N_M, dtype=np.int16)
    count[M["gsomia"]] = 3
    count[M["joint_statements"]] = 2  # active: reset to 0
    state = quiet(c, status=status, suspended_for=count, trust=np.ones((4, 4)))
    _, new, after = step(state, c, investing=per_mechanism(gsomia=3))
    assert new[0, M["gsomia"]] == ENDED and after[0, M["gsomia"]] == 0
    assert after[0, M["joint_statements"]] == 0


# -- added for mutants that survived the first mutation run (tests/MUTATION.md) ---------------


def test_hook_counts_an_effect_of_exactly_one():
    """§5.1 with e = 1.0: h = 1 − exp(−0.5·1.0)."""
    c = hand(mechanisms__gsomia__effects__coordination=1.0)
    strength, status = only(c, gsomia=(0.5, ACTIVE))
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    assert hooks.of("coordination")[0, ROK] == pytest.approx(1 - exp(-0.5))  # = 0.39347


def test_pair_repair_of_overlapping_memberships_stays_with_each_pair():
    """§5.1: joint statements given to USA, ROK (0.4·0.5) and GSOMIA to ROK, JPN (0.5·0.3)."""
    c = hand(
        mechanisms__joint_statements__members=["USA", "ROK"],
        mechanisms__joint_statements__effects__trust_repair=0.5,
        mechanisms__gsomia__effects__trust_repair=0.3,
    )
    strength, status = only(c, joint_statements=(0.4, ACTIVE), gsomia=(0.5, ACTIVE))
    hooks = mechanism_hooks(quiet(c, strength=strength, status=status), c)
    r = hooks.trust_repair[0]
    assert r[USA, ROK] == pytest.approx(0.4 * 0.5) and r[ROK, USA] == pytest.approx(0.4 * 0.5)  # = 0.2
    assert r[ROK, JPN] == pytest.approx(0.5 * 0.3) and r[JPN, ROK] == pytest.approx(0.5 * 0.3)  # = 0.15
    assert r[USA, JPN] == 0.0 and r[JPN, USA] == 0.0 and r[ROK, ROK] == 0.0
