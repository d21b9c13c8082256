"""cli/claims_cmd.py: check-claims, table and JSON, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def test_check_claims_json_for_chosen_claims():
    result = runner.invoke(
        app,
        [
            "check-claims",
            "--only",
            "quasi_alliance",
            "--only",
            "exposure_breeds_concession",
            "--runs",
            "60",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [c["id"] for c in doc["claims"]] == ["exposure_breeds_concession", "quasi_alliance"]
    for c in doc["claims"]:
        assert c["holds"] is True and c["low"] <= c["effect"] <= c["high"] and c["n"] == 60
    assert doc["failed"] == 0


def test_check_claims_table():
    result = runner.invoke(app, ["check-claims", "--only", "quasi_alliance", "--runs", "60"])
    assert result.exit_code == 0, result.output
    assert (
        "quasi_alliance" in result.output and "HOLDS" in result.output and "1 hold, 0 fail" in result.output
    )


def test_bad_flags_exit_2():
    result = runner.invoke(app, ["check-claims", "--only", "nope"])
    assert result.exit_code == 2 and "no such claim" in result.output
    result = runner.invoke(app, ["check-claims", "--runs", "3"])
    assert result.exit_code == 2 and "at least 10" in result.output
