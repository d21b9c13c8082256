"""cli/run_cmd.py: `run SCENARIO` as rich text or JSON, and its error handling."""

from __future__ import annotations

import json

import pytest
from clihelp import invoke
from support import SMALL, play

from sim.results import RunResult


def run_json(*extra: str) -> dict:
    result = invoke("run", SMALL, *extra, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_json_output_is_one_document_with_turns_and_scores():
    doc = run_json("--seed", "5")
    assert set(doc) == {"scenario", "seed", "scales", "start", "turns", "final", "provenance"}
    assert doc["seed"] == 5 and doc["scenario"]["name"] == "small"
    assert [t["turn"] for t in doc["turns"]] == [1, 2, 3, 4]
    for turn in doc["turns"]:
        assert {"events", "actions", "trust", "opinion", "threat", "exposure", "resolve"} <= set(turn)
        assert {"mechanisms", "scores", "story"} <= set(turn)
    assert 0 <= doc["final"]["resilience_index"] <= 100


def test_json_equals_the_python_api_result():
    doc = run_json("--seed", "5")
    direct = RunResult(play(str(SMALL), seeds=[5])).to_dict()
    assert doc["provenance"].pop("command") == f"trilateral run {SMALL} --seed 5"
    direct["provenance"].pop("command")
    assert doc == json.loads(json.dumps(direct))


def test_same_seed_same_json_and_other_seeds_differ():
    a, b = invoke("run", SMALL, "--seed", "3", "--json"), invoke("run", SMALL, "--seed", "3", "--json")
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout
    others = {json.dumps(run_json("--seed", str(s))["turns"]) for s in range(6)}
    assert len(others) > 1


def test_set_changes_the_result():
    default = run_json("--seed", "2")
    harsh = run_json("--seed", "2", "--set", "opinion.loss=0.5")
    assert default["turns"] != harsh["turns"]


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("nope.x=1", "no parameter 'nope'"),
        ("opinion.loss=7", "must be <= 1"),
        ("opinion.loss", "expected PATH=VALUE"),
    ],
)
def test_bad_set_flags_exit_2_with_the_message_and_no_traceback(flag, words):
    result = invoke("run", SMALL, "--set", flag)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "--set" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bad_scenario_file_exits_2_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("magnitude: 0.8", "magnitude: 8"))
    result = invoke("run", bad)
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "events[0].magnitude" in result.stderr and "got 8" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("make", [lambda d: d / "missing.yaml", lambda d: d], ids=["missing", "directory"])
def test_unreadable_scenario_exits_2(tmp_path, make):
    result = invoke("run", make(tmp_path))
    assert result.exit_code == 2
    assert "error" in result.stderr and "Traceback" not in result.output


def test_rich_output_shows_every_turn_and_the_scorecard():
    result = invoke("run", SMALL, "--seed", "7")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Small test crisis" in out
    for turn in range(1, 5):
        assert f"Turn {turn} of 4" in out
    assert "Resilience index" in out and "Scorecard" in out
    assert "Drills around Taiwan" in out  # the turn-1 inject
    assert out.index("Before turn 1") < out.index("Turn 1 of 4") < out.index("Turn 4 of 4")
    assert out.index("Turn 4 of 4") < out.index("Resilience index")


def test_set_overrides_are_recorded_in_the_json_and_the_transcript_header():
    doc = run_json("--seed", "4", "--set", "opinion.loss=0.45")
    prov = doc["provenance"]
    assert {"path": "opinion.loss", "value": 0.45, "source": "--set"} in prov["overrides"]
    assert prov["seeds"] == [4] and prov["scenario"]["name"] == "small"
    assert "opinion.loss=0.45" in prov["command"]
    with_set = invoke("run", SMALL, "--seed", "4", "--set", "opinion.loss=0.45").stdout
    without = invoke("run", SMALL, "--seed", "4").stdout
    assert "overrides: opinion.loss=0.45 (--set)" in with_set
    assert "overrides:" not in without
    assert f"sha256 {prov['scenario']['sha256'][:12]}" in with_set


def test_a_run_is_reproduced_from_its_json_record_alone(tmp_path):
    copy = tmp_path / "scenario.yaml"
    copy.write_text(SMALL.read_text())
    made = invoke(
        "run",
        copy,
        "--seed",
        "11",
        "--set",
        "opinion.loss=0.45",
        "--set",
        "world.trust.ROK.JPN=0.2",
        "--json",
    )
    doc = json.loads(made.stdout)
    record = tmp_path / "record.json"
    record.write_text(json.dumps(doc))
    copy.unlink()  # the record carries the scenario text: it reproduces after the file is gone
    replayed = invoke("run", "--from-record", record, "--json")
    assert replayed.exit_code == 0, replayed.output
    again = json.loads(replayed.stdout)
    assert again["turns"] == doc["turns"] and again["final"] == doc["final"]
    assert again["provenance"]["overrides"] == doc["provenance"]["overrides"]
    default = run_json("--seed", "11")
    assert default["turns"] != doc["turns"]  # the overrides mattered, and were replayed


def test_replay_api_rebuilds_the_same_result(tmp_path):
    from sim.api import replay, run

    first = run(SMALL, seed=3, settings={"opinion.gain": 0.2})
    again = replay(first.to_dict())
    assert again.to_dict(provenance=False) == first.to_dict(provenance=False)
    np_first, np_again = first.runs_table(), again.runs_table()
    assert np_first.equals(np_again)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{", "is not JSON"),
        ('{"seed": 1}', "is not a run record"),
    ],
)
def test_a_bad_record_exits_2(tmp_path, content, words):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = invoke("run", "--from-record", bad)
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.output


def test_a_tampered_record_is_refused(tmp_path):
    doc = run_json("--seed", "1")
    doc["provenance"]["scenario"]["text"] += "\n# edited\n"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc))
    result = invoke("run", "--from-record", bad)
    assert result.exit_code == 2 and "sha256" in result.stderr


def test_from_record_with_a_scenario_is_refused(tmp_path):
    result = invoke("run", SMALL, "--from-record", tmp_path / "x.json")
    assert result.exit_code == 2 and "--from-record" in result.stderr


def test_a_folder_given_as_the_record_is_named_as_a_folder(tmp_path):
    # `run --from-record DIR` once said "is a directory, not a YAML file" of a JSON record.
    result = invoke("run", "--from-record", tmp_path)
    assert result.exit_code == 2 and f"{tmp_path}: is a folder, not a file" in result.stderr
    assert "YAML" not in result.stderr


def test_a_bad_detail_level_exits_2():
    result = invoke("run", SMALL, "--detail", "loud")
    assert result.exit_code == 2 and "normal, full" in result.stderr


def test_wedge_success_is_told_as_an_expected_count():
    # Each wedge episode is credited with the probability that the attempt caused the
    # split (Crawford), so its count is fractional: "1.30 of 5 wedge episodes" read as a
    # typo (QA); the JSON's counts hold the same number.
    result = invoke("run", "wedge_driving", "--seed", "7", "--json")
    hits = json.loads(result.stdout)["final"]["counts"]["wedge_success"]
    assert isinstance(hits["hits"], float) and 0 < hits["hits"] < hits["of"]
    out = " ".join(invoke("run", "wedge_driving", "--seed", "7").stdout.split())
    assert f"(an expected {hits['hits']:.2f} of {hits['of']} wedge episodes)" in out
