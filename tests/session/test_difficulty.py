"""Difficulty (sim/session/tutor.py, sim/data/difficulty.yaml): playbooks, trials, the levels' order."""

from __future__ import annotations

import numpy as np
import pytest
from support import BUNDLED, SMALL

from sim.model import TrilateralModel
from sim.params import build_parameters, default_parameters, parse_set_flag
from sim.scenario import load_scenario
from sim.session import tutor
from sim.session.analysis import mean_interval, run_seeds
from sim.session.tutor import (
    LEVELS,
    difficulty_playbook,
    difficulty_settings,
    difficulty_table,
    final_scores,
    level_scores,
    others,
    pick_playbook,
    playbook_settings,
    playbook_trials,
    score_of,
)


def test_the_others_and_the_score_each_seat_plays_for():
    assert others("ROK") == ["USA", "JPN", "PRC"] and others("PRC") == ["USA", "ROK", "JPN"]
    assert score_of(70.0, "ROK") == 70.0 and score_of(70.0, "PRC") == 30.0


def test_a_playbook_scales_each_other_actors_own_value():
    p = default_parameters()  # security 0.35, 0.25, 0.30, 0.30; economy 0.15, 0.25, 0.20; temperatures 0.05
    assert playbook_settings("security_first", "JPN", p) == [
        "actors.USA.preferences.security=0.7",
        "actors.ROK.preferences.security=0.5",
        "actors.PRC.preferences.security=0.6",
    ]
    assert playbook_settings("economy_light", "PRC", p) == [
        "actors.USA.preferences.economy=0.075",
        "actors.ROK.preferences.economy=0.125",
        "actors.JPN.preferences.economy=0.1",
    ]
    assert playbook_settings("sharper", "USA", p) == [
        "actors.ROK.temperature=0.01",
        "actors.JPN.temperature=0.01",
        "actors.PRC.temperature=0.01",
    ]
    # a scenario's own value is the base, and the temperature stays in its allowed range
    hot = build_parameters([parse_set_flag("actors.PRC.temperature=4")])
    assert playbook_settings("looser", "ROK", hot)[-1] == "actors.PRC.temperature=10"
    assert playbook_settings("sharper", "ROK", hot) == [
        "actors.USA.temperature=0.01",
        "actors.JPN.temperature=0.01",
        "actors.PRC.temperature=0.8",
    ]


def test_the_levels_pick_from_the_trials():
    trials = {"sharper": 50.0, "looser": 60.0, "security_first": 40.0, "alliance_light": 60.0}
    assert pick_playbook("hard", trials) == "security_first"  # the most harm: the lowest score
    assert pick_playbook("easy", trials) == "looser"  # the least harm; a tie goes to the first declared
    assert pick_playbook("normal", trials) is None
    with pytest.raises(ValueError, match="easy, normal, hard"):
        pick_playbook("brutal", trials)


def test_normal_is_the_calibrated_model_and_runs_no_trial(monkeypatch):
    def refuse(*_):
        raise AssertionError("normal needs no trial")

    monkeypatch.setattr(tutor, "playbook_trials", refuse)
    assert difficulty_settings("normal", "PRC", "taiwan_strait") == []
    assert difficulty_playbook("normal", "ROK", "taiwan_strait") is None
    with pytest.raises(ValueError, match="easy, normal, hard"):
        difficulty_settings("brutal", "ROK", "taiwan_strait")


def test_trials_are_direct_runs_on_the_trial_seeds_and_hard_plays_the_worst():
    loaded = load_scenario(SMALL)
    trials = playbook_trials(loaded, "PRC")
    assert list(trials) == list(difficulty_table()["playbooks"])
    trial = difficulty_table()["trial"]
    seeds = trial["first_seed"] + np.arange(trial["runs"])
    for name in ("sharper", "alliance_first"):
        settings = playbook_settings(name, "PRC", loaded.parameters)
        model = TrilateralModel(
            load_scenario(SMALL, [parse_set_flag(s) for s in settings]), seeds=seeds, keep_history=False
        )
        while model.running:
            model.step()
        assert trials[name] == pytest.approx(100.0 - model.scores.index.mean(), abs=1e-9)
    worst = min(trials, key=trials.__getitem__)
    assert difficulty_settings("hard", "PRC", str(SMALL)) == playbook_settings(
        worst, "PRC", loaded.parameters
    )
    # each allied seat has its own trials: its others differ (Seoul's partners are not Tokyo's)
    assert playbook_trials(loaded, "ROK") != playbook_trials(loaded, "USA")


def test_a_bad_difficulty_file_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "difficulty.yaml"
    bad.write_text(
        "levels: {easy: {pick: least_harm}, normal: {pick: null}, hard: {pick: most_harm}}\n"
        "trial: {runs: 10, first_seed: 0}\n"
        "playbooks: {odd: {charisma: 2.0}}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(tutor, "DIFFICULTY_FILE", bad)
    tutor.difficulty_table.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"playbooks\.odd: each key one of temperature, security"):
            difficulty_table()
        bad.write_text(bad.read_text().replace("most_harm", "cruel"), encoding="utf-8")
        tutor.difficulty_table.cache_clear()
        with pytest.raises(ValueError, match=r"levels\.hard\.pick"):
            difficulty_table()
    finally:
        monkeypatch.undo()
        tutor.difficulty_table.cache_clear()


#: Runs per level in the ordering test: the smallest count whose 95% intervals
#: separate every level from the next with room (the narrowest gap, Taiwan Strait's
#: easy - normal for an ally, is about 1.5 points with a paired sd of about 5).
ORDER_RUNS = 300


@pytest.mark.parametrize("scenario", BUNDLED)
@pytest.mark.parametrize("seat", ["ROK", "PRC"])
def test_each_level_is_harder_than_the_last_for_the_ai_in_your_seat(scenario, seat):
    """Easy > normal > hard in the AI-in-your-seat final score, paired on the same seeds.

    The seeds are a game's comparison runs (seed 0), not the trial's, so the order is
    not the trial's selection seen again.
    """
    seeds = run_seeds(0, ORDER_RUNS)
    easy, normal, hard = (level_scores(scenario, seat, level, seeds) for level in LEVELS)
    for harder, easier, pair in ((normal, easy, "easy - normal"), (hard, normal, "normal - hard")):
        mean, low, high = mean_interval(easier - harder)
        assert low > 0, f"{scenario} as {seat}: {pair} = {mean:+.2f} [{low:+.2f}, {high:+.2f}]"
    # the distribution shifts, not only its mean
    assert np.median(easy) >= np.median(normal) >= np.median(hard)


def test_level_scores_are_the_runs_a_game_is_compared_with():
    seeds = run_seeds(0, 40)
    settings = difficulty_settings("hard", "ROK", str(SMALL))
    direct = final_scores(load_scenario(SMALL), settings, "ROK", seeds)
    assert np.array_equal(level_scores(str(SMALL), "ROK", "hard", seeds), direct)


def test_a_reopened_game_plays_the_same_others(tmp_path):
    """The playbook is in the log as settings: reopening the game rebuilds the same others."""
    from sim.session.session import Session

    settings = difficulty_settings("hard", "PRC", str(SMALL))
    s = Session.create(tmp_path / "g", str(SMALL), ["PRC"], seed=3, settings=settings)
    s.decide("PRC", "hold", "")
    s.adjudicate()
    index = float(s.state.model.index_so_far()[0])
    s.close()
    again = Session.open(tmp_path / "g")
    try:
        expected = load_scenario(SMALL, [parse_set_flag(x) for x in settings]).parameters
        assert again.state.loaded.parameters.actors == expected.actors
        assert again.state.loaded.parameters.actors != load_scenario(SMALL).parameters.actors
        assert float(again.state.model.index_so_far()[0]) == index
    finally:
        again.close()


def test_a_playbook_is_described_from_its_declared_factors():
    from sim.session.tutor import describe_playbook

    assert describe_playbook(None) == "as calibrated"
    assert describe_playbook("security_first") == "security weighed double"
    assert describe_playbook("economy_light") == "economy weighed half"
    assert describe_playbook("sharper") == "choices 5x sharper"
    assert describe_playbook("looser") == "choices 10x looser"
    with pytest.raises(KeyError):
        describe_playbook("no_such_book")


def test_the_difficulty_label_names_the_others_playbook_from_the_log_header():
    from sim.session.tutor import difficulty_label

    assert difficulty_label({}) == "normal"
    assert difficulty_label({"play": {"difficulty": "normal", "playbook": None}}) == "normal"
    header = {"play": {"difficulty": "hard", "playbook": "security_first"}}
    assert difficulty_label(header) == "hard (others: security_first, security weighed double)"
    # a game logged with a playbook since removed from the data file still opens
    assert difficulty_label({"play": {"difficulty": "easy", "playbook": "gone"}}) == "easy (others: gone)"
