"""sim/robustness.py: the calibrated list and the bookkeeping of --perturb."""

from __future__ import annotations

import pytest

from sim.coefficients import default_value
from sim.errors import InputError
from sim.robustness import CALIBRATED_FILE, Calibrated, load_calibrated, perturbed, run_robustness
from sim.scenario import parse_scenario
from sim.verdicts import backtest

# A tour ban on Seoul in turn 1. Exposure after turn 1 is x0 * (1 - diversification * p1),
# where p1 is the pressure the ban put on Seoul before anyone moved: the change is
# proportional to `tension.diversification`, whatever the governments choose.
SCENARIO = """\
title: Robustness test
description: A tour ban on Seoul.
sources: [tests]
turns: 2
briefings: {1: a}
events:
  - {id: ban, kind: tourism_ban, headline: h, briefing: b, turn: 1, targets: [ROK], magnitude: 1.0}
expectations:
  runs: 20
  checks:
    - {name: the ban fires, metric: event_fires, event: ban, share: {at_least: 0.99}}
    - name: exposure falls a little
      metric: exposure
      of: ROK
      toward: PRC
      change: true
      at: 1
      mean: {above: BOUND}
"""


def scenario(bound: float):
    return parse_scenario(SCENARIO.replace("BOUND", repr(bound)), "robust.yaml")


def test_calibrated_list_names_real_coefficients():
    entries = load_calibrated()
    assert len(entries) == len({e.path for e in entries}) >= 19
    assert "utility.concede.economy.coercion_pain" in {e.path for e in entries}
    assert all("calibration" in e.why for e in entries)


def test_unknown_calibrated_path_names_file_and_line(tmp_path):
    bad = tmp_path / "calibrated.yaml"
    text = CALIBRATED_FILE.read_text().replace("path: opinion.dispute", "path: opinion.dispotu", 1)
    bad.write_text(text)
    with pytest.raises(InputError) as info:
        load_calibrated(bad)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "dispotu" in row)
    assert f"{bad}:{line}:" in str(info.value) and "no coefficient 'dispotu'" in str(info.value)


def test_perturbed_moves_one_value_from_its_effective_value():
    loaded = scenario(-1.0)
    moved = perturbed(loaded, "tension.diversification", 1.2)
    assert moved.parameters.tension.diversification == pytest.approx(
        1.2 * default_value("tension.diversification")
    )
    assert moved.parameters.opinion == loaded.parameters.opinion
    with_own = loaded.with_overrides([(("tension", "diversification"), 0.05, "test", None)])
    assert perturbed(
        with_own, "tension.diversification", 0.8
    ).parameters.tension.diversification == pytest.approx(0.04)


def test_robustness_counts_pairs_and_names_what_broke():
    # Put the bound between the default change and the change at +20%.
    change = backtest(scenario(-1.0))[1].value
    assert change < 0
    loaded = scenario(1.1 * change)
    entries = [
        Calibrated(path="tension.diversification", why="t"),
        Calibrated(path="opinion.dispute", why="t"),
    ]
    result = run_robustness([loaded], 0.2, runs=10, calibrated=entries)
    assert [(p.path, p.direction) for p in result.pairs] == [
        ("tension.diversification", -1),
        ("tension.diversification", 1),
        ("opinion.dispute", -1),
        ("opinion.dispute", 1),
    ]
    assert [p.holds for p in result.pairs] == [True, False, True, True]
    (broken,) = result.pairs[1].broken
    assert broken.check == "exposure falls a little" and broken.value == pytest.approx(1.2 * change)
    doc = result.as_dict()
    assert doc["robust"] == 3 and doc["total"] == 4 and doc["robust_share"] == 0.75
    assert doc["baseline_failed"] == [] and doc["pairs"][1]["broken"][0]["scenario"] == "robust"


def test_a_check_failing_unperturbed_is_not_counted_as_broken():
    change = backtest(scenario(-1.0))[1].value
    loaded = scenario(0.5 * change)  # fails at the defaults already
    entries = [Calibrated(path="tension.diversification", why="t")]
    result = run_robustness([loaded], 0.2, runs=10, calibrated=entries)
    assert all(p.holds for p in result.pairs)
    assert result.as_dict()["baseline_failed"] == [{"scenario": "robust", "check": "exposure falls a little"}]


def test_a_move_out_of_range_is_refused_and_not_robust():
    entries = [Calibrated(path="tension.concession_relief", why="t")]  # 0.60: 0.6 x 1.9 > 1
    result = run_robustness([scenario(-1.0)], 0.9, runs=10, calibrated=entries)
    minus, plus = result.pairs
    assert minus.refused is None and plus.refused is not None and "<= 1" in plus.refused
    assert result.robust == 1
