"""sim/session/log.py and lock.py: durable appends, damaged tails, versions, one writer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sessions import SCENARIO, scripted
from support import ROOT

from sim.errors import InputError
from sim.session import log as session_log
from sim.session.lock import LOCK_NAME, SessionLock, lock_state
from sim.session.log import SCHEMA_VERSION, SessionLog, read_log
from sim.session.session import Session, load_state


def test_every_record_is_fsynced_before_append_returns(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(session_log.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    path = tmp_path / "s.jsonl"
    log = SessionLog.create(path, {"type": "header", "schema": SCHEMA_VERSION})
    before = len(synced)
    for k in range(3):
        record = log.append({"type": "quit", "turn": 1})
        assert record["seq"] == k + 1
        assert len(synced) == before + k + 1  # one fsync per record, before returning
        # what append returned is already in the file
        assert json.loads(path.read_text().splitlines()[-1]) == record
    log.close()
    assert [r["seq"] for r in read_log(path)] == [0, 1, 2, 3]


@pytest.fixture
def played(tmp_path):
    scripted(tmp_path / "s")
    return tmp_path / "s" / "session.jsonl"


def test_a_truncated_last_record_is_named_and_dropped_on_request(played):
    text = played.read_bytes()
    n = text.count(b"\n")
    played.write_bytes(text + b'{"seq": 99, "type": "deci')  # a write cut short by a crash
    with pytest.raises(InputError) as err:
        read_log(played)
    message = str(err.value)
    assert f"session.jsonl:{n + 1}:" in message and "--drop-bad-tail" in message
    assert len(read_log(played, drop_bad_tail=True)) == n
    assert played.read_bytes() == text  # cut back to the last committed record


def test_a_corrupt_last_line_is_named_and_dropped_on_request(played):
    text = played.read_bytes()
    n = text.count(b"\n")
    played.write_bytes(text + b"\x00\x00garbage\n")
    with pytest.raises(InputError, match=f"session.jsonl:{n + 1}: the last record is damaged"):
        Session.open(played.parent)
    with Session.open(played.parent, drop_bad_tail=True) as s:
        assert s.state.model.turn == 2
        s.quit()  # the log goes on where it was cut
    assert read_log(played)[-1]["seq"] == n


def test_a_damaged_record_before_others_is_refused_even_with_the_flag(played):
    lines = played.read_bytes().split(b"\n")
    lines[3] = lines[3][:20]
    played.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match="session.jsonl:4: record 4 is damaged"):
        read_log(played, drop_bad_tail=True)


def test_records_out_of_order_are_damage(played):
    lines = played.read_text().splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    played.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="expected record number 2"):
        read_log(played)


def test_a_log_of_another_schema_version_is_refused_with_what_to_do(played):
    lines = played.read_text().splitlines()
    header = json.loads(lines[0])
    header |= {"schema": 99, "engine": "9.9.9"}
    played.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    with pytest.raises(InputError) as err:
        Session.open(played.parent)
    message = str(err.value)
    assert "schema version 99" in message and "trilateral 9.9.9" in message
    assert "pip install trilateral==9.9.9" in message
    assert lock_state(played.parent) == "free"  # the refused open let go of the lock


def test_a_log_that_replays_differently_is_refused(played):
    lines = [json.loads(x) for x in played.read_text().splitlines()]
    first = next(r for r in lines if r["type"] == "adjudicate")
    first["digest"] = "0" * 64
    played.write_text("".join(json.dumps(r) + "\n" for r in lines))
    with pytest.raises(
        InputError, match=f"record {first['seq']} .adjudicate, turn 1. gives a different state"
    ):
        load_state(played.parent)


HOLD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from sim.session.session import Session
    s = Session.open(Path({folder!r}))
    print("open", flush=True)
    time.sleep(60)
    """
)


def test_a_second_process_is_refused_and_told_who_holds_the_session(played):
    folder = played.parent
    code = HOLD.format(root=str(ROOT), folder=str(folder))
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(InputError) as err:
            Session.open(folder)
        assert f"process {holder.pid} on" in str(err.value)
        assert lock_state(folder).startswith(f"held by process {holder.pid}")
        # reading is still allowed
        assert load_state(folder).model.turn == 2
    finally:
        holder.kill()  # dies holding the lock: the kernel releases it
        holder.wait()
    assert lock_state(folder).startswith(f"stale (left by process {holder.pid}")
    with Session.open(folder) as s:
        assert s.lock.stale is not None and s.lock.stale.pid == holder.pid
        assert f"stale lock left by process {holder.pid}" in s.lock.stale_note()
        assert "no longer exists" in s.lock.stale_note()
    assert lock_state(folder) == "free"


def test_one_process_cannot_open_a_session_twice(tmp_path):
    s = Session.create(tmp_path / "x", SCENARIO, ["ROK"], seed=1)
    try:
        with pytest.raises(InputError, match=f"process {os.getpid()}"):
            SessionLock(tmp_path / "x")
    finally:
        s.close()
    assert (tmp_path / "x" / LOCK_NAME).read_text() == ""


def test_ctrl_c_during_a_write_waits_until_the_record_is_whole(tmp_path, monkeypatch):
    import signal

    path = tmp_path / "s.jsonl"
    log = SessionLog.create(path, {"type": "header", "schema": SCHEMA_VERSION})
    real = os.fsync

    def interrupted_fsync(fd):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C arrives in the middle of the write
        real(fd)

    monkeypatch.setattr(session_log.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        log.append({"type": "quit", "turn": 1})
    log.close()
    assert [r["type"] for r in read_log(path)] == ["header", "quit"]  # whole, and on disk


def test_readers_leave_out_a_line_a_live_writer_may_be_writing(played):
    folder = played.parent
    with Session.open(folder) as s:
        text = played.read_bytes()
        played.write_bytes(text + b'{"seq": 40, "type": "dec')  # as if caught mid-append
        assert len(load_state(folder).records) == text.count(b"\n")
        assert played.read_bytes().endswith(b'"dec')  # untouched
        played.write_bytes(text)
        s.quit()
