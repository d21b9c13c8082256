"""MODEL.md §6.3-6.4 (features and utility, agents/utility.py), each against a value worked by hand.

Coverage map (MODEL.md section -> tests):

- §6.3, one row of the features table per case of test_feature_by_hand (all 40
  features; target and mechanism features for several actors and targets), plus the
  helper views π_a (test_partner_trust_*) and Ō^A_a (in the table: opinion_allies).
- §6.4 U(o) = Σ_q w_a,q term_q(o) − τ_a ln N_a,k: test_utility_*; the crowding
  correction alone: test_crowding_*; a kind with no nonzero coefficient: test_kind_*.
- §6.4 the unweighted terms (utility_terms): test_terms_*.

The state below gives every quantity a distinct value; the hooks are set by hand.
"""

from __future__ import annotations

from dataclasses import fields
from math import exp, log

import numpy as np
import pytest
from handmade import hand, hooks_with, quiet, quiet_opinion, quiet_trust

from agents.utility import FEATURES, situation, utilities, utility_plan, utility_terms
from sim.actions import K
from sim.actors import JPN, PRC, ROK, USA
from sim.mechanisms import Hooks
from sim.vocab import ACTIVE as K_ACTIVE
from sim.vocab import FEATURES as FEATURE_NAMES
from sim.vocab import MECHANISMS
from sim.vocab import SUSPENDED as K_SUSPENDED

M = {name: k for k, name in enumerate(MECHANISMS)}
GS, EX, JS = M["gsomia"], M["trilateral_exercises"], M["joint_statements"]
NONE = -1

EFFECTS = {
    "mechanisms__gsomia__effects__coordination": 0.2,
    "mechanisms__trilateral_exercises__effects__coordination": 0.3,
    "mechanisms__trilateral_exercises__effects__deterrence": 0.25,
}


def world():
    """A state in which every quantity a feature reads has its own value."""
    c = hand(**EFFECTS)
    trust = quiet_trust(
        ROK_USA=0.8,
        ROK_JPN=0.3,
        JPN_ROK=0.2,
        USA_ROK=0.7,
        USA_JPN=0.9,
        JPN_USA=0.75,
        JPN_PRC=0.35,
        PRC_ROK=0.1,
        PRC_JPN=0.3,
    )
    opinion = quiet_opinion(ROK_PRC=0.3, ROK_USA=0.7, ROK_JPN=0.4, USA_ROK=0.65, USA_JPN=0.55, JPN_USA=0.8)
    threat = c.world["threat"].copy()
    threat[ROK, PRC], threat[ROK, JPN], threat[JPN, PRC] = 0.6, 0.35, 0.45
    exposure = c.world["exposure"].copy()
    exposure[ROK, PRC], exposure[ROK, JPN], exposure[JPN, PRC], exposure[PRC, ROK] = 0.25, 0.08, 0.2, 0.15
    strength = c.mech["strength"].copy()
    strength[GS] = 0.5
    grievance = np.zeros((4, 4))
    grievance[ROK, JPN], grievance[JPN, ROK], grievance[ROK, PRC] = 0.72, 0.25, 0.1
    state = quiet(
        c,
        trust=trust,
        opinion=opinion,
        threat=threat,
        exposure=exposure,
        crisis=0.4,
        dispute=0.3,
        resolve=np.array([0.9, 0.45, 0.55, 0.8]),
        demand=np.array([0.0, 0.5, 0.2, 0.0]),
        pressure=np.array([0.05, 0.4, 0.0, 0.0]),
        inducement=np.array([0.2, 0.5, 0.0, 0.0]),
        cost=np.array([0.0, 0.7, 0.0, 0.0]),
        cohesion=60.0,
        strength=strength,
        leverage=np.array([1.0, 1.5, 1.0, 1.0]),
        grievance=grievance,
    )
    hooks = hooks_with(
        coordination={ROK: 0.3},
        coercion_shield={ROK: 0.2, JPN: 0.1},
        wedge_shield={ROK: 0.25, JPN: 0.4},
    )
    return state, hooks, c


# (feature, actor, target, mechanism, value worked by hand)
CASES = [
    ("one", ROK, NONE, NONE, 1.0),
    ("crisis", PRC, NONE, NONE, 0.4),
    ("threat_prc", ROK, NONE, NONE, 0.6),
    ("exposure_prc", ROK, NONE, NONE, 0.25),
    ("opinion_prc", ROK, NONE, NONE, 0.3),
    ("opinion_allies", ROK, NONE, NONE, (0.7 + 0.4) / 2),  # Ō^A_ROK = mean(O_ROK,USA, O_ROK,JPN)
    ("opinion_allies", USA, NONE, NONE, (0.65 + 0.55) / 2),
    ("opinion_allies", PRC, NONE, NONE, (0.5 + 0.5 + 0.5) / 3),  # Beijing: all three allies
    ("trust_usa", ROK, NONE, NONE, 0.8),
    ("trust_usa", USA, NONE, NONE, 1.0),  # the diagonal
    ("resolve", ROK, NONE, NONE, 0.45),
    ("demand", ROK, NONE, NONE, 0.5),
    ("dispute_heat", ROK, NONE, NONE, 0.3),
    ("dispute_heat", JPN, NONE, NONE, 0.3),
    ("dispute_heat", USA, NONE, NONE, 0.0),
    ("dispute_heat", PRC, NONE, NONE, 0.0),
    ("coordination", ROK, NONE, NONE, 0.3),
    ("crisis_threat", ROK, NONE, NONE, 0.4 * 0.6),  # c·θ_ROK,PRC
    ("dispute", PRC, NONE, NONE, 0.3),
    ("coercion_pain", ROK, NONE, NONE, 0.4 * 0.25 * 1.5 * (1 - 0.2)),  # p·x·λ·(1 − h^cs) = 0.12
    ("fatigue", ROK, NONE, NONE, (1 - exp(-0.7)) * (1 - 0.45)),  # (1 − e^−κ)(1 − r) = 0.2769
    ("wedge_pull", ROK, NONE, NONE, 0.5 * (1 - 0.25)),  # ι(1 − h^ws) = 0.375; trust acts through P_i
    ("wedge_pull", USA, NONE, NONE, 0.2 * (1 - 0.0)),  # = 0.2
    # Σ_j w_ij T_ij: Seoul and Tokyo weigh Washington by patron_weight 0.67, Washington its two allies equally
    ("expected_support", ROK, NONE, NONE, 0.67 * 0.8 + 0.33 * 0.3),
    ("expected_support", JPN, NONE, NONE, 0.67 * 0.75 + 0.33 * 0.2),
    ("expected_support", USA, NONE, NONE, 0.5 * 0.7 + 0.5 * 0.9),
    # (1 − patron_weight)(1 − T_a,USA) toward the partner or a mechanism joining Seoul and Tokyo (Cha 1999)
    ("support_need", ROK, JPN, NONE, 0.33 * (1 - 0.8)),  # = 0.066
    ("support_need", JPN, ROK, NONE, 0.33 * (1 - 0.75)),  # = 0.0825
    ("support_need", ROK, USA, NONE, 0.0),  # the patron itself: not a partner
    ("support_need", ROK, PRC, NONE, 0.0),
    ("support_need", USA, ROK, NONE, 0.0),  # Washington has no patron
    ("support_need", ROK, NONE, GS, 0.33 * (1 - 0.8)),  # GSOMIA joins Seoul and Tokyo
    ("support_need", JPN, NONE, M["trilateral_exercises"], 0.33 * (1 - 0.75)),
    ("support_need", ROK, NONE, NONE, 0.0),  # no target, no mechanism
    ("threat_target", ROK, JPN, NONE, 0.35),
    ("target_exposure", ROK, JPN, NONE, 0.08),
    ("opinion_target", ROK, JPN, NONE, 0.4),
    ("grievance_target", ROK, JPN, NONE, 0.72),  # G_ROK,JPN: Tokyo's recent measures (not D = 0.3)
    ("grievance_target", JPN, ROK, NONE, 0.25),
    ("grievance_target", ROK, PRC, NONE, 0.1 + 0.4),  # G_ROK,PRC + p_ROK toward Beijing
    ("grievance_target", USA, PRC, NONE, 0.05),
    ("grievance_target", ROK, USA, NONE, 0.0),
    ("grievance_target", ROK, NONE, NONE, 0.0),  # no target: 0
    ("grievance_target", JPN, USA, NONE, 0.0),
    ("grievance_target", JPN, PRC, NONE, 0.0),  # p_JPN = 0
    ("ally_trust_target", ROK, JPN, NONE, 0.3),  # T_ROK,JPN, the target an ally
    ("ally_trust_target", JPN, ROK, NONE, 0.2),
    ("ally_trust_target", ROK, USA, NONE, 0.8),
    ("ally_trust_target", ROK, PRC, NONE, 0.0),  # T_ROK,PRC = 0.5, but Beijing is no ally
    ("ally_trust_target", ROK, NONE, NONE, 0.0),
    ("target_is_ally", ROK, JPN, NONE, 1.0),
    ("target_is_ally", ROK, PRC, NONE, 0.0),
    ("target_is_ally", ROK, NONE, NONE, 0.0),
    ("distrust_target", ROK, JPN, NONE, 1 - 0.3),
    ("allies_rift", USA, NONE, NONE, 1 - (0.3 + 0.2) / 2),  # = 0.75
    ("mechanism_security", ROK, NONE, GS, (0.2 + 0.0) * 0.5 * (0.4 + 0.6)),  # = 0.1
    ("mechanism_security", ROK, NONE, EX, (0.3 + 0.25) * 0.5 * (0.4 + 0.6)),  # = 0.275
    ("mechanism_security", JPN, NONE, EX, (0.3 + 0.25) * 0.5 * (0.4 + 0.45)),  # = 0.23375
    ("opinion_members", ROK, NONE, GS, 0.4),
    ("opinion_members", ROK, NONE, EX, (0.7 + 0.4) / 2),
    ("member_trust", ROK, NONE, GS, 0.3),
    ("member_trust", USA, NONE, JS, (0.7 + 0.9) / 2),
    ("member_trust", JPN, NONE, EX, (0.75 + 0.2) / 2),
    ("mechanism_gap", ROK, NONE, GS, 1 - 0.5),
    ("target_trust_usa", PRC, ROK, NONE, 0.8),
    ("target_demand", PRC, ROK, NONE, 0.5),
    ("target_exposure_prc", PRC, ROK, NONE, 0.25),
    ("own_exposure_target", PRC, ROK, NONE, 0.15),
    ("own_exposure_target", ROK, JPN, NONE, 0.08),  # x_ROK,JPN
    ("target_concession_odds", PRC, ROK, NONE, 0.25 * (1 - 0.45) * (1 - 0.2)),  # = 0.11
    ("target_concession_odds", PRC, JPN, NONE, 0.2 * (1 - 0.55) * (1 - 0.1)),  # = 0.081
    ("target_rift", PRC, ROK, NONE, 1 - 0.3),  # 1 − π_ROK
    ("target_rift", PRC, JPN, NONE, 1 - 0.2),  # 1 − π_JPN
    ("target_wedge_odds", PRC, JPN, NONE, 0.35 * (1 - 0.4)),  # T_JPN,PRC(1 − h^ws_JPN) = 0.21
    ("target_wedge_odds", PRC, ROK, NONE, 0.5 * (1 - 0.25)),
    ("allied_cohesion", PRC, NONE, NONE, 60.0 / 100),
    ("crisis_cohesion", PRC, NONE, NONE, 0.4 * 60.0 / 100),  # = 0.24
    # Beijing's aims (BEIJING_AIMS)
    (
        "concession_prize",
        PRC,
        ROK,
        NONE,
        min(1, 0.5 + 0.4) * 0.25 * (1 - 0.45) * (1 - 0.2),
    ),  # (d + c)·x·(1 − r)·(1 − h^cs) = 0.099
    ("concession_prize", PRC, JPN, NONE, min(1, 0.2 + 0.4) * 0.2 * (1 - 0.55) * (1 - 0.1)),  # = 0.0486
    ("bullying", PRC, ROK, NONE, 0.0),  # p_JPN
    ("bullying", PRC, JPN, NONE, 0.4),  # p_ROK
    ("bullying", PRC, USA, NONE, 0.0),  # no Asian partner: 0
    ("target_goodwill", PRC, ROK, NONE, 0.3),  # O_ROK,PRC
    ("target_goodwill", PRC, JPN, NONE, 0.5),
]


#: §6.6 the assurance game's features, read at a stake and a P_i set by hand (the
#: situation's own come from the data and from the coordination game's rounds).
STAKE = np.array([0.5, 0.35, 0.9, 0.0])  # USA, ROK, JPN, PRC
JOIN = np.array([[0.6, 0.5, 0.7, 0.0]])  # P_i, shape (runs, actors)
ASSURED_CASES = [
    ("assured_stake", ROK, 0.35 * 0.4 * 0.6 * 0.5),  # s_ROK · c · θ_ROK,PRC · P_ROK = 0.042
    ("assured_stake", JPN, 0.9 * 0.4 * 0.45 * 0.7),  # = 0.1134
    ("left_exposed", ROK, 0.25 * (1 - 0.5)),  # x_ROK,PRC (1 − P_ROK) = 0.125
    ("left_exposed", JPN, 0.2 * (1 - 0.7)),  # = 0.06
    ("partners_join", ROK, 0.5),
    ("partners_join", JPN, 0.7),
    # the value of a joint answer, and of the joint readiness the mechanisms build,
    # counts only as far as the partners are expected to join
    ("joint_answer", ROK, 0.4 * 0.5),  # c · P_ROK = 0.2
    ("joint_answer", JPN, 0.4 * 0.7),  # = 0.28
    ("readiness", ROK, 0.4 * 0.3 * 0.5),  # c · h^co_ROK · P_ROK = 0.06
    ("readiness", JPN, 0.4 * 0.0 * 0.7),  # Tokyo's mechanisms give no coordination here: 0
]


#: §6.3 the features of governments' decisions about mechanisms and of Washington's
#: pressure, in `mechanism_world` (Washington presses Seoul about GSOMIA (0.6) and about
#: Tokyo (0.3), Tokyo about Seoul (0.5) and about ACSA (0.2); Seoul has given notice on
#: GSOMIA; ACSA is suspended; threat USA→PRC 0.7; crisis 0.4).
AC, HD = M["acsa"], M["history_dialogue"]
MECHANISM_CASES = [
    ("urged_mechanism", ROK, NONE, GS, 0.6),
    ("urged_mechanism", JPN, NONE, AC, 0.2),
    ("urged_mechanism", ROK, NONE, NONE, 0.0),  # no mechanism: not the relationship column
    ("urged_partner", ROK, JPN, NONE, 0.3),
    ("urged_partner", JPN, ROK, NONE, 0.5),
    ("urged_partner", ROK, USA, NONE, 0.0),  # only toward the Asian partner
    ("urged_partner", ROK, PRC, NONE, 0.0),
    ("target_urged", USA, ROK, GS, 0.6),
    ("target_urged", USA, JPN, NONE, 0.5),  # the relationship column
    # security value (coordination + deterrence) x (c + θ_USA,PRC)/2 x at risk
    ("press_stake", USA, ROK, GS, 0.2 * 0.5 * (0.4 + 0.7) * 1.0),  # Seoul's notice pending: = 0.11
    ("press_stake", USA, JPN, GS, 0.2 * 0.5 * (0.4 + 0.7) * (1 - 0.5)),  # in force, s = 0.5: = 0.055
    ("press_stake", USA, JPN, AC, 0.25 * 0.5 * (0.4 + 0.7) * 1.0),  # suspended: = 0.1375
    ("press_stake", USA, ROK, NONE, 0.0),
    ("press_rift", USA, ROK, NONE, 1 - 0.3),  # 1 − T_ROK,JPN
    ("press_rift", USA, JPN, NONE, 1 - 0.2),
    ("press_rift", USA, ROK, GS, 0.0),  # a press about a mechanism
    # mending effects (0.5 + 0.6 + 0.3 = 1.4) x (1 − mean trust in fellow members)
    ("mechanism_repair", ROK, NONE, HD, 1.4 * (1 - 0.3)),  # = 0.98
    ("mechanism_repair", JPN, NONE, HD, 1.4 * (1 - 0.2)),  # = 1.12
    ("mechanism_repair", ROK, NONE, GS, 0.0),  # GSOMIA mends nothing
    # salience x (D + G_a,partner): D = 0.3, G_ROK,JPN = 0.72, G_JPN,ROK = 0.25
    ("exposed_dispute", ROK, NONE, HD, 0.9 * (0.3 + 0.72)),  # = 0.918
    ("exposed_dispute", JPN, NONE, HD, 0.9 * (0.3 + 0.25)),  # = 0.495
    ("exposed_dispute", JPN, NONE, GS, 0.2 * (0.3 + 0.25)),  # = 0.11: a pact, barely exposed
    ("exposed_dispute", ROK, NONE, JS, 0.5 * (0.3 + 0.72)),  # = 0.51
    ("exposed_dispute", USA, NONE, JS, 0.0),  # not a party to the Seoul-Tokyo dispute
]


def mechanism_world():
    """`world`, with Washington's pressure, a notice, a suspended ACSA and known effects."""
    state, hooks, _ = world()
    c = hand(
        **EFFECTS,
        mechanisms__acsa__effects__coordination=0.25,
        mechanisms__history_dialogue__effects__dispute_damping=0.5,
        mechanisms__history_dialogue__effects__opinion_repair=0.6,
        mechanisms__history_dialogue__effects__trust_repair=0.3,
        mechanisms__history_dialogue__salience=0.9,
        mechanisms__gsomia__salience=0.2,
        mechanisms__joint_statements__salience=0.5,
    )
    urged = np.zeros((1, 4, len(MECHANISMS) + 1))
    urged[0, ROK, GS], urged[0, ROK, -1], urged[0, JPN, -1], urged[0, JPN, AC] = 0.6, 0.3, 0.5, 0.2
    status, noticed, threat = state.status.copy(), state.noticed_by.copy(), state.threat.copy()
    status[0, GS], status[0, AC] = K_ACTIVE, K_SUSPENDED
    noticed[0, GS] = 1 << ROK
    threat[0, USA, PRC] = 0.7
    return state.evolve(urged=urged, status=status, noticed_by=noticed, threat=threat), hooks, c


@pytest.mark.parametrize(("feature", "actor", "target", "mech", "expected"), MECHANISM_CASES)
def test_mechanism_feature_by_hand(feature, actor, target, mech, expected):
    """§6.3: the mechanism-decision features, for one (actor, target, mechanism)."""
    state, hooks, c = mechanism_world()
    x = situation(state, hooks, c)
    group = (np.array([actor]), np.array([target]), np.array([mech]))
    value = FEATURES[feature](x, group, c)
    assert value.shape == (1, 1)
    assert value[0, 0] == pytest.approx(expected, abs=1e-12)


def test_every_feature_has_a_hand_case():
    named = {name for name, *_ in CASES} | {name for name, *_ in ASSURED_CASES}
    named |= {name for name, *_ in MECHANISM_CASES}
    assert named == set(FEATURE_NAMES)


@pytest.mark.parametrize(("feature", "actor", "expected"), ASSURED_CASES)
def test_assurance_feature_by_hand(feature, actor, expected):
    """§6.6: the stake, the exposure left alone and P_i, at P_i and stakes set by hand."""
    from dataclasses import replace

    state, hooks, c = world()
    x = replace(situation(state, hooks, c), stake=STAKE, partners_join=JOIN)
    group = (np.array([actor]), np.array([NONE]), np.array([NONE]))
    assert FEATURES[feature](x, group, c)[0, 0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("feature", "actor", "target", "mech", "expected"), CASES)
def test_feature_by_hand(feature, actor, target, mech, expected):
    """§6.3: each feature's formula, for one (actor, target, mechanism)."""
    state, hooks, c = world()
    x = situation(state, hooks, c)
    group = (np.array([actor]), np.array([target]), np.array([mech]))
    value = FEATURES[feature](x, group, c)
    assert value.shape == (1, 1)
    assert value[0, 0] == pytest.approx(expected, abs=1e-12)


def test_features_are_per_option_in_a_group():
    """§6.3: a feature is a number per (run, option); two options read their own targets."""
    state, hooks, c = world()
    x = situation(state, hooks, c)
    group = (np.array([ROK, ROK, JPN]), np.array([JPN, PRC, ROK]), np.array([NONE] * 3))
    np.testing.assert_allclose(FEATURES["grievance_target"](x, group, c), [[0.72, 0.5, 0.25]])
    np.testing.assert_allclose(FEATURES["distrust_target"](x, group, c), [[1 - 0.3, 1 - 0.5, 1 - 0.2]])


def test_expected_support_counts_on_partners_beyond_trust_under_consultation():
    """§6.6: support_i = Σ_j w_ij (T_ij + c_i (1 − T_ij)), c_i the consultation hook."""
    state, _, c = world()
    x = situation(state, hooks_with(consultation={ROK: 0.5}), c)
    expected = 0.67 * (0.8 + 0.5 * 0.2) + 0.33 * (0.3 + 0.5 * 0.7)
    assert x.support[0, ROK] == pytest.approx(expected, abs=1e-12)
    assert x.support[0, JPN] == pytest.approx(0.67 * 0.75 + 0.33 * 0.2, abs=1e-12)  # no hook: trust alone
    # The answering game's P_i reads trust alone (the partners' strategies are known in equilibrium).
    assert x.partners_join[0, ROK] == pytest.approx(0.67 * 0.8 + 0.33 * 0.3, abs=1e-12)


def test_support_need_reads_the_doubt_about_the_patron():
    """Cha 1999: the partner's backing is needed as far as Washington is doubted (1 − T_a,USA)."""
    state, _, c = world()
    x = situation(state, hooks_with(consultation={ROK: 0.5}), c)
    group = (np.array([ROK, JPN]), np.array([JPN, ROK]), np.array([NONE, NONE]))
    # consultation is not read: it raises what Seoul counts on from Tokyo as well
    np.testing.assert_allclose(
        FEATURES["support_need"](x, group, c), [[0.33 * (1 - 0.8), 0.33 * (1 - 0.75)]], atol=1e-12
    )
    # The less Seoul trusts Washington, the more it needs Tokyo.
    trust = state.trust.copy()
    trust[0, ROK, USA] = 0.3
    low = situation(state.evolve(trust=trust), hooks_with(), c)
    assert FEATURES["support_need"](low, group, c)[0, 0] == pytest.approx(0.33 * 0.7, abs=1e-12)


def test_partner_trust_is_pi_for_each_actor():
    """§6.3: π_ROK = T_ROK,JPN, π_JPN = T_JPN,ROK, π_USA and π_PRC the mean over ROK, JPN."""
    state, hooks, c = world()
    x = situation(state, hooks, c)
    assert x.partner_trust[0].tolist() == pytest.approx([(0.7 + 0.9) / 2, 0.3, 0.2, (0.1 + 0.3) / 2])


# -- §6.4 utility ---------------------------------------------------------------------------


BROKER = {
    "actors__USA__preferences__security": 0.35,
    "actors__USA__preferences__economy": 0.15,
    "actors__USA__preferences__autonomy": 0.10,
    "actors__USA__preferences__approval": 0.15,
    "actors__USA__preferences__alliance": 0.25,
    "actors__USA__temperature": 0.05,
    "utility__broker__security__crisis": 0.2,
    "utility__broker__autonomy__one": -0.05,
    "utility__broker__alliance__allies_rift": 0.4,
    "utility__broker__approval__opinion_allies": 0.3,
}


def test_utility_is_the_preference_weighted_sum_of_terms():
    """§6.4: U(broker) = 0.35·0.2·c + 0.10·(−0.05) + 0.15·0.3·Ō^A_USA + 0.25·0.4·rift − 0.05·ln 1."""
    state, hooks, _ = world()
    c = hand(**EFFECTS, **BROKER)
    u = utilities(situation(state, hooks, c), utility_plan(c), c)
    o = c.options.find(USA, "broker")
    expected = 0.35 * 0.2 * 0.4 + 0.10 * -0.05 + 0.15 * 0.3 * (0.65 + 0.55) / 2 + 0.25 * 0.4 * 0.75  # = 0.125
    assert u[0, o] == pytest.approx(expected, abs=1e-12)


def test_utility_of_a_targeted_option_with_crowding():
    """§6.4: Beijing's coerce ROK, with w = (0.3, 0.15, 0.1, 0.2, 0.25), τ = 0.05, N = 2 targets."""
    state, hooks, _ = world()
    settings = {
        "actors__PRC__preferences__security": 0.3,
        "actors__PRC__preferences__economy": 0.15,
        "actors__PRC__preferences__autonomy": 0.1,
        "actors__PRC__preferences__approval": 0.2,
        "actors__PRC__preferences__alliance": 0.25,
        "actors__PRC__temperature": 0.05,
        "utility__coerce__security__concession_prize": 3.0,
        "utility__coerce__security__target_trust_usa": 0.3,
        "utility__coerce__security__target_demand": 0.5,
        "utility__coerce__security__one": -0.9,
        "utility__coerce__economy__own_exposure_target": -0.8,
        "utility__coerce__approval__one": 0.1,
        "utility__coerce__approval__target_goodwill": -0.3,
        "utility__coerce__alliance__bullying": -0.5,
    }
    c = hand(**EFFECTS, **settings)
    u = utilities(situation(state, hooks, c), utility_plan(c), c)
    security = 3.0 * 0.099 + 0.3 * 0.8 + 0.5 * 0.5 - 0.9  # concession_prize of Seoul 0.099: = −0.113
    economy = -0.8 * 0.15  # = −0.12
    approval = 0.1 - 0.3 * 0.3  # goodwill O_ROK,PRC 0.3: = 0.01
    alliance = -0.5 * 0.0  # no pressure on Tokyo
    expected = 0.3 * security + 0.15 * economy + 0.2 * approval + 0.25 * alliance - 0.05 * log(2)
    assert u[0, c.options.find(PRC, "coerce ROK")] == pytest.approx(expected, abs=1e-12)  # = −0.083557
    # coerce JPN: prize 0.0486, T_JPN,USA 0.75, d_JPN 0.2, goodwill 0.5, and Seoul under pressure 0.4
    security = 3.0 * 0.0486 + 0.3 * 0.75 + 0.5 * 0.2 - 0.9  # = −0.4292
    economy = -0.8 * 0.06  # x_PRC,JPN, the default world's
    approval = 0.1 - 0.3 * 0.5
    alliance = -0.5 * 0.4
    expected = 0.3 * security + 0.15 * economy + 0.2 * approval + 0.25 * alliance - 0.05 * log(2)
    assert u[0, c.options.find(PRC, "coerce JPN")] == pytest.approx(expected, abs=1e-12)


def test_concession_prize_caps_the_issue_at_one():
    """§6.3: the issue at stake min(1, d_t + c) saturates: Washington's ask 0.9 in a crisis of 0.4."""
    state, hooks, c = world()
    state = state.evolve(demand=np.array([[0.0, 0.9, 0.2, 0.0]]))
    x = situation(state, hooks, c)
    group = (np.array([PRC]), np.array([ROK]), np.array([NONE]))
    assert FEATURES["concession_prize"](x, group, c)[0, 0] == pytest.approx(
        1.0 * 0.25 * 0.55 * 0.8, abs=1e-12
    )


def test_in_quiet_times_coercion_has_nothing_to_win():
    """§6.3: no ask and no crisis, no prize, however exposed the target."""
    state, hooks, c = world()
    state = state.evolve(demand=np.zeros((1, 4)), crisis=np.zeros(1))
    x = situation(state, hooks, c)
    group = (np.array([PRC, PRC]), np.array([ROK, JPN]), np.array([NONE, NONE]))
    assert np.array_equal(FEATURES["concession_prize"](x, group, c), np.zeros((1, 2)))


def test_crowding_is_minus_temperature_times_log_of_the_kinds_menu_size():
    """§6.4: with every preference weight 0, U(o) = −τ_a ln N_a,k for a kind in the plan."""
    zero = {f"actors__{a}__preferences__{q}": 0.0 for a in ("ROK", "USA") for q in
            ("security", "economy", "autonomy", "approval", "alliance")}  # fmt: skip
    c = hand(**zero, actors__ROK__temperature=0.2, actors__USA__temperature=0.5)
    state, hooks, _ = world()
    u = utilities(situation(state, hooks, c), utility_plan(c), c)
    assert u[0, c.options.find(ROK, "invest gsomia")] == pytest.approx(-0.2 * log(11))
    assert u[0, c.options.find(ROK, "suspend acsa")] == pytest.approx(-0.2 * log(11))
    assert u[0, c.options.find(ROK, "retaliate JPN")] == pytest.approx(-0.2 * log(2))
    assert u[0, c.options.find(ROK, "repair PRC")] == pytest.approx(-0.2 * log(3))
    assert u[0, c.options.find(ROK, "hold")] == 0.0  # ln 1
    usa_invest = c.options.find(USA, "invest joint_statements")  # Washington is in 6 mechanisms
    assert u[0, usa_invest] == pytest.approx(-0.5 * log(6))


def test_kind_without_a_nonzero_coefficient_keeps_utility_zero():
    """§6.4: a kind with no nonzero coefficient is skipped: 0, without the crowding correction."""
    zeros = {
        "utility__retaliate__security__threat_target": 0.0,
        "utility__retaliate__economy__target_exposure": 0.0,
        "utility__retaliate__economy__one": 0.0,
        "utility__retaliate__autonomy__resolve": 0.0,
        "utility__retaliate__approval__opinion_target": 0.0,
        "utility__retaliate__approval__grievance_target": 0.0,
        "utility__retaliate__alliance__target_is_ally": 0.0,
        "utility__retaliate__alliance__urged_partner": 0.0,
        "utility__retaliate__alliance__ally_trust_target": 0.0,
    }
    c = hand(**zeros)
    assert not c.utility[c.options.kind[c.options.find(ROK, "retaliate JPN")]]
    state, hooks, _ = world()
    u = utilities(situation(state, hooks, c), utility_plan(c), c)
    assert u[0, c.options.find(ROK, "retaliate JPN")] == 0.0
    assert u[0, c.options.find(ROK, "retaliate PRC")] == 0.0
    # the kinds after it in the table keep their utilities
    full = hand()
    u_full = utilities(situation(state, hooks, full), utility_plan(full), full)
    others = c.options.kind != c.options.kind[c.options.find(ROK, "retaliate JPN")]
    np.testing.assert_array_equal(u[0, others], u_full[0, others])
    assert np.count_nonzero(u_full[0, others]) > 40


def test_terms_are_unweighted_and_without_crowding():
    """§6.4: term_q(o) = Σ_f β_k,q,f f(o); utility_terms reports them before weights and crowding."""
    state, hooks, _ = world()
    c = hand(**EFFECTS, **BROKER)
    terms = utility_terms(situation(state, hooks, c), c)
    o = c.options.find(USA, "broker")
    assert terms[0, o].tolist() == pytest.approx([0.2 * 0.4, 0.0, -0.05, 0.3 * 0.6, 0.4 * 0.75])


def test_terms_sum_every_feature_of_a_term():
    """§6.4: coordinate's security term for Seoul, five features, by hand."""
    settings = {
        "utility__coordinate__security__joint_answer": 0.6,
        "utility__coordinate__security__crisis_threat": 1.5,
        "utility__coordinate__security__readiness": 2.0,
        "utility__coordinate__security__threat_prc": 0.1,
        "utility__coordinate__security__demand": 0.2,
        # the assurance game's stake is pinned in test_assurance_feature_by_hand
        "utility__coordinate__security__assured_stake": 0.0,
    }
    c = hand(**EFFECTS, **settings)
    state, hooks, _ = world()
    terms = utility_terms(situation(state, hooks, c), c)
    # P_ROK before the game is solved: Seoul's trust in its partners (0.8, 0.3), Washington
    # weighed by assurance.patron_weight 0.67 (Snyder 1984)
    p = 0.67 * 0.8 + 0.33 * 0.3
    expected = 0.6 * 0.4 * p + 1.5 * (0.4 * 0.6) + 2.0 * (0.4 * 0.3 * p) + 0.1 * 0.6 + 0.2 * 0.5  # = 0.784
    assert terms[0, c.options.find(ROK, "coordinate"), 0] == pytest.approx(expected)


def test_terms_still_reach_the_later_kinds_when_a_kind_has_no_option():
    """§6.4: with every mechanism given to Beijing alone, nobody can invest or suspend; the
    kinds after those in the table (coerce, induce, ...) still get their terms."""
    settings = {f"mechanisms__{m}__members": ["PRC"] for m in MECHANISMS}
    c = hand(**EFFECTS, **settings)
    assert not np.isin(c.options.kind, [K["invest"], K["suspend"]]).any()
    state, hooks, _ = world()
    terms = utility_terms(situation(state, hooks, c), c)
    coerce = c.options.find(PRC, "coerce ROK")
    full = hand(**EFFECTS)
    np.testing.assert_allclose(
        terms[0, coerce],
        utility_terms(situation(state, hooks, full), full)[0, full.options.find(PRC, "coerce ROK")],
    )
    assert terms[0, coerce].any()


def test_every_feature_is_a_number_per_run_and_option():
    """§6.3: shape (n, options), and each run's values are those of the run computed alone.

    Two runs (the hand world, and one with another crisis, dispute, cohesion, trust and
    hooks) and three options with different actors, targets and mechanisms.
    """
    one, _, c = world()
    trust = one.trust.copy()
    trust[0, ROK, JPN], trust[0, JPN, PRC] = 0.9, 0.05
    other = one.evolve(
        crisis=np.array([0.7]), dispute=np.array([0.1]), cohesion=np.array([30.0]), trust=trust
    )
    runs = [one, other]
    state = one.evolve(**{f.name: np.concatenate([getattr(r, f.name) for r in runs]) for f in fields(one)})
    hooks = hooks_with(
        n=2, coordination={ROK: 0.3}, coercion_shield={ROK: 0.2, JPN: 0.1}, wedge_shield={JPN: 0.4}
    )
    hooks.actor[1] *= 0.5
    group = (np.array([ROK, JPN, PRC]), np.array([JPN, PRC, ROK]), np.array([GS, EX, JS]))
    both = situation(state, hooks, c)
    for k in (0, 1):
        one_hooks = Hooks(
            hooks.actor[k : k + 1], hooks.trust_repair[k : k + 1], hooks.opinion_repair[k : k + 1]
        )
        alone = situation(state.take(slice(k, k + 1)), one_hooks, c)
        for feature in FEATURE_NAMES:
            value = FEATURES[feature](both, group, c)
            assert value.shape == (2, 3), feature
            np.testing.assert_array_equal(value[k], FEATURES[feature](alone, group, c)[0], err_msg=feature)


def test_washingtons_press_enters_only_the_pressed_partners_choices_about_that_mechanism():
    """§6.4: u_ROK,gsomia = 0.6 moves Seoul's utility of invest / restore / suspend /
    notice gsomia by β·w_alliance·0.6 (w_ROK,alliance = 0.15 here); u_ROK,relationship
    = 0.5 moves repair / retaliate JPN by ±1.0·0.15·0.5; Tokyo's options do not move."""
    betas = {"invest": 1.0, "restore": 1.5, "suspend": -1.0, "notice": -1.5}
    c = hand(
        **{f"utility__{k}__alliance__urged_mechanism": b for k, b in betas.items()},
        utility__repair__alliance__urged_partner=1.0,
        utility__retaliate__alliance__urged_partner=-1.0,
        actors__ROK__preferences__alliance=0.15,
    )
    state, hooks, _ = world()
    urged = np.zeros((1, 4, len(MECHANISMS) + 1))
    urged[0, ROK, GS], urged[0, ROK, -1] = 0.6, 0.5
    plan = utility_plan(c)
    before = utilities(situation(state, hooks, c), plan, c)
    after = utilities(situation(state.evolve(urged=urged), hooks, c), plan, c)
    moved = {c.options.label(o): after[0, o] - before[0, o] for o in np.flatnonzero(after[0] != before[0])}
    expected = {f"{k} gsomia": b * 0.15 * 0.6 for k, b in betas.items()}  # = 0.09, 0.135, -0.09, -0.135
    expected |= {"repair JPN": 0.15 * 0.5, "retaliate JPN": -0.15 * 0.5}  # = ±0.075
    # and Washington's own press options: pressing again adds less (−0.60 target_urged)
    w_usa = c.params.actors["USA"].preferences.alliance
    expected |= {"press ROK gsomia": -0.6 * w_usa * 0.6, "press ROK": -0.6 * w_usa * 0.5}
    assert moved.keys() == expected.keys()
    for label, value in expected.items():
        assert moved[label] == pytest.approx(value, abs=1e-12)


def test_a_joint_statement_is_a_cheaper_answer_worth_less():
    """§6.4 graded answers: in the default table every coefficient of a joint statement is
    smaller in size than coordinate's for the same (term, feature), and it has no term that
    coordinate lacks; the values of a joint answer read P_i (`ASSURED`)."""
    from agents.utility import ASSURED
    from sim.params import default_parameters

    table = default_parameters().utility
    coordinate, statement = table["coordinate"], table["joint_statement"]
    pairs = 0
    for term, features in statement.items():
        for feature, coef in features.items():
            assert feature in coordinate[term], (term, feature)
            other = coordinate[term][feature]
            assert np.sign(coef) == np.sign(other) and abs(coef) < abs(other), (term, feature)
            pairs += 1
    assert pairs >= 8
    for kind in (coordinate, statement):
        assert kind["security"].keys() - {"demand"} <= ASSURED  # no value of an answer read alone
