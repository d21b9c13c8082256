"""MODEL.md §8 (scores, sim/scoring.py), each equation against a value worked by hand.

Coverage map (MODEL.md section -> tests):

- §8.1 cohesion C = 100·(w_T T̄_A + w_M s̄ + w_al (1 − spread) + w_C ρ)/Σw: test_cohesion_*.
- §8.2 rates (coordinated response, coercion, wedge), time active, survival and the
  mean over turns: test_rates_*, test_mean_over_turns_*. (Episodes and recovery times
  are pinned by hand in tests/test_scoring.py.)
- §8.3 the index: components, points renormalised over tested components, clip:
  test_index_*.

Weights are set by path in each test; they are deliberately not the defaults and do
not sum to 1, so that the division by Σw shows.
"""

from __future__ import annotations

import numpy as np
import pytest
from handmade import hand, quiet, quiet_trust
from test_scoring import episodes, tallies

from sim.actors import JPN, PRC, ROK, USA
from sim.scoring import INDEX_COMPONENTS, cohesion, mean_over_turns, scorecard
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

N_M = len(MECHANISMS)
COHESION_WEIGHTS = {
    "scoring__cohesion__trust": 0.5,
    "scoring__cohesion__mechanisms": 0.3,
    "scoring__cohesion__alignment": 0.15,
    "scoring__cohesion__coordination": 0.25,
}  # Σw = 1.2
INDEX_WEIGHTS = {
    "scoring__index__cohesion": 0.3,
    "scoring__index__mechanisms": 0.2,
    "scoring__index__coordinated_response": 0.25,
    "scoring__index__wedge_resistance": 0.15,
    "scoring__index__coercion_resistance": 0.1,
}  # Σw = 1.0


def cohesion_world(c):
    trust = quiet_trust(USA_ROK=0.7, USA_JPN=0.9, ROK_USA=0.8, ROK_JPN=0.3, JPN_USA=0.75, JPN_ROK=0.2)
    trust[PRC, :3] = 0.0  # Beijing's views and the allies' trust in Beijing are not in C
    trust[:3, PRC] = 0.0
    threat = c.world["threat"].copy()
    threat[USA, PRC], threat[ROK, PRC], threat[JPN, PRC] = 0.6, 0.4, 0.5
    threat[PRC, USA] = 1.0
    strength = np.array([0.4, 0.2, 0.5, 0.5, 0.9, 0.1, 0.25, 0.1, 0.3, 0.1, 0.1])
    status = np.array([ACTIVE] * N_M, dtype=np.int8)
    status[4], status[5] = SUSPENDED, ENDED  # 0.9 and 0.1 do not count
    return quiet(c, trust=trust, threat=threat, strength=strength, status=status)


def test_cohesion_by_hand():
    """§8.1 with T̄_A = 3.65/6, s̄ = 2.45/11, 1 − spread = 1 − (0.6 − 0.4), ρ = 2/3."""
    c = hand(**COHESION_WEIGHTS)
    responding = np.array([[True, False, True, True]])  # Beijing's flag is not counted
    value = cohesion(cohesion_world(c), responding, c.params)
    trust = (0.7 + 0.9 + 0.8 + 0.3 + 0.75 + 0.2) / 6  # = 0.608333
    mechanisms = (0.4 + 0.2 + 0.5 + 0.5 + 0.0 + 0.0 + 0.25 + 0.1 + 0.3 + 0.1 + 0.1) / 11  # = 0.222727
    alignment = 1 - (0.6 - 0.4)  # = 0.8
    coordination = 2 / 3
    expected = 100 * (0.5 * trust + 0.3 * mechanisms + 0.15 * alignment + 0.25 * coordination) / 1.2
    assert value[0] == pytest.approx(expected)  # = 54.8043
    assert value[0] == pytest.approx(54.8043, abs=1e-4)


def test_cohesion_with_one_weight_is_that_component():
    """§8.1: with only w_al > 0, C = 100·(1 − spread)."""
    c = hand(
        scoring__cohesion__trust=0.0,
        scoring__cohesion__mechanisms=0.0,
        scoring__cohesion__alignment=0.4,
        scoring__cohesion__coordination=0.0,
    )
    value = cohesion(cohesion_world(c), np.zeros((1, 4), bool), c.params)
    assert value[0] == pytest.approx(100 * (1 - (0.6 - 0.4)))  # = 80


# -- §8.2 rates and means -------------------------------------------------------------------


def test_rates_by_hand():
    """§8.2: coordinated 3 of 4 crisis turns; wedge 1 of 4 episodes; coercion 1 of 2."""
    t = tallies(
        crisis_turns=np.array([4.0]),
        coordinated_turns=np.array([3.0]),
        wedge=episodes(4, 1),
        coercion=episodes(2, 1),
    )
    card = scorecard(t, hand(**INDEX_WEIGHTS).params)
    assert card.coordinated_response_rate[0] == pytest.approx(3 / 4)
    assert card.wedge_success_rate[0] == pytest.approx(1 / 4)
    assert card.coercion_success_rate[0] == pytest.approx(1 / 2)


def test_mean_over_turns_by_hand():
    """§8.2 mean cohesion: the plain mean over the turn axis, per run."""
    out = mean_over_turns(np.array([[10.0, 20.0], [20.0, 40.0], [60.0, 0.0]]))
    assert out.tolist() == pytest.approx([(10 + 20 + 60) / 3, (20 + 40 + 0) / 3])  # = 30, 20


# -- §8.3 the index -------------------------------------------------------------------------


def index_tallies(**changes):
    """Three turns; mechanism 1 suspended after turn 1; mechanism 10 started suspended."""
    status = np.full((3, 1, N_M), ACTIVE, dtype=np.int8)
    status[1:, 0, 1] = SUSPENDED
    status[:, 0, 10] = SUSPENDED
    initial = np.full((1, N_M), ACTIVE, dtype=np.int8)
    initial[0, 10] = SUSPENDED
    base = dict(
        cohesion=np.array([[50.0], [60.0], [70.0]]),
        status=status,
        initial_status=initial,
        crisis_turns=np.array([4.0]),
        coordinated_turns=np.array([3.0]),
        wedge=episodes(4, 1),
        coercion=episodes(2, 1),
    )
    base.update(changes)
    return tallies(turns=3, **base)


def test_index_components_and_points_by_hand():
    """§8.3: components (0.6, 28/30, 0.75, 0.75, 0.5) weighted (0.3, 0.2, 0.25, 0.15, 0.1)."""
    card = scorecard(index_tallies(), hand(**INDEX_WEIGHTS).params)
    mechanisms = (9 * 1.0 + 1 / 3) / 10  # mean time active over the 10 that started active = 0.93333
    want = {
        "cohesion": (50 + 60 + 70) / 3 / 100,
        "mechanisms": mechanisms,
        "coordinated_response": 3 / 4,
        "wedge_resistance": 1 - 1 / 4,
        "coercion_resistance": 1 - 1 / 2,
    }
    weights = {"cohesion": 0.3, "mechanisms": 0.2, "coordinated_response": 0.25}
    weights |= {"wedge_resistance": 0.15, "coercion_resistance": 0.1}
    for name in INDEX_COMPONENTS:
        assert card.components[name][0] == pytest.approx(want[name]), name
        assert card.points[name][0] == pytest.approx(100 * weights[name] * want[name] / 1.0), name
    expected = 100 * (0.3 * 0.6 + 0.2 * mechanisms + 0.25 * 0.75 + 0.15 * 0.75 + 0.1 * 0.5)  # = 71.6667
    assert card.index[0] == pytest.approx(expected)
    assert card.index[0] == pytest.approx(71.6667, abs=1e-4)
    assert card.time_active[0, 1] == pytest.approx(1 / 3) and card.time_active[0, 10] == 0.0


def test_index_renormalises_over_tested_components():
    """§8.3: no wedge episode → its weight 0.15 drops out and the rest is divided by 0.85."""
    card = scorecard(index_tallies(wedge=episodes(0, 0)), hand(**INDEX_WEIGHTS).params)
    mechanisms = (9 * 1.0 + 1 / 3) / 10
    tested = 0.3 + 0.2 + 0.25 + 0.1  # = 0.85
    assert card.points["wedge_resistance"][0] == 0.0
    assert card.points["cohesion"][0] == pytest.approx(100 * 0.3 * 0.6 / tested)  # = 21.1765
    expected = 100 * (0.3 * 0.6 + 0.2 * mechanisms + 0.25 * 0.75 + 0.1 * 0.5) / tested  # = 71.0784
    assert card.index[0] == pytest.approx(expected)


def test_index_is_zero_when_every_tested_component_has_weight_zero():
    """§8.3: only coordinated_response weighted, and no crisis turn: points and index are 0."""
    weights = {k: 0.0 for k in INDEX_WEIGHTS} | {"scoring__index__coordinated_response": 1.0}
    card = scorecard(
        index_tallies(crisis_turns=np.zeros(1), coordinated_turns=np.zeros(1)), hand(**weights).params
    )
    assert card.index[0] == 0.0
    assert all(card.points[name][0] == 0.0 for name in INDEX_COMPONENTS)


def test_index_mechanisms_component_ignores_mechanisms_that_started_inactive():
    """§8.3: mechanism 10 is suspended throughout but did not start active: not in the mean."""
    card = scorecard(index_tallies(), hand(**INDEX_WEIGHTS).params)
    assert card.components["mechanisms"][0] == pytest.approx((9 + 1 / 3) / 10)
    assert card.components["mechanisms"][0] != pytest.approx((9 + 1 / 3) / 11)


def test_index_is_clipped_to_100():
    """§8.3: index = clip(Σ points); a cohesion above 100 (not produced by the model) shows the clip."""
    card = scorecard(index_tallies(cohesion=np.full((3, 1), 300.0)), hand(**INDEX_WEIGHTS).params)
    assert card.points["cohesion"][0] == pytest.approx(100 * 0.3 * 3.0)
    assert card.index[0] == 100.0


def test_survival_is_not_ended_after_the_last_turn():
    """§8.2: survived = not ended after the last turn (suspended counts as survived)."""
    status = np.full((3, 1, N_M), ACTIVE, dtype=np.int8)
    status[2, 0, 0] = ENDED
    status[2, 0, 1] = SUSPENDED
    card = scorecard(index_tallies(status=status), hand(**INDEX_WEIGHTS).params)
    assert card.survived[0, :3].tolist() == [False, True, True]


# -- added for mutants that survived the first mutation run (tests/MUTATION.md) ---------------


def test_cohesion_is_computed_per_run():
    """§8.1 on two runs: run 1 is run 0 with trust 1 among the allies, no active mechanism,
    aligned (and lower) views of Beijing and every ally answering; each run keeps its own."""
    c = hand(**COHESION_WEIGHTS)
    one = cohesion_world(c)
    trust = np.stack([one.trust[0], np.ones((4, 4))])
    threat = np.stack([one.threat[0], one.threat[0]])
    threat[1, USA, PRC] = threat[1, ROK, PRC] = threat[1, JPN, PRC] = 0.3
    status = np.stack([one.status[0], np.full(N_M, SUSPENDED, dtype=np.int8)])
    state = quiet(c, n=2, trust=trust, threat=threat, strength=one.strength[0], status=status)
    responding = np.array([[True, False, True, False], [True, True, True, False]])
    value = cohesion(state, responding, c.params)
    first = 100 * (0.5 * 3.65 / 6 + 0.3 * 2.45 / 11 + 0.15 * 0.8 + 0.25 * 2 / 3) / 1.2  # = 54.8043
    second = 100 * (0.5 * 1.0 + 0.3 * 0.0 + 0.15 * (1 - (0.3 - 0.3)) + 0.25 * 1.0) / 1.2  # = 75.0
    assert value.tolist() == pytest.approx([first, second])


def test_rates_with_a_single_trial():
    """§8.2: one crisis turn answered together is a rate of 1; one wedge episode resisted, 0."""
    t = tallies(crisis_turns=np.array([1.0]), coordinated_turns=np.array([1.0]), wedge=episodes(1, 0))
    card = scorecard(t, hand(**INDEX_WEIGHTS).params)
    assert card.coordinated_response_rate[0] == 1.0
    assert card.wedge_success_rate[0] == 0.0 and card.components["wedge_resistance"][0] == 1.0


def test_index_mechanisms_component_with_a_single_mechanism_started_active():
    """§8.3: only mechanism 0 started active, active one turn of two: component 1/2."""
    status = np.full((2, 1, N_M), SUSPENDED, dtype=np.int8)
    status[0, 0, 0] = ACTIVE
    initial = np.full((1, N_M), SUSPENDED, dtype=np.int8)
    initial[0, 0] = ACTIVE
    card = scorecard(tallies(turns=2, status=status, initial_status=initial), hand(**INDEX_WEIGHTS).params)
    assert card.components["mechanisms"][0] == pytest.approx(1 / 2)


def test_index_components_are_per_run():
    """§8.3 on two runs: run 0 as in test_index_components_and_points_by_hand; in run 1 only
    mechanism 0 started active, and stayed active, and the record is perfect otherwise."""
    base = index_tallies()
    second = np.full((3, 1, N_M), SUSPENDED, dtype=np.int8)
    second[:, 0, 0] = ACTIVE
    status = np.concatenate([base.status, second], axis=1)
    initial = np.concatenate([base.initial_status, second[0]])
    t = tallies(
        turns=3,
        n=2,
        cohesion=np.array([[50.0, 100.0], [60.0, 100.0], [70.0, 100.0]]),
        status=status,
        initial_status=initial,
        crisis_turns=np.array([4.0, 2.0]),
        coordinated_turns=np.array([3.0, 2.0]),
        wedge=episodes(4, 1, n=2),
        coercion=episodes(2, 1, n=2),
    )
    card = scorecard(t, hand(**INDEX_WEIGHTS).params)
    assert card.components["mechanisms"].tolist() == pytest.approx([(9 + 1 / 3) / 10, 1 / 1])
    assert card.components["coordinated_response"].tolist() == pytest.approx([3 / 4, 1.0])
    expected = 100 * (0.3 * 1.0 + 0.2 * 1.0 + 0.25 * 1.0 + 0.15 * 0.75 + 0.1 * 0.5)  # = 91.25
    assert card.index[1] == pytest.approx(expected)


def test_scorecard_reports_mean_cohesion_recovery_and_final_strength():
    """§8.2: mean cohesion over the turns, recovery time per mechanism, final strength."""
    status = np.full((3, 1, N_M), ACTIVE, dtype=np.int8)
    status[1, 0, 2] = SUSPENDED  # suspended after turn 2, back after turn 3: recovery 1 turn
    strength = np.linspace(0.0, 1.0, N_M)[None]
    card = scorecard(index_tallies(status=status, strength=strength), hand(**INDEX_WEIGHTS).params)
    assert card.cohesion_mean[0] == pytest.approx((50 + 60 + 70) / 3)
    assert card.recovery_time[0, 2] == 1.0 and np.isnan(card.recovery_time[0, 0])
    np.testing.assert_array_equal(card.final_strength, strength)


def test_index_mechanisms_component_is_nan_only_in_the_run_where_none_started_active():
    """§8.3: 'NaN if none did', per run: run 0 started with mechanism 0 active, run 1 with none."""
    status = np.full((2, 2, N_M), SUSPENDED, dtype=np.int8)
    status[:, 0, 0] = ACTIVE
    card = scorecard(
        tallies(turns=2, n=2, status=status, initial_status=status[0]), hand(**INDEX_WEIGHTS).params
    )
    assert card.components["mechanisms"][0] == 1.0 and np.isnan(card.components["mechanisms"][1])
