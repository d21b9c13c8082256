"""sim/events.py: which injects fire, and what they do to the state."""

from __future__ import annotations

import numpy as np
import pytest
from support import compiled, event, make_scenario, make_state, zero_hooks

from sim import rng
from sim.actors import INDEX, JPN, PRC, ROK, USA
from sim.events import Signals, apply_events, condition_holds, fire
from sim.mechanisms import H
from sim.scenario import Condition
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

GSOMIA = MECHANISMS.index("gsomia")


def seeds(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64)


# -- fire --------------------------------------------------------------------------------------


def test_scheduled_event_fires_on_its_turn_in_every_run_and_only_then():
    sc = make_scenario([event(turn=2)], turns=4)
    state = make_state(n=5, n_events=1)
    for turn in range(1, 5):
        fired = fire(sc, state, turn, seeds(5))
        assert fired.shape == (5, 1)
        assert fired.all() == (turn == 2) and fired.any() == (turn == 2), turn


def test_when_event_fires_only_in_runs_where_its_condition_holds():
    cond = {"metric": "trust", "of": "ROK", "toward": "JPN", "below": 0.25}
    sc = make_scenario([event(turn=2, when=cond)], turns=4)
    trust = make_state(n=2).trust.copy()
    trust[0, ROK, JPN] = 0.1
    trust[1, ROK, JPN] = 0.5
    state = make_state(n=2, n_events=1, trust=trust)
    assert not fire(sc, state, 1, seeds(2)).any()  # before its first turn
    np.testing.assert_array_equal(fire(sc, state, 2, seeds(2))[:, 0], [True, False])
    np.testing.assert_array_equal(
        fire(sc, state, 4, seeds(2))[:, 0], [True, False]
    )  # default: to the last turn


def test_when_event_respects_until():
    cond = {"metric": "crisis", "above": 0.05}
    sc = make_scenario([event(turn=2, until=3, when=cond)], turns=5)
    state = make_state(n=1, n_events=1, crisis=0.5)
    assert [bool(fire(sc, state, t, seeds(1))[0, 0]) for t in range(1, 6)] == [
        False,
        True,
        True,
        False,
        False,
    ]


def test_event_without_repeat_fires_once_and_with_repeat_again():
    cond = {"metric": "crisis", "above": 0.05}
    once = make_scenario([event(turn=1, when=cond)], turns=4)
    again = make_scenario([event(turn=1, when=cond, repeat=True)], turns=4)
    already = make_state(n=1, n_events=1, crisis=0.5, fired=np.array([[True]]))
    assert not fire(once, already, 2, seeds(1)).any()
    assert fire(again, already, 2, seeds(1)).all()


def test_chance_zero_never_fires_and_one_always_fires():
    sc = make_scenario(
        [event(turn=1, chance=0.0, repeat=True), event(turn=1, chance=1.0, repeat=True)], turns=3
    )
    state = make_state(n=400, n_events=2)
    for turn in (1, 2, 3):
        fired = fire(sc, state, turn, seeds(400))
        assert not fired[:, 0].any() and fired[:, 1].all()


def test_chance_event_uses_the_counter_based_draw_of_its_slot():
    sc = make_scenario([event(turn=1), event(turn=1, chance=0.3, repeat=True)], turns=3)
    n = 4000
    state = make_state(n=n, n_events=2)
    fired = fire(sc, state, 2, seeds(n))[:, 1]
    expected = rng.uniforms(seeds(n), 2, 1, rng.EVENT_CHANCE) < 0.3
    np.testing.assert_array_equal(fired, expected)
    assert 0.27 < fired.mean() < 0.33
    # a different turn draws afresh
    assert not np.array_equal(fired, fire(sc, state, 3, seeds(n))[:, 1])


def test_chance_and_condition_must_both_hold():
    cond = {"metric": "dispute", "above": 0.5}
    sc = make_scenario([event(turn=1, chance=1.0, when=cond)], turns=2)
    state = make_state(n=2, n_events=1, dispute=np.array([0.9, 0.1]))
    np.testing.assert_array_equal(fire(sc, state, 1, seeds(2))[:, 0], [True, False])


@pytest.mark.parametrize(
    ("cond", "changes", "expected"),
    [
        ({"metric": "opinion", "of": "JPN", "toward": "ROK", "above": 0.5}, {}, False),
        ({"metric": "threat", "of": "JPN", "toward": "PRC", "above": 0.5}, {}, True),
        ({"metric": "pressure", "of": "ROK", "above": 0.2}, {"pressure": np.array([0, 0.3, 0, 0])}, True),
        ({"metric": "pressure", "of": "JPN", "above": 0.2}, {"pressure": np.array([0, 0.3, 0, 0])}, False),
        ({"metric": "crisis", "below": 0.2}, {"crisis": 0.1}, True),
        ({"metric": "crisis", "above": 0.1}, {"crisis": 0.1}, False),  # strict comparison
        ({"metric": "mechanism_strength", "mechanism": "gsomia", "below": 0.6}, {}, True),
        ({"metric": "mechanism_status", "mechanism": "acsa", "status": "suspended"}, {}, True),
        ({"metric": "mechanism_status", "mechanism": "gsomia", "status": "ended"}, {}, False),
    ],
)
def test_condition_holds_reads_the_right_metric(cond, changes, expected):
    state = make_state(**changes)
    assert condition_holds(Condition.model_validate(cond), state)[0] == expected


# -- apply_events --------------------------------------------------------------------------------


def applied(ev: dict, n: int = 1, on=None, hooks=None, c=None, **changes):
    sc = make_scenario([ev], turns=4)
    state = make_state(c, n=n, n_events=1, **changes)
    fired = np.ones((n, 1), dtype=bool) if on is None else np.asarray(on, dtype=bool).reshape(n, 1)
    new, signals = apply_events(sc, state, fired, c or compiled(), hooks or zero_hooks(n))
    return state, new, signals


def test_military_drill_raises_crisis_and_targets_threat_of_the_source():
    before, after, _ = applied(event("military_drill", targets=["USA", "JPN"], magnitude=0.8))
    assert after.crisis[0] > before.crisis[0]
    assert after.threat[0, USA, PRC] > before.threat[0, USA, PRC]
    assert after.threat[0, JPN, PRC] > before.threat[0, JPN, PRC]
    assert after.threat[0, ROK, PRC] == before.threat[0, ROK, PRC]


def test_court_ruling_heats_the_dispute_and_sours_opinion_among_targets():
    before, after, sig = applied(event("court_ruling", targets=["ROK", "JPN"]))
    assert after.dispute[0] > before.dispute[0]
    assert sig.opinion_bad[0, ROK, JPN] > 0 and sig.opinion_bad[0, JPN, ROK] > 0
    assert sig.opinion_bad[0, USA].sum() == 0 and sig.opinion_good.sum() == 0


def test_summit_cools_the_dispute_and_builds_trust_among_targets():
    before, after, sig = applied(event("summit", source="USA", targets=["USA", "ROK", "JPN"]))
    assert after.dispute[0] < before.dispute[0]
    for i in (USA, ROK, JPN):
        for j in (USA, ROK, JPN):
            assert (sig.trust_good[0, i, j] > 0) == (i != j)
    assert sig.trust_bad.sum() == 0


def test_only_a_meeting_of_seoul_and_tokyo_cools_their_dispute():
    before, us_japan, _ = applied(event("summit", source="USA", targets=["USA", "JPN"]))
    assert us_japan.dispute[0] == before.dispute[0]
    _, seoul_tokyo, _ = applied(event("summit", source="ROK", targets=["JPN"]))
    assert seoul_tokyo.dispute[0] < before.dispute[0]
    # heat rises whoever is involved
    _, patrol, _ = applied(event("joint_air_patrol", targets=["JPN"]))
    assert patrol.dispute[0] > before.dispute[0]


def test_tourism_ban_pressures_only_its_target_and_costs_it():
    before, after, sig = applied(event("tourism_ban", targets=["ROK"], magnitude=0.6))
    assert after.pressure[0, ROK] > before.pressure[0, ROK]
    assert np.array_equal(np.delete(after.pressure[0], ROK), np.delete(before.pressure[0], ROK))
    assert after.cost[0, ROK] > before.cost[0, ROK] and after.cost[0, JPN] == before.cost[0, JPN]
    assert sig.opinion_bad[0, ROK, PRC] > 0


def test_wedge_inducement_and_us_demand_land_on_targets():
    before, after, _ = applied(event("wedge_inducement", targets=["JPN"]))
    assert after.inducement[0, JPN] > before.inducement[0, JPN] and after.inducement[0, ROK] == 0
    before, after, _ = applied(event("us_demand", source="USA", targets=["ROK", "JPN"]))
    assert after.demand[0, ROK] > 0 and after.demand[0, JPN] > 0 and after.demand[0, USA] == 0


def test_allied_export_controls_hurt_trust_and_opinion_toward_the_source():
    _, _, sig = applied(event("allied_export_controls", source="JPN", targets=["ROK"]))
    assert sig.trust_bad[0, ROK, JPN] > 0 and sig.opinion_bad[0, ROK, JPN] > 0
    assert sig.trust_bad[0, JPN, ROK] == 0  # the source's own view is untouched


def test_agreement_unravelling_sends_bad_trust_among_targets():
    _, _, sig = applied(event("agreement_unravels", source="ROK", targets=["ROK", "JPN"]))
    assert sig.trust_bad[0, ROK, JPN] > 0 and sig.trust_bad[0, JPN, ROK] > 0
    assert sig.trust_good.sum() == 0


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_leadership_change_moves_resolve_and_trust_in_the_direction_of_its_sign(sign):
    before, after, sig = applied(
        event("leadership_change", source="ROK", targets=["ROK", "JPN"], magnitude=0.5 * sign)
    )
    assert np.sign(after.resolve[0, ROK] - before.resolve[0, ROK]) == sign
    good, bad = sig.trust_good[0, ROK, JPN], sig.trust_bad[0, ROK, JPN]
    assert (good > 0, bad > 0) == ((True, False) if sign > 0 else (False, True))
    assert after.cost[0, ROK] == before.cost[0, ROK]  # never a negative cost


def test_blockade_raises_crisis_pressure_and_cost():
    before, after, _ = applied(event("blockade", targets=["USA", "JPN"], magnitude=1.0))
    assert after.crisis[0] > before.crisis[0]
    assert after.pressure[0, JPN] > 0 and after.cost[0, USA] > 0
    assert 0.0 <= after.crisis[0] <= 1.0


def test_event_coefficients_come_from_the_parameters():
    c = compiled({"events.military_drill.crisis": 0.0})
    before, after, _ = applied(event("military_drill"), c=c)
    assert after.crisis[0] == before.crisis[0]
    assert after.threat[0, USA, PRC] > before.threat[0, USA, PRC]


def test_unfired_runs_are_untouched_and_fired_is_recorded():
    before, after, sig = applied(event("blockade", magnitude=1.0), n=2, on=[True, False])
    assert after.crisis[0] > before.crisis[0]
    for name in ("crisis", "pressure", "threat", "cost", "resolve", "dispute"):
        assert np.array_equal(getattr(after, name)[1], getattr(before, name)[1]), name
    np.testing.assert_array_equal(after.fired[:, 0], [True, False])
    assert sig.trust_bad[1].sum() == 0 and sig.opinion_bad[1].sum() == 0


def test_deterrence_damps_new_crisis_and_shields_damp_pressure():
    c = compiled()
    shielded = zero_hooks()
    shielded.actor[:, H["deterrence"], :] = 0.5
    shielded.actor[:, H["coercion_shield"], ROK] = 0.5
    ev_drill = event("military_drill", magnitude=0.8)
    before, bare, _ = applied(ev_drill, c=c)
    _, damped, _ = applied(ev_drill, c=c, hooks=shielded)
    assert before.crisis[0] < damped.crisis[0] < bare.crisis[0]
    ev_ban = event("tourism_ban", targets=["ROK"])
    _, bare, _ = applied(ev_ban, c=c)
    _, damped, _ = applied(ev_ban, c=c, hooks=shielded)
    assert 0 < damped.pressure[0, ROK] < bare.pressure[0, ROK]


def test_no_events_returns_the_state_unchanged():
    sc = make_scenario([], turns=2)
    state = make_state(n=2)
    new, sig = apply_events(sc, state, np.zeros((2, 0), dtype=bool), compiled(), zero_hooks(2))
    assert new is state
    assert isinstance(sig, Signals) and sig.trust_good.sum() == 0


# -- mechanism effects ------------------------------------------------------------------------


def mech_applied(effect: str, magnitude: float = 0.5, on=(True, True, True)):
    """gsomia starting active, suspended and ended in three runs."""
    ev = event(
        "summit",
        source="USA",
        targets=["ROK"],
        magnitude=magnitude,
        mechanism="gsomia",
        mechanism_effect=effect,
    )
    status = make_state(n=3).status.copy()
    status[:, GSOMIA] = [ACTIVE, SUSPENDED, ENDED]
    strength = make_state(n=3).strength.copy()
    strength[:, GSOMIA] = [0.4, 0.3, 0.2]
    before, after, _ = applied(ev, n=3, on=list(on), status=status, strength=strength)
    return before.strength[:, GSOMIA], after.strength[:, GSOMIA], after.status[:, GSOMIA]


def test_mechanism_effect_suspend_suspends_active_and_leaves_ended():
    _, _, status = mech_applied("suspend")
    assert status.tolist() == [SUSPENDED, SUSPENDED, ENDED]


def test_mechanism_effect_end_ends():
    _, _, status = mech_applied("end")
    assert status.tolist() == [ENDED, ENDED, ENDED]


def test_mechanism_effect_weaken_scales_strength_down():
    s0, s1, status = mech_applied("weaken", 0.5)
    np.testing.assert_allclose(s1, s0 * 0.5)
    assert status.tolist() == [ACTIVE, SUSPENDED, ENDED]


def test_mechanism_effect_strengthen_moves_live_mechanisms_toward_one():
    s0, s1, _ = mech_applied("strengthen", 0.5)
    np.testing.assert_allclose(s1[:2], s0[:2] + 0.5 * (1 - s0[:2]))
    assert s1[2] == s0[2]


def test_mechanism_effect_activate_revives_suspended_but_never_ended():
    s0, s1, status = mech_applied("activate", 0.6)
    assert status.tolist() == [ACTIVE, ACTIVE, ENDED]
    np.testing.assert_allclose(s1[:2], [0.6, 0.6])
    assert s1[2] == s0[2]


def test_mechanism_effect_only_in_runs_where_the_event_fired():
    _, _, status = mech_applied("end", on=(False, True, False))
    assert status.tolist() == [ACTIVE, ENDED, ENDED]


def test_event_index_of_source_is_used_for_threat():
    before, after, _ = applied(event("adiz_incursion", source="PRC", targets=["JPN"]))
    assert after.threat[0, JPN, INDEX["PRC"]] > before.threat[0, JPN, INDEX["PRC"]]
    assert after.threat[0, JPN, USA] == before.threat[0, JPN, USA]
