"""Golden traces: each bundled scenario at seed 7 must replay exactly as stored.

When behaviour changes on purpose, regenerate with `python tests/regen_golden.py`.
"""

from __future__ import annotations

import copy
import json

import pytest
from support import BUNDLED, SCENARIO_DIR, bundled_path, describe_differences, golden_document, golden_path

NAMES = sorted(set(BUNDLED) | {p.stem for p in SCENARIO_DIR.glob("*.yaml")})


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_replays_its_golden_trace(name):
    if not bundled_path(name).exists():
        pytest.skip(f"bundled scenario {bundled_path(name)} does not exist yet")
    path = golden_path(name)
    if not path.exists():
        pytest.fail(f"no golden file {path}; create it with `python tests/regen_golden.py {name}`")
    stored = json.loads(path.read_text(encoding="utf-8"))
    now = golden_document(name)
    message = describe_differences(name, stored, now)
    if message:
        pytest.fail(message, pytrace=False)


def test_golden_document_is_deterministic_json():
    name = next((n for n in NAMES if bundled_path(n).exists()), None)
    if name is None:
        pytest.skip("no bundled scenario exists yet")
    a, b = golden_document(name), golden_document(name)
    assert a == b
    assert a["seed"] == 7 and a["scenario"]["path"] == f"scenarios/{name}.yaml"
    text = json.dumps(a, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text


def test_difference_report_names_turn_field_and_regeneration():
    stored = {
        "seed": 7,
        "turns": [{"turn": 1, "trust": {"ROK": {"JPN": 0.3}}}, {"turn": 2, "trust": {"ROK": {"JPN": 0.31}}}],
    }
    now = copy.deepcopy(stored)
    now["turns"][1]["trust"]["ROK"]["JPN"] = 0.29
    now["turns"][1]["actions"] = {"ROK": "hedge"}
    message = describe_differences("demo", stored, now)
    assert "differs in 2 field(s); the first difference is at turn 2:" in message
    assert "turn 2: turns[1].trust.ROK.JPN: stored 0.31, now 0.29" in message
    assert "turns[1].actions: stored '<absent>'" in message
    assert "python tests/regen_golden.py" in message
    assert describe_differences("demo", stored, copy.deepcopy(stored)) == ""
