"""cli/session_cmd.py through CliRunner: scripted sessions, resume, files, reports, errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support import SMALL
from typer.testing import CliRunner

from cli.app import app
from sim.session.session import load_state

runner = CliRunner()


def cli(tmp_path, *args: str, input: str | None = None):
    return runner.invoke(app, ["session", *args, "--dir", str(tmp_path)], input=input, env={"COLUMNS": "120"})


def flat(result) -> str:
    """The output with every run of whitespace as one space (rich wraps long paths)."""
    return " ".join(result.output.split())


def records(tmp_path, name="ex"):
    return [json.loads(x) for x in (tmp_path / name / "session.jsonl").read_text().splitlines()]


@pytest.fixture
def made(tmp_path):
    r = cli(
        tmp_path,
        "new",
        str(SMALL),
        "--name",
        "ex",
        "--human",
        "rok,JPN",
        "--seed",
        "2",
        "--set",
        "opinion.loss=0.4",
    )
    assert r.exit_code == 0, r.output
    assert "Created session ex" in flat(r) and "human teams ROK, JPN" in flat(r)
    return tmp_path


# A whole exercise typed at the prompt: decisions by number and by name, an override, an
# inject, a seat handed to the AI and back, an undo, then the rest of the game.
SCRIPT = "\n".join(
    [
        "2",  # ROK: option 2 (coordinate)
        "stand with Washington",
        "joint statement",  # JPN by name
        "say it together",
        "",  # adjudicate turn 1
        "override trust.ROK.JPN=0.55",
        "the foreign ministers met",
        "inject",
        "missile_test",
        "",  # source: PRC
        "JPN",
        "0.5",
        "Missile over Hokkaido",
        "seat JPN ai",
        "hedge",
        "protect trade",
        "",  # adjudicate turn 2
        "undo",
        "repair JPN",
        "mend fences",
        "",  # adjudicate turn 2 again
        "seat JPN human",
        "hold",
        "steady",
        "hold",
        "steady",
        "",  # turn 3
        "coordinate",
        "together",
        "coordinate",
        "together",
        "",  # turn 4: the end
        "",  # leave
    ]
)


def test_a_scripted_exercise_is_logged_and_replays_to_the_same_state(made):
    r = cli(made, "play", "ex", input=SCRIPT + "\n")
    assert r.exit_code == 0, r.output
    out = flat(r)
    assert "Decisions: ROK waiting JPN waiting" in out
    assert "Decisions: ROK ✓ (prompt) JPN waiting" in out
    assert "Turn 1: what changed" in out and "Biggest move: trust" in out
    assert "The AI decided: Washington " in out and "; Beijing " in out
    assert "trust.ROK.JPN = 0.55 (the engine had" in out
    assert "inject for turn 2: Missile over Hokkaido" in out
    assert "turn 2 undone; back to the start of turn 2" in out
    assert "Resilience index" in out and "The exercise is over" in out
    kinds = [x["type"] for x in records(made)]
    assert kinds.count("adjudicate") == 5 and kinds.count("undo") == 1 and kinds.count("seat") == 2
    assert kinds[-1] == "quit"
    over = next(x for x in records(made) if x["type"] == "override")
    assert over["reason"] == "the foreign ministers met" and 0 <= over["engine"]["trust.ROK.JPN"] <= 1
    state = load_state(made / "ex")
    assert state.finished and state.model.turn == 4
    # replaying the log reproduces every turn's digest (load_state checks them), and the
    # decisions in force are those typed after the undo
    assert [m.get("ROK") for m in (p["moves"] for p in state.played)][1]["option"] == "repair JPN"


def test_piped_answers_are_echoed_after_their_prompts(made):
    # A scripted exercise shown to a room reads like a typed one: each answer follows its
    # prompt (a terminal echoes typing; a pipe does not).
    r = cli(made, "play", "ex", input="2\nstand firm\nquit\n")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert any(x.startswith("ROK choose a number") and x.endswith(": 2") for x in lines)
    assert any(x.startswith("ROK rationale") and x.endswith(": stand firm") for x in lines)


def test_play_resumes_where_it_stopped(made):
    r = cli(made, "play", "ex", input="hold\nfirst\nquit\n")
    assert r.exit_code == 0 and "Resume with: python run.py session play ex" in flat(r)
    r = cli(made, "play", "ex", input="hold\nsecond\n\nquit\n")
    assert r.exit_code == 0, r.output
    assert "Decisions: ROK ✓ (prompt) JPN waiting" in flat(r)  # ROK's draft survived the restart
    state = load_state(made / "ex")
    assert state.model.turn == 1 and [d.option for d in state.drafts.values()] == []
    decisions = [x for x in records(made) if x["type"] == "decision"]
    assert [d["rationale"] for d in decisions] == ["first", "second"]


def test_end_of_input_quits_cleanly(made):
    r = cli(made, "play", "ex", input="")
    assert r.exit_code == 0 and records(made)[-1]["type"] == "quit"


def test_a_decision_file_is_taken_and_a_bad_one_keeps_the_earlier_draft(made):
    folder = made / "ex" / "decisions" / "turn-01"
    folder.mkdir(parents=True)
    (folder / "ROK.yaml").write_text("action: repair JPN\nrationale: from our team room\n")
    r = cli(made, "play", "ex", input="quit\n")
    assert "ROK decided from decisions/turn-01/ROK.yaml: repair JPN" in flat(r)
    assert "Decisions: ROK ✓ (file) JPN waiting" in flat(r)
    (folder / "ROK.yaml").write_text("action: repair JPN\nrationale: ok\nmood: angry\n")
    r = cli(made, "play", "ex", input="quit\n")
    assert "ROK.yaml:3: mood: unknown key" in flat(r)
    assert "its earlier draft (repair JPN) stays" in flat(r)
    state = load_state(made / "ex")
    assert state.drafts["ROK"].option == "repair JPN" and state.drafts["ROK"].source.endswith("ROK.yaml")
    (folder / "ROK.yaml").write_text("action: concede\nrationale: give in\n")
    r = cli(made, "play", "ex", input="quit\n")
    assert "ROK.yaml:1: action: got 'concede'; is not open this turn; open: hold" in flat(r)


def test_a_misnamed_turn_folder_or_a_file_outside_one_is_noted_once(made):
    # `decisions/turn-1/ROK.yaml` (for turn-01) was never read and never mentioned:
    # the team's decision silently missing while the room waited.
    decisions = made / "ex" / "decisions"
    (decisions / "turn-1").mkdir(parents=True)
    (decisions / "turn-1" / "ROK.yaml").write_text("action: hedge\nrationale: x\n")
    (decisions / "JPN.yaml").write_text("action: hedge\nrationale: x\n")
    (decisions / "turn-02").mkdir()  # next turn's, made early: right, and not noted
    r = cli(made, "play", "ex", input="\nstatus\nquit\n")
    out = flat(r)
    assert "note: decisions/turn-1 is not read: the folder for turn 1 is named turn-01" in out
    assert "note: decisions/JPN.yaml is not read: a decision goes in its turn's folder, e.g. turn-01/" in out
    assert out.count("decisions/turn-1 is not read") == 1 and "turn-02 is not read" not in out
    assert "Decisions: ROK waiting" in out


def test_bad_commands_are_explained_and_not_logged(made):
    r = cli(
        made,
        "play",
        "ex",
        input="\n".join(["undo", "seat ROK", "seat KOR ai", "frobnicate", "99", "concede", "quit"]) + "\n",
    )
    assert r.exit_code == 0
    for message in (
        "nothing to undo",
        "write: seat TEAM",
        "unknown team 'KOR'",
        "'frobnicate' is not on ROK's menu; type an option's number (1 to",
        "choose 1 to",
        "ROK cannot 'concede' this turn: it is not among the",
    ):
        assert message in flat(r)
    # The open options are in the table above the prompt: an error points there, and
    # does not print the whole menu (once 17 lines at 80 columns, closed options among
    # them, e.g. "restore gsomia" while GSOMIA is in force).
    errors = [line for line in r.output.splitlines() if "frobnicate" in line or "concede" in line]
    assert all(len(line) < 160 for line in errors), errors
    assert "restore gsomia" not in r.output
    assert [x["type"] for x in records(made)] == ["header", "quit"]


def test_forecast_json_is_reproducible_and_sane(made):
    cli(made, "play", "ex", input="hold\n-\nhold\n-\n\nquit\n")
    a = cli(made, "forecast", "ex", "--runs", "300", "--json")
    b = cli(made, "forecast", "ex", "--runs", "300", "--json")
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    doc = json.loads(a.stdout)
    assert doc["runs"] == 300 and doc["from_turn"] == 1 and doc["turns"] == 4
    assert doc["index"]["p5"] <= doc["index"]["p50"] <= doc["index"]["p95"]
    assert all(0 <= p <= 1 for p in doc["survival"].values())
    text = cli(made, "forecast", "ex", "--runs", "300")
    assert "300 AI-played continuations from the end of turn 1 of 4" in text.output
    assert "Chance each mechanism survives" in text.output


def test_report_names_overrides_undos_and_seat_changes(made):
    cli(made, "play", "ex", input=SCRIPT + "\n")
    r = cli(made, "report", "ex", "--format", "md", "--runs", "100")
    assert r.exit_code == 0, r.output
    md = (made / "ex" / "report.md").read_text()
    for needle in (
        "## Objectives",
        "## Observations",
        "## Improvement plan",
        "## Timeline",
        "override: trust.ROK.JPN = 0.550 (engine: ",
        "Reason: “the foreign ministers met”",
        "undo: turn 2 taken back",
        "JPN's seat handed to the AI",
        "JPN's seat handed to a human team",
        "ROK decided coordinate: “stand with Washington”",
        "inject: Missile over Hokkaido",
        "percentile",
        "| undone |",
        "![Trust among the allies](report-trust.png)",
    ):
        assert needle in md, needle
    assert (made / "ex" / "report-trust.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = cli(made, "report", "ex", "--runs", "100")
    html = (made / "ex" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "the foreign ministers met" in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch: opens offline


def test_export_writes_tidy_tables(made):
    cli(made, "play", "ex", input=SCRIPT + "\n")
    r = cli(made, "export", "ex")
    assert r.exit_code == 0, r.output
    out = made / "ex" / "export"
    recs = pd.read_parquet(out / "records.parquet")
    assert len(recs) == len(records(made)) and recs["undone"].sum() >= 3
    assert pd.read_csv(out / "records.csv").shape == recs.shape
    decisions = pd.read_parquet(out / "decisions.parquet")
    assert len(decisions) == 4 * 4 and set(decisions["by"]) == {"human", "ai"}
    trust = pd.read_parquet(out / "trust.parquet")
    assert len(trust) == 5 * 12  # turns 0-4, twelve directed pairs
    over = pd.read_parquet(out / "overrides.parquet")
    assert over["path"].tolist() == ["trust.ROK.JPN"] and over["ruling"].tolist() == ["0.55"]


def test_list_and_show(made):
    r = cli(made, "list")
    assert "ex" in flat(r) and "small" in flat(r) and "free" in flat(r)
    r = cli(made, "show", "ex")
    assert r.exit_code == 0 and "seats: USA ai, ROK human, JPN human, PRC ai" in flat(r)
    assert "settings opinion.loss=0.4" in flat(r)
    # Before turn 1 no index exists: "index so far 0.0" once read as a rout.
    assert "turns played 0 of 4 (turn 1 being decided); no index yet" in flat(r)
    assert "index so far 0.0" not in flat(r)


def test_list_at_80_columns_never_cuts_a_session_name(made):
    # A student game's name ("economic_coercion-ROK-normal-s3") was listed as
    # "economic_coer…" at 80 columns: the one thing the list is for, cut.
    long = "economic_coercion-ROK-normal-s3"
    assert cli(made, "new", str(SMALL), "--name", long, "--human", "ROK").exit_code == 0
    r = runner.invoke(app, ["session", "list", "--dir", str(made)], env={"COLUMNS": "80"})
    assert r.exit_code == 0 and "…" not in r.output
    assert all(len(line) <= 80 for line in r.output.splitlines())
    assert f"{long}: scenario small" in r.output and "ex: scenario small" in r.output


def test_bad_input_is_exit_2_without_traceback(made, tmp_path):
    cases = [
        (("new", str(SMALL), "--name", "ex", "--human", "ROK"), "already holds a session"),
        (("new", str(SMALL), "--name", "ex2", "--human", "KOR"), "name each human team once"),
        (("new", str(SMALL), "--name", "../up", "--human", "ROK"), "a session name is"),
        (("new", "nowhere.yaml", "--name", "ex3", "--human", "ROK"), "no such file"),
        (("new", str(SMALL), "--name", "ex4", "--human", "ROK", "--set", "opinion.loss=7"), "opinion.loss"),
        (("play", "missing"), "no such session"),
        (("report", "ex", "--format", "pdf"), "must be md or html"),
        (("show", "missing"), "no such session"),
        # every continuation is held in memory at once (about 12 KB each): 10**6 once
        # asked for 12 GB; the bound is sim.limits.AI_RUNS_MAX
        (("forecast", "ex", "--runs", "1000000"), "100000"),
    ]
    for args, message in cases:
        r = cli(made, *args)
        assert r.exit_code == 2, (args, r.output)
        assert message in flat(r) and "Traceback" not in flat(r), (args, r.output)
    assert not (made / "ex2").exists() and not (made / "ex4" / "session.jsonl").exists()


def test_an_out_path_of_the_wrong_kind_is_named_before_any_measuring(made, tmp_path):
    # Once: `report --out DIR` measured for tens of seconds, then said
    # "/.tmp.v9orsy56.tmp: Is a directory"; `--out FILE/x.html` and `export --out FILE`
    # said "FILE: File exists".
    plain = tmp_path / "plain.txt"
    plain.write_text("keep")
    cases = [
        (("report", "ex", "--out", str(tmp_path)), f"{tmp_path}: is a folder, not a file; --out takes"),
        (("report", "ex", "--out", str(plain / "r.html")), f"{plain}: is a file, not a folder"),
        (("export", "ex", "--out", str(plain)), f"{plain}: is a file, not a folder; --out takes a folder"),
    ]
    for args, message in cases:
        r = cli(made, *args)
        assert r.exit_code == 2, (args, r.output)
        assert message in flat(r) and ".tmp" not in flat(r) and "File exists" not in flat(r), (args, r.output)
    assert plain.read_text() == "keep"


def test_a_damaged_tail_is_reported_and_dropped_with_the_flag(made):
    log = made / "ex" / "session.jsonl"
    log.write_bytes(log.read_bytes() + b'{"seq":1,"ty')
    r = cli(made, "play", "ex", input="quit\n")
    assert r.exit_code == 2 and "session.jsonl:2:" in flat(r) and "--drop-bad-tail" in flat(r)
    r = cli(made, "play", "ex", "--drop-bad-tail", input="quit\n")
    assert r.exit_code == 0 and [x["type"] for x in records(made)] == ["header", "quit"]


def _hinted(output: str, after: str) -> list[str]:
    """The command a hint tells the user to type, after ``after``, as arguments."""
    text = " ".join(output.split())
    command = text.split(after, 1)[1].split("`")[0].split(" to drop")[0].strip().rstrip(".")
    words = command.split()
    assert words[:2] == ["python", "run.py"] or words[0] == "session", command
    return words[2:] if words[0] == "python" else words


def test_every_hint_names_the_sessions_folder_so_it_can_be_typed_as_shown(made):
    # The sessions live in a --dir folder, not ./sessions: a hint without --dir (once:
    # "Resume with: python run.py session play ex", "session report ex", the damaged
    # tail's `session play ex --drop-bad-tail`) finds no session when typed.
    r = runner.invoke(app, ["session", "report", "ex", "--dir", str(made)])
    assert r.exit_code == 2 and f"session play ex --dir {made}" in flat(r), r.output
    r = runner.invoke(app, ["session", "show", "nope", "--dir", str(made)])
    assert r.exit_code == 2 and f"`session list --dir {made}` shows them" in flat(r), r.output
    r = runner.invoke(app, ["session", "play", "ex", "--dir", str(made)], input="quit\n")
    assert r.exit_code == 0
    args = _hinted(r.output, "Resume with:")
    assert args == ["session", "play", "ex", "--dir", str(made)]
    assert runner.invoke(app, args, input="quit\n").exit_code == 0
    log = made / "ex" / "session.jsonl"
    log.write_bytes(log.read_bytes() + b'{"seq":9,"ty')
    r = runner.invoke(app, ["session", "show", "ex", "--dir", str(made)])
    assert r.exit_code == 2
    args = _hinted(r.output, "Run `")
    assert args == ["session", "play", "ex", "--dir", str(made), "--drop-bad-tail"]
    assert runner.invoke(app, args, input="quit\n").exit_code == 0
    assert runner.invoke(app, ["session", "show", "ex", "--dir", str(made)]).exit_code == 0


def test_a_wrong_version_is_refused(made):
    log = made / "ex" / "session.jsonl"
    header = json.loads(log.read_text())
    log.write_text(json.dumps(header | {"schema": 2}) + "\n")
    r = cli(made, "play", "ex")
    assert r.exit_code == 2 and "schema version 2" in flat(r) and "Open it with the version" in flat(r)


def test_list_names_a_damaged_session_without_failing(made):
    cli(made, "new", str(SMALL), "--name", "other", "--human", "JPN")
    (made / "other" / "session.jsonl").write_text("not json\n")
    r = cli(made, "list")
    assert r.exit_code == 0
    assert "unreadable" in flat(r) and "small" in flat(r)
