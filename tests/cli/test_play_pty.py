"""`play` in a real pseudo-terminal (pexpect): typing, why, undo, Ctrl-C offering to save, resume."""

from __future__ import annotations

import json
import os
import sys

import pytest
from support import ROOT, SMALL

pexpect = pytest.importorskip("pexpect", reason="pexpect is in the dev extra")
# pexpect forks pytest's process, which earlier tests left threaded (Python 3.12 warns);
# the child only execs the command at once, so none of the parent's locks are taken in it.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

ENV = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "xterm"}
PROMPT = r"your move \(number, option, or help\)"


def spawn(cwd, *args: str):
    return pexpect.spawn(
        sys.executable,
        [str(ROOT / "run.py"), "play", *args, "--ai-runs", "50"],
        cwd=str(cwd),
        env=ENV,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 80),
    )


def test_play_in_a_terminal_ctrl_c_offers_to_save_and_resume_finishes(tmp_path):
    child = spawn(tmp_path, str(SMALL), "--as", "ROK", "--seed", "1")
    child.expect("Your options, turn 1")
    child.expect(PROMPT)
    child.sendline("why")
    child.expect("No turn has been played yet")
    child.expect(PROMPT)
    child.sendline("2")
    child.expect("Turn 1: what happened")
    child.expect("Your score so far")
    child.expect(PROMPT)
    child.sendintr()  # Ctrl-C: offered to save; the student goes back to the game
    child.expect(r"Save and quit\? \[Y/n\]")
    child.sendline("n")
    child.expect("Back to the game")
    child.expect(PROMPT)
    child.sendline("undo")
    child.expect("turn 1 taken back")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(r"Save and quit\? \[Y/n\]")
    child.sendline("y")
    child.expect("Saved. Resume with: python run.py play --resume --name small-ROK-normal-s1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    folder = tmp_path / "sessions" / "small-ROK-normal-s1"
    kinds = [json.loads(x)["type"] for x in (folder / "session.jsonl").read_text().splitlines()]
    assert kinds == ["header", "decision", "adjudicate", "undo", "quit"]

    child = spawn(tmp_path, "--resume")
    child.expect("turn 1 of 4")
    for turn in range(1, 5):
        child.expect(f"Your options, turn {turn}")
        child.expect(PROMPT)
        child.sendline("1")
    child.expect("Against the AI")
    child.expect("The three moments that mattered most")
    child.expect("Which recommendations would have helped")
    child.expect("Game over")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "## The three moments that mattered most" in (folder / "debrief.md").read_text()


def test_a_typo_at_the_scenario_menu_or_seat_question_asks_again_in_a_terminal(tmp_path):
    # A wrong answer at a terminal once ended the program (exit 2) before the game began.
    child = spawn(tmp_path)
    child.expect(r"Scenario \(1-3\): ")
    child.sendline("9")
    child.expect("choose 1 to 3 or a name")
    child.expect(r"Scenario \(1-3\): ")
    child.sendline("wedge_driving")
    child.expect(r"Play as \(USA, ROK, JPN, PRC\): ")
    child.sendline("KOR")
    child.expect("choose one of USA, ROK, JPN, PRC")
    child.expect(r"Play as \(USA, ROK, JPN, PRC\): ")
    child.sendline("jpn")
    child.expect("You are Tokyo")
    child.expect(PROMPT)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "sessions" / "wedge_driving-JPN-normal-s0" / "session.jsonl").exists()
