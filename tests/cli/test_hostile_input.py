"""Hostile input to the non-session commands: each gets one clear paragraph and exit 2."""

from __future__ import annotations

import copy
import json
import os
import sys

import pytest
from clihelp import invoke
from support import SMALL


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert "crash report" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, command):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    result = invoke(command, fifo)  # reading a FIFO with no writer would block for ever
    assert result.exit_code == 2
    assert f"{fifo}: is not a regular file" in result.stderr
    no_traceback(result)


@pytest.mark.skipif(not os.path.exists("/dev/zero") or sys.platform == "win32", reason="needs /dev/zero")
def test_an_endless_device_is_refused():
    result = invoke("validate", "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero: is not a regular file" in result.stderr


def test_non_utf8_bytes_are_named_with_their_line(tmp_path):
    f = tmp_path / "latin1.yaml"
    text = SMALL.read_bytes().replace(b"turns: 4", b"# caf\xe9\nturns: 4", 1)
    f.write_bytes(text)
    line = text.split(b"\n").index(b"# caf\xe9") + 1
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:{line}: is not UTF-8 text (byte e9" in result.stderr
    assert "save the file as UTF-8" in result.stderr


def test_a_control_character_is_one_line_with_its_line_number(tmp_path):
    f = tmp_path / "nul.yaml"
    text = SMALL.read_text().replace("turns: 4", "turns: 4\x00", 1)
    f.write_text(text)
    line = text.splitlines().index("turns: 4\x00") + 1
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:{line}: holds the control character U+0000" in result.stderr
    assert "<unicode string>" not in result.stderr
    assert len([ln for ln in result.stderr.splitlines() if ln.strip()]) == 1


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_inf_magnitudes_say_finite_not_a_bound(tmp_path, value):
    f = tmp_path / "nan.yaml"
    f.write_text(SMALL.read_text().replace("magnitude: 0.8", f"magnitude: {value}", 1))
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert "events[0].magnitude" in result.stderr
    assert "must be a finite number (not .inf or .nan)" in result.stderr
    assert "must be <=" not in result.stderr and "must be >=" not in result.stderr


# --- run --from-record with tampered records -------------------------------------------


@pytest.fixture(scope="module")
def record_doc() -> dict:
    result = invoke("run", SMALL, "--seed", "2", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _tamper(doc: dict, dotted: str, value) -> dict:
    doc = copy.deepcopy(doc)
    *parents, last = dotted.split(".")
    node = doc
    for key in parents:
        node = node[key]
    node[last] = value
    return doc


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("provenance.scenario.text", 5, "provenance.scenario.text: got 5; must be the scenario file's text"),
        ("provenance.scenario.path", 5, "provenance.scenario.path: got 5"),
        ("provenance.scenario.sha256", 5, "provenance.scenario.sha256: got 5; must be 64 hexadecimal"),
        ("provenance.seeds", [], "provenance.seeds: got []; must be a list of 1 to"),
        ("provenance.seeds", [-1], "provenance.seeds: got -1; each seed must be a whole number"),
        ("provenance.seeds", [10**30], "each seed must be a whole number from 0 to 2**63 - 1"),
        ("provenance.seeds", [1.5], "provenance.seeds: got 1.5"),  # was silently seed 1
        ("provenance.seeds", [True], "provenance.seeds: got True"),  # was silently seed 1
        ("provenance.seeds", "12", "provenance.seeds: got '12'"),  # was silently seeds 1 and 2
        ("provenance.overrides", [{"path": 5, "value": 1, "source": "--set"}], "provenance.overrides: got"),
        ("provenance.overrides", {"a": 1}, "must be a list of {path, value, source}"),
    ],
)
def test_a_tampered_record_names_the_field(tmp_path, record_doc, field, value, words):
    bad = tmp_path / "record.json"
    bad.write_text(json.dumps(_tamper(record_doc, field, value)))
    result = invoke("run", "--from-record", bad)
    assert result.exit_code == 2, result.output
    assert f"{bad}: provenance." in result.stderr and words in result.stderr
    no_traceback(result)


@pytest.mark.parametrize("versions", [["numpy"], "numpy 2"])
def test_a_record_with_malformed_versions_still_replays(tmp_path, record_doc, versions):
    record = tmp_path / "record.json"
    record.write_text(json.dumps(_tamper(record_doc, "provenance.versions", versions)))
    result = invoke("run", "--from-record", record, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["turns"] == record_doc["turns"]


def test_a_deeply_nested_record_exits_2(tmp_path):
    bad = tmp_path / "deep.json"
    bad.write_text("[" * 100_000 + "]" * 100_000)
    result = invoke("run", "--from-record", bad)
    assert result.exit_code == 2
    assert "nested too deeply" in result.stderr
    no_traceback(result)


def test_a_record_larger_than_a_scenario_file_still_replays(tmp_path, record_doc):
    # A 60-turn run writes a record of about 400 kB, past the 256 KiB bound on scenario
    # files: the project's own records must replay.
    record = tmp_path / "long.json"
    record.write_text(json.dumps(record_doc, indent=2) + " " * 400_000)
    result = invoke("run", "--from-record", record, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["final"] == record_doc["final"]


# --- sweep --out in a dirty folder ------------------------------------------------------


@pytest.mark.parametrize("content", ["[]", '"complete"', "null"])
def test_a_manifest_that_is_not_an_object_exits_2(tmp_path, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(content)
    result = invoke("sweep", SMALL, "--runs", "2", "--out", out)
    assert result.exit_code == 2, result.output
    assert f"{out / 'manifest.json'}: is unreadable or corrupt" in result.stderr
    assert (out / "manifest.json").read_text() == content  # nothing overwritten
    no_traceback(result)


# --- the Python API with wrong types ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda sim: sim.run(None), "scenario: got 'NoneType'; must be a file path"),
        (lambda sim: sim.load_scenario(5), "scenario: got 'int'; must be a file path"),
        (lambda sim: sim.run(SMALL, seed=-1), "seeds: got -1; each seed must be a whole number"),
        (lambda sim: sim.run(SMALL, seed=1.5), "seeds: got 1.5"),  # was silently seed 1
        (lambda sim: sim.run(SMALL, seed=True), "seeds: got True"),  # was silently seed 1
        (lambda sim: sim.run_ensemble(SMALL, "12"), "seeds: got '12'; must be a list"),  # was seeds 1, 2
        (lambda sim: sim.run_ensemble(SMALL, []), "seeds: got []; must hold at least one seed"),
        (lambda sim: sim.run(SMALL, settings=[1]), "settings: got [1]; must be a dict"),
        (lambda sim: sim.run(SMALL, settings={5: 1}), "settings: got 5; each key must be a dotted path"),
        (lambda sim: sim.replay(5), "record: got 'int'; must be a run's JSON document"),
    ],
)
def test_the_python_api_refuses_wrong_types_with_an_input_error(call, words):
    import sim
    from sim.errors import InputError

    with pytest.raises(InputError) as caught:
        call(sim)
    assert words in str(caught.value)


def test_the_python_api_takes_numpy_and_range_seeds():
    import numpy as np

    import sim

    a = sim.run_ensemble(SMALL, np.arange(2)).runs_table()
    b = sim.run_ensemble(SMALL, range(2)).runs_table()
    assert a.equals(b) and len(a) == 2


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_a_sweep_range_bound_of_nan_or_inf_says_finite(tmp_path, value):
    spec = tmp_path / "sweep.yaml"
    spec.write_text(
        f"scenario: {SMALL}\nruns: 2\nvary:\n  opinion.loss: {{lo: 0.1, hi: {value}, steps: 3}}\n"
    )
    result = invoke("validate", spec)
    assert result.exit_code == 2
    assert f"{spec}:4: vary.opinion.loss.hi:" in result.stderr
    assert "must be a finite number (not .inf or .nan)" in result.stderr
    assert "must be above lo" not in result.stderr
