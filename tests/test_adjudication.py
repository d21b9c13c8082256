"""sim/adjudication.py: the trust update and the resolution of simultaneous moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import choices, compiled, make_state, zero_hooks

from sim.actors import ALLY_PAIRS, INDEX, JPN, PRC, ROK, USA
from sim.adjudication import adjudicate, bounded_update
from sim.events import Signals
from sim.mechanisms import mechanism_hooks
from sim.vocab import MECHANISMS

unit = st.floats(0.0, 1.0)
evidence = st.floats(0.0, 50.0)


def resolve(state, picks, hooks=None, c=None):
    """Adjudicate with no event signals."""
    c = c or compiled()
    hooks = hooks or zero_hooks(state.n)
    return adjudicate(state, picks, Signals.zeros(state.n, 4), hooks, c)


# -- bounded_update --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(level=unit, good=evidence, bad=evidence, gain=unit, loss=unit)
def test_bounded_update_stays_in_unit_interval(level, good, bad, gain, loss):
    out = bounded_update(np.array([level]), np.array([good]), np.array([bad]), gain, loss)
    assert 0.0 <= out[0] <= 1.0


@settings(max_examples=40, deadline=None)
@given(level=unit, x=st.floats(0.01, 20.0))
def test_good_evidence_never_lowers_and_bad_never_raises(level, x):
    lv = np.array([level])
    up = bounded_update(lv, np.array([x]), np.array([0.0]), 0.12, 0.30)
    down = bounded_update(lv, np.array([0.0]), np.array([x]), 0.12, 0.30)
    assert up[0] >= level >= down[0]


def test_no_evidence_leaves_level_unchanged():
    lv = np.linspace(0, 1, 11)
    out = bounded_update(lv, np.zeros(11), np.zeros(11), 0.12, 0.30)
    np.testing.assert_array_equal(out, lv)


@settings(max_examples=40, deadline=None)
@given(level=st.floats(0.35, 0.99), x=st.floats(0.05, 10.0))
def test_opinion_is_quicker_to_lose_than_to_build(level, x):
    """Public opinion keeps the bounded update: loss > gain, so good then equally bad news
    leaves it lower (above the balance level gain / (gain + loss) ~ 0.29). Trust is a
    belief instead (tests/test_belief.py)."""
    c = compiled()
    gain, loss = c.params.opinion.gain, c.params.opinion.loss
    assert loss > gain
    lv = np.array([level])
    after_good = bounded_update(lv, np.array([x]), np.array([0.0]), gain, loss)
    after_both = bounded_update(after_good, np.array([0.0]), np.array([x]), gain, loss)
    assert after_both[0] < level


def test_bad_news_moves_opinion_more_than_good_news_at_mid_level():
    lv = np.array([0.5])
    up = bounded_update(lv, np.array([1.0]), np.array([0.0]), 0.06, 0.15)[0] - 0.5
    down = 0.5 - bounded_update(lv, np.array([0.0]), np.array([1.0]), 0.06, 0.15)[0]
    assert down > 2 * up > 0


# -- adjudicate ------------------------------------------------------------------------------


def crisis_state(**changes):
    """A military crisis, no Seoul-Tokyo dispute (so only the moves send signals)."""
    changes.setdefault("crisis", 0.6)
    changes.setdefault("dispute", 0.0)
    return make_state(**changes)


def test_all_three_allies_coordinating_in_a_crisis_builds_trust_and_counts():
    state = crisis_state()
    new, out = resolve(state, choices(USA="coordinate", ROK="coordinate", JPN="coordinate"))
    held, held_out = resolve(state, choices())
    assert out.crisis_turn[0] and out.coordinated[0] and new.coordinated[0]
    assert not held_out.coordinated[0]
    for i, j in ALLY_PAIRS:
        assert new.trust[0, i, j] > state.trust[0, i, j], (i, j)
        assert new.trust[0, i, j] > held.trust[0, i, j], (i, j)
    assert out.responding[0, [USA, ROK, JPN]].all() and not out.responding[0, PRC]


def test_joint_statement_counts_as_answering_together():
    _, out = resolve(crisis_state(), choices(USA="coordinate", ROK="joint statement", JPN="coordinate"))
    assert out.coordinated[0]


def test_an_ally_hedging_while_others_coordinate_in_a_crisis_loses_their_trust():
    state = crisis_state()
    new, out = resolve(state, choices(USA="coordinate", ROK="hedge", JPN="coordinate"))
    loyal, _ = resolve(state, choices(USA="coordinate", ROK="coordinate", JPN="coordinate"))
    assert not out.coordinated[0] and not new.coordinated[0]
    for holder in (USA, JPN):
        assert new.trust[0, holder, ROK] < state.trust[0, holder, ROK]
        assert new.trust[0, holder, ROK] < loyal.trust[0, holder, ROK]


def test_hedging_outside_a_crisis_costs_trust_but_less_than_abandonment():
    """Issue 8: a hedge toward Beijing is a bad signal in peacetime too, smaller than abandonment."""
    state = make_state(crisis=0.0, dispute=0.0)
    new, out = resolve(state, choices(USA="coordinate", ROK="hedge", JPN="coordinate"))
    assert not out.crisis_turn[0]
    held, _ = resolve(state, choices(USA="coordinate", JPN="coordinate"))
    assert new.trust[0, USA, ROK] < held.trust[0, USA, ROK]
    assert new.trust[0, JPN, ROK] < held.trust[0, JPN, ROK]
    war = crisis_state()
    abandoned, _ = resolve(war, choices(USA="coordinate", ROK="hedge", JPN="coordinate"))
    stood, _ = resolve(war, choices(USA="coordinate", JPN="coordinate"))
    peace_cost = held.trust[0, USA, ROK] - new.trust[0, USA, ROK]
    assert peace_cost < stood.trust[0, USA, ROK] - abandoned.trust[0, USA, ROK]


def test_conceding_under_pressure_lowers_pressure_and_allies_trust():
    pressure = np.array([0.0, 0.5, 0.0, 0.0])
    state = make_state(crisis=0.0, dispute=0.0, pressure=pressure)
    conceded, out = resolve(state, choices(ROK="concede"))
    held, _ = resolve(state, choices())
    assert out.coerced[0, ROK] and out.conceded[0, ROK] and out.crisis_turn[0]
    assert conceded.pressure[0, ROK] < held.pressure[0, ROK] <= state.pressure[0, ROK]
    for holder in (USA, JPN):
        assert conceded.trust[0, holder, ROK] < held.trust[0, holder, ROK]
    # conceding spares the cost of holding out
    assert conceded.cost[0, ROK] < held.cost[0, ROK]


def test_retaliation_between_seoul_and_tokyo_raises_dispute_and_hurts_trust():
    state = make_state(crisis=0.0, dispute=0.3)
    new, _ = resolve(state, choices(ROK="retaliate JPN"))
    held, _ = resolve(state, choices())
    assert new.dispute[0] > held.dispute[0]
    assert new.dispute[0] > state.dispute[0]
    assert new.trust[0, JPN, ROK] < held.trust[0, JPN, ROK]
    assert new.opinion[0, JPN, ROK] < held.opinion[0, JPN, ROK]


def test_repair_and_brokering_cool_the_dispute_and_build_trust():
    state = make_state(crisis=0.0, dispute=0.4)
    held, _ = resolve(state, choices())
    mended, _ = resolve(state, choices(USA="broker", ROK="repair JPN"))
    assert mended.dispute[0] < held.dispute[0]
    assert mended.trust[0, JPN, ROK] > held.trust[0, JPN, ROK]
    assert mended.trust[0, ROK, JPN] > held.trust[0, ROK, JPN]


def test_beijing_military_pressure_raises_crisis_and_de_escalation_lowers_it():
    state = make_state(crisis=0.4, dispute=0.0)
    held, _ = resolve(state, choices())
    pushed, _ = resolve(state, choices(PRC="military pressure"))
    calmed, _ = resolve(state, choices(PRC="de_escalate"))
    assert calmed.crisis[0] < held.crisis[0] < pushed.crisis[0]
    assert pushed.threat[0, JPN, PRC] > held.threat[0, JPN, PRC]


def test_beijing_coercion_and_inducement_land_on_their_target():
    state = make_state()
    coerced, _ = resolve(state, choices(PRC="coerce ROK"))
    induced, _ = resolve(state, choices(PRC="induce JPN"))
    held, _ = resolve(state, choices())
    assert coerced.pressure[0, ROK] > held.pressure[0, ROK]
    np.testing.assert_allclose(coerced.pressure[0, JPN], held.pressure[0, JPN])
    assert induced.inducement[0, JPN] > held.inducement[0, JPN]
    np.testing.assert_allclose(induced.inducement[0, ROK], held.inducement[0, ROK])


def test_wedge_splits_only_a_target_that_breaks_ranks():
    c = compiled()
    inducement = np.array([0.0, c.params.thresholds.inducement + 0.2, 0.0, 0.0])
    state = make_state(inducement=inducement)
    _, split = resolve(state, choices(ROK="hedge"))
    _, held = resolve(state, choices(ROK="coordinate"))
    assert split.wedge_target[0, ROK] and split.wedge_split[0, ROK]
    assert held.wedge_target[0, ROK] and not held.wedge_split[0, ROK]
    assert not split.wedge_target[0, JPN] and not split.wedge_target[0, PRC]


def test_investing_raises_strength_and_suspending_suspends():
    state = make_state(dispute=0.0)
    gsomia = MECHANISMS.index("gsomia")
    held, _ = resolve(state, choices())
    invested, _ = resolve(state, choices(ROK="invest gsomia", JPN="invest gsomia"))
    suspended, _ = resolve(state, choices(ROK="suspend gsomia"))
    assert invested.strength[0, gsomia] > held.strength[0, gsomia]
    assert held.status[0, gsomia] == 0 and suspended.status[0, gsomia] == 1
    # suspending tells the fellow member something bad about Seoul
    assert suspended.trust[0, JPN, ROK] < held.trust[0, JPN, ROK]


def test_diagonal_stays_one_and_levels_stay_in_bounds():
    state = make_state(crisis=1.0, dispute=1.0, pressure=np.ones(4), inducement=np.ones(4))
    new, _ = resolve(state, choices(PRC="military pressure", ROK="retaliate JPN", JPN="retaliate ROK"))
    assert np.all(np.diagonal(new.trust, axis1=1, axis2=2) == 1.0)
    for name in ("trust", "opinion", "threat", "crisis", "dispute", "pressure", "inducement", "strength"):
        arr = getattr(new, name)
        assert np.all((arr >= 0.0) & (arr <= 1.0)), name


def test_runs_in_one_call_equal_runs_adjudicated_alone():
    """Vectorisation: each row of an ensemble is resolved as if it were alone."""
    c = compiled()
    state = make_state(
        n=3,
        crisis=np.array([0.6, 0.1, 0.4]),
        dispute=np.array([0.0, 0.5, 0.3]),
        pressure=np.array([[0, 0.5, 0, 0], [0, 0, 0.3, 0], [0, 0, 0, 0]]),
    )
    picks = choices(
        c,
        n=3,
        USA=["coordinate", "broker", "hedge"],
        ROK=["coordinate", "concede", "retaliate JPN"],
        JPN=["coordinate", "hedge", "invest gsomia"],
        PRC=["military pressure", "coerce JPN", "induce ROK"],
    )
    hooks = mechanism_hooks(state, c)
    together, out = adjudicate(state, picks, Signals.zeros(3, 4), hooks, c)
    for k in range(3):
        one = state.take(slice(k, k + 1))
        alone, out1 = adjudicate(one, picks[k : k + 1], Signals.zeros(1, 4), mechanism_hooks(one, c), c)
        for name in (
            "trust",
            "opinion",
            "threat",
            "crisis",
            "dispute",
            "pressure",
            "strength",
            "status",
            "cost",
        ):
            assert np.array_equal(getattr(together, name)[k : k + 1], getattr(alone, name)), (k, name)
        assert out.coordinated[k] == out1.coordinated[0]


def test_event_signals_passed_in_reach_trust():
    state = make_state(dispute=0.0)
    signals = Signals.zeros(1, 4)
    signals.add("trust", ROK, JPN, -2.0)
    hit, _ = adjudicate(state, choices(), signals, zero_hooks(), compiled())
    held, _ = resolve(state, choices())
    assert hit.trust[0, ROK, JPN] < held.trust[0, ROK, JPN]


@pytest.mark.parametrize("actor", ["USA", "ROK", "JPN"])
def test_retaliating_against_beijing_costs_the_retaliator(actor):
    state = make_state(pressure=np.array([0.5, 0.5, 0.5, 0.0]))
    new, _ = resolve(state, choices(**{actor: "retaliate PRC"}))
    held, _ = resolve(state, choices())
    a = INDEX[actor]
    assert new.cost[0, a] > held.cost[0, a]
    assert new.trust[0, PRC, a] < held.trust[0, PRC, a]
