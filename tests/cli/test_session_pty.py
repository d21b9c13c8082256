"""`session play` in a real pseudo-terminal (pexpect): typing, a second writer, SIGKILL and resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from support import ROOT, SMALL

pexpect = pytest.importorskip("pexpect", reason="pexpect is in the dev extra")
# pexpect forks pytest's process, which earlier tests left threaded (Python 3.12 warns);
# the child only execs the command at once, so none of the parent's locks are taken in it.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

ENV = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "xterm"}


def run_py(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )


ESC = r"(?:\x1b\[[0-9;]*m)*"  # rich styles text in bold even without colour


def styled(text: str) -> str:
    """A pattern for ``text`` with any terminal style codes between its words."""
    return (ESC + " " + ESC).join(re.escape(w) for w in text.split(" "))


def spawn(cwd):
    child = pexpect.spawn(
        sys.executable,
        [str(ROOT / "run.py"), "session", "play", "ex"],
        cwd=str(cwd),
        env=ENV,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    return child


def test_play_in_a_terminal_refuses_a_second_writer_and_survives_sigkill(tmp_path):
    made = run_py(
        "session", "new", str(SMALL), "--name", "ex", "--human", "ROK,JPN", "--seed", "1", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    child = spawn(tmp_path)
    child.expect("Turn 1/4: briefing")
    child.expect(styled("ROK choose a number or option"))
    child.sendline("coordinate")
    child.expect(styled("ROK rationale"))
    child.sendline("together with Tokyo")
    child.expect(styled("JPN choose a number or option"))
    # a second process is refused while this one plays, and told who holds the session
    second = run_py("session", "play", "ex", cwd=tmp_path)
    assert second.returncode == 2
    assert f"open in process {child.pid}" in " ".join(second.stderr.split())
    child.sendline("hold")
    child.expect(styled("JPN rationale"))
    child.sendline("wait and see")
    child.expect(styled("All teams have decided"))
    child.sendline("")
    child.expect("Turn 1: what changed")
    child.expect("Resilience index so far")
    child.expect(styled("ROK choose a number or option"))
    child.sendline("hedge")
    child.expect(styled("ROK rationale"))
    child.sendline("keep Beijing calm")
    child.expect(styled("JPN choose a number or option"))
    # the power goes out
    child.kill(signal.SIGKILL)
    child.wait()
    log = [json.loads(x) for x in (tmp_path / "sessions" / "ex" / "session.jsonl").read_text().splitlines()]
    assert [r["type"] for r in log] == ["header", "decision", "decision", "adjudicate", "decision"]
    # resume: the same turn, Seoul's draft kept, the stale lock named
    killed = child.pid
    child = spawn(tmp_path)
    child.expect(f"stale lock left by process {killed}")
    child.expect("Turn 2/4: briefing")
    child.expect("ROK ✓ " + ESC + r"\(prompt\)\s+" + ESC + "JPN waiting")
    child.expect(styled("JPN choose a number or option"))
    # Tokyo's team submits its decision as a file while the room waits; Enter re-reads
    submitted = tmp_path / "sessions" / "ex" / "decisions" / "turn-02" / "JPN.yaml"
    submitted.parent.mkdir(parents=True)
    submitted.write_text("action: joint statement\nrationale: sent from our room\n")
    child.sendline("")
    child.expect("JPN decided from decisions/turn-02/JPN.yaml: joint statement")
    child.expect(styled("All teams have decided"))
    child.sendline("quit")
    child.expect("Resume with: python run.py session play ex")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    log = [json.loads(x) for x in (tmp_path / "sessions" / "ex" / "session.jsonl").read_text().splitlines()]
    assert [r["type"] for r in log][-3:] == ["decision", "decision", "quit"]
    assert log[-2]["source"] == "decisions/turn-02/JPN.yaml" and log[-2]["rationale"] == "sent from our room"


def test_report_in_a_terminal_says_what_it_is_measuring_and_a_pipe_stays_clean(tmp_path):
    # The percentile's AI-played runs take tens of seconds at the default size: a terminal
    # is told what is being measured; a pipe (a script's log) gets only the result line.
    made = run_py("session", "new", str(SMALL), "--name", "ex", "--human", "ROK", "--seed", "1", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    played = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "session", "play", "ex"],
        cwd=tmp_path,
        env=ENV,
        input="hold\nwait\n\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert played.returncode == 0, played.stderr
    child = pexpect.spawn(
        sys.executable,
        [str(ROOT / "run.py"), "session", "report", "ex", "--runs", "300"],
        cwd=str(tmp_path),
        env=ENV,
        encoding="utf-8",
        timeout=300,
        dimensions=(40, 100),
    )
    child.expect("Measuring 300 AI-played runs for the percentile")
    child.expect("Wrote ")
    child.expect(pexpect.EOF)
    piped = run_py("session", "report", "ex", "--runs", "100", cwd=tmp_path)
    assert piped.returncode == 0 and "Measuring" not in piped.stdout + piped.stderr
    assert piped.stdout.startswith("Wrote ")
