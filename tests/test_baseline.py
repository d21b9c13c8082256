"""sim/baseline.py: the random baseline of a backtest and the discriminates rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.baseline import compare, discriminates, favoured_side, paired_difference
from sim.expectations import Check
from sim.scenario import parse_scenario

SCENARIO = """\
title: Baseline test
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


def check(**bound) -> Check:
    if "share" in bound:
        return Check.model_validate({"name": "c", "metric": "concedes", "actor": "ROK", **bound})
    return Check.model_validate({"name": "c", "metric": "dispute", **bound})


def test_favoured_side_follows_the_bound():
    assert favoured_side(check(share={"at_least": 0.5})) == 1
    assert favoured_side(check(share={"at_most": 0.5})) == -1
    assert favoured_side(check(mean={"above": 0.0})) == 1
    assert favoured_side(check(mean={"below": 0.0})) == -1


@pytest.mark.parametrize(
    ("side", "ai", "rnd", "low", "high", "expected"),
    [
        (1, True, False, -0.2, 0.3, True),  # the AI passes where random play fails: enough
        (1, True, True, 0.01, 0.2, True),  # both pass, AI measurably further on the bound's side
        (-1, True, True, -0.2, -0.01, True),
        (1, True, True, -0.05, 0.2, False),  # the interval straddles 0
        (1, True, True, -0.3, -0.1, False),  # differs, but random play is further on the bound's side
        (-1, True, True, 0.004, 0.015, False),
        (1, False, False, 0.1, 0.3, True),  # a failed check can still discriminate
        (1, False, True, -0.3, -0.1, False),
        (1, True, True, math.nan, math.nan, False),
        (1, True, True, 0.0, 0.0, False),  # identical in every run
    ],
)
def test_discriminates_rule(side, ai, rnd, low, high, expected):
    assert discriminates(side, ai, rnd, low, high) is expected


def test_paired_difference_by_hand():
    ai = np.array([1.0, 0.0, 1.0, np.nan, 1.0])
    rnd = np.array([0.0, 0.0, 1.0, 1.0, np.nan])
    effect, low, high, n = paired_difference(ai, rnd)
    # Pairs counted: runs 0-2, differences 1, 0, 0: mean 1/3, sd 0.57735.
    assert n == 3 and effect == pytest.approx(1 / 3)
    half = 1.96 * math.sqrt(1 / 3) / math.sqrt(3)
    assert low == pytest.approx(1 / 3 - half) and high == pytest.approx(1 / 3 + half)


def test_compare_pairs_ai_and_random_play_on_the_same_seeds():
    loaded = parse_scenario(SCENARIO, "baseline.yaml")
    # 60 runs: at 40 the paired interval of a 0.10 vs 0.25 hedging share still reached zero
    fires, resents, never_hedges = compare(loaded, runs=60)
    # A scripted event fires whatever anyone chooses: no difference at all, so context.
    assert fires.ai.value == fires.random.value == 1.0 and fires.n == 60
    assert (fires.effect, fires.low, fires.high) == (0.0, 0.0, 0.0) and not fires.discriminates
    # Both ensembles resent Beijing about equally (the ban's news about Beijing is the same
    # whatever Seoul does), so this check is context: passed by both, no measurable difference.
    assert resents.ai.passed and resents.random.passed and not resents.discriminates
    assert resents.differs and resents.low > 0  # measurably different, but on the wrong side
    # Washington's AI almost never hedges; a random Washington hedges in some runs.
    assert never_hedges.ai.value < never_hedges.random.value
    assert never_hedges.ai.passed and not never_hedges.random.passed and never_hedges.discriminates
    doc = never_hedges.as_dict()
    assert doc["value"] == never_hedges.ai.value and doc["random"]["value"] == never_hedges.random.value
    assert doc["difference"]["n"] == 60 and doc["difference"]["differs"] is True
    assert doc["discriminates"] is True
