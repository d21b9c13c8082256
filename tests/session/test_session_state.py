"""sim/session/state.py, session.py, decisions.py, analysis.py: replay, validation, measures."""

from __future__ import annotations

import numpy as np
import pytest
from sessions import SCENARIO, scripted
from support import write

from sim.errors import InputError
from sim.model import TrilateralModel
from sim.params import parse_set_flag
from sim.scenario import Event, load_scenario
from sim.session import analysis as an
from sim.session.decisions import read_decision
from sim.session.session import Session, load_state, session_folder


def test_replay_from_disk_equals_the_live_state_bit_for_bit(tmp_path):
    live = scripted(tmp_path / "s", close=False)
    try:
        replayed = load_state(tmp_path / "s")
        a, b = live.state.model.snapshot(), replayed.model.snapshot()
        assert a.digest() == b.digest()
        assert a.state.trust.tobytes() == b.state.trust.tobytes()
        assert a.cohesion.tobytes() == b.cohesion.tobytes()
        assert (
            replayed.seats == live.state.seats == {"USA": "ai", "ROK": "human", "JPN": "human", "PRC": "ai"}
        )
        assert [r["seq"] for r in replayed.records] == list(range(len(live.state.records)))
        assert [len(x) for x in (replayed.snapshots, replayed.played)] == [3, 2]
    finally:
        live.close()


def test_the_session_equals_the_same_moves_played_on_a_bare_model(tmp_path):
    """Independent of the session code: the engine driven by hand with what the log says."""
    scripted(tmp_path / "s")
    model = TrilateralModel(
        load_scenario(SCENARIO, [parse_set_flag("opinion.loss=0.4")]), rng=3, collect=False
    )
    model.play_turn(given={"ROK": "coordinate", "JPN": "joint statement"})
    engine = model.override({"trust.ROK.JPN": 0.5, "status.gsomia": "suspended"})
    # the undone turn 2 left nothing behind (its inject went with it); turn 2 replayed:
    model.play_turn(given={"ROK": "repair JPN"})
    state = load_state(tmp_path / "s")
    assert state.model.snapshot().digest() == model.snapshot().digest()
    override = next(r for r in state.records if r["type"] == "override")
    assert override["engine"] == engine and override["ruling"]["trust.ROK.JPN"] == 0.5
    assert engine["status.gsomia"] == "active"


def test_an_inject_is_replayed_at_its_turn(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK"], seed=2) as s:
        s.inject({"kind": "missile_test", "targets": ["JPN"], "magnitude": 0.6, "headline": "Launch"})
        s.decide("ROK", "hold", "")
        s.adjudicate()
        fired = s.state.model.history[0].fired[0]
    state = load_state(tmp_path / "s")
    assert state.model.script.events[-1].headline == "Launch" and fired[-1]
    assert state.model.history[0].fired[0].tolist() == fired.tolist()


def test_actions_are_checked_before_anything_is_written(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK", "JPN"], seed=0) as s:
        n = s.log.next_seq
        for call, message in (
            (lambda: s.decide("USA", "hold", ""), "played by the AI"),
            (
                lambda: s.decide("ROK", "concede", ""),
                "cannot 'concede' this turn; open now: hold, coordinate",
            ),
            (lambda: s.decide("ROK", "invade", ""), "not on ROK's menu"),
            (lambda: s.decide("ROK", "hold", "x" * 301), "at most 300"),
            (lambda: s.adjudicate(), "still waiting for ROK, JPN"),
            (lambda: s.undo(), "nothing to undo"),
            (lambda: s.override({"crisis": 0.1}, "why"), "no adjudicated turn"),
            (lambda: s.seat("ROK", "human"), "already a human team's"),
            (lambda: s.seat("ROK", "robot"), "'human' or 'ai'"),
            (
                lambda: s.inject({"kind": "alien", "targets": ["JPN"], "magnitude": 1, "headline": "x"}),
                "kind",
            ),
        ):
            with pytest.raises(ValueError, match=message):
                call()
        assert s.log.next_seq == n  # nothing logged
        s.decide("ROK", "hold", "")
        s.decide("JPN", "hold", "")
        s.adjudicate()
        with pytest.raises(ValueError, match="written reason"):
            s.override({"crisis": 0.1}, "  ")


def test_a_finished_session_refuses_moves_until_undone(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK"], seed=0) as s:
        for _ in range(4):
            s.decide("ROK", "hold", "")
            s.adjudicate()
        assert s.state.finished
        with pytest.raises(ValueError, match="the exercise is over"):
            s.decide("ROK", "hold", "")
        s.undo()
        assert not s.state.finished and s.state.open_turn == 4


def test_session_names_are_plain(tmp_path):
    assert session_folder("ex-1", tmp_path) == tmp_path / "ex-1"
    for bad in ("../x", "a/b", "", ".hidden", "x" * 65):
        with pytest.raises(InputError, match="a session name is"):
            session_folder(bad, tmp_path)


def test_create_refuses_bad_teams_and_an_existing_session(tmp_path):
    with pytest.raises(InputError, match="name each human team once"):
        Session.create(tmp_path / "a", SCENARIO, ["ROK", "KOR"])
    with pytest.raises(InputError, match="name each human team once"):
        Session.create(tmp_path / "a", SCENARIO, ["ROK", "ROK"])
    Session.create(tmp_path / "a", SCENARIO, ["ROK"]).close()
    with pytest.raises(InputError, match="already holds a session"):
        Session.create(tmp_path / "a", SCENARIO, ["ROK"])


def test_decision_files_are_read_with_file_and_line(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK"], seed=0) as s:
        good = write(tmp_path / "good.yaml", "action: Repair  JPN\nrationale: mend fences\n")
        assert read_decision(good, "good.yaml", s.state, "ROK") == ("repair JPN", "mend fences")
        bad = write(tmp_path / "bad.yaml", "# our move\naction: concede\nrationale: [a, list]\nwho: us\n")
        with pytest.raises(InputError) as err:
            read_decision(bad, "bad.yaml", s.state, "ROK")
        message = str(err.value)
        assert "bad.yaml:2: action: got 'concede'; is not open this turn; open: hold, coordinate" in message
        assert "bad.yaml:3: rationale:" in message and "one line of text" in message
        assert "bad.yaml:4: who: unknown key" in message
        broken = write(tmp_path / "broken.yaml", "action: hold\nrationale: 'unclosed\n")
        with pytest.raises(InputError, match="broken.yaml:"):
            read_decision(broken, "broken.yaml", s.state, "ROK")


# -- analysis ---------------------------------------------------------------------------------


def test_percentile_and_interval_by_hand():
    sample = np.array([1.0, 2.0, 3.0, 4.0])
    assert an.percentile(3.0, sample) == 62.5  # 2 below, 1 equal: (2 + 0.5) / 4
    assert an.percentile(0.0, sample) == 0.0 and an.percentile(9.0, sample) == 100.0
    m, lo, hi = an.mean_interval(np.array([1.0, 3.0, np.nan]))
    half = 1.959963984540054 * np.sqrt(2.0) / np.sqrt(2)
    assert m == 2.0 and lo == pytest.approx(2 - half) and hi == pytest.approx(2 + half)
    assert list(an.run_seeds(10, 3)) == [11, 12, 13]


def test_a_forecast_run_equals_that_seed_continued_alone(tmp_path):
    scripted(tmp_path / "s")
    state = load_state(tmp_path / "s")
    f = an.forecast(state, runs=50)
    assert f.runs == 50 and f.from_turn == 2 and f.turns == 4
    snap = state.model.snapshot()
    for k in (0, 17, 49):
        one = TrilateralModel.from_snapshot(snap, state.loaded, seeds=[an.run_seeds(state.seed, 50)[k]])
        while one.running:
            one.step()
        assert one.scores.index[0] == f.index[k]
    assert 0 <= min(f.survival.values()) and max(f.survival.values()) <= 1
    assert np.unique(f.index).size > 1


def test_a_forecast_of_a_finished_session_is_its_own_result(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK"], seed=0) as s:
        for _ in range(4):
            s.decide("ROK", "coordinate", "")
            s.adjudicate()
        f = an.forecast(s.state, runs=10)
        assert np.all(f.index == s.state.model.scores.index[0])
        assert np.isnan(f.coordinated).all()


def test_ai_runs_from_the_start_and_the_teams_percentile(tmp_path):
    scripted(tmp_path / "s")
    state = load_state(tmp_path / "s")
    ai = an.ai_indexes(state, runs=30)
    # run k is the all-AI run with seed run_seeds[k], stopped at the session's turn
    alone = TrilateralModel(state.loaded, seeds=an.run_seeds(state.seed, 30)[[4]], collect=False)
    alone.step()
    alone.step()
    assert alone.index_so_far()[0] == ai[4]
    assert 0 <= an.percentile(an.teams_index(state), ai) <= 100


def test_no_boost_no_gain_and_human_moves_follow_undo(tmp_path):
    scripted(tmp_path / "s")
    state = load_state(tmp_path / "s")
    assert an.human_moves(state) == [{"ROK": "coordinate", "JPN": "joint statement"}, {"ROK": "repair JPN"}]
    zero = {g.mechanism: g for g in an.mechanism_gains(state, runs=20, boost=0.0)}
    # without a boost, a mechanism that starts active is not changed at all (the session's
    # own settings, opinion.loss=0.4, are kept in every arm)
    started_active = [m for m, p in state.loaded.parameters.mechanisms.items() if p.status == "active"]
    assert len(started_active) == 9
    assert all(zero[m].mean == 0.0 and zero[m].low == 0.0 == zero[m].high for m in started_active)
    gains = an.mechanism_gains(state, runs=20, boost=0.5)
    assert len(gains) == 11 and gains[0].mean >= gains[-1].mean
    assert any(g.mean != 0.0 for g in gains)


def test_turning_points_are_the_largest_drops_and_the_headline_has_three_lines(tmp_path):
    scripted(tmp_path / "s")
    state = load_state(tmp_path / "s")
    points = an.turning_points(state, top=2)
    assert points and all(p.drop > 0 for p in points)
    assert points == sorted(points, key=lambda p: -p.drop)
    lines = an.headline(state)
    assert len(lines) == 3 and lines[0].startswith("Turn 2: cohesion")


def test_the_headline_adds_up_from_the_values_it_shows(tmp_path):
    # "cohesion 45.8 → 45.7 (-0.2)": the change was of the unrounded values, so 24 of
    # 60 headlines (15 seeds x 4 turns of the small scenario) did not add up; nor did
    # the trust move beside it.
    import re

    from sim.actors import CAPITAL, INDEX

    actor = {name: code for code, name in CAPITAL.items()}
    shown = re.compile(r"cohesion ([\d.]+) → ([\d.]+) \(([+-][\d.]+)\)")
    moved = re.compile(r"trust (\w+)→(\w+) (rose|fell) ([\d.]+) to ([\d.]+)")
    checked = 0
    for seed in range(15):
        with Session.create(tmp_path / f"s{seed}", SCENARIO, ["ROK"], seed=seed) as s:
            s.seat("ROK", "ai")
            for _ in range(4):
                prev = s.state.model.history[-1].state if s.state.model.history else s.state.model.start
                s.adjudicate()
                first, second, _ = an.headline(s.state)
                before, after, change = shown.search(first).groups()
                assert round(float(after) - float(before), 1) == float(change), first
                a, b, way, size, to = moved.search(second).groups()
                was = round(float(prev.trust[0, INDEX[actor[a]], INDEX[actor[b]]]), 2)
                assert round(float(to) - was, 2) == (1 if way == "rose" else -1) * float(size), (was, second)
                checked += 1
    assert checked == 60


def test_events_injected_into_the_start_fire_on_their_turns(tmp_path):
    with Session.create(tmp_path / "s", SCENARIO, ["ROK"], seed=0) as s:
        s.decide("ROK", "hold", "")
        s.adjudicate()
        s.inject(
            {
                "kind": "summit",
                "targets": ["ROK", "JPN"],
                "magnitude": 0.5,
                "headline": "Summit",
                "source": "USA",
            }
        )
        s.decide("ROK", "hold", "")
        s.adjudicate()
        start = s.state.snapshots[0].with_events(s.state.model.snapshot().injected)
    assert isinstance(start.injected[0], Event) and start.state.fired.shape[1] == 4
    model = TrilateralModel.from_snapshot(start, s.state.loaded)
    model.step()
    model.step()
    assert [bool(r.fired[0, 3]) for r in model.history] == [False, True]


def test_csv_export_quotes_text_a_spreadsheet_would_run_as_a_formula() -> None:
    import pandas as pd

    from sim.session.export import _spreadsheet_safe

    frame = pd.DataFrame(
        {"rationale": ['=HYPERLINK("x")', "+1", "hold the line", "@SUM(A1)"], "turn": [1, 2, 3, 4]}
    )
    safe = _spreadsheet_safe(frame)
    assert list(safe["rationale"]) == ['\'=HYPERLINK("x")', "'+1", "hold the line", "'@SUM(A1)"]
    assert list(safe["turn"]) == [1, 2, 3, 4]  # numbers untouched
    assert frame["rationale"][0] == '=HYPERLINK("x")'  # the original (and so Parquet) keeps it
