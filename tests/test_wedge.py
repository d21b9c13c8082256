"""sim/wedge.py: wedge attempts and their Crawford success (probability of necessity)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled, event, loaded, make_scenario, make_state, play

from agents.policies import LogitPolicy, RandomPolicy, ScriptedPolicy, random_policies
from sim import wedge
from sim.actors import PRC, ROK


def test_necessity_is_hand_computed():
    split = np.array([True, True, True, False, True])
    p1 = np.array([0.5, 0.5, 0.2, 0.9, 0.0])
    p0 = np.array([0.2, 0.5, 0.4, 0.1, 0.0])
    # 1 - 0.2/0.5 = 0.6; no lift: 0; the attempt made a split less likely: 0;
    # no split: 0; impossible split: 0
    np.testing.assert_allclose(wedge.necessity(split, p1, p0), [0.6, 0.0, 0.0, 0.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(p1=st.floats(0, 1), p0=st.floats(0, 1), split=st.booleans())
def test_necessity_is_a_probability(p1, p0, split):
    g = wedge.necessity(np.array([split]), np.array([p1]), np.array([p0]))[0]
    assert 0.0 <= g <= 1.0
    if not split or p0 >= p1:
        assert g == 0.0


def test_split_options_are_hedge_concede_suspend_and_turning_on_an_ally():
    opts = compiled().options
    split = wedge.split_options(opts)
    labels = {opts.label(o) for o in np.flatnonzero(split) if opts.actor[o] == ROK}
    assert {"hedge", "concede", "retaliate JPN", "suspend gsomia"} <= labels
    assert "retaliate PRC" not in labels and "coordinate" not in labels and "hold" not in labels


def test_divisive_events_are_the_challengers_aimed_at_the_partner_pair():
    sc = make_scenario(
        [
            event("joint_criticism_invitation", source="PRC", targets=["ROK"]),
            event("joint_air_patrol", source="PRC", targets=["ROK", "JPN"]),
            event("court_ruling", source="ROK", targets=["JPN"]),  # not Beijing's
            event("military_drill", source="PRC", targets=["JPN"]),  # no dispute channel
            event("joint_air_patrol", source="PRC", targets=["USA"]),  # not aimed at the pair
        ]
    )
    np.testing.assert_array_equal(wedge.divisive_events(sc, compiled()), [True, True, False, False, False])


def test_attempts_are_offers_above_the_threshold_or_provocations():
    c = compiled()
    sc = make_scenario([event("joint_air_patrol", source="PRC", targets=["JPN"])])
    th = c.params.thresholds.inducement
    state = make_state(n=2, inducement=np.array([[0.0, th, th / 2, 0.9], [0.0, 0.0, 0.0, 0.0]]))
    fired = np.array([[False], [True]])
    attempted, provoked = wedge.attempts(state, fired, wedge.divisive_events(sc, c), sc, c.params)
    np.testing.assert_array_equal(attempted, [[False, True, False, False], [False, False, True, False]])
    np.testing.assert_array_equal(provoked, [[False] * 4, [False, False, True, False]])


def test_policy_probabilities_of_the_bundled_policies():
    utility = np.array([[0.0, np.log(3.0), 5.0]])
    open_ = np.array([[True, True, False]])
    np.testing.assert_allclose(
        wedge.policy_probabilities(LogitPolicy(), 1, utility, open_, 1.0), [[0.25, 0.75, 0.0]]
    )
    np.testing.assert_allclose(
        wedge.policy_probabilities(RandomPolicy(), 1, utility, open_, 1.0), [[0.5, 0.5, 0.0]]
    )
    scripted = ScriptedPolicy({2: 0})
    np.testing.assert_allclose(wedge.policy_probabilities(scripted, 2, utility, open_, 1.0), [[1, 0, 0]])
    np.testing.assert_allclose(
        wedge.policy_probabilities(scripted, 3, utility, open_, 1.0), [[0.25, 0.75, 0]]
    )


def test_caused_splits_hand_computed_for_a_logit_ally():
    # Seoul's menu reduced to three options: hold, coordinate, hedge (a split).
    # With the offer: utilities 0, 0, ln 2 -> P(hedge) = 2/4 = 0.5.
    # Without it:     utilities 0, 0, 0    -> P(hedge) = 1/3.
    # Seoul hedged: the offer caused it with probability 1 - (1/3)/(1/2) = 1/3.
    split = np.array([False, False, True])
    menu = slice(0, 3)
    decisions = [None, wedge.Decision(LogitPolicy(), menu, 1.0, np.zeros(1)), None, None]
    attempted = np.array([[False, True, False, False]])
    choices = np.array([[0, 2, 0, 0]])
    with_ = np.array([[0.0, 0.0, np.log(2.0)]])
    without = np.zeros((1, 3))
    open_ = np.ones((1, 3), bool)
    g = wedge.caused_splits(1, attempted, choices, split, with_, open_, without, open_, decisions)
    np.testing.assert_allclose(g, [[0.0, 1 / 3, 0.0, 0.0]])
    # Seoul held instead: no success, whatever the lift
    g = wedge.caused_splits(
        1, attempted, np.array([[0, 0, 0, 0]]), split, with_, open_, without, open_, decisions
    )
    np.testing.assert_allclose(g, 0.0)


class _Stubborn:
    """An unknown policy (no probabilities): always picks the best open option."""

    def choose(self, turn, utility, open_, draws, temperature):
        return np.where(open_, utility, -np.inf).argmax(axis=1)


def _expected_credit(utility_with: np.ndarray, utility_without: np.ndarray, split: np.ndarray) -> float:
    """The attempt's expected credit: sum over Seoul's choices of P(choice) x its necessity."""
    menu = slice(0, utility_with.size)
    decisions = [None, wedge.Decision(LogitPolicy(), menu, 1.0, np.zeros(1)), None, None]
    attempted = np.array([[False, True, False, False]])
    open_ = np.ones((1, utility_with.size), bool)
    p = np.exp(utility_with) / np.exp(utility_with).sum()
    credit = 0.0
    for choice in range(utility_with.size):
        choices = np.array([[0, choice, 0, 0]])
        g = wedge.caused_splits(
            1, attempted, choices, split, utility_with[None], open_, utility_without[None], open_, decisions
        )
        credit += p[choice] * g[0, 1]
    return credit


def test_an_offer_is_credited_with_the_rise_in_splits_so_splits_made_anyway_leave_it_less():
    # MODEL.md, Validation ("low Seoul-Tokyo trust does not make wedges succeed"): the
    # measure credits an offer on average with p1 - p0, the rise in the ally's
    # probability of breaking ranks. An offer that multiplies the weight of hedging
    # by k = 4 (utility + ln 4, temperature 1):
    # - menu hold, hedge (weights 1, 1 -> 1, 4): p0 = 1/2, p1 = 4/5, credit 0.3;
    # - the same menu with a walk-out the ally would make anyway (weight 2, a split):
    #   p0 = (1 + 2)/4 = 3/4, p1 = (4 + 2)/7 = 6/7, credit 6/7 - 3/4 = 3/28, which is
    #   (k - 1) p_h0 (1 - p_S0) / (1 + (k - 1) p_h0) = 3 x 1/4 x 1/4 / (7/4).
    # The same offer earns less where the ally breaks ranks anyway: a lower baseline
    # of cooperation leaves the wedge less to win.
    offer = np.log(4.0)
    alone = _expected_credit(np.array([0.0, offer]), np.zeros(2), np.array([False, True]))
    np.testing.assert_allclose(alone, 0.3)
    walkout = np.log(2.0)
    crowded = _expected_credit(
        np.array([0.0, offer, walkout]), np.array([0.0, 0.0, walkout]), np.array([False, True, True])
    )
    np.testing.assert_allclose(crowded, 3 / 28)


def test_unknown_policy_uses_the_paired_shadow_choice():
    split = np.array([False, True])
    d = [None, wedge.Decision(_Stubborn(), slice(0, 2), 1.0, np.zeros(2)), None, None]
    attempted = np.array([[False, True, False, False]] * 2)
    choices = np.array([[0, 1, 0, 0], [0, 1, 0, 0]])
    with_ = np.array([[0.0, 1.0], [0.0, 1.0]])
    without = np.array([[0.0, -1.0], [0.0, 2.0]])  # run 0: would have held; run 1: split anyway
    open_ = np.ones((2, 2), bool)
    g = wedge.caused_splits(1, attempted, choices, split, with_, open_, without, open_, d)
    np.testing.assert_allclose(g[:, ROK], [1.0, 0.0])


def _offer_scenario():
    return make_scenario(
        [event("wedge_inducement", source="PRC", targets=["ROK"], magnitude=1.0, turn=1)], turns=3
    )


def test_random_play_never_wins_a_wedge_but_the_ai_can():
    sc = loaded(_offer_scenario())
    seeds = np.arange(300)
    ai = play(sc, seeds)
    rnd = play(sc, seeds, policies=random_policies())
    assert np.all(ai.scores.wedge_success_rate[~np.isnan(ai.scores.wedge_success_rate)] >= 0)
    assert np.nanmax(rnd.scores.wedge_success_rate) == 0.0
    assert np.nanmean(ai.scores.wedge_success_rate) > 0.0
    # the offer stands on Seoul only: one episode per run
    assert set(np.unique(ai.scores.wedge_success_rate >= 0)) == {True}


def test_a_run_alone_scores_its_wedge_as_in_an_ensemble():
    sc = loaded(_offer_scenario())
    many = play(sc, np.arange(40))
    for k in (0, 17, 39):
        alone = play(sc, [k])
        assert alone.scores.wedge_success_rate[0] == pytest.approx(many.scores.wedge_success_rate[k], abs=0)


def test_a_stronger_offer_wins_more_often():
    weak = loaded(_offer_scenario(), {"events.wedge_inducement.inducement": 0.2})
    strong = loaded(_offer_scenario(), {"events.wedge_inducement.inducement": 1.0})
    seeds = np.arange(400)
    w = np.nanmean(play(weak, seeds).scores.wedge_success_rate)
    s = np.nanmean(play(strong, seeds).scores.wedge_success_rate)
    assert s > w


def test_no_attempt_no_episode():
    sc = loaded(make_scenario([event("military_drill", source="PRC", targets=["JPN"])], turns=2))
    beijing_holds = ScriptedPolicy({1: 0, 2: 0})  # option 0 of Beijing's menu is hold
    m = play(sc, np.arange(5), policies={"PRC": beijing_holds})
    assert np.isnan(m.scores.wedge_success_rate).all()
    assert m.compiled.options.label(m.compiled.options.slices[PRC].start) == "hold"


def test_a_given_move_is_not_credited_to_the_wedge():
    sc = loaded(_offer_scenario())
    m = __import__("sim.model", fromlist=["TrilateralModel"]).TrilateralModel(
        sc, seeds=np.arange(30), collect=False
    )
    while m.running:
        # Tokyo's move is given too (hold, not a split): Beijing's AI may induce Tokyo, and a
        # Tokyo that then hedges, less assured of a hedging Seoul, is a wedge success of its own
        m.play_turn(given={"ROK": "hedge", "JPN": "hold"})
    # Seoul hedged in every run under a standing offer, but by a human's hand
    assert np.nansum(m.scores.wedge_success_rate) == 0.0
    assert np.all(m.scores.wedge_success_rate[~np.isnan(m.scores.wedge_success_rate)] == 0.0)


def test_a_divisive_provocation_is_an_attempt_scored_against_its_counterfactual():
    # A Beijing-sourced patrol over Dokdo heats the dispute on turns 1-3; no offer at all.
    patrols = [
        event("joint_air_patrol", source="PRC", targets=["ROK", "JPN"], magnitude=1.0, turn=t)
        for t in (1, 2, 3)
    ]
    sc = loaded(make_scenario(patrols, turns=3), {"world.dispute": 0.6})
    beijing_holds = ScriptedPolicy({1: 0, 2: 0, 3: 0})
    seeds = np.arange(200)
    m = play(sc, seeds, policies={"PRC": beijing_holds})
    rate = m.scores.wedge_success_rate
    assert not np.isnan(rate).any()  # every run saw the provocation on Seoul and Tokyo
    assert np.all((rate >= 0) & (rate <= 1))
    assert rate.mean() > 0.0  # the heat makes turning on the partner likelier: some splits are caused
    # the same runs one by one score the same (the counterfactual is per run)
    for k in (3, 150):
        alone = play(sc, [int(seeds[k])], policies={"PRC": ScriptedPolicy({1: 0, 2: 0, 3: 0})})
        assert alone.scores.wedge_success_rate[0] == rate[k]
    rnd = play(sc, seeds, policies={**random_policies(), "PRC": beijing_holds})
    assert np.nanmax(rnd.scores.wedge_success_rate) == 0.0
