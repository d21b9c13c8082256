"""tests/regen_validation.py: the pieces that do not measure (markers, labels)."""

from __future__ import annotations

import pytest
import regen_validation as rv

from sim.expectations import Check


def test_replace_block_rewrites_only_between_its_markers():
    text = "a\n<!-- regen_validation: claims -->\nold\n<!-- /regen_validation: claims -->\nz\n"
    out = rv.replace_block(text, "claims", "new table\n")
    assert out == "a\n<!-- regen_validation: claims -->\nnew table\n<!-- /regen_validation: claims -->\nz\n"
    assert rv.replace_block(out, "claims", "new table") == out  # idempotent
    with pytest.raises(ValueError, match="robustness"):
        rv.replace_block(text, "robustness", "x")


def test_model_md_has_every_block():
    text = rv.MODEL_MD.read_text(encoding="utf-8")
    for name in rv.NAMES:
        rv.replace_block(text, name, "x")


def test_measured_on_names_the_window_or_turn():
    outcome = Check.model_validate(
        {
            "name": "c",
            "metric": "concedes",
            "actor": "ROK",
            "from_turn": 2,
            "by_turn": 5,
            "share": {"at_least": 0.5},
        }
    )
    assert rv.measured_on(outcome, 8) == "share of runs, turns 2–5"
    change = Check.model_validate(
        {"name": "c", "metric": "trust", "of": "ROK", "toward": "JPN", "change": True, "mean": {"below": 0}}
    )
    assert rv.measured_on(change, 8) == "change, start → turn 8"
    score = Check.model_validate({"name": "c", "metric": "index", "mean": {"above": 1}})
    assert rv.measured_on(score, 8) == "score of the run"


def test_write_atomically_replaces_the_file(tmp_path):
    target = tmp_path / "m.md"
    target.write_text("old")
    rv.write_atomically(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["m.md"]
