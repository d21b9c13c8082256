"""cli/play_cmd.py through CliRunner: whole scripted student games at 80 columns with NO_COLOR."""

from __future__ import annotations

import json
import re

from support import SMALL
from typer.testing import CliRunner

from cli.app import app
from sim.session.tutor import difficulty_playbook, difficulty_settings

runner = CliRunner()
ENV = {"COLUMNS": "80", "NO_COLOR": "1"}


def play(tmp_path, *args: str, input: str | None = None):
    return runner.invoke(
        app, ["play", *args, "--dir", str(tmp_path), "--ai-runs", "100"], input=input, env=ENV
    )


def flat(result) -> str:
    """The output with panel borders and every run of whitespace as one space (rich wraps at 80)."""
    return " ".join(result.output.replace("│", " ").split())


def records(folder):
    return [json.loads(x) for x in (folder / "session.jsonl").read_text().splitlines()]


def fits(output: str) -> None:
    """Every line fits 80 columns and no value is cut with an ellipsis."""
    for line in output.splitlines():
        assert len(line) <= 80, line
    assert "…" not in output
    assert "\x1b[3" not in output  # NO_COLOR: no colour codes


def test_a_whole_game_with_help_why_hint_undo_save_quit_and_resume(tmp_path):
    first = play(
        tmp_path,
        str(SMALL),
        "--as",
        "rok",
        "--seed",
        "3",
        input="help\nwhy\nhint 2\n2\nwhy\nhint 99\nbogus\nsave\nundo\n1\nquit\n",
    )
    assert first.exit_code == 0, first.output
    out = flat(first)
    fits(first.output)
    # A number that rounds to zero is never printed as a loss ("-0.000", "-0.0").
    assert not re.search(r"-0\.0+(?![0-9])", first.output), re.findall(r".{40}-0\.0+(?![0-9])", first.output)
    folder = tmp_path / "small-ROK-normal-s3"
    assert "Commands (none of them costs a turn)" in out
    assert "No turn has been played yet" in out  # why before the first turn
    assert "the AI in your seat would pick it" in out  # hint 2
    from sim.kinds import SPEC

    assert SPEC["coordinate"].about in out  # hint 2 (coordinate) opens with its trade-off line
    assert "You chose coordinate" in out and "Washington chose" in out  # the move, then why
    assert "write: hint N, with N from 1 to" in out and "'bogus' is not an option" in out
    assert "Saved: all" in out and "turn 1 taken back" in out
    assert "Your position: Seoul" in out and "Your options, turn 1" in out
    assert "trusts you" in out and "Mechanisms you belong to" in out
    assert "Saved. Resume with: python run.py play --resume --name small-ROK-normal-s3" in out
    kinds = [r["type"] for r in records(folder)]
    assert kinds == ["header", "decision", "adjudicate", "undo", "decision", "adjudicate", "quit"]
    header = records(folder)[0]
    assert header["play"] == {"as": "ROK", "difficulty": "normal", "playbook": None}
    assert header["humans"] == ["ROK"]
    # a second start of the same game is refused; --resume picks it up (the newest game)
    again = play(tmp_path, str(SMALL), "--as", "ROK", "--seed", "3")
    assert again.exit_code == 2 and "--resume" in flat(again)
    done = play(tmp_path, "--resume", input="1\n1\n1\n\n")
    assert done.exit_code == 0, done.output
    fits(done.output)
    out = flat(done)
    assert "turn 2 of 4" in out
    assert "Resilience index" in out and "What makes up the index" in out
    assert "percentile of 100 AI-played runs with the AI in Seoul's seat" in out
    assert "This game had undos: it is marked as practice." in out
    assert "The three moments that mattered most" in out and out.count("Turn ") >= 3
    assert "Which recommendations would have helped" in out
    md = (folder / "debrief.md").read_text()
    for section in ("## Final score", "## Against the AI", "## The three moments", "## The record"):
        assert section in md
    assert "practice (undos)" in md and "*(this turn was undone)*" in md
    assert md.count("\n| ") >= 6 + 4  # the breakdown rows and the record's turns


def test_the_scenario_menu_and_seat_question_when_omitted(tmp_path):
    r = play(tmp_path, input="2\njpn\nquit\n")
    assert r.exit_code == 0, r.output
    fits(r.output)
    out = flat(r)
    assert "Taiwan Strait: from drills to blockade (taiwan_strait)" in out
    assert "You are Tokyo (JPN)" in out
    assert records(tmp_path / "taiwan_strait-JPN-normal-s0")[0]["play"]["as"] == "JPN"


def test_hard_difficulty_is_in_the_log_as_settings(tmp_path):
    r = play(tmp_path, str(SMALL), "--as", "PRC", "--difficulty", "hard", input="quit\n")
    assert r.exit_code == 0, r.output
    header = records(tmp_path / "small-PRC-hard-s0")[0]
    # the hard playbook for Beijing's seat, set on each of Beijing's rivals (the three allies)
    assert header["settings"] == difficulty_settings("hard", "PRC", str(SMALL)) != []
    assert {s.split(".")[1] for s in header["settings"]} == {"USA", "ROK", "JPN"}
    # the playbook is named in the log and on screen, so a student knows what they face
    book = header["play"]["playbook"]
    assert book == difficulty_playbook("hard", "PRC", str(SMALL)) is not None
    assert f"Difficulty hard (others: {book}," in flat(r)


def test_bad_input_is_a_clear_error(tmp_path):
    r = play(tmp_path, str(SMALL), "--as", "KOR")
    assert r.exit_code == 2 and "choose one of USA, ROK, JPN, PRC" in flat(r)
    r = play(tmp_path, str(SMALL), "--as", "ROK", "--difficulty", "brutal")
    assert r.exit_code == 2 and "easy, normal, hard" in flat(r)
    r = play(tmp_path, "--resume")
    assert r.exit_code == 2 and "no student game to resume" in flat(r)
    r = play(tmp_path, "nowhere.yaml", "--as", "ROK")
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = play(tmp_path, str(SMALL), "--as", "ROK", input="99\nquit\n")
    assert r.exit_code == 0 and "choose 1 to" in flat(r)
    # The percentile's runs are one ensemble in memory: a huge count is refused up front.
    r = runner.invoke(
        app, ["play", str(SMALL), "--as", "ROK", "--dir", str(tmp_path / "big"), "--ai-runs", "1000000000"]
    )
    assert r.exit_code == 2 and "--ai-runs" in flat(r) and not (tmp_path / "big").exists()


def test_after_ctrl_c_the_game_goes_on_from_what_the_log_holds(tmp_path):
    import io

    from rich.console import Console

    from cli.play_loop import StudentLoop
    from sim.session.session import Session

    s = Session.create(tmp_path / "g", str(SMALL), ["ROK"], seed=1, extra={"play": {"as": "ROK"}})
    loop = StudentLoop(s, Console(file=io.StringIO()), "g", "ROK", ai_runs=10, runs=5)
    s.decide("ROK", "coordinate", "")  # committed to the log
    s.state.adjudicate()  # in memory only, as if Ctrl-C struck before its record was written
    assert s.state.model.turn == 1
    loop.reload()
    assert s.state.model.turn == 0 and s.state.drafts["ROK"].option == "coordinate"
    assert len(s.state.records) == 2
    s.close()


def test_signed_numbers_round_to_zero_without_a_minus():
    from sim.narrative import signed

    assert signed(-0.0004, 3) == "+0.000" and signed(-0.04, 1) == "+0.0"
    assert signed(-0.06, 1) == "-0.1" and signed(0.25, 2) == "+0.25" and signed(-1.234, 2) == "-1.23"
