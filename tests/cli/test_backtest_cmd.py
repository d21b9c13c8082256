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
    turns: 4
    briefings: {1: a}
    events:
      - {id: ban, kind: tourism_ban, headline: h, briefing: b, turn: 1, targets: [ROK], magnitude: 1.0}
    expectations:
      runs: 50
      checks:
        - {name: the ban fires, metric: event_fires, event: ban, share: {at_least: 0.99}}
        - {name: Seoul resents Beijing, metric: trust, of: ROK, toward: PRC, change: true, mean: {below: 0.0}}
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
    assert "2 passed, 0 failed" in result.output


def test_a_failing_expectation_exits_1(tmp_path):
    text = SCENARIO.replace("share: {at_least: 0.99}", "share: {at_most: 0.5}")
    result = runner.invoke(app, ["backtest", write(tmp_path, text)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "1 passed, 1 failed" in result.output


def test_json_reports_value_interval_and_verdict(tmp_path):
    result = runner.invoke(app, ["backtest", write(tmp_path, SCENARIO), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (entry,) = doc["scenarios"]
    assert entry["runs"] == 50 and doc["failed"] == 0
    first = entry["results"][0]
    assert first["name"] == "the ban fires" and first["value"] == 1.0 and first["passed"] is True
    assert first["low"] <= first["value"] <= first["high"] and first["n"] == 50


def test_bad_input_exits_2(tmp_path):
    bad = SCENARIO.replace("metric: event_fires", "metric: vibes")
    result = runner.invoke(app, ["backtest", write(tmp_path, bad)])
    assert result.exit_code == 2 and "b.yaml:" in result.output and "vibes" in result.output
    none = SCENARIO.split("expectations:")[0]
    result = runner.invoke(app, ["backtest", write(tmp_path, none, "n.yaml")])
    assert result.exit_code == 2 and "declares no expectations" in result.output
    assert "Traceback" not in result.output
