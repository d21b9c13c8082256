"""cli/backtest_cmd.py: expected outcomes, pass or fail, with exit codes."""

from __future__ import annotations

import json
import textwrap

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()

SCENARIO = textwrap.dedent(
    """\
    title: Backtest test
    description: Coercion of Seoul.
    sources: [tests]
    turns: 8
    briefings: {1: a}
    events:
      - {id: ban, kind: tourism_ban, headline: h, briefing: b, turn: 1, targets: [ROK], magnitude: 1.0}
    expectations:
      runs: 50
      checks:
        - {name: the ban fires, metric: event_fires, event: ban, share: {at_least: 0.99}}
        - {name: Seoul resents Beijing, metric: trust, of: ROK, toward: PRC, change: true, mean: {below: 0.0}}
        - {name: Washington never hedges, metric: chooses, actor: USA, action: hedge, share: {at_most: 0.10}}
    """
)


def write(tmp_path, text, name="b.yaml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return str(f)


def test_passing_expectations_exit_0(tmp_path):
    result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO)])
    assert result.exit_code == 0, result.output
    assert "the ban fires" in result.output and "PASS" in result.output and "FAIL" not in result.output
    assert "3 passed, 0 failed" in result.output


def test_a_failing_expectation_exits_1(tmp_path):
    text = SCENARIO.replace("share: {at_least: 0.99}", "share: {at_most: 0.5}")
    result = runner.invoke(app, ["backtest", write(tmp_path, text)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "2 passed, 1 failed" in result.output


def test_json_reports_value_interval_and_verdict(tmp_path):
    result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (entry,) = doc["scenarios"]
    assert entry["runs"] == 50 and doc["failed"] == 0
    first = entry["results"][0]
    assert first["name"] == "the ban fires" and first["value"] == 1.0 and first["passed"] is True
    assert first["low"] <= first["value"] <= first["high"] and first["n"] == 50
    # Random play on the same seeds, and the paired difference.
    assert first["random"] == {"passed": True, "value": 1.0, "low": first["low"], "high": 1.0, "n": 50}
    assert first["difference"] == {"effect": 0.0, "low": 0.0, "high": 0.0, "n": 50, "differs": False}
    assert first["discriminates"] is False
    last = entry["results"][2]
    assert last["random"]["passed"] is False and last["discriminates"] is True
    assert last["difference"]["high"] < 0 and last["value"] < last["random"]["value"]
    assert doc["checks"] == 3 and doc["discriminating"] == 1


def test_table_shows_random_play_and_evidence(tmp_path):
    result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), "--runs", "40"])
    assert result.exit_code == 0, result.output
    assert "(40 runs)" in result.output and "random" in result.output
    assert "context" in result.output and "evidence" in result.output.split("1 of 3")[0]
    assert "1 of 3 checks discriminate from random play (evidence); 2 are context only" in result.output
    assert "context, not evidence" in " ".join(result.output.split())


def test_random_play_does_not_decide_the_exit_status(tmp_path):
    # The AI passes; random play fails the third check: still exit 0.
    result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), "--json", "--runs", "40"])
    doc = json.loads(result.output)
    assert result.exit_code == 0 and doc["scenarios"][0]["results"][2]["random"]["passed"] is False


def test_bad_input_exits_2(tmp_path):
    bad = SCENARIO.replace("metric: event_fires", "metric: vibes")
    result = runner.invoke(app, ["backtest", write(tmp_path, bad)])
    assert result.exit_code == 2 and "b.yaml:" in result.output and "vibes" in result.output
    none = SCENARIO.split("expectations:")[0]
    result = runner.invoke(app, ["backtest", write(tmp_path, none, "n.yaml")])
    assert result.exit_code == 2 and "declares no expectations" in result.output
    assert "Traceback" not in result.output
    for flags, words in (
        (["--runs", "3"], "from 10 to 50,000"),
        # held in memory at once: 10**11 runs once crashed asking numpy for 745 GiB (exit 3)
        (["--runs", "100000000000"], "from 10 to 50,000"),
        (["--runs", "50001"], "from 10 to 50,000"),
        (["--perturb", "1.5"], "between 0 and 1"),
    ):
        result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), *flags])
        assert result.exit_code == 2 and words in result.output


def test_perturb_reports_every_calibrated_pair(tmp_path):
    from sim.robustness import load_calibrated

    paths = [e.path for e in load_calibrated()]
    result = runner.invoke(
        app, ["backtest", write(tmp_path, SCENARIO), "--perturb", "0.2", "--runs", "10", "--json"]
    )
    doc = json.loads(result.output)
    assert doc["share"] == 0.2 and doc["runs"] == 10 and doc["total"] == 2 * len(paths)
    assert [p["path"] for p in doc["pairs"]] == [p for p in paths for _ in (0, 1)]
    assert {p["direction"] for p in doc["pairs"]} == {"+", "-"}
    assert sorted({round(p["factor"], 9) for p in doc["pairs"]}) == [0.8, 1.2]
    assert doc["robust"] == sum(p["holds"] for p in doc["pairs"])
    assert result.exit_code == (0 if doc["robust"] == doc["total"] and not doc["baseline_failed"] else 1)
    text = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), "--perturb", "0.2", "--runs", "10"])
    assert (
        f"{doc['robust']} of {doc['total']} (parameter, direction) pairs keep every check passing"
        in text.output
    )
    assert "coercion_pain" in text.output and "…" not in text.output  # no parameter name is cut


def test_report_records_what_reproduces_it(tmp_path):
    import hashlib

    path = write(tmp_path, SCENARIO)
    result = runner.invoke(app, ["backtest", path, "--json", "--runs", "20"])
    record = json.loads(result.stdout)["provenance"]
    (sc,) = record["scenarios"]
    assert sc["sha256"] == hashlib.sha256(open(path, "rb").read()).hexdigest()
    assert record["seeds"] == {"first": 0, "runs": 20}
    assert "backtest" in record["command"] and "--runs" in record["command"]
    assert {"python", "mesa", "numpy"} <= set(record["versions"])
    text = runner.invoke(app, ["backtest", path, "--runs", "20"], env={"COLUMNS": "200"}).stdout
    assert "Reproduce with:" in text and sc["sha256"][:12] in text


def test_intervals_and_seeds_read_as_words_at_80_columns(tmp_path):
    path = write(tmp_path, SCENARIO)
    text = runner.invoke(
        app, ["backtest", path, "--runs", "20"], env={"COLUMNS": "80", "NO_COLOR": "1"}
    ).stdout
    assert "…" not in text and " to" in text  # "-0.493…-0.383" read like a cut value
    assert "{'first'" not in text and "seeds 0 onward, 20 runs" in " ".join(text.split())


def test_base_rate_check_records_the_files_it_read(tmp_path):
    import hashlib

    # The bundled backtest also judges Beijing's quiet-time rates; its record must hash
    # the two files that check reads, or a changed rate would not show in the report.
    from cli.backtest_cmd import _record
    from sim.base_rates import BASE_RATES_FILE, QUIET_TIMES
    from sim.scenario import load_scenario

    loaded = [load_scenario(write(tmp_path, SCENARIO))]
    plain = _record(loaded, 20, ["trilateral", "backtest"])
    assert plain["files"] == []
    record = _record(loaded, 20, ["trilateral", "backtest"], with_base_rates=True)
    hashes = {f["path"]: f["sha256"] for f in record["files"]}
    assert hashes == {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in (BASE_RATES_FILE, QUIET_TIMES)
    }
