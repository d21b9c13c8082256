"""`session …` under hostile input: each test is a defect found by a review, now fixed.

Bad rulings, failed writes, paths the system refuses, edited headers, odd decision
files, a finished or unplayed exercise: each is one clear paragraph and exit 2 (or a
refusal at the prompt), never an internal error, and never a log that stops replaying.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from support import ROOT, SMALL
from typer.testing import CliRunner

from cli.app import app
from sim.rulings import check_value
from sim.session import log as session_log
from sim.session.analysis import run_seeds
from sim.session.lock import LOCK_NAME, SessionLock
from sim.session.log import read_log
from sim.session.session import Session, load_state

runner = CliRunner()


def cli(tmp_path, *args: str, input: str | None = None):
    return runner.invoke(app, ["session", *args, "--dir", str(tmp_path)], input=input, env={"COLUMNS": "120"})


def flat(result) -> str:
    return " ".join(result.output.split())


def kinds(tmp_path, name="ex") -> list[str]:
    return [json.loads(x)["type"] for x in (tmp_path / name / "session.jsonl").read_text().splitlines()]


def no_crash(result) -> None:
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output


@pytest.fixture
def made(tmp_path):
    r = cli(tmp_path, "new", str(SMALL), "--name", "ex", "--human", "ROK,JPN", "--seed", "2")
    assert r.exit_code == 0, r.output
    return tmp_path


ONE_TURN = "hold\nr\nhold\nj\n\n"  # both teams hold, then adjudicate


# -- rulings that JSON cannot hold ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["inf", "1e999", "-inf", "nan"])
def test_a_ruling_must_be_finite(raw):
    with pytest.raises(ValueError, match="cost.USA must be a finite number >= 0"):
        check_value("cost.USA", raw)


def test_an_infinite_override_is_refused_and_the_session_still_replays(made):
    # Before the fix the ruling changed the live state, its record failed to serialise, and
    # the next adjudication logged a digest that the log could never replay to again.
    script = ONE_TURN + "override cost.USA=inf\nwhy not\n" + ONE_TURN + "quit\n"
    r = cli(made, "play", "ex", input=script)
    assert r.exit_code == 0, r.output
    assert "cost.USA must be a finite number >= 0; got 'inf'" in flat(r)
    assert kinds(made).count("override") == 0 and kinds(made).count("adjudicate") == 2
    state = load_state(made / "ex")  # replays, checking every digest
    assert state.model.turn == 2 and np.isfinite(state.model.state.cost).all()


# -- a write that fails ------------------------------------------------------------------------


def _failing_write(monkeypatch, err: int = errno.ENOSPC):
    """os.write in the log writes half of what it is given, then fails."""
    real = os.write

    def write(fd, data):
        real(fd, bytes(data[: len(data) // 2]))
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(session_log.os, "write", write)


def test_a_failed_append_cuts_its_half_line_and_rolls_the_state_back(tmp_path, monkeypatch):
    s = Session.create(tmp_path / "s", str(SMALL), ["ROK"], seed=4)
    s.decide("ROK", "hold", "steady")
    s.adjudicate()
    log = tmp_path / "s" / "session.jsonl"
    before, digest = log.read_bytes(), s.state.model.snapshot().digest()
    _failing_write(monkeypatch)
    with pytest.raises(OSError):
        s.override({"trust.ROK.JPN": 0.9}, "a ruling the disk never saw")
    assert log.read_bytes() == before  # the half line is cut off again
    assert s.state.model.snapshot().digest() == digest  # the live state is the logged one
    monkeypatch.undo()
    s.decide("ROK", "hold", "again")  # the session goes on, its log whole
    s.adjudicate()
    s.close()
    assert load_state(tmp_path / "s").model.snapshot().digest() == s.state.model.snapshot().digest()


def test_play_on_a_full_disk_is_a_clear_error_and_loses_nothing(made, monkeypatch):
    cli(made, "play", "ex", input="hold\nfirst\nquit\n")
    saved = (made / "ex" / "session.jsonl").read_bytes()
    _failing_write(monkeypatch)
    r = cli(made, "play", "ex", input="hold\nsecond\n")
    no_crash(r)
    assert r.exit_code == 2
    assert "No space left on device" in flat(r) and "every record already in the log is still there" in flat(
        r
    )
    monkeypatch.undo()
    assert (made / "ex" / "session.jsonl").read_bytes() == saved
    r = cli(made, "play", "ex", input="quit\n")  # resumes, lock released, nothing to drop
    assert r.exit_code == 0 and "Decisions: ROK ✓ (prompt) JPN waiting" in flat(r)


def test_an_interrupt_right_after_a_write_does_not_number_two_records_alike(tmp_path, monkeypatch):
    # A Ctrl-C held back during the write arrives as the signal mask is restored; the
    # record was numbered before that, so the next record does not repeat its number.
    s = Session.create(tmp_path / "s", str(SMALL), ["ROK"], seed=4)
    real = session_log._restore_interrupts

    def restore_then_interrupt(held):
        real(held)
        raise KeyboardInterrupt

    monkeypatch.setattr(session_log, "_restore_interrupts", restore_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        s.decide("ROK", "hold", "steady")
    monkeypatch.undo()
    assert s.state.drafts["ROK"].option == "hold"  # it is on disk, so the state keeps it
    s.quit()  # what `play` does on Ctrl-C
    s.close()
    assert [r["seq"] for r in read_log(tmp_path / "s" / "session.jsonl")] == [0, 1, 2]


# -- paths the system refuses -------------------------------------------------------------------


def test_new_under_a_file_or_a_path_too_long_is_exit_2(tmp_path):
    (tmp_path / "afile").write_text("x")
    r = runner.invoke(
        app,
        [
            "session",
            "new",
            str(SMALL),
            "--name",
            "x",
            "--human",
            "ROK",
            "--dir",
            str(tmp_path / "afile" / "d"),
        ],
    )
    no_crash(r)
    assert r.exit_code == 2 and "Not a directory" in flat(r) and "--dir" in flat(r)
    long = tmp_path / ("d" * 300)
    for args in (["new", str(SMALL), "--name", "x", "--human", "ROK"], ["list"], ["show", "x"]):
        r = runner.invoke(app, ["session", *args, "--dir", str(long)])
        no_crash(r)
        assert r.exit_code == 2 and "File name too long" in flat(r), args


def test_play_where_the_lock_cannot_be_made_is_exit_2(made):
    (made / "ex" / LOCK_NAME).unlink()
    (made / "ex" / LOCK_NAME).mkdir()  # stands for a folder the process may not write
    r = cli(made, "play", "ex", input="quit\n")
    no_crash(r)
    assert r.exit_code == 2 and "session.lock" in flat(r) and "session show" in flat(r)
    assert kinds(made) == ["header"]


def test_report_and_export_to_a_place_they_cannot_write_are_exit_2(made):
    cli(made, "play", "ex", input=ONE_TURN + "quit\n")
    (made / "afile").write_text("x")
    r = cli(made, "report", "ex", "--runs", "10", "--out", str(made / "afile" / "r.html"))
    no_crash(r)
    assert r.exit_code == 2 and "afile" in flat(r) and "--out" in flat(r)
    r = cli(made, "export", "ex", "--out", str(made / "afile" / "x"))
    no_crash(r)
    assert r.exit_code == 2 and "afile: is a file, not a folder" in flat(r)


# -- an edited or damaged header ---------------------------------------------------------------


def _edit_header(tmp_path, **fields) -> None:
    log = tmp_path / "ex" / "session.jsonl"
    lines = log.read_text().splitlines()
    head = json.loads(lines[0])
    for key, value in fields.items():
        if key == "text":
            head["scenario"]["text"] = value
        else:
            head[key] = value
    lines[0] = json.dumps(head)
    log.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"seed": "x"}, "seed: got 'x'; must be a whole number"),
        ({"humans": 5}, "humans: got 5; must be a list of actor codes"),
        ({"humans": ["KOR"]}, "humans: got ['KOR']"),
        ({"settings": ["bogus"]}, "the scenario or settings in the header do not load"),
        ({"text": "title: edited\n"}, "scenario.text: does not match the sha256"),
    ],
)
def test_an_edited_header_is_exit_2_naming_the_field(made, fields, said):
    _edit_header(made, **fields)
    for command in ("show", "forecast", "play"):
        r = cli(made, command, "ex", input="quit\n")
        no_crash(r)
        assert r.exit_code == 2 and "session.jsonl:1:" in flat(r) and said in flat(r), command
    r = cli(made, "list")
    assert r.exit_code == 0 and "ex" in flat(r)


def test_a_deleted_header_and_damage_in_the_middle_say_what_to_do(made):
    cli(made, "play", "ex", input=ONE_TURN + "quit\n")
    log = made / "ex" / "session.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[1:]) + "\n")
    r = cli(made, "show", "ex")
    assert r.exit_code == 2 and "not the session's header" in flat(r) and "start a new session" in flat(r)
    lines[2] = "GARBAGE"
    log.write_text("\n".join(lines) + "\n")
    r = cli(made, "show", "ex")
    assert (
        r.exit_code == 2 and "session.jsonl:3:" in flat(r) and "delete line 3 and every line after" in flat(r)
    )


def test_the_damaged_tail_message_names_the_command_that_has_the_flag(made):
    log = made / "ex" / "session.jsonl"
    log.write_bytes(log.read_bytes() + b'{"seq": 1, "ty')
    r = cli(made, "show", "ex")
    assert r.exit_code == 2 and f"`session play ex --dir {made} --drop-bad-tail`" in flat(r)


# -- seeds at the top of the range ----------------------------------------------------------------


def test_the_largest_seed_can_be_forecast():
    assert run_seeds(2**63 - 1, 3).tolist() == [0, 1, 2]
    assert run_seeds(5, 3).tolist() == [6, 7, 8]


def test_forecast_of_a_session_with_the_largest_seed(tmp_path):
    r = cli(tmp_path, "new", str(SMALL), "--name", "big", "--human", "ROK", "--seed", str(2**63 - 1))
    assert r.exit_code == 0, r.output
    r = cli(tmp_path, "forecast", "big", "--runs", "5", "--json")
    no_crash(r)
    assert r.exit_code == 0 and json.loads(r.stdout)["runs"] == 5


# -- decision files that are not files ----------------------------------------------------------


def test_a_pipe_or_a_device_as_a_decision_file_is_refused_without_reading_it(made):
    folder = made / "ex" / "decisions" / "turn-01"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "ROK.yaml")  # reading it would block the room forever
    (folder / "JPN.yaml").symlink_to("/dev/zero")  # reading it would never end
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "session", "play", "ex", "--dir", str(made)],
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    out = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 0, out
    assert "ROK.yaml: is not a regular file" in out and "JPN.yaml: is not a regular file" in out
    assert kinds(made) == ["header", "quit"]


# -- a finished or an unplayed exercise ---------------------------------------------------------


def _finish(tmp_path) -> None:
    r = cli(tmp_path, "play", "ex", input=ONE_TURN * 4 + "\n")
    assert r.exit_code == 0 and load_state(tmp_path / "ex").finished, r.output


def test_once_the_exercise_is_over_inject_and_decide_refuse_before_asking(made):
    _finish(made)
    r = cli(made, "play", "ex", input="inject\ndecide ROK\nundo\nquit\n")
    assert r.exit_code == 0, r.output
    out = flat(r)
    assert "all 4 turns played" in out and "turn 5 of 4" not in out
    assert out.count("the exercise is over (all 4 turns played)") == 2
    assert "inject kind:" not in out
    assert "turn 4 undone" in out  # 'undo' was read as a command, not as an inject's kind
    assert kinds(made)[-2:] == ["undo", "quit"]


def test_an_inject_stops_at_its_first_bad_answer(made):
    r = cli(made, "play", "ex", input="inject\nnokind\nhold\nr\nquit\n")
    assert r.exit_code == 0
    assert "no event kind 'nokind'" in flat(r) and "source actor" not in flat(r)
    assert "ROK: hold" in flat(r)  # the next line went to the team's prompt
    r = cli(made, "play", "ex", input="inject\nmissile_test\n\nJPN\nnan\nquit\n")
    assert "magnitude must be a number from 0 to 1; got 'nan'" in flat(r) and "headline:" not in flat(r)
    assert "inject" not in kinds(made)


def test_report_of_an_unplayed_session_is_exit_2_and_forecast_of_a_finished_one_says_so(made):
    r = cli(made, "report", "ex", "--runs", "10")
    no_crash(r)
    assert r.exit_code == 2 and "no turn has been played yet" in flat(r)
    assert not (made / "ex" / "report.html").exists()
    _finish(made)
    r = cli(made, "forecast", "ex")
    assert r.exit_code == 0 and "The exercise is over (all 4 turns played)" in flat(r)
    r = cli(made, "report", "ex", "--runs", "10", "--format", "md")
    assert r.exit_code == 0 and (made / "ex" / "report.md").exists()


# -- the lock --------------------------------------------------------------------------------------


def test_a_momentary_probe_of_the_lock_does_not_refuse_a_writer(tmp_path):
    Session.create(tmp_path / "s", str(SMALL), ["ROK"], seed=1).close()
    fd = os.open(tmp_path / "s" / LOCK_NAME, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what `lock_state` does for an instant
    threading.Timer(0.1, lambda: fcntl.flock(fd, fcntl.LOCK_UN)).start()
    lock = SessionLock(tmp_path / "s")  # waits out the probe instead of naming it as a holder
    lock.release()
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a holder that stays is still refused
    t0 = time.perf_counter()
    with pytest.raises(Exception, match="one process at a time"):
        SessionLock(tmp_path / "s")
    assert time.perf_counter() - t0 < 5
    os.close(fd)


# -- errors at the console's width ----------------------------------------------------------------


def test_errors_at_the_prompt_wrap_between_words(made):
    # Printed as one soft-wrapped line, a long error was cut mid-word by the terminal
    # ("conced" / "e"); now rich wraps it at the terminal's 80 columns, between words.
    r = runner.invoke(
        app, ["session", "play", "ex", "--dir", str(made)], input="frobnicate\nquit\n", env={"COLUMNS": "80"}
    )
    n = len(load_state(made / "ex").open_options()["ROK"])
    block = r.output[r.output.index("✗") :].split("Decisions")[0]
    assert len(block.splitlines()) > 1  # long enough to wrap
    assert all(len(x) <= 80 for x in block.splitlines())
    # joining the lines with spaces gives the message back: no word was split
    assert " ".join(block.split()) == (
        f"✗ 'frobnicate' is not on ROK's menu; type an option's number (1 to {n}) or its name "
        "as listed above, or help for the commands"
    )


# -- decision files and the prompt --------------------------------------------------------------


def test_a_decision_typed_after_a_file_is_not_replaced_by_the_same_file(made):
    # Before the fix the unchanged file was taken again at the next prompt, silently
    # replacing what the facilitator had just typed for the team.
    folder = made / "ex" / "decisions" / "turn-01"
    folder.mkdir(parents=True)
    (folder / "ROK.yaml").write_text("action: repair JPN\nrationale: from the team room\n")
    r = cli(made, "play", "ex", input="decide ROK\nhold\ntyped at the table\nstatus\nquit\n")
    assert r.exit_code == 0, r.output
    assert flat(r).count("ROK decided from decisions/turn-01/ROK.yaml") == 1
    assert load_state(made / "ex").drafts["ROK"].option == "hold"
    r = cli(made, "play", "ex", input="quit\n")  # a resumed session knows the file was taken
    assert "ROK decided from" not in flat(r) and load_state(made / "ex").drafts["ROK"].option == "hold"
    (folder / "ROK.yaml").write_text("action: hedge\nrationale: the team changed its mind\n")
    r = cli(made, "play", "ex", input="quit\n")  # a new version of the file is taken
    assert "ROK decided from decisions/turn-01/ROK.yaml: hedge" in flat(r)


def test_files_that_are_not_read_are_named_once(made):
    folder = made / "ex" / "decisions" / "turn-01"
    folder.mkdir(parents=True)
    (folder / "PRC.yaml").write_text("action: hold\nrationale: x\n")
    (folder / "rok.yaml").write_text("action: hold\nrationale: x\n")
    r = cli(made, "play", "ex", input="\n\nquit\n")
    out = flat(r)
    assert out.count("note: decisions/turn-01/PRC.yaml is not read: Beijing is played by the AI") == 1
    assert out.count("note: decisions/turn-01/rok.yaml is not read: decision files are named exactly") == 1
    assert "JPN.yaml, ROK.yaml" in out
    assert "decision" not in kinds(made)


def test_ctrl_c_in_the_middle_of_an_adjudication_leaves_a_log_that_replays(made, monkeypatch):
    # The model counts the turn before it adjudicates; a Ctrl-C in between used to log
    # the quit under the half-played turn's number, which replay then refused.
    import sim.model

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.model, "adjudicate", interrupted)
    r = cli(made, "play", "ex", input=ONE_TURN)
    no_crash(r)
    assert r.exit_code == 0 and "Resume with" in flat(r)
    monkeypatch.undo()
    state = load_state(made / "ex")  # replays
    assert state.model.turn == 0 and sorted(state.drafts) == ["JPN", "ROK"]
    assert kinds(made)[-1] == "quit"
    r = cli(made, "play", "ex", input="\nquit\n")  # and play goes on from the drafts
    assert r.exit_code == 0 and load_state(made / "ex").model.turn == 1


def test_new_that_fails_half_way_leaves_no_log_and_can_be_run_again(tmp_path, monkeypatch):
    # The log used to be created empty and then given its header: a `new` stopped in
    # between left an empty log that refused both `new` (the name is taken) and `play`.
    real = os.fsync

    def failing_fsync(fd):  # the log's first sync fails; the lock's goes through
        if "session.lock" in os.readlink(f"/proc/self/fd/{fd}"):
            return real(fd)
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(session_log.os, "fsync", failing_fsync)
    args = ["new", str(SMALL), "--name", "ex", "--human", "ROK"]
    r = cli(tmp_path, *args)
    no_crash(r)
    assert r.exit_code == 2 and "Input/output error" in flat(r)
    assert not (tmp_path / "ex" / "session.jsonl").exists()
    assert not [p for p in (tmp_path / "ex").iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    r = cli(tmp_path, *args)
    assert r.exit_code == 0, r.output
    assert kinds(tmp_path) == ["header"]


# -- people's text on a projected screen ----------------------------------------------------------


def test_rationales_and_headlines_are_text_not_markup_or_terminal_codes(made):
    # "[/red]" in a rationale crashed `session show` (rich read it as a closing tag), and an
    # escape sequence in a submitted file cleared the projected screen when shown.
    folder = made / "ex" / "decisions" / "turn-01"
    folder.mkdir(parents=True)
    (folder / "JPN.yaml").write_text('action: hold\nrationale: "calm \\e[2J\\e[31m down \\u202e now"\n')
    script = (
        "inject\nsummit\n\nROK\n0.3\nbig [/red] \x1b[2J summit\nhold\nwe say [/red] and [bold]loud\n\nquit\n"
    )
    r = cli(made, "play", "ex", input=script)
    no_crash(r)
    assert r.exit_code == 0 and "Turn 1: what changed" in flat(r)
    assert "\x1b[2J" not in r.output and "big [/red] [2J summit" in r.output
    r = cli(made, "show", "ex")
    no_crash(r)
    assert r.exit_code == 0
    assert "we say [/red] and [bold]loud" in r.output
    assert "calm [2J [31m down now" in r.output and "\x1b" not in r.output and "\u202e" not in r.output


def test_two_news_of_one_name_at_once_are_told_the_name_is_taken(tmp_path, monkeypatch):
    import sim.session.session as session_module

    real = session_module.SessionLock

    def lock_after_the_other(folder):  # the other `new` wrote its log while this one waited
        lock = real(folder)
        (folder / "session.jsonl").write_text('{"seq":0,"type":"header"}\n')
        return lock

    monkeypatch.setattr(session_module, "SessionLock", lock_after_the_other)
    r = cli(tmp_path, "new", str(SMALL), "--name", "ex", "--human", "ROK")
    no_crash(r)
    assert r.exit_code == 2 and "already holds a session" in flat(r)
    assert (tmp_path / "ex" / "session.jsonl").read_text() == '{"seq":0,"type":"header"}\n'


def test_decide_with_no_human_seat_says_how_to_get_one(made):
    r = cli(made, "play", "ex", input="seat ROK ai\nseat JPN ai\ndecide\nquit\n")
    assert "no team has a seat; seat TEAM human first" in flat(r)


# -- many runs --------------------------------------------------------------------------------------


def test_forecast_and_baseline_in_chunks_give_the_same_numbers(made, monkeypatch):
    # A million continuations used to be one ensemble (about 9 GB); now they are played
    # in chunks, which must not change a single number.
    from sim.session import analysis

    cli(made, "play", "ex", input=ONE_TURN + "quit\n")
    state = load_state(made / "ex")
    whole_f, whole_ai = analysis.forecast(state, 23), analysis.ai_indexes(state, 23)
    monkeypatch.setattr(analysis, "CHUNK", 5)
    sizes: list[int] = []
    real = analysis.TrilateralModel.from_snapshot
    monkeypatch.setattr(
        analysis.TrilateralModel,
        "from_snapshot",
        lambda *a, **k: (sizes.append(k["seeds"].size), real(*a, **k))[1],
    )
    parts_f, parts_ai = analysis.forecast(state, 23), analysis.ai_indexes(state, 23)
    assert sizes == [5, 5, 5, 5, 3] * 2  # never more than a chunk in memory
    monkeypatch.setattr(analysis.TrilateralModel, "from_snapshot", real)
    assert np.array_equal(whole_f.index, parts_f.index) and np.array_equal(whole_ai, parts_ai)
    assert whole_f.survival == parts_f.survival and whole_f.active_at_end == parts_f.active_at_end
    assert np.array_equal(whole_f.coordinated, parts_f.coordinated, equal_nan=True)
    assert np.array_equal(whole_f.any_coordinated, parts_f.any_coordinated)
    r = cli(made, "forecast", "ex", "--runs", "23", "--json")  # the CLI goes through the chunks too
    assert json.loads(r.stdout)["index"]["mean"] == pytest.approx(float(parts_f.index.mean()), abs=0)


def test_the_percentile_says_when_the_teams_result_rests_on_rulings(made):
    cli(made, "play", "ex", input=ONE_TURN * 2 + "override trust.ROK.JPN=0.9\nthe summit\nquit\n")
    r = cli(made, "report", "ex", "--runs", "10", "--format", "md")
    assert r.exit_code == 0, r.output
    text = " ".join((made / "ex" / "report.md").read_text().split())
    assert "The teams' result includes 1 facilitator ruling(s); the AI-played runs have none." in text
    cli(made, "play", "ex", input="undo\nquit\n")  # an undone ruling is no longer in force
    r = cli(made, "report", "ex", "--runs", "10", "--format", "md")
    assert r.exit_code == 0 and "after turn 1" in (made / "ex" / "report.md").read_text()
    assert "facilitator ruling" not in (made / "ex" / "report.md").read_text()


def test_quit_after_a_torn_turn_is_logged_at_the_turn_the_log_is_at(tmp_path):
    # Any loop (the facilitator's or the student game's) may quit after a Ctrl-C stopped
    # the model half-way through a step; the quit must not carry the torn turn's number.
    s = Session.create(tmp_path / "s", str(SMALL), ["ROK"], seed=4)
    s.decide("ROK", "hold", "steady")
    s.state.model.turn += 1  # what an interrupted step leaves behind
    s.quit()
    s.close()
    state = load_state(tmp_path / "s")  # replays
    assert state.records[-1]["type"] == "quit" and state.records[-1]["turn"] == 1
    assert state.drafts["ROK"].option == "hold"
