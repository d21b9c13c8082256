"""MODEL.md §4.2-4.3 (event channels, sim/events.py), each against a value worked by hand.

Coverage map (MODEL.md section -> tests):

- §4.2 damp(Δ, h) and the crisis channel: test_crisis_*.
- §4.2 the dispute channel and its sign rule: test_dispute_*.
- §4.2 per-target channels (pressure, inducement, demand, threat, trust/opinion to
  source, resolve, cost) and the "among" channels: test_target_*, test_among_*.
- §4.2 "all fired events are summed first, then clipped once": test_events_sum_then_clip_once.
- §4.3 mechanism effects with |μ|: test_mechanism_effect_* (suspend, end, weaken,
  strengthen and activate are already pinned by hand in tests/test_events.py; these add
  the |μ| of a negative magnitude and activate's max).

Event coefficients are set by path in each test (`events.<kind>.<channel>`), so the
arithmetic does not depend on parameters.yaml.
"""

from __future__ import annotations

from math import exp

import numpy as np
import pytest
from handmade import hand, hooks_with, quiet
from support import event, make_scenario, zero_hooks

from sim.actors import JPN, PRC, ROK, USA
from sim.events import apply_events
from sim.vocab import ACTIVE, MECHANISMS, SUSPENDED

GSOMIA = MECHANISMS.index("gsomia")


def applied(events, c, hooks=None, n: int = 1, **changes):
    """Apply the given events, all fired, to the quiet world."""
    events = events if isinstance(events, list) else [events]
    sc = make_scenario(events, turns=2)
    state = quiet(c, n=n, n_events=len(events), **changes)
    fired = np.ones((n, len(events)), dtype=bool)
    new, signals = apply_events(sc, state, fired, c, hooks or zero_hooks(n))
    return state, new, signals


# -- crisis ----------------------------------------------------------------------------------


def test_crisis_increase_is_damped_by_mean_allied_deterrence():
    """§4.2: c += damp(β_crisis·μ, h̄^det) = 0.7·0.5·(1 − 0.2); Beijing's hook is not in the mean."""
    c = hand(events__blockade__crisis=0.7)
    hooks = hooks_with(deterrence={USA: 0.1, ROK: 0.2, JPN: 0.3, PRC: 0.9})
    _, new, _ = applied(event("blockade", magnitude=0.5), c, hooks, crisis=0.1)
    assert new.crisis[0] == pytest.approx(0.1 + 0.7 * 0.5 * (1 - 0.2))  # = 0.38


def test_crisis_decrease_passes_undamped():
    """§4.2: damp(Δ, h) = Δ when Δ ≤ 0."""
    c = hand(events__summit__crisis=-0.4)
    hooks = hooks_with(deterrence=0.5)
    _, new, _ = applied(event("summit", source="USA", magnitude=0.5), c, hooks, crisis=0.5)
    assert new.crisis[0] == pytest.approx(0.5 - 0.4 * 0.5)  # = 0.3


# -- dispute ---------------------------------------------------------------------------------


def test_dispute_heat_is_damped_by_seoul_and_tokyos_damping_only():
    """§4.2: D ← 1 − (1 − D)·e^(−h), h = damp(β·μ, h̄^dd), h̄^dd = mean(h^dd_ROK, h^dd_JPN) = 0.2."""
    c = hand(events__court_ruling__dispute=0.4)
    hooks = hooks_with(dispute_damping={USA: 0.9, ROK: 0.1, JPN: 0.3})
    _, new, _ = applied(event("court_ruling", targets=["ROK", "JPN"]), c, hooks, dispute=0.3)
    assert new.dispute[0] == pytest.approx(1 - 0.7 * exp(-0.4 * 0.5 * (1 - 0.2)))  # = 0.40349
    assert new.dispute_news[0] == pytest.approx(0.16)  # the damped heat is this turn's news


def test_dispute_heat_rises_whoever_takes_part():
    """§4.2: β·μ > 0 heats the dispute even with only Tokyo among the parties."""
    c = hand(events__joint_air_patrol__dispute=0.3)
    _, new, _ = applied(event("joint_air_patrol", source="PRC", targets=["JPN"]), c, dispute=0.3)
    assert new.dispute[0] == pytest.approx(1 - 0.7 * exp(-0.3 * 0.5))  # = 0.39749


def test_dispute_cools_only_when_seoul_and_tokyo_both_take_part():
    """§4.2: β·μ < 0 counts only if {ROK, JPN} ⊆ {src} ∪ 𝒯, and passes undamped."""
    c = hand(events__summit__dispute=-0.3)
    hooks = hooks_with(dispute_damping=0.5)
    _, us_japan, _ = applied(event("summit", source="USA", targets=["USA", "JPN"]), c, hooks, dispute=0.4)
    assert us_japan.dispute[0] == 0.4
    _, seoul_tokyo, _ = applied(event("summit", source="ROK", targets=["JPN"]), c, hooks, dispute=0.4)
    assert seoul_tokyo.dispute[0] == pytest.approx(0.4 - 0.3 * 0.5)  # = 0.25: cooling is linear
    assert seoul_tokyo.dispute_news[0] == 0.0  # and is not news that erodes trust


def test_dispute_sign_rule_is_on_coefficient_times_magnitude():
    """§4.2: leadership_change −0.40 with μ = −0.5 heats by 0.40·0.5, damped, with only Seoul present."""
    c = hand(events__leadership_change__dispute=-0.4)
    hooks = hooks_with(dispute_damping={ROK: 0.1, JPN: 0.3})
    ev = event("leadership_change", source="ROK", targets=["ROK"], magnitude=-0.5)
    _, new, _ = applied(ev, c, hooks, dispute=0.3)
    heat = (-0.4) * (-0.5) * (1 - 0.2)  # = 0.16
    assert new.dispute[0] == pytest.approx(1 - 0.7 * exp(-heat))  # = 0.40349
    toward = event("leadership_change", source="ROK", targets=["ROK"], magnitude=0.5)
    _, new, _ = applied(toward, c, hooks, dispute=0.3)
    assert new.dispute[0] == 0.3  # −0.2 would cool, but Tokyo is absent


# -- per-target channels -----------------------------------------------------------------------


def test_target_pressure_is_shielded_per_target():
    """§4.2: p_t += β_pressure·μ·(1 − h^cs_t)."""
    c = hand(events__tourism_ban__pressure=0.5)
    hooks = hooks_with(coercion_shield={ROK: 0.25, USA: 0.9})
    _, new, _ = applied(event("tourism_ban", targets=["ROK", "JPN"], magnitude=0.6), c, hooks)
    assert new.pressure[0, ROK] == pytest.approx(0.5 * 0.6 * (1 - 0.25))  # = 0.225
    assert new.pressure[0, JPN] == pytest.approx(0.5 * 0.6)  # = 0.3
    assert new.pressure[0, USA] == 0.0


def test_target_inducement_is_shielded_per_target():
    """§4.2: ι_t += β_inducement·μ·(1 − h^ws_t)."""
    c = hand(events__wedge_inducement__inducement=0.7)
    hooks = hooks_with(wedge_shield={JPN: 0.2, ROK: 0.9})
    _, new, _ = applied(event("wedge_inducement", targets=["JPN"]), c, hooks)
    assert new.inducement[0, JPN] == pytest.approx(0.7 * 0.5 * (1 - 0.2))  # = 0.28
    assert new.inducement[0, ROK] == 0.0


def test_target_offer_heat_waits_for_the_targets_choice():
    """§4.2: ω_t += max(β_dispute_if_taken·μ, 0) on each target; the dispute and its news stay put."""
    c = hand(events__joint_criticism_invitation__dispute_if_taken=0.2)
    _, new, _ = applied(event("joint_criticism_invitation", targets=["ROK"], magnitude=0.6), c, dispute=0.3)
    assert new.offer_heat[0, ROK] == pytest.approx(0.2 * 0.6)  # = 0.12
    assert new.offer_heat[0, JPN] == 0.0
    assert new.dispute[0] == 0.3 and new.dispute_news[0] == 0.0


def test_target_demand_is_not_shielded():
    """§4.2: d_t += β_demand·μ."""
    c = hand(events__us_demand__demand=0.6)
    hooks = hooks_with(coercion_shield=0.5, wedge_shield=0.5)
    _, new, _ = applied(event("us_demand", source="USA", targets=["ROK", "JPN"]), c, hooks)
    assert new.demand[0].tolist() == pytest.approx([0.0, 0.6 * 0.5, 0.6 * 0.5, 0.0])


def test_target_threat_of_the_source_but_not_of_itself():
    """§4.2: θ_t,src += β_threat·μ for t ≠ src."""
    c = hand(events__military_drill__threat=0.1)
    before, new, _ = applied(event("military_drill", source="PRC", targets=["USA", "JPN", "PRC"]), c)
    assert new.threat[0, USA, PRC] == pytest.approx(0.6 + 0.1 * 0.5)  # θ⁰ 0.6 (handmade) + 0.05
    assert new.threat[0, JPN, PRC] == pytest.approx(0.5 + 0.1 * 0.5)
    assert new.threat[0, ROK, PRC] == 0.4
    assert new.threat[0, PRC, PRC] == 0.0


def test_target_trust_and_opinion_toward_the_source_are_signals():
    """§4.2: signals t→src of β_trust_to_source·μ and β_opinion_to_source·μ; negative → bad."""
    c = hand(
        events__allied_export_controls__trust_to_source=-1.2,
        events__allied_export_controls__opinion_to_source=-0.8,
    )
    before, new, sig = applied(event("allied_export_controls", source="JPN", targets=["ROK", "JPN"]), c)
    assert sig.trust_bad[0, ROK, JPN] == pytest.approx(1.2 * 0.5)  # = 0.6
    assert sig.opinion_bad[0, ROK, JPN] == pytest.approx(0.8 * 0.5)  # = 0.4
    assert sig.trust_good.sum() == 0 and sig.opinion_good.sum() == 0
    assert sig.trust_bad[0, JPN, JPN] == 0.0  # the source is not its own target
    np.testing.assert_array_equal(new.trust, before.trust)  # signals wait for adjudication


def test_target_resolve_moves_by_coefficient_times_signed_magnitude():
    """§4.2: r_t += β_resolve·μ: 0.50·(−0.3) = −0.15."""
    c = hand(events__leadership_change__resolve=0.5, world__resolve__ROK=0.7)
    ev = event("leadership_change", source="ROK", targets=["ROK"], magnitude=-0.3)
    _, new, _ = applied(ev, c)
    assert new.resolve[0, ROK] == pytest.approx(0.7 - 0.15)  # = 0.55


def test_target_cost_is_never_negative():
    """§4.2: κ_t += max(β_cost·μ, 0)."""
    c = hand(events__leadership_change__cost=0.2, events__blockade__cost=0.1)
    _, down, _ = applied(event("leadership_change", targets=["ROK"], magnitude=-0.5), c)
    assert down.cost[0, ROK] == 0.0
    _, up, _ = applied(event("blockade", targets=["USA", "JPN"], magnitude=0.8), c)
    assert up.cost[0].tolist() == pytest.approx([0.1 * 0.8, 0.0, 0.1 * 0.8, 0.0])


def test_among_channels_act_between_every_ordered_pair_of_targets():
    """§4.2: for u ≠ t in 𝒯, signals t→u of β_trust_among·μ and β_opinion_among·μ."""
    c = hand(events__agreement_unravels__trust_among=-1.0, events__agreement_unravels__opinion_among=-0.4)
    _, _, sig = applied(event("agreement_unravels", source="ROK", targets=["USA", "ROK", "JPN"]), c)
    for t in (USA, ROK, JPN):
        for u in (USA, ROK, JPN):
            want = 1.0 * 0.5 if t != u else 0.0
            assert sig.trust_bad[0, t, u] == pytest.approx(want), (t, u)
            assert sig.opinion_bad[0, t, u] == pytest.approx(0.4 * 0.5 if t != u else 0.0)
    assert sig.trust_bad[0, PRC].sum() == 0 and sig.trust_bad[0, :, PRC].sum() == 0


def test_a_row_counts_as_a_measure_only_against_its_source():
    """§4.2 measured: the memory keeps t→u only when u is the source or the source is no target.

    Seoul's police chief lands (source ROK, targets ROK and JPN, β_trust_among −0.4, μ 0.5):
    trust falls both ways by 0.2, but only Tokyo took a measure against it; a row between
    Seoul and Tokyo set off by neither (source USA) is a measure both ways.
    """
    c = hand(events__territorial_incident__trust_among=-0.4)
    _, _, sig = applied(event("territorial_incident", source="ROK", targets=["ROK", "JPN"]), c)
    assert sig.trust_bad[0, JPN, ROK] == pytest.approx(0.4 * 0.5)  # = 0.2
    assert sig.trust_bad[0, ROK, JPN] == pytest.approx(0.4 * 0.5)
    assert sig.measured[0, JPN, ROK] == pytest.approx(0.2)  # Tokyo remembers Seoul's landing
    assert sig.measured[0, ROK, JPN] == 0.0  # Seoul's own side started it
    _, _, neutral = applied(event("territorial_incident", source="USA", targets=["ROK", "JPN"]), c)
    assert neutral.measured[0, ROK, JPN] == pytest.approx(0.2)
    assert neutral.measured[0, JPN, ROK] == pytest.approx(0.2)


def test_a_measure_toward_the_source_is_remembered_and_good_news_is_not():
    """§4.2 measured: β_trust_to_source·μ < 0 is the source's measure; good evidence adds nothing."""
    c = hand(events__allied_export_controls__trust_to_source=-1.2, events__summit__trust_among=1.0)
    _, _, sig = applied(event("allied_export_controls", source="JPN", targets=["ROK", "JPN"]), c)
    assert sig.measured[0, ROK, JPN] == pytest.approx(1.2 * 0.5)  # = 0.6
    assert sig.measured[0, JPN, ROK] == 0.0
    _, _, summit = applied(event("summit", source="USA", targets=["ROK", "JPN"]), c)
    assert summit.measured.sum() == 0.0


def test_among_positive_signal_is_good_evidence():
    c = hand(events__summit__trust_among=1.0)
    _, _, sig = applied(event("summit", source="USA", targets=["ROK", "JPN"], magnitude=0.4), c)
    assert sig.trust_good[0, ROK, JPN] == pytest.approx(1.0 * 0.4)
    assert sig.trust_good[0, JPN, ROK] == pytest.approx(1.0 * 0.4)
    assert sig.trust_bad.sum() == 0


def test_events_accumulate_in_order_without_a_ceiling():
    """§4.2: each fired event in turn: heat by 1 − (1 − D)·e^(−h), cooling by D + h (h < 0).

    D = 0.8, a court ruling of heat 0.5 then a Seoul-Tokyo summit cooling by 0.3; two
    rulings of 0.5 stay below 1 (no ceiling at which the second adds nothing), and both
    count as news.
    """
    c = hand(events__court_ruling__dispute=1.0, events__summit__dispute=-0.6)
    heat = event("court_ruling", targets=["ROK", "JPN"], magnitude=0.5)
    cool = event("summit", source="ROK", targets=["JPN"], magnitude=0.5)
    _, new, _ = applied([heat, cool], c, dispute=0.8)
    assert new.dispute[0] == pytest.approx(1 - 0.2 * exp(-0.5) - 0.3)  # = 0.57869
    _, one, _ = applied(heat, c, dispute=0.8)
    _, new, _ = applied([heat, heat], c, dispute=0.8)
    assert new.dispute[0] == pytest.approx(1 - 0.2 * exp(-1.0))  # = 0.92642
    assert one.dispute[0] < new.dispute[0] < 1.0
    assert new.dispute_news[0] == pytest.approx(1.0)


# -- §4.3 mechanism effects --------------------------------------------------------------------


def mech_event(effect: str, magnitude: float) -> dict:
    return event(
        "leadership_change",
        source="ROK",
        targets=["ROK"],
        magnitude=magnitude,
        mechanism="gsomia",
        mechanism_effect=effect,
    )


def test_mechanism_effect_weaken_uses_the_absolute_magnitude():
    """§4.3: s ← s(1 − |μ|), with μ = −0.4 (leadership_change may be negative)."""
    c = hand()
    strength = c.mech["strength"].copy()
    strength[GSOMIA] = 0.5
    _, new, _ = applied(mech_event("weaken", -0.4), c, strength=strength)
    assert new.strength[0, GSOMIA] == pytest.approx(0.5 * (1 - 0.4))  # = 0.3


def test_mechanism_effect_strengthen_uses_the_absolute_magnitude():
    """§4.3: s ← s + |μ|(1 − s)."""
    c = hand()
    strength = c.mech["strength"].copy()
    strength[GSOMIA] = 0.5
    _, new, _ = applied(mech_event("strengthen", -0.4), c, strength=strength)
    assert new.strength[0, GSOMIA] == pytest.approx(0.5 + 0.4 * (1 - 0.5))  # = 0.7


def test_mechanism_effect_activate_keeps_a_higher_strength():
    """§4.3: activate: status → active, s ← max(s, |μ|): 0.8 stays 0.8, 0.2 rises to 0.5."""
    c = hand()
    strength = np.tile(c.mech["strength"], (2, 1))
    strength[:, GSOMIA] = [0.8, 0.2]
    status = np.tile(c.mech["status"], (2, 1))
    status[:, GSOMIA] = SUSPENDED
    _, new, _ = applied(mech_event("activate", -0.5), c, n=2, strength=strength, status=status)
    assert new.strength[:, GSOMIA].tolist() == pytest.approx([0.8, 0.5])
    assert new.status[:, GSOMIA].tolist() == [ACTIVE, ACTIVE]
