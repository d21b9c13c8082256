"""MODEL.md §7 (adjudication, sim/adjudication.py), each equation against a value worked by hand.

Coverage map (MODEL.md section -> tests):

- §7.1 outcome flags: test_flags_*.
- §7.2 signals, one row of the table per test: test_signal_*; the event signals
  joining them in the same update: test_event_and_move_signals_share_one_update.
- §7.3 trust as a belief (sim/belief.py) through adjudicate: test_belief_*, and each
  signal's test; the bounded update of opinion: test_bounded_update_*;
  test_trust_diagonal_is_reset_to_one.
- §7.4 tensions, line by line: test_crisis_*, test_escalation_*, test_squeeze_*,
  test_inducement_*, test_threat_*, test_cost_*, test_exposure_*, test_pressure_*,
  test_demand_*, test_dispute_*.
- §7.5 order (mechanisms read the new trust and dispute): test_order_*.

Every test starts from the quiet world of `handmade` (no signal when all hold), with
coefficients set explicitly in `handmade.COEFFICIENTS`; the numbers written in the
arithmetic are those coefficients.
"""

from __future__ import annotations

from math import exp, log

import numpy as np
import pytest
from handmade import hand, hooks_with, quiet, quiet_opinion, quiet_trust
from support import choices, zero_hooks

from sim.actors import JPN, PRC, ROK, USA
from sim.adjudication import adjudicate, bounded_update
from sim.events import Signals
from sim.mechanisms import H
from sim.vocab import ACTIVE, MECHANISMS, SUSPENDED

GSOMIA = MECHANISMS.index("gsomia")
EXERCISES = MECHANISMS.index("trilateral_exercises")
N_M = len(MECHANISMS)


def resolve(state, c=None, hooks=None, signals=None, **labels):
    """Adjudicate one turn: everyone holds unless ``ROK="hedge"`` etc."""
    c = c or hand()
    hooks = hooks or zero_hooks(state.n)
    signals = signals or Signals.zeros(state.n, 4)
    return adjudicate(state, choices(c, n=state.n, **labels), signals, hooks, c)


#: §7.3 log-likelihood ratios of `handmade.COEFFICIENTS`.
ANSWER = log(0.80 / 0.60)  # = 0.28768
DEFECT = log(0.05 / 0.25)  # = -1.60944
FRIENDLY = log(0.55 / 0.45)  # = 0.20067 per unit of good signal
HOSTILE = log(0.35 / 0.20)  # = 0.55962 per unit of bad signal
#: Forgetting: k = -ln(1 - 0.02) = 0.020203 per month; over a month the gap to the prior
#: shrinks by 0.98, and a month of evidence at rate e adds e (1 - 0.98) / k = 0.98995 e.
K = -log(1 - 0.02)
SPREAD = (1 - 0.98) / K


def logit(p: float) -> float:
    return log(p / (1 - p))


def believe(level: float, conduct: float = 0.0, news: float = 0.0, prior: float | None = None) -> float:
    """§7.3 by hand, one month: x = logit(T) + news; x' = x + (x0 - x)(1 - 0.98) + conduct·SPREAD."""
    x0 = logit(level if prior is None else prior)
    x = logit(level) + news
    x = x + (x0 - x) * (1 - 0.98) + conduct * SPREAD
    return 1 / (1 + exp(-x))


def rise(level: float, good: float) -> float:
    """A month's good signal of strength ``good`` from a belief at its prior."""
    return believe(level, FRIENDLY * good)


def fall(level: float, bad: float) -> float:
    """A month's bad signal of strength ``bad`` from a belief at its prior."""
    return believe(level, -HOSTILE * bad)


# -- §7.3 the bounded update -----------------------------------------------------------------


def test_bounded_update_by_hand():
    """§7.3: L' = L + γ(1 − L)(1 − e^−g) − λL(1 − e^−b)."""
    out = bounded_update(np.array([0.4]), np.array([0.5]), np.array([0.2]), 0.12, 0.30)
    expected = 0.4 + 0.12 * (1 - 0.4) * (1 - exp(-0.5)) - 0.30 * 0.4 * (1 - exp(-0.2))  # = 0.40658
    assert out[0] == pytest.approx(expected, abs=1e-15)
    assert out[0] == pytest.approx(0.40658, abs=1e-5)


def test_bounded_update_clip_is_a_guard_for_rates_above_one():
    """§7.3 'then clipped to [0, 1]': with γ = 2 the raw value 0.9 + 2·0.1·(1 − e^−50) ≈ 1.1."""
    up = bounded_update(np.array([0.9]), np.array([50.0]), np.array([0.0]), 2.0, 0.3)
    down = bounded_update(np.array([0.1]), np.array([0.0]), np.array([50.0]), 0.1, 2.0)
    assert up[0] == 1.0 and down[0] == 0.0


def test_trust_diagonal_is_reset_to_one():
    """§7.3 'the diagonal is reset to 1', even when the state's diagonal was not 1."""
    trust = quiet_trust()
    np.fill_diagonal(trust, 0.5)
    opinion = quiet_opinion()
    np.fill_diagonal(opinion, 0.25)
    new, _ = resolve(quiet(trust=trust, opinion=opinion))
    assert np.all(np.diagonal(new.trust[0]) == 1.0) and np.all(np.diagonal(new.opinion[0]) == 1.0)


def test_quiet_world_sends_no_signal():
    """The baseline of this file: holding in the quiet world leaves trust and opinion as they were."""
    state = quiet()
    new, _ = resolve(state)
    np.testing.assert_array_equal(new.trust, state.trust)
    np.testing.assert_array_equal(new.opinion, state.opinion)


# -- §7.1 outcome flags -----------------------------------------------------------------------


def test_flags_thresholds_are_inclusive_and_never_set_for_beijing():
    """§7.1: coerced = p ≥ 0.10, military = c ≥ 0.30, wedge_target = ι ≥ 0.10; none for PRC."""
    state = quiet(
        n=2,
        crisis=np.array([0.30, 0.2999]),
        pressure=np.array([[0.0, 0.10, 0.0999, 0.9], [0.0, 0.0, 0.0, 0.9]]),
        inducement=np.array([[0.10, 0.0, 0.0999, 0.9], [0.0] * 4]),
    )
    _, out = resolve(state)
    assert out.coerced[0].tolist() == [False, True, False, False]
    assert out.wedge_target[0].tolist() == [True, False, False, False]
    # run 0: a military crisis; run 1: neither military nor coerced -> no crisis turn
    assert out.crisis_turn.tolist() == [True, False]


def test_flags_coercion_alone_makes_a_crisis_turn():
    """§7.1: crisis_turn = military OR some ally coerced."""
    state = quiet(crisis=0.1, pressure=np.array([0.0, 0.0, 0.2, 0.0]))
    _, out = resolve(state)
    assert out.crisis_turn[0] and out.coerced[0, JPN]


def test_flags_coordinated_is_all_three_responding_and_not_gated_by_crisis():
    """§7.1: responding = coordinate or joint_statement; coordinated = all three (any turn)."""
    state = quiet(n=2, crisis=0.0)
    _, out = resolve(
        state,
        USA=["coordinate", "coordinate"],
        ROK=["joint statement", "joint statement"],
        JPN=["coordinate", "hedge"],
    )
    assert out.coordinated.tolist() == [True, False]
    assert out.responding[0].tolist() == [True, True, True, False]
    assert out.responding[1].tolist() == [True, True, False, False]
    assert not out.crisis_turn.any()
    new, _ = resolve(state, USA="coordinate", ROK="joint statement", JPN="coordinate")
    assert new.coordinated[0]  # stored as χ for next turn


def test_flags_breaking_ranks_and_wedge_split():
    """§7.1: breaks_ranks = defect, suspend, or retaliate against a non-PRC actor; split = ∧ wedge target."""
    held = np.array([0.5, 0.5, 0.5, 0.0])
    state = quiet(n=3, inducement=held)
    _, out = resolve(
        state,
        USA=["hedge", "coordinate", "retaliate PRC"],
        ROK=["suspend gsomia", "concede", "invest gsomia"],
        JPN=["retaliate PRC", "retaliate ROK", "repair ROK"],
    )
    assert out.wedge_split[0].tolist() == [True, True, False, False]
    assert out.wedge_split[1].tolist() == [False, True, True, False]
    assert out.wedge_split[2].tolist() == [False, False, False, False]
    assert out.conceded[1].tolist() == [False, True, False, False]
    # without an offer, the same moves split nothing
    _, bare = resolve(quiet(), USA="hedge", ROK="suspend gsomia")
    assert not bare.wedge_split.any()


# -- §7.2 signals ------------------------------------------------------------------------------


def test_belief_answer_in_a_military_crisis():
    """§7.3: when i answers a military crisis (c ≥ 0.30), j's answer adds ln(0.8/0.6) to i's log-odds."""
    new, _ = resolve(quiet(crisis=0.5), USA="coordinate", ROK="joint statement")
    # logit 0 + 0.28768 x 0.98995 = 0.28479 -> 0.57072
    assert new.trust[0, USA, ROK] == pytest.approx(believe(0.5, ANSWER))
    assert new.trust[0, USA, ROK] == pytest.approx(0.57072, abs=1e-5)
    assert new.trust[0, ROK, USA] == pytest.approx(believe(0.6, ANSWER))  # 0.66602
    # Washington was not tested by Tokyo (Tokyo held); Tokyo, holding, saw no test of anyone;
    # Tokyo's "other" move when tested carries ln(0.15/0.15) = 0
    assert new.trust[0, JPN, USA] == 0.6 and new.trust[0, JPN, ROK] == 0.5
    assert new.trust[0, USA, JPN] == pytest.approx(0.5, abs=1e-12)  # 1 - 0.8 - 0.05 rounds off 0.15


def test_belief_defection_in_a_military_crisis():
    """§7.3: i answers and j defects (hedge or concede): ln(0.05/0.25) on i's log-odds of j."""
    new, _ = resolve(quiet(crisis=0.5), USA="coordinate", ROK="hedge")
    # logit 0 - 1.60944 x 0.98995 = -1.59326 -> 0.16892
    assert new.trust[0, USA, ROK] == pytest.approx(believe(0.5, DEFECT))
    assert new.trust[0, USA, ROK] == pytest.approx(0.16892, abs=1e-5)
    assert new.trust[0, ROK, USA] == 0.6  # the one who defects was not tested
    # Tokyo held: it was not abandoned, but it saw an untested hedge (§7.2 hedging, 0.45)
    assert new.trust[0, JPN, ROK] == pytest.approx(fall(0.5, 0.45))


def test_belief_bad_news_moves_more_than_good_news():
    """§7.3: from 0.5 one defection takes 0.331 off the belief, more than four answers' rise
    (0.0707 each); five answers in a row add 5 x 0.28768 x 0.98995 = 1.42398 log-odds, less
    than forgetting-free arithmetic (the gap to the prior shrinks 2% a month): 0.5 -> 0.8060 at most."""
    down = 0.5 - believe(0.5, DEFECT)
    up = believe(0.5, ANSWER) - 0.5
    assert down > 4 * up
    state = quiet(crisis=0.5)
    for _ in range(5):
        state, _ = resolve(state, USA="coordinate", ROK="coordinate")
    assert state.trust[0, USA, ROK] - 0.5 < 5 * up
    hit, _ = resolve(quiet(crisis=0.5), USA="coordinate", ROK="hedge")
    assert 0.5 - hit.trust[0, USA, ROK] == pytest.approx(down)


def test_belief_other_move_when_tested_is_evidence_when_the_types_differ():
    """§7.3: with answer 0.80/0.50 and defect 0.05/0.20, any other move has 0.15/0.30: ln(1/2)."""
    c = hand(trust__answer_if_untrustworthy=0.50, trust__defect_if_untrustworthy=0.20)
    new, _ = resolve(quiet(c, crisis=0.5), c=c, USA="coordinate")  # Seoul holds while tested
    assert new.trust[0, USA, ROK] == pytest.approx(believe(0.5, log(0.15 / 0.30)))  # 0.33488


def test_belief_forgets_toward_the_prior():
    """§7.3: with no evidence, the log-odds gap to the prior shrinks by 0.98 a month."""
    trust = quiet_trust(USA_ROK=0.9)  # prior 0.5
    new, _ = resolve(quiet(trust=trust))
    assert new.trust[0, USA, ROK] == pytest.approx(1 / (1 + exp(-0.98 * logit(0.9))))  # 0.89597
    stay, _ = resolve(quiet(hand(trust__type_change=0.0), trust=trust), c=hand(trust__type_change=0.0))
    assert stay.trust[0, USA, ROK] == pytest.approx(0.9, abs=1e-15)


def test_signal_no_solidarity_or_abandonment_on_a_coercion_only_crisis_turn():
    """§7.3: moves are tested only in a military crisis, c ≥ thresholds.crisis, not by a coerced ally."""
    state = quiet(crisis=0.29, pressure=np.array([0.0, 0.0, 0.3, 0.0]))
    new, out = resolve(state, USA="coordinate", ROK="coordinate", JPN="hedge")
    assert out.crisis_turn[0]
    assert new.trust[0, USA, ROK] == 0.5 and new.trust[0, ROK, USA] == 0.6
    # no abandonment below the crisis threshold, only the peacetime hedging signal (−0.45)
    assert new.trust[0, USA, JPN] == pytest.approx(fall(0.5, 0.45))


def test_signal_concession_on_any_turn():
    """§7.3 concession: a defection, ln(0.05/0.25), on every other ally → j when j concedes."""
    new, _ = resolve(quiet(), ROK="concede")
    expected = believe(0.5, DEFECT)  # = 0.16892
    assert new.trust[0, USA, ROK] == pytest.approx(expected)
    assert new.trust[0, JPN, ROK] == pytest.approx(expected)
    assert new.trust[0, PRC, ROK] == 0.5  # Beijing is not an ally


def test_signal_retaliation_hurts_trust_and_opinion_of_the_retaliator():
    """§7.2 retaliation: −1.5 trust and −0.75 opinion on u→j when j retaliates against u.

    Between Seoul and Tokyo the retaliation is also dispute news (heat 0.25), which
    erodes both ways: −1.25·0.25 trust, −0.7·0.25 opinion (no institutions here).
    """
    new, _ = resolve(quiet(), ROK="retaliate JPN")
    assert new.trust[0, JPN, ROK] == pytest.approx(fall(0.5, 1.5 + 1.25 * 0.25))  # and its heat as news
    assert new.opinion[0, JPN, ROK] == pytest.approx(0.5 - 0.15 * 0.5 * (1 - exp(-(0.75 + 0.175))))  # 0.4555
    assert new.trust[0, ROK, JPN] == pytest.approx(fall(0.5, 1.25 * 0.25))


def test_signal_retaliation_against_beijing():
    """§7.2 retaliation: Beijing's view of the retaliator sours (trust 0.5 → 0.30343)."""
    new, _ = resolve(quiet(), USA="retaliate PRC")
    assert new.trust[0, PRC, USA] == pytest.approx(fall(0.5, 1.5))


def test_signal_repair_builds_trust_and_opinion_of_the_repairer():
    """§7.2 repair: +0.9 trust and +0.4 opinion on u→j when j repairs toward u."""
    new, _ = resolve(quiet(), JPN="repair ROK")
    assert new.trust[0, ROK, JPN] == pytest.approx(rise(0.5, 0.9))  # logit 0.17879 -> 0.54458
    assert new.opinion[0, ROK, JPN] == pytest.approx(0.5 + 0.06 * 0.5 * (1 - exp(-0.4)))  # 0.5099
    assert new.trust[0, JPN, ROK] == 0.5


def test_signal_broker_builds_seoul_tokyo_trust_both_ways():
    """§7.2 broker: +0.6 on ROK→JPN and JPN→ROK when Washington brokers."""
    new, _ = resolve(quiet(), USA="broker")
    expected = rise(0.5, 0.6)  # = 0.52976
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.trust[0, JPN, ROK] == pytest.approx(expected)
    assert new.trust[0, ROK, USA] == 0.6 and new.trust[0, USA, ROK] == 0.5


def test_signal_suspension_reaches_fellow_members_only():
    """§7.2 suspension: −1.0 on each fellow member of m → the one who suspends it."""
    hit = fall(0.5, 1.0)  # = 0.36494
    bilateral, _ = resolve(quiet(), ROK="suspend gsomia")  # members ROK, JPN
    assert bilateral.trust[0, JPN, ROK] == pytest.approx(hit)
    assert bilateral.trust[0, USA, ROK] == 0.5  # Washington is not in GSOMIA
    trilateral, _ = resolve(quiet(), ROK="suspend joint_statements")
    assert trilateral.trust[0, JPN, ROK] == pytest.approx(hit)
    assert trilateral.trust[0, USA, ROK] == pytest.approx(hit)
    assert trilateral.trust[0, ROK, JPN] == 0.5


def test_signal_investment_reaches_fellow_members_only():
    """§7.2 investment: +0.3 on each fellow member of m → the investor."""
    new, _ = resolve(quiet(), JPN="invest trilateral_exercises")
    expected = rise(0.5, 0.3)  # = 0.51489
    assert new.trust[0, USA, JPN] == pytest.approx(expected)
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.trust[0, PRC, JPN] == 0.5
    gsomia, _ = resolve(quiet(), USA="invest joint_statements", JPN="invest gsomia")
    assert gsomia.trust[0, ROK, JPN] == pytest.approx(expected)
    assert gsomia.trust[0, USA, JPN] == 0.5
    assert gsomia.trust[0, ROK, USA] == pytest.approx(rise(0.6, 0.3))


def test_signal_coercion_resentment_toward_beijing():
    """§7.2: −1.1·p_a on a→PRC trust and −1.05·p_a on opinion, for each ally under pressure."""
    new, _ = resolve(quiet(pressure=np.array([0.2, 0.4, 0.0, 0.0])))
    assert new.trust[0, ROK, PRC] == pytest.approx(fall(0.5, 1.1 * 0.4))  # 0.43936
    assert new.opinion[0, ROK, PRC] == pytest.approx(0.5 - 0.15 * 0.5 * (1 - exp(-1.05 * 0.4)))
    assert new.trust[0, USA, PRC] == pytest.approx(fall(0.5, 1.1 * 0.2))
    assert new.trust[0, JPN, PRC] == 0.5


def test_signal_inducement_warmth_only_when_the_ally_hedges():
    """§7.2 inducement warmth: +0.65·ι_a on a→PRC if a hedges."""
    offers = np.array([0.0, 0.5, 0.4, 0.0])
    new, _ = resolve(quiet(inducement=offers), ROK="hedge")
    assert new.trust[0, ROK, PRC] == pytest.approx(rise(0.5, 0.65 * 0.5))  # 0.51614
    assert new.trust[0, JPN, PRC] == 0.5  # holding an offer without taking it


def test_signal_bullying_solidarity_is_the_smaller_pressure():
    """§7.2 (Crawford): +0.85·min(p_ROK, p_JPN) on ROK↔JPN."""
    new, _ = resolve(quiet(pressure=np.array([0.0, 0.3, 0.2, 0.0])))
    expected = rise(0.5, 0.85 * 0.2)  # = 0.50844
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.trust[0, JPN, ROK] == pytest.approx(expected)
    one, _ = resolve(quiet(pressure=np.array([0.0, 0.3, 0.0, 0.0])))
    assert one.trust[0, ROK, JPN] == 0.5  # pressure on one only: no solidarity


def test_signal_dispute_news_erodes_trust_shielded_and_opinion_unshielded():
    """§7.2: −1.25·N·(1 − mean(h^ss_ROK, h^ss_JPN)) trust, −0.7·N opinion, ROK↔JPN, N the news."""
    hooks = hooks_with(spillover_shield={USA: 0.9, ROK: 0.2, JPN: 0.4})
    new, _ = resolve(quiet(dispute=0.5, dispute_news=0.4), hooks=hooks)
    bad = 1.25 * 0.4 * (1 - (0.2 + 0.4) / 2)  # = 0.35; Washington's shield is not in the mean
    assert new.trust[0, ROK, JPN] == pytest.approx(fall(0.5, bad))
    assert new.trust[0, JPN, ROK] == pytest.approx(fall(0.5, bad))
    assert new.opinion[0, ROK, JPN] == pytest.approx(0.5 - 0.15 * 0.5 * (1 - exp(-0.7 * 0.4)))  # 0.4806
    assert new.trust[0, USA, ROK] == 0.5


def test_signal_a_quiet_but_cold_relationship_does_not_erode():
    """§7.2: the standing level alone (D = 0.9, no news) sends no signal; the news is then cleared."""
    new, _ = resolve(quiet(dispute=0.9))
    assert new.trust[0, ROK, JPN] == 0.5 and new.trust[0, JPN, ROK] == 0.5
    assert new.opinion[0, ROK, JPN] == 0.5 and new.opinion[0, JPN, ROK] == 0.5
    news, _ = resolve(quiet(dispute=0.9, dispute_news=0.3))
    assert news.trust[0, ROK, JPN] < 0.5
    assert news.dispute_news[0] == 0.0  # read this turn, not carried into the next


def test_signal_sturdiness_mechanisms_in_force_absorb_news():
    """§7.2 sturdiness: × exp(−0.25·Σ strength of active ROK-JPN mechanisms), suspended ones not counted."""
    c = hand(trust__dispute_ties=0.25)
    strength = np.zeros(len(MECHANISMS))
    status = np.full(len(MECHANISMS), ACTIVE)
    strength[GSOMIA], strength[EXERCISES] = 0.6, 0.4  # both join Seoul and Tokyo: Σ = 1.0
    status[MECHANISMS.index("acsa")] = SUSPENDED
    strength[MECHANISMS.index("acsa")] = 0.8  # suspended: not in force
    new, _ = resolve(quiet(c, dispute_news=0.4, strength=strength, status=status), c=c)
    bad = 1.25 * 0.4 * exp(-0.25 * 1.0)  # = 0.38940
    assert new.trust[0, ROK, JPN] == pytest.approx(fall(0.5, bad))


def test_signal_quasi_alliance_fear_below_the_anchor():
    """§7.2 (Cha): +0.95·max(0.6 − T̄_US, 0), T̄_US = mean(T_ROK,USA, T_JPN,USA), on ROK↔JPN."""
    trust = quiet_trust(ROK_USA=0.4, JPN_USA=0.5)  # T̄_US = 0.45, fear = 0.15
    new, _ = resolve(quiet(trust=trust))
    expected = rise(0.5, 0.95 * 0.15)  # = 0.50708
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.trust[0, JPN, ROK] == pytest.approx(expected)


def test_signal_quasi_alliance_friction_above_the_anchor():
    """§7.2 (Cha): −0.4·max(T̄_US − 0.6, 0) on ROK↔JPN."""
    trust = quiet_trust(ROK_USA=0.9, JPN_USA=0.7)  # T̄_US = 0.8, friction = 0.2
    new, _ = resolve(quiet(trust=trust))
    expected = fall(0.5, 0.4 * 0.2)  # = 0.48892
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.trust[0, JPN, ROK] == pytest.approx(expected)


def test_signal_mechanism_repair_hooks_add_good_evidence():
    """§7.2 mechanism repair: +R^T_ij on trust and +R^O_ij on opinion."""
    hooks = zero_hooks()
    hooks.trust_repair[0, ROK, JPN] = 0.25
    hooks.opinion_repair[0, JPN, ROK] = 0.5
    new, _ = resolve(quiet(), hooks=hooks)
    assert new.trust[0, ROK, JPN] == pytest.approx(rise(0.5, 0.25))  # 0.51241
    assert new.opinion[0, JPN, ROK] == pytest.approx(0.5 + 0.06 * 0.5 * (1 - exp(-0.5)))  # 0.51180
    assert new.trust[0, JPN, ROK] == 0.5 and new.opinion[0, ROK, JPN] == 0.5


def test_event_and_move_signals_share_one_update():
    """§7.3: the events' signals are news at once; the moves' are the month's conduct."""
    signals = Signals.zeros(1, 4)
    signals.add("trust", ROK, JPN, -0.3)
    signals.add("opinion", ROK, JPN, 0.2)
    new, _ = resolve(quiet(), signals=signals, USA="broker")
    # x = -0.3 x 0.55962 = -0.16789; x' = 0.98 x + 0.6 x 0.20067 x 0.98995 = -0.04534 -> 0.48867
    expected = believe(0.5, FRIENDLY * 0.6, news=-HOSTILE * 0.3)
    assert new.trust[0, ROK, JPN] == pytest.approx(expected)
    assert new.opinion[0, ROK, JPN] == pytest.approx(0.5 + 0.06 * 0.5 * (1 - exp(-0.2)))


# -- §7.4 tensions ---------------------------------------------------------------------------


def test_crisis_decays():
    """§7.4: crisis' = c·(1 − 0.08) with no move by Beijing."""
    new, _ = resolve(quiet(crisis=0.5))
    assert new.crisis[0] == pytest.approx(0.5 * (1 - 0.08))  # = 0.46


def test_escalation_is_damped_by_mean_allied_deterrence_and_last_turns_coordination():
    """§7.4: escalation = 0.25·[military_pressure]·(1 − h̄^det)·(1 − 0.30·χ)."""
    hooks = hooks_with(deterrence={USA: 0.1, ROK: 0.2, JPN: 0.3, PRC: 0.9})  # h̄^det = 0.2
    state = quiet(n=2, crisis=0.5, coordinated=np.array([True, False]))
    new, _ = resolve(state, hooks=hooks, PRC="military pressure")
    with_chi = 0.25 * (1 - 0.2) * (1 - 0.30)  # = 0.14
    without = 0.25 * (1 - 0.2)  # = 0.20
    assert new.crisis[0] == pytest.approx(0.5 * 0.92 + with_chi)  # = 0.60
    assert new.crisis[1] == pytest.approx(0.5 * 0.92 + without)  # = 0.66


def test_crisis_de_escalation_and_clip_at_zero():
    """§7.4: crisis' = clip(c·0.92 − 0.12·[de_escalate])."""
    new, _ = resolve(quiet(n=2, crisis=np.array([0.5, 0.1])), PRC="de_escalate")
    assert new.crisis[0] == pytest.approx(0.5 * 0.92 - 0.12)  # = 0.34
    assert new.crisis[1] == 0.0  # 0.092 − 0.12 < 0


def test_crisis_clips_at_one():
    new, _ = resolve(quiet(crisis=1.0), PRC="military pressure")
    assert new.crisis[0] == 1.0  # 0.92 + 0.25 > 1


def test_threat_rises_with_escalation_then_relaxes():
    """§7.4: θ_a,PRC += 0.30·escalation, then θ += 0.15·(θ⁰ − θ); θ⁰ = 0.6, 0.4, 0.5."""
    state = quiet(crisis=0.5)  # threat starts at θ⁰
    new, _ = resolve(state, PRC="military pressure")  # escalation = 0.25, no hooks, χ = 0
    for a, theta0 in ((USA, 0.6), (ROK, 0.4), (JPN, 0.5)):
        raised = theta0 + 0.30 * 0.25  # = θ⁰ + 0.075
        assert new.threat[0, a, PRC] == pytest.approx(raised + 0.15 * (theta0 - raised)), a
    assert new.threat[0, ROK, JPN] == pytest.approx(0.2)  # untouched pairs stay at θ⁰


def test_threat_relaxes_toward_the_starting_world_for_every_pair():
    """§7.4: θ_ij += 0.15·(θ⁰_ij − θ_ij); θ⁰_ROK,JPN = 0.2, θ⁰_JPN,ROK = 0.1, θ⁰_USA,ROK = world default."""
    c = hand()
    threat = c.world["threat"].copy()
    threat[ROK, JPN] = 0.8
    threat[JPN, ROK] = 0.0
    threat[USA, PRC] = 0.9
    new, _ = resolve(quiet(c, threat=threat), c=c)
    assert new.threat[0, ROK, JPN] == pytest.approx(0.8 + 0.15 * (0.2 - 0.8))  # = 0.71
    assert new.threat[0, JPN, ROK] == pytest.approx(0.0 + 0.15 * (0.1 - 0.0))  # = 0.015
    assert new.threat[0, USA, PRC] == pytest.approx(0.9 + 0.15 * (0.6 - 0.9))  # = 0.855


def test_threat_alignment_pulls_toward_the_mean_computed_before_any_pull():
    """§7.4: θ_a,PRC += h^ta_a·(θ̄ − θ_a,PRC), θ̄ the allies' mean after relaxation."""
    hooks = hooks_with(threat_alignment={USA: 0.2, ROK: 0.5, PRC: 1.0})
    new, _ = resolve(quiet(), hooks=hooks)  # at θ⁰, relaxation changes nothing
    mean = (0.6 + 0.4 + 0.5) / 3  # = 0.5
    assert new.threat[0, USA, PRC] == pytest.approx(0.6 + 0.2 * (mean - 0.6))  # = 0.58
    assert new.threat[0, ROK, PRC] == pytest.approx(0.4 + 0.5 * (mean - 0.4))  # = 0.45
    assert new.threat[0, JPN, PRC] == pytest.approx(0.5)


def test_threat_is_clipped_to_one():
    """§7.4 '... then clip': with no relaxation, 1.0 + 0.25·0.35 (coercion felt) = 1.0875 is clipped to 1."""
    c = hand(tension__threat_relaxation=0.0)
    threat = c.world["threat"].copy()
    threat[ROK, PRC] = 1.0
    felt = np.array([0.0, 0.35, 0.0, 0.0])
    new, _ = resolve(quiet(c, threat=threat, pressure=felt), c=c)
    assert new.threat[0, ROK, PRC] == 1.0
    relaxing = hand()
    new, _ = resolve(quiet(relaxing, threat=threat, pressure=felt), c=relaxing)
    assert new.threat[0, ROK, PRC] == pytest.approx(1.0875 + 0.15 * (0.4 - 1.0875))  # = 0.984375


def test_threat_rises_with_coercion_felt_scripted_or_chosen():
    """§7.4: θ_a,PRC += 0.25·p_a, p_a the pressure felt (post-event, before this turn's moves).

    Pressure from a scripted measure raises the target's threat perception as Beijing's
    coerce action does; this turn's squeeze is felt, and raises threat, from the next turn.
    """
    felt = np.array([0.0, 0.4, 0.2, 0.0])
    new, _ = resolve(quiet(pressure=felt))  # every actor holds: the pressure is scripted
    for a, theta0, p in ((ROK, 0.4, 0.4), (JPN, 0.5, 0.2)):
        raised = theta0 + 0.25 * p
        assert new.threat[0, a, PRC] == pytest.approx(raised + 0.15 * (theta0 - raised)), a
    assert new.threat[0, USA, PRC] == pytest.approx(0.6)  # no pressure felt
    squeezed, _ = resolve(quiet(), PRC="coerce ROK")  # new pressure, not yet felt
    assert squeezed.threat[0, ROK, PRC] == pytest.approx(0.4)


def test_squeeze_adds_shielded_pressure_that_bites_after_decay():
    """§7.4: squeeze = 0.35·(1 − h^cs_t); p' = (p + squeeze)·(1 − 0.20)."""
    hooks = hooks_with(coercion_shield={ROK: 0.2, JPN: 0.5})
    state = quiet(pressure=np.array([0.0, 0.3, 0.1, 0.0]))
    new, _ = resolve(state, hooks=hooks, PRC="coerce ROK")
    assert new.pressure[0, ROK] == pytest.approx((0.3 + 0.35 * (1 - 0.2)) * (1 - 0.20))  # = 0.464
    assert new.pressure[0, JPN] == pytest.approx(0.1 * (1 - 0.20))  # = 0.08
    # the pressure felt before the moves raises the target's threat of Beijing (0.25 per
    # unit), then relaxation; this turn's squeeze is felt from the next turn
    for a, theta0, p in ((ROK, 0.4, 0.3), (JPN, 0.5, 0.1)):
        raised = theta0 + 0.25 * p  # = 0.475, 0.525
        assert new.threat[0, a, PRC] == pytest.approx(raised + 0.15 * (theta0 - raised)), a


def test_pressure_concession_relief_and_clip():
    """§7.4: p' = clip((p·(1 − 0.60·[conceded]) + squeeze)·0.80)."""
    state = quiet(n=2, pressure=np.array([[0.0, 0.5, 0.5, 0.0], [0.0, 1.0, 0.0, 0.0]]))
    new, _ = resolve(state, ROK=["concede", "hold"], PRC=["hold", "coerce ROK"])
    assert new.pressure[0, ROK] == pytest.approx(0.5 * (1 - 0.60) * 0.80)  # = 0.16
    assert new.pressure[0, JPN] == pytest.approx(0.5 * 0.80)  # = 0.40
    assert new.pressure[1, ROK] == 1.0  # (1.0 + 0.35)·0.8 = 1.08, clipped


def test_inducement_offer_is_shielded_and_decays_in_the_same_turn():
    """§7.4: ι_t += 0.40·(1 − h^ws_t); ι' = clip(ι·(1 − 0.35))."""
    hooks = hooks_with(wedge_shield={JPN: 0.25, ROK: 0.9})
    state = quiet(n=2, inducement=np.array([[0.0, 0.4, 0.2, 0.0], [0.0, 0.0, 1.0, 0.0]]))
    new, _ = resolve(state, hooks=hooks, PRC="induce JPN")
    assert new.inducement[0, JPN] == pytest.approx((0.2 + 0.40 * (1 - 0.25)) * (1 - 0.35))  # = 0.325
    assert new.inducement[0, ROK] == pytest.approx(0.4 * (1 - 0.35))  # = 0.26
    assert new.inducement[1, JPN] == pytest.approx((1.0 + 0.40 * 0.75) * 0.65)  # = 0.845
    lasting = hand(tension__inducement_decay=0.0)
    new, _ = resolve(quiet(lasting, inducement=np.array([0.0, 0.0, 1.0, 0.0])), c=lasting, PRC="induce JPN")
    assert new.inducement[0, JPN] == 1.0  # 1.0 + 0.40, clipped


def test_demand_decays_and_answering_clears_it():
    """§7.4: d' = d·(1 − 0.30)·[not responding]."""
    state = quiet(demand=np.array([0.0, 0.5, 0.5, 0.0]))
    new, _ = resolve(state, JPN="coordinate")
    assert new.demand[0, ROK] == pytest.approx(0.5 * (1 - 0.30))  # = 0.35
    assert new.demand[0, JPN] == 0.0


def test_cost_of_holding_out_under_pressure_and_of_coercing():
    """§7.4: κ_a += 1.0·p_a·x_a,PRC·(1 − h^cs_a)·[not conceded]; κ_PRC += 1.0·p_a·x_PRC,a."""
    c = hand()
    exposure = c.world["exposure"].copy()
    exposure[ROK, PRC], exposure[JPN, PRC] = 0.25, 0.2
    exposure[PRC, ROK], exposure[PRC, JPN] = 0.05, 0.06
    hooks = hooks_with(coercion_shield={ROK: 0.2, JPN: 0.5})
    state = quiet(c, exposure=exposure, pressure=np.array([0.0, 0.4, 0.3, 0.0]))
    new, _ = resolve(state, c=c, hooks=hooks, JPN="concede", PRC="coerce ROK")
    assert new.cost[0, ROK] == pytest.approx(0.4 * 0.25 * (1 - 0.2))  # = 0.08 (pre-move pressure)
    assert new.cost[0, JPN] == 0.0  # conceded: spared
    assert new.cost[0, PRC] == pytest.approx(0.4 * 0.05 + 0.3 * 0.06)  # = 0.038, unshielded
    assert new.cost[0, USA] == 0.0


def test_cost_of_retaliating():
    """§7.4: κ_a += 0.05·[a retaliated], against anyone."""
    new, _ = resolve(quiet(cost=np.array([0.0, 0.3, 0.0, 0.0])), USA="retaliate PRC", ROK="retaliate JPN")
    assert new.cost[0, USA] == pytest.approx(0.05)
    assert new.cost[0, ROK] == pytest.approx(0.3 + 0.05)
    assert new.cost[0, PRC] == 0.0


def test_exposure_diversifies_with_pressure_felt():
    """§7.4: x_a,PRC ← x_a,PRC·(1 − 0.015·p_a); only the allies' exposure to Beijing moves."""
    c = hand()
    exposure = c.world["exposure"].copy()
    exposure[ROK, PRC] = 0.25
    state = quiet(c, exposure=exposure, pressure=np.array([0.0, 0.4, 0.0, 0.5]))
    new, _ = resolve(state, c=c)
    assert new.exposure[0, ROK, PRC] == pytest.approx(0.25 * (1 - 0.015 * 0.4))  # = 0.2485
    assert new.exposure[0, JPN, PRC] == exposure[JPN, PRC]
    np.testing.assert_array_equal(new.exposure[0, PRC], exposure[PRC])


def test_dispute_decays_faster_with_damping():
    """§7.4: D' = D·(1 − 0.03·(1 + h̄^dd)), h̄^dd = mean(h^dd_ROK, h^dd_JPN)."""
    hooks = hooks_with(dispute_damping={USA: 0.9, ROK: 0.1, JPN: 0.3})
    new, _ = resolve(quiet(dispute=0.4), hooks=hooks)
    assert new.dispute[0] == pytest.approx(0.4 * (1 - 0.03 * (1 + 0.2)))  # = 0.3856


def test_dispute_heats_with_seoul_tokyo_retaliation_only():
    """§7.4: D' = 1 − (1 − D_faded)·e^(−h), h = 0.25·spat·(1 − h̄^dd), spat = ROK vs JPN + JPN vs ROK."""
    hooks = hooks_with(dispute_damping={ROK: 0.1, JPN: 0.3})
    state = quiet(n=2, dispute=0.4)
    new, _ = resolve(state, hooks=hooks, ROK=["retaliate JPN", "retaliate PRC"], JPN="retaliate ROK")
    decayed = 0.4 * (1 - 0.03 * 1.2)  # = 0.3856
    assert new.dispute[0] == pytest.approx(1 - (1 - decayed) * exp(-0.25 * 2 * 0.8))  # = 0.58815
    assert new.dispute[1] == pytest.approx(1 - (1 - decayed) * exp(-0.25 * 1 * 0.8))  # = 0.49697


def test_dispute_retaliation_is_news_for_this_turn_only():
    """§7.2 and §7.4: the retaliation's heat erodes trust this turn; dispute_news is cleared after."""
    new, _ = resolve(quiet(dispute=0.4), JPN="retaliate ROK")
    assert new.dispute_news[0] == 0.0
    assert new.trust[0, JPN, ROK] == pytest.approx(fall(0.5, 1.25 * 0.25))


def test_dispute_offer_heats_only_when_taken_damped_and_erodes_trust():
    """§7.4: a hedge by the offer's target adds ω·(1 − h̄^dd) heat, news this turn; holding adds none."""
    hooks = hooks_with(n=2, dispute_damping={ROK: 0.1, JPN: 0.3})
    offer = np.zeros((2, 4))
    offer[:, ROK] = 0.12
    state = quiet(n=2, dispute=0.4, offer_heat=offer)
    new, _ = resolve(state, hooks=hooks, ROK=["hedge", "hold"])
    decayed = 0.4 * (1 - 0.03 * 1.2)  # = 0.3856
    heat = 0.12 * (1 - 0.2)  # = 0.096
    assert new.dispute[0] == pytest.approx(1 - (1 - decayed) * exp(-heat))  # = 0.44363
    assert new.dispute[1] == pytest.approx(decayed)
    assert new.trust[1, JPN, ROK] == 0.5  # an offer not taken is no news
    assert new.trust[0, ROK, JPN] < new.trust[1, ROK, JPN]  # the taken offer's heat is news
    assert (new.offer_heat == 0.0).all()  # the offer stands for its turn only


def test_dispute_cools_with_repair_and_brokering_and_clips_at_zero():
    """§7.4: − 0.08·mend, mend = ROK repairs JPN + JPN repairs ROK + USA brokers."""
    state = quiet(n=3, dispute=np.array([0.4, 0.4, 0.1]))
    new, _ = resolve(
        state,
        USA=["broker", "hold", "broker"],
        ROK=["repair JPN", "repair USA", "repair JPN"],
        JPN=["repair ROK", "repair ROK", "repair ROK"],
    )
    assert new.dispute[0] == pytest.approx(0.4 * 0.97 - 0.08 * 3)  # = 0.148: cooling is linear
    assert new.dispute[1] == pytest.approx(0.4 * 0.97 - 0.08 * 1)  # = 0.308: repair of USA not counted
    assert new.dispute[2] == 0.0  # 0.097 − 0.24 < 0


def test_dispute_has_no_ceiling_that_bites():
    """§7.4: near the top a retaliation still adds (1 − D)(1 − e^−h) > 0; the level stays below 1."""
    new, _ = resolve(quiet(dispute=0.9), ROK="retaliate JPN", JPN="retaliate ROK")
    faded = 0.9 * 0.97  # = 0.873
    assert new.dispute[0] == pytest.approx(1 - (1 - faded) * exp(-0.5))  # = 0.92297
    assert faded < new.dispute[0] < 1.0


# -- §7.5 order inside adjudication ------------------------------------------------------------


def test_order_mechanisms_read_the_new_dispute():
    """§7.5 + §5.2: GSOMIA's stress uses D' (after this turn's retaliation), not D."""
    c = hand(**{"mechanisms__gsomia__decay": 0.0, "mechanisms__gsomia__stress": 0.1})
    strength = c.mech["strength"].copy()
    strength[GSOMIA] = 0.5
    state = quiet(c, dispute=0.4, strength=strength)
    new, _ = resolve(state, c=c, ROK="retaliate JPN")
    d_new = 1 - (1 - 0.4 * 0.97) * exp(-0.25)  # = 0.52337
    assert new.dispute[0] == pytest.approx(d_new)
    assert new.strength[0, GSOMIA] == pytest.approx(0.5 - 0.1 * 1.0 * d_new * 0.5)  # = 0.47383


def test_order_a_members_moves_reach_the_mechanism_step_and_its_fellows_trust():
    """§5.3 + §7.4 via adjudication: Seoul's notice on GSOMIA sets its notice clock (3)
    and reads to Tokyo as a suspension, a hostile act: logit T_JPN,ROK' = 0 − 0.55962·0.98995;
    Tokyo's suspension of the exercises holds them for Tokyo alone."""
    c = hand(mechanisms__gsomia__notice_period=3)
    new, _ = resolve(quiet(c), c=c, ROK="notice gsomia", JPN="suspend trilateral_exercises")
    assert new.status[0, GSOMIA] == ACTIVE
    assert new.noticed_by[0, GSOMIA] == 1 << ROK and new.notice_left[0, GSOMIA] == 3
    assert new.status[0, EXERCISES] == SUSPENDED and new.held_by[0, EXERCISES] == 1 << JPN
    # Tokyo's trust in Seoul: the notice only (the suspension is Tokyo's own move)
    assert new.trust[0, JPN, ROK] == pytest.approx(fall(0.5, 1.0))  # = 0.36494
    # Seoul's trust in Tokyo: the suspension of the exercises, a co-membership
    assert new.trust[0, ROK, JPN] == pytest.approx(fall(0.5, 1.0))


def test_order_a_restore_counts_as_an_investment_and_a_good_signal():
    """§5.2 + §5.3 via adjudication: restoring GSOMIA held by Seoul alone returns it and
    adds gain 0.1·1·(1 − 0.5); Tokyo's trust in Seoul rises by the investment signal 0.3 (friendly)."""
    c = hand(**{"mechanisms__gsomia__decay": 0.0, "mechanisms__gsomia__invest_gain": 0.1})
    strength, status, held = c.mech["strength"].copy(), c.mech["status"].copy(), np.zeros(N_M, dtype=np.int8)
    strength[GSOMIA], status[GSOMIA], held[GSOMIA] = 0.5, SUSPENDED, 1 << ROK
    new, _ = resolve(quiet(c, strength=strength, status=status, held_by=held), c=c, ROK="restore gsomia")
    assert new.status[0, GSOMIA] == ACTIVE and new.held_by[0, GSOMIA] == 0
    assert new.strength[0, GSOMIA] == pytest.approx(
        0.5 - 0.10 * 0.5 + 0.1 * 0.5
    )  # suspended decay 0.10: = 0.5
    assert new.trust[0, JPN, ROK] == pytest.approx(rise(0.5, 0.3))  # = 0.51490


def test_order_washingtons_press_reaches_the_pressed_partner_only():
    """§5.3 via adjudication: urged' = 0.6 on (ROK, gsomia) and on (JPN, relationship)."""
    c = hand(mechanism_rules__press=0.6, mechanism_rules__press_decay=0.3)
    new, _ = resolve(quiet(c), c=c, USA="press ROK gsomia")
    assert new.urged[0, ROK, GSOMIA] == pytest.approx(0.6)
    assert new.urged.sum() == pytest.approx(0.6)
    again, _ = resolve(quiet(c, urged=new.urged), c=c, USA="press JPN")
    assert again.urged[0, ROK, GSOMIA] == pytest.approx(0.42)  # 0.6·(1 − 0.3)
    assert again.urged[0, JPN, N_M] == pytest.approx(0.6)


def test_order_concessions_and_investments_reach_the_mechanism_step():
    """§5.2 via adjudication: K_m members conceding, I_m members investing this turn."""
    c = hand(
        **{
            "mechanisms__trilateral_exercises__decay": 0.0,
            "mechanisms__trilateral_exercises__concession_stress": 0.5,
            "mechanisms__gsomia__decay": 0.0,
            "mechanisms__gsomia__invest_gain": 0.1,
        }
    )
    strength = c.mech["strength"].copy()
    strength[EXERCISES], strength[GSOMIA] = 0.4, 0.5
    state = quiet(c, strength=strength)
    new, _ = resolve(state, c=c, ROK="concede", JPN="concede")
    assert new.strength[0, EXERCISES] == pytest.approx(0.4 * (1 - 0.5) ** 2)  # K = 2: = 0.1
    invested, _ = resolve(state, c=c, ROK="invest gsomia", JPN="invest gsomia")
    assert invested.strength[0, GSOMIA] == pytest.approx(0.5 + 0.1 * 2 * (1 - 0.5))  # I = 2: = 0.6


# -- added for mutants that survived the first mutation run (tests/MUTATION.md) ---------------


def test_flags_military_crisis_at_exactly_the_threshold_without_coercion():
    """§7.1: military = c ≥ 0.30; at c = 0.30 exactly, with no ally coerced, answers are tested."""
    new, out = resolve(quiet(crisis=0.30), USA="coordinate", ROK="coordinate")
    assert out.crisis_turn[0]
    assert new.trust[0, USA, ROK] == pytest.approx(believe(0.5, ANSWER))


def test_outcome_carries_the_choices():
    c = hand()
    picks = choices(c, n=2, ROK=["hedge", "concede"], PRC=["coerce ROK", "hold"])
    _, out = adjudicate(quiet(c, n=2), picks, Signals.zeros(2, 4), zero_hooks(2), c)
    np.testing.assert_array_equal(out.choices, picks)


def test_a_member_choosing_suspend_suspends_that_mechanism_only():
    """§5.3 via adjudication: 'a member chose suspend m this turn'; holding suspends nothing."""
    state = quiet()
    held, _ = resolve(state)
    np.testing.assert_array_equal(held.status, state.status)
    suspended, _ = resolve(state, ROK="suspend gsomia")
    changed = np.flatnonzero(suspended.status[0] != state.status[0])
    assert changed.tolist() == [GSOMIA] and suspended.status[0, GSOMIA] == SUSPENDED


def test_suspended_for_is_carried_into_the_new_state():
    """§5.3 via adjudication: suspended_for counts consecutive suspended turns (2 → 3)."""
    c = hand()
    status = c.mech["status"].copy()
    status[GSOMIA] = SUSPENDED
    count = np.zeros(len(MECHANISMS), dtype=np.int16)
    count[GSOMIA] = 2
    new, _ = resolve(quiet(c, status=status, suspended_for=count), c=c)
    assert new.suspended_for[0, GSOMIA] == 3


ON_SEOUL = np.array([0.0, 0.4, 0.0, 0.0])
OFFER_TO_SEOUL = np.array([0.0, 0.5, 0.0, 0.0])


@pytest.mark.parametrize(
    ("moves", "changes", "view", "pair", "good", "bad"),
    [
        ({"USA": "coordinate", "ROK": "coordinate"}, {"crisis": 0.5}, "trust", (USA, ROK), "answer", 0.0),
        ({"JPN": "retaliate ROK"}, {}, "opinion", (ROK, JPN), 0.0, 0.75 + 0.7 * 0.25),  # and its heat as news
        ({"USA": "broker"}, {}, "trust", (JPN, ROK), 0.6, 0.0),
        ({"JPN": "invest gsomia"}, {}, "trust", (ROK, JPN), 0.3, 0.0),
        ({"ROK": "suspend gsomia"}, {}, "trust", (JPN, ROK), 0.0, 1.0),
        ({}, {"pressure": ON_SEOUL}, "trust", (ROK, PRC), 0.0, 1.1 * 0.4),
        ({}, {"pressure": ON_SEOUL}, "opinion", (ROK, PRC), 0.0, 1.05 * 0.4),
        ({"ROK": "hedge"}, {"inducement": OFFER_TO_SEOUL}, "trust", (ROK, PRC), 0.65 * 0.5, 0.0),
    ],
)
def test_move_signals_add_to_the_event_signals_already_there(moves, changes, view, pair, good, bad):
    """§7.2: each move's signal joins the events' (0.2 good and 0.1 bad on every pair); for trust
    the events' are news at once and the move's the month's conduct (§7.3); "answer" is the
    tested answer's log-likelihood ratio rather than a signal."""
    signals = Signals.zeros(1, 4)
    for array in (signals.trust_good, signals.opinion_good):
        array += 0.2
    for array in (signals.trust_bad, signals.opinion_bad):
        array += 0.1
    new, _ = resolve(quiet(**changes), signals=signals, **moves)
    if view == "trust":
        conduct = ANSWER if good == "answer" else FRIENDLY * good - HOSTILE * bad
        expected = believe(0.5, conduct, news=FRIENDLY * 0.2 - HOSTILE * 0.1)
    else:
        expected = 0.5 + 0.06 * 0.5 * (1 - exp(-(0.2 + good))) - 0.15 * 0.5 * (1 - exp(-(0.1 + bad)))
    assert getattr(new, view)[0, pair[0], pair[1]] == pytest.approx(expected)


def test_investment_signal_only_in_the_runs_that_invest():
    """§7.2 investment, two runs: Tokyo invests in run 0 only; run 1's views do not move."""
    new, _ = resolve(quiet(n=2), JPN=["invest gsomia", "hold"])
    assert new.trust[0, ROK, JPN] == pytest.approx(rise(0.5, 0.3))
    assert new.trust[1, ROK, JPN] == 0.5


def test_hook_means_are_taken_per_run():
    """§7.2, §7.4: h̄^ss, h̄^det, h̄^dd and the allies' mean threat θ̄ are means over actors within a run.

    Run 0: shields 0.2 and 0.4 (mean 0.3); run 1: all 0 (a mean over both runs would give 0.15).
    """
    hooks = zero_hooks(2)
    for name, per_actor in (
        ("spillover_shield", {ROK: 0.2, JPN: 0.4}),
        ("deterrence", {USA: 0.1, ROK: 0.2, JPN: 0.3}),
        ("dispute_damping", {ROK: 0.1, JPN: 0.3}),
        ("threat_alignment", {ROK: 0.5}),
    ):
        for a, v in per_actor.items():
            hooks.actor[0, H[name], a] = v
    # run 1 keeps no hook at all
    c = hand()
    threat = np.tile(c.world["threat"], (2, 1, 1))
    threat[1, USA, PRC] = 0.9  # run 1's allies see Beijing differently; θ⁰ is still 0.6
    state = quiet(c, n=2, dispute=0.5, dispute_news=0.5, crisis=0.5, threat=threat)
    new, _ = resolve(state, c=c, hooks=hooks, PRC="military pressure")
    bad = [1.25 * 0.5 * (1 - 0.3), 1.25 * 0.5]
    for k in (0, 1):
        assert new.trust[k, ROK, JPN] == pytest.approx(fall(0.5, bad[k])), k
    assert new.crisis.tolist() == pytest.approx([0.46 + 0.25 * (1 - 0.2), 0.46 + 0.25])
    assert new.dispute.tolist() == pytest.approx([0.5 * (1 - 0.03 * 1.2), 0.5 * (1 - 0.03)])
    # run 0: ROK pulled halfway to the allies' mean after escalation (0.2 deterred) and relaxation
    esc = 0.25 * (1 - 0.2)
    relaxed = [t + 0.30 * esc - 0.15 * 0.30 * esc for t in (0.6, 0.4, 0.5)]  # θ⁰ + 0.85·0.3·esc
    mean = sum(relaxed) / 3
    assert new.threat[0, ROK, PRC] == pytest.approx(relaxed[1] + 0.5 * (mean - relaxed[1]))
    assert new.threat[1, ROK, PRC] == pytest.approx(0.4 + 0.85 * 0.30 * 0.25)  # no alignment in run 1


# -- leverage and turn length (on main since these tests were first written) -------------------


def test_cost_of_holding_out_scales_with_leverage():
    """MODEL.md Validation (lever-specific dependence): κ_a += p·x·λ·(1 − h^cs), λ_ROK = 2."""
    c = hand()
    exposure = c.world["exposure"].copy()
    exposure[ROK, PRC] = 0.25
    hooks = hooks_with(coercion_shield={ROK: 0.2})
    state = quiet(
        c, exposure=exposure, pressure=np.array([0.0, 0.4, 0.0, 0.0]), leverage=np.array([1, 2.0, 1, 1])
    )
    new, _ = resolve(state, c=c, hooks=hooks)
    assert new.cost[0, ROK] == pytest.approx(0.4 * 0.25 * 2.0 * (1 - 0.2))  # = 0.16


def test_coercion_blends_leverage_toward_one_by_the_added_share():
    """Beijing's coerce adds pressure at leverage 1: λ' = λ + (1 − λ)·squeeze/(kept + squeeze)."""
    hooks = hooks_with(coercion_shield={ROK: 0.2})
    state = quiet(n=2, pressure=np.array([0.0, 0.3, 0.0, 0.0]), leverage=np.array([1, 2.0, 1, 1]))
    new, _ = resolve(state, hooks=hooks, ROK=["hold", "concede"], PRC="coerce ROK")
    squeeze = 0.35 * (1 - 0.2)  # = 0.28
    assert new.leverage[0, ROK] == pytest.approx(2.0 + (1 - 2.0) * squeeze / (0.3 + squeeze))  # = 1.5172
    kept = 0.3 * (1 - 0.60)  # conceded: = 0.12
    assert new.leverage[1, ROK] == pytest.approx(2.0 + (1 - 2.0) * squeeze / (kept + squeeze))  # = 1.3
    held, _ = resolve(state, hooks=hooks)
    assert held.leverage[0, ROK] == 2.0  # nothing added: unchanged


def test_half_month_turn_takes_event_evidence_once_and_moves_as_a_rate():
    """MODEL.md Turn length through adjudicate (§7.3): the events' 0.3 bad evidence at once, then
    Washington's brokering (0.6 a month, 0.3 this turn) as a steady rate over half a month."""
    from sim.compiled import compile_parameters

    c = compile_parameters(hand().params, 0.5)
    signals = Signals.zeros(1, 4)
    signals.add("trust", ROK, JPN, -0.3)
    new, _ = adjudicate(quiet(c), choices(c, USA="broker"), signals, zero_hooks(), c)
    assert c.params.trust.broker == pytest.approx(0.3)  # an amount, scaled to the turn
    moved = 1 - exp(-K * 0.5)  # share of the gap to the prior closed in half a month = 0.01005
    rate = 0.6 * FRIENDLY  # log-odds per month
    x = -0.3 * HOSTILE  # after the events' news
    x = x + (0.0 - x) * moved + rate * moved / K
    assert new.trust[0, ROK, JPN] == pytest.approx(1 / (1 + exp(-x)))
    assert new.trust[0, JPN, ROK] == pytest.approx(1 / (1 + exp(-rate * moved / K)))


def test_half_month_turn_updates_opinion_the_same_way():
    """As above for opinion: the events' 0.3 bad opinion evidence once, then Tokyo's repair
    gesture (opinion.repair, scaled to the turn) as a monthly rate over half a month."""
    from sim.compiled import compile_parameters

    c = compile_parameters(hand().params, 0.5)
    signals = Signals.zeros(1, 4)
    signals.add("opinion", ROK, JPN, -0.3)
    new, _ = adjudicate(quiet(c), choices(c, JPN="repair ROK"), signals, zero_hooks(), c)
    gain, loss, repair = c.params.opinion.gain, c.params.opinion.loss, c.params.opinion.repair
    after_events = 0.5 - loss * 0.5 * (1 - exp(-0.3))
    u = gain * (1 - exp(-repair / 0.5))
    assert new.opinion[0, ROK, JPN] == pytest.approx(1 + (after_events - 1) * (1 - u) ** 0.5)


# -- issue 8: news not level, sturdiness, hedging, the tit-for-tat memory ----------------------


def test_signal_standing_dispute_chills_seoul_tokyo_good_evidence_only():
    """§7.2 chill: Seoul-Tokyo good trust evidence × (1 − 0.8·D); opinion and other pairs untouched."""
    new, _ = resolve(quiet(dispute=0.5), USA="broker", JPN="invest trilateral_exercises")
    assert new.trust[0, JPN, ROK] == pytest.approx(rise(0.5, 0.6 * (1 - 0.8 * 0.5)))
    # Seoul sees the broker and Tokyo's investment: (0.6 + 0.3) chilled
    assert new.trust[0, ROK, JPN] == pytest.approx(rise(0.5, 0.9 * 0.6))
    assert new.trust[0, USA, JPN] == pytest.approx(rise(0.5, 0.3))  # not chilled


def test_signal_hedging_in_peacetime_costs_every_ally_less_than_abandonment():
    """§7.2 hedging: −0.45 on i→j for each ally i when j hedges outside a crisis i answered."""
    new, _ = resolve(quiet(), ROK="hedge")
    hedged = fall(0.5, 0.45)
    assert new.trust[0, USA, ROK] == pytest.approx(hedged)
    assert new.trust[0, JPN, ROK] == pytest.approx(hedged)
    assert new.trust[0, PRC, ROK] == 0.5
    crisis, _ = resolve(quiet(crisis=0.5), USA="coordinate", ROK="hedge")
    assert crisis.trust[0, USA, ROK] < new.trust[0, USA, ROK]  # abandonment (1.2) replaces it, not adds


def test_grievance_remembers_measures_and_fades():
    """§7.4 memory: G' = 0.7·G + this turn's measures (events' measures, retaliation, walk-outs)."""
    grievance = np.zeros((4, 4))
    grievance[ROK, JPN] = 0.5
    signals = Signals.zeros(1, 4)
    signals.add_measure(ROK, JPN, -0.72)  # Tokyo's export controls, as an event's signal
    signals.add("trust", JPN, ROK, -0.4)  # bad news about Seoul that is no measure of Seoul's
    new, _ = resolve(quiet(grievance=grievance), signals=signals, JPN="retaliate ROK", ROK="suspend gsomia")
    # the old grievance faded, the export controls, Tokyo's retaliation (1.5): unbounded
    assert new.grievance[0, ROK, JPN] == pytest.approx(0.7 * 0.5 + 0.72 + 1.5)  # = 2.57
    # Seoul suspended a pact Tokyo is in: 1.0 x (1 - salience 0.2), a military pact is a measure
    assert new.grievance[0, JPN, ROK] == pytest.approx(0.8)
    assert new.grievance[0, USA, ROK] == 0.0  # Washington is not in GSOMIA
    later, _ = resolve(new)
    assert later.grievance[0, ROK, JPN] == pytest.approx(0.7 * 2.57)  # a quiet turn: it fades


def test_a_walk_out_is_remembered_by_what_is_not_gesture():
    """§7.4 memory: a suspension or notice adds trust.suspension x (1 - salience) to the partners' G.

    Out of the history dialogue (salience 1.0) it is all gesture to the home public: nothing
    remembered, though Tokyo's trust still takes the suspension's bad evidence; out of joint
    statements (0.7) 0.3; a notice on the exercises (0.1) 0.9, to Washington too.
    """
    dialogue, _ = resolve(quiet(), ROK="suspend history_dialogue")
    assert dialogue.grievance[0, JPN, ROK] == 0.0
    assert dialogue.trust[0, JPN, ROK] < 0.5
    statements, _ = resolve(quiet(), ROK="suspend joint_statements")
    assert statements.grievance[0, JPN, ROK] == pytest.approx(0.3)
    assert statements.grievance[0, USA, ROK] == pytest.approx(0.3)
    drills, _ = resolve(quiet(), JPN="notice trilateral_exercises")
    assert drills.grievance[0, ROK, JPN] == pytest.approx(0.9)
    assert drills.grievance[0, USA, JPN] == pytest.approx(0.9)
