"""cli/schema_cmd.py: `schema` prints the JSON Schema of scenario files."""

from __future__ import annotations

import json

import pytest
import yaml
from clihelp import invoke
from support import SMALL

from sim.scenario import SCHEMA_FILE


def test_schema_prints_a_json_schema_of_scenarios():
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert {"title", "turns", "events", "briefings"} <= set(schema["properties"])
    assert schema.get("additionalProperties") is False  # unknown keys refused
    text = json.dumps(schema)
    assert "military_drill" in text and "gsomia" in text


def test_schema_matches_the_shipped_file():
    if not SCHEMA_FILE.exists():
        pytest.skip(f"{SCHEMA_FILE} not created yet (python run.py schema > {SCHEMA_FILE})")
    result = invoke("schema")
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "scenarios/scenario.schema.json is stale; regenerate it with "
        "`python run.py schema > scenarios/scenario.schema.json`"
    )


def test_schema_accepts_a_valid_scenario_shape():
    """A light structural check without a validator: every key of a valid file is known."""
    schema = json.loads(invoke("schema").stdout)
    data = yaml.safe_load(SMALL.read_text())
    assert set(data) <= set(schema["properties"])
    assert set(schema.get("required", [])) <= set(data)
