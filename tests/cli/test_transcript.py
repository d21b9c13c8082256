"""The run transcript: readable at any width, in files and pipes, with NO_COLOR; nothing cut."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from clihelp import runner
from support import ROOT, SCENARIO_DIR

from cli.app import app
from sim.actors import ACTORS, CAPITAL
from sim.model import TrilateralModel
from sim.narrative import SCALES
from sim.vocab import MECHANISMS

SCENARIO = SCENARIO_DIR / "taiwan_strait.yaml"
SEED = 7
COLOR = re.compile(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m|\x1b\[[0-9;]*38;")


@pytest.fixture(scope="module")
def model():
    m = TrilateralModel(SCENARIO, rng=SEED, collect=False)
    while m.running:
        m.step()
    return m


def _transcript(columns: int, *extra: str) -> str:
    result = runner.invoke(
        app, ["run", str(SCENARIO), "--seed", str(SEED), *extra], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _sections(text: str, turns: int) -> list[str]:
    marks = [text.index(f" Turn {t} of {turns} ") for t in range(1, turns + 1)] + [text.index(" Scorecard ")]
    return [text[a:b] for a, b in zip(marks, marks[1:], strict=False)]


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_no_value_is_cut_at_any_width(model, columns):
    out = _transcript(columns)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= columns
    opts = model.compiled.options
    sections = _sections(out, model.script.turns)
    for rec, section in zip(model.history, sections, strict=True):
        words = set(section.split())
        flat = _flat(section)
        for i in range(len(ACTORS)):
            for j in range(len(ACTORS)):
                if i != j:
                    value = f"{rec.state.trust[0, i, j]:.2f}"
                    assert {value, value + "▲", value + "▼"} & words, (rec.turn, i, j, value)
        for k, name in enumerate(MECHANISMS):
            assert name in words
            value = f"{rec.state.strength[0, k]:.2f}"
            assert {value, value + "▲", value + "▼"} & words
        for a, code in enumerate(ACTORS):
            assert f"{CAPITAL[code]}: {opts.label(int(rec.outcome.choices[0, a]))}" in flat
        for e, on in zip(model.script.events, rec.fired[0], strict=True):
            if on:
                assert _flat(e.headline) in flat and _flat(e.briefing) in flat
        assert f"cohesion {rec.state.cohesion[0]:.1f}/100" in flat
    assert _flat(SCALES) in _flat(out)


def test_the_start_is_shown_before_turn_one_with_every_view(model):
    out = _transcript(80)
    start = out[out.index("Before turn 1") : out.index(" Turn 1 of ")]
    for title in (
        "Trust",
        "Mechanisms",
        "Public opinion",
        "Threat perception",
        "Economic exposure",
        "Resolve",
    ):
        assert title in start
    assert f"{model.start.trust[0, 1, 2]:.2f}" in start.split()


def test_full_detail_shows_opinion_threat_exposure_and_resolve_every_turn(model):
    normal, full = _transcript(100), _transcript(100, "--detail", "full")
    turns = model.script.turns
    assert all("Public opinion" not in s for s in _sections(normal, turns))
    for rec, section in zip(model.history, _sections(full, turns), strict=True):
        assert "Public opinion" in section and "Resolve" in section
        assert f"{rec.state.opinion[0, 1, 2]:.2f}" in " ".join(section.split()).replace("▲", " ").replace(
            "▼", " "
        )


def test_scorecard_rates_show_counts_and_the_verdict_thresholds():
    out = _flat(_transcript(80))
    assert re.search(r"coordinated-response rate \d+% \(\d+ of \d+ crisis turns\)", out)
    assert "resilient >= 75" in out and "broken < 35" in out


def _subprocess(env: dict[str, str], stdout: object) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "run.py", "run", "taiwan_strait", "--seed", str(SEED)],
        cwd=ROOT,
        env=full,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
    )


def test_to_a_file_not_squeezed_to_80_columns_and_nothing_cut(tmp_path):
    target = tmp_path / "transcript.txt"
    with target.open("wb") as fh:
        proc = _subprocess({}, fh)
    assert proc.returncode == 0, proc.stderr
    text = target.read_text(encoding="utf-8")
    assert "…" not in text and "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) > 80  # wide: a file is not a terminal


def test_no_color_means_no_colour_even_on_a_forced_terminal():
    coloured = _subprocess({"FORCE_COLOR": "1", "COLUMNS": "80"}, subprocess.PIPE)
    plain = _subprocess({"FORCE_COLOR": "1", "COLUMNS": "80", "NO_COLOR": "1"}, subprocess.PIPE)
    assert coloured.returncode == plain.returncode == 0
    assert COLOR.search(coloured.stdout.decode())  # the check can fail
    assert not COLOR.search(plain.stdout.decode())
    assert "…" not in plain.stdout.decode()


def test_the_scorecard_footnote_defines_survived_and_not_tested_as_the_registry_does():
    from sim.score_fields import MECHANISM_SCORES

    result = runner.invoke(
        app, ["run", str(SCENARIO), "--seed", str(SEED)], env={"COLUMNS": "80", "NO_COLOR": "1"}
    )
    out = _flat(result.stdout)
    survived = next(f for f in MECHANISM_SCORES if f.name == "survived")
    assert "not ended by the last turn" in survived.meaning and "never active" in survived.meaning
    for f in MECHANISM_SCORES:  # each column is defined under the table, in the registry's words
        assert f"{f.label}: {_flat(f.meaning).replace(' (NaN)', '')}" in out
