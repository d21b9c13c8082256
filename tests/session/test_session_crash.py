"""Killing a session at any moment loses no committed record, and it resumes where it stopped.

A forked child opens the session (taking over the lock its killed predecessor left),
acts at random (decisions, adjudications, overrides, injects, undos, seat changes)
and reports each record on a pipe once the action has returned, that is, once the
record is on disk. The parent kills the child with SIGKILL at a random moment, then
checks that every record the child reported is in the log, byte for byte the same,
and that the log still replays to the digests it recorded. Forking from an
interpreter that has already imported the engine keeps each life short, so a hundred
and more kills take seconds, not minutes.

The kill loop runs in a fresh interpreter (this file run as a script), not in pytest's
process: earlier tests leave threads behind (pyarrow's pool, dask), and forking a
threaded process can deadlock the child (Python 3.12 warns about it). The script
imports the engine once, single-threaded, and reports what it saw as one JSON line.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from sessions import SCENARIO

from sim.session.log import read_log
from sim.session.session import Session, load_state

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

KILLS = 104
SESSIONS = 13  # a fresh session every KILLS / SESSIONS kills keeps replays short


def _child(folder, write_fd: int, seed: int) -> None:
    """Open the session and act at random, reporting each committed record; never returns."""
    try:
        rng = random.Random(seed)
        with Session.open(folder, drop_bad_tail=True) as s:
            while True:
                st = s.state
                roll = rng.random()
                if st.finished or (roll < 0.08 and st.model.turn > 0):
                    rec = s.undo()
                elif st.waiting_for():
                    team = st.waiting_for()[0]
                    rec = s.decide(team, rng.choice(st.open_options()[team]), f"try {rng.randrange(1000)}")
                elif roll < 0.16 and st.model.turn > 0:
                    rec = s.override({"trust.ROK.JPN": round(rng.random(), 3)}, "ruling under test")
                elif roll < 0.20:
                    rec = s.inject(
                        {"kind": "missile_test", "targets": ["JPN"], "magnitude": 0.3, "headline": "test"}
                    )
                elif roll < 0.24:
                    rec = s.seat("JPN", "ai" if st.seats["JPN"] == "human" else "human")
                else:
                    rec = s.adjudicate()
                os.write(write_fd, (json.dumps(rec, ensure_ascii=False) + "\n").encode())
    finally:
        os._exit(0)


def run_kills(tmp_path: Path) -> dict:
    """Kill forked sessions KILLS times; return what was committed, lost and resumed."""
    rng = random.Random(20261130)
    committed: dict[str, dict[int, dict]] = {}
    lost_by_kill: list[list[int]] = []
    kills = 0
    start = time.monotonic()
    for life in range(KILLS):
        folder = tmp_path / f"s{life * SESSIONS // KILLS}"
        if not (folder / "session.jsonl").exists():
            Session.create(folder, SCENARIO, ["ROK", "JPN"], seed=life).close()
        seen = committed.setdefault(str(folder), {})
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(folder, write_fd, seed=life)
        os.close(write_fd)
        # Kill after a random number of records, plus a random slice of a millisecond
        # or more, so that kills land in every phase: opening, replaying, stepping,
        # writing, syncing.
        want = rng.randrange(0, 6)
        buffer = b""
        got = 0
        deadline = time.monotonic() + 5.0
        while got < want and time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], 0.05)
            if ready:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                buffer += chunk
                got = buffer.count(b"\n")
        time.sleep(rng.random() * 0.004)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status):
            raise RuntimeError("the child ended by itself; it should have been killed")
        kills += 1
        while True:  # whatever the child reported before it died
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            buffer += chunk
        os.close(read_fd)
        for line in buffer.split(b"\n")[:-1]:
            rec = json.loads(line)
            seen[rec["seq"]] = rec
        # every reported record is in the log as reported; the log replays (digests checked)
        log = {r["seq"]: r for r in read_log(folder / "session.jsonl", drop_bad_tail=True)}
        lost_by_kill.append([seq for seq, rec in seen.items() if log.get(seq) != rec])
        load_state(folder)
    resumed = []  # each session opens, replays, and plays on where it stopped
    for folder in committed:
        with Session.open(Path(folder)) as s:
            turn = s.state.model.turn
            s.quit()
        resumed.append([turn, load_state(Path(folder)).model.turn])
    return {
        "kills": kills,
        "committed": sum(len(v) for v in committed.values()),
        "lost_by_kill": lost_by_kill,
        "resumed": resumed,
        "seconds": round(time.monotonic() - start, 1),
    }


def test_sigkill_at_random_points_loses_no_committed_record(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(HERE)]),
        # keep the forking interpreter single-threaded: OpenBLAS's pool, and the
        # background thread of pyarrow's jemalloc (mesa 3.5 imports pandas, pandas pyarrow)
        "OPENBLAS_NUM_THREADS": "1",
        "JE_ARROW_MALLOC_CONF": "background_thread:false",
    }
    done = subprocess.run(
        [sys.executable, __file__, str(tmp_path)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "multi-threaded" not in done.stderr, done.stderr
    summary = json.loads(done.stdout.splitlines()[-1])
    print(
        f"{summary['kills']} kills, {summary['committed']} committed records checked, {summary['seconds']} s"
    )
    lost = [(kill, seqs) for kill, seqs in enumerate(summary["lost_by_kill"], 1) if seqs]
    assert not lost, f"(kill, committed records not in the log as written): {lost}"
    assert summary["kills"] >= 100
    assert summary["committed"] >= 100  # the kills did interrupt real work
    assert summary["resumed"] and all(before == after for before, after in summary["resumed"])


if __name__ == "__main__":
    print(json.dumps(run_kills(Path(sys.argv[1]))))
