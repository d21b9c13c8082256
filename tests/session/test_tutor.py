"""sim/session/tutor.py: difficulty, hints, why, and the debrief's figures against direct engine runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sessions import SCENARIO

from sim.actors import INDEX
from sim.model import TrilateralModel
from sim.narrative import reasons
from sim.scenario import load_scenario
from sim.session.session import Session
from sim.session.tutor import (
    TERM_WORDS,
    debrief,
    difficulty_settings,
    is_practice,
    option_hints,
    term_words,
    why_lines,
)
from sim.vocab import TERMS

MOVES = ["coordinate", "hold", "hedge", "coordinate"]


def student_game(folder: Path, seat: str = "ROK", level: str = "normal", undo: bool = False) -> Session:
    """A finished student game on the small scenario: fixed moves where open, else hold."""
    s = Session.create(
        folder,
        SCENARIO,
        [seat],
        seed=5,
        settings=difficulty_settings(level, seat, SCENARIO),
        extra={"play": {"as": seat, "difficulty": level}},
    )
    for k, move in enumerate(MOVES):
        if undo and k == 2:
            s.decide(seat, "hold", "")
            s.adjudicate()
            s.undo()
        s.decide(seat, move if move in s.state.open_options()[seat] else "hold", "")
        s.adjudicate()
    return s


def test_hints_come_from_the_model(tmp_path):
    s = Session.create(tmp_path / "g", SCENARIO, ["ROK"], seed=5)
    hints = option_hints(s.state, "ROK", runs=30)
    assert [h.option for h in hints] == s.state.open_options()["ROK"]
    # the AI's chance of each option is its logit probability at this turn (no chance event on turn 1)
    assert sum(h.ai_chance for h in hints) == pytest.approx(1.0)
    # the score column is each option against the menu's mean: a direct ensemble gives the same
    k = [h.option for h in hints].index("coordinate")
    seeds = np.arange(1, 31) + 5
    direct = []
    for option in [h.option for h in hints]:
        m = TrilateralModel.from_snapshot(s.state.model.snapshot(), s.state.loaded, runs=30, seeds=seeds)
        m.play_turn(given={"ROK": option}, if_closed="ai")
        m.step()
        direct.append(m.index_so_far().mean())
    assert hints[k].index_change == pytest.approx(direct[k] - np.mean(direct), abs=1e-9)
    # the utility terms shown for you are the option's preference-weighted terms
    m = TrilateralModel.from_snapshot(s.state.model.snapshot(), s.state.loaded)
    m.play_turn(given={"ROK": "coordinate"})
    shown = dict(hints[k].terms)
    weighted = m.history[-1].terms[0, INDEX["ROK"]] * m.compiled.weights[INDEX["ROK"]]
    assert shown  # coordinate has terms worth showing on turn 1
    # a term is shown at its weighted value, and left out only when it is below 0.005
    for t, name in enumerate(TERMS):
        if name in shown:
            assert shown[name] == pytest.approx(weighted[t])
        else:
            assert abs(weighted[t]) < 0.005
    # each hint carries its kind's one-line trade-off from the registry
    from sim.kinds import SPEC

    assert hints[k].about == SPEC["coordinate"].about
    assert hints[0].about == SPEC["hold"].about
    s.close()


def test_why_names_each_others_move_and_its_weighted_terms(tmp_path):
    s = Session.create(tmp_path / "g", SCENARIO, ["ROK"], seed=5)
    assert "No turn" in why_lines(s.state, "ROK")[0]
    s.decide("ROK", "coordinate", "")
    s.adjudicate()
    lines = why_lines(s.state, "ROK")
    model = s.state.model
    rec = model.history[-1]
    for line, code in zip(lines, ("USA", "JPN", "PRC"), strict=False):
        a = INDEX[code]
        assert model.compiled.options.label(int(rec.outcome.choices[0, a])) in line
        top = reasons(model, rec, 0, a)[0]
        assert f"{term_words(top[0], code)} {top[1]:+.2f}" in line
        assert f"{rec.probability[0, a]:.0%}" in line
    assert not any("Seoul chose" in x for x in lines)
    assert TERM_WORDS["alliance"] not in lines[2]  # Beijing's alliance term is a divided alliance
    s.close()


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    folder = tmp_path_factory.mktemp("game") / "g"
    s = student_game(folder)
    d = debrief(s.state, "ROK", ai_runs=300, runs=60)
    yield s, d
    s.close()


def test_percentile_against_direct_ai_runs(finished):
    s, d = finished
    loaded = load_scenario(SCENARIO)
    seeds = np.arange(1, 301) + 5
    model = TrilateralModel(loaded, seeds=seeds, keep_history=False)
    while model.running:
        model.step()
    ai = model.scores.index
    mine = TrilateralModel(loaded, rng=5)
    for move in [r["moves"]["ROK"]["option"] for r in s.state.played]:
        mine.play_turn(given={"ROK": move})
    score = float(mine.scores.index[0])
    assert d.score == pytest.approx(score)
    np.testing.assert_allclose(np.sort(d.ai), np.sort(ai))
    assert d.percentile == pytest.approx(100 * ((ai < score).mean() + 0.5 * (ai == score).mean()))
    assert not d.practice


def test_three_moments_against_direct_runs(finished):
    s, d = finished
    loaded = load_scenario(SCENARIO)
    moves = [r["moves"]["ROK"]["option"] for r in s.state.played]
    seeds = np.arange(1, 61) + 5
    changes = {}
    for k in range(len(moves)):
        run = TrilateralModel(loaded, rng=5)  # the game's own run, replayed to the turn
        for move in moves[:k]:
            run.play_turn(given={"ROK": move})
        snap = run.snapshot()
        mine = TrilateralModel.from_snapshot(snap, loaded, runs=60, seeds=seeds)
        ai = TrilateralModel.from_snapshot(snap, loaded, runs=60, seeds=seeds)
        mine.play_turn(given={"ROK": moves[k]}, if_closed="ai")
        ai.step()
        for move in moves[k + 1 :]:
            mine.play_turn(given={"ROK": move}, if_closed="ai")
            ai.play_turn(given={"ROK": move}, if_closed="ai")
        changes[k + 1] = float((ai.scores.index - mine.scores.index).mean())
    top = sorted(changes, key=lambda t: -abs(changes[t]))[:3]
    assert [m.turn for m in d.moments] == top
    for m in d.moments:
        assert m.change == pytest.approx(changes[m.turn], abs=1e-9)
        assert m.low <= m.change <= m.high
        assert m.yours == moves[m.turn - 1]


def test_what_would_have_helped_against_direct_runs(finished):
    s, d = finished
    moves = [r["moves"]["ROK"]["option"] for r in s.state.played]
    seeds = np.arange(1, 61) + 5
    best = d.helps[0]

    def index(overrides: list) -> np.ndarray:
        model = TrilateralModel(load_scenario(SCENARIO, overrides), seeds=seeds, keep_history=False)
        for move in moves:
            model.play_turn(given={"ROK": move}, if_closed="ai")
        return model.scores.index

    base = load_scenario(SCENARIO).parameters.mechanisms[best.mechanism].strength
    treated = index(
        [
            (("mechanisms", best.mechanism, "strength"), min(1.0, base + 0.25), "t", None),
            (("mechanisms", best.mechanism, "status"), "active", "t", None),
        ]
    )
    assert best.gain == pytest.approx(float((treated - index([])).mean()), abs=1e-9)
    assert [h.gain for h in d.helps] == sorted((h.gain for h in d.helps), reverse=True)


def test_a_game_with_an_undo_is_practice_and_beijing_scores_the_complement(tmp_path):
    s = student_game(tmp_path / "u", undo=True)
    assert is_practice(s.state)
    assert [r["type"] for r in s.state.records].count("undo") == 1
    s.close()
    p = student_game(tmp_path / "p", seat="PRC")
    d = debrief(p.state, "PRC", ai_runs=50, runs=20)
    assert d.score == pytest.approx(100 - float(p.state.model.scores.index[0]))
    from sim.session.analysis import ai_indexes

    # Beijing's score is the complement of the allies' index, run by run
    assert np.allclose(d.ai, 100 - ai_indexes(p.state, 50)) and (d.ai <= 100).all()
    p.close()


def test_a_moment_where_the_ai_favoured_the_students_own_move_says_so() -> None:
    import numpy as np

    from sim.session.student_report import debrief_lines
    from sim.session.tutor import Debrief, Moment

    same = Moment(11, "coordinate", "coordinate", 0.71, -1.7, -2.0, -1.4)
    other = Moment(4, "coordinate", "concede", 0.6, 3.2, 2.9, 3.5)
    d = Debrief("ROK", "normal", False, 60.0, np.linspace(40, 80, 101), 50.0, [same, other], [], 200)
    first, second = debrief_lines(d)["moments"]
    assert "would also most often have chosen it (71% of runs)" in first
    assert "usually chose" not in first and "1.7 points lower on average" in first
    assert "most often chose 'concede' there (60% of runs)" in second
    assert "3.2 points higher on average" in second


def test_debrief_ordinals_and_signs_read_as_english() -> None:
    # "at the 1th / 2th / 22th percentile", and "(95% interval -0.6 to -0.0)" for an
    # interval whose upper end rounds to zero.
    import numpy as np

    from sim.session.student_report import debrief_lines
    from sim.session.tutor import Debrief, Help, Moment

    ai = np.linspace(40, 80, 101)
    near_zero = Moment(3, "hold", "hold", 0.92, -0.3, -0.6, -0.04)
    helped = Help("crisis_consultation", 2.0, 1.4, 2.7)
    words = {1: "1st", 2: "2nd", 3: "3rd", 11: "11th", 12: "12th", 22: "22nd", 80: "80th"}
    for pct, word in words.items():
        d = Debrief("ROK", "normal", False, 60.0, ai, float(pct), [near_zero], [helped], 200)
        lines = debrief_lines(d)
        assert f"is at the {word} percentile of 101" in lines["percentile"][0]
    assert "(95% interval -0.6 to +0.0)" in lines["moments"][0]
    assert "-0.0)" not in lines["moments"][0]
    assert lines["helps"][0] == "crisis consultation: +2.0 points (95% interval +1.4 to +2.7)"
