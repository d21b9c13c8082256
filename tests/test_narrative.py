"""sim/narrative.py: the plain-language account of a run."""

from __future__ import annotations

import numpy as np
import pytest
from support import SMALL, play

from sim.narrative import reasons, turn_story, verdict, why


@pytest.mark.parametrize(
    ("index", "word"),
    [
        (100, "resilient"),
        (75, "resilient"),
        (60, "strained but holding"),
        (40, "fragile"),
        (10, "broken"),
        (0, "broken"),
    ],
)
def test_verdict_words(index, word):
    assert verdict(index) == word


def test_verdict_is_monotone():
    order = ["broken", "fragile", "strained but holding", "resilient"]
    ranks = [order.index(verdict(x)) for x in np.linspace(0, 100, 101)]
    assert ranks == sorted(ranks)


@pytest.fixture(scope="module")
def model():
    return play(SMALL, seeds=[0, 1, 2])


def test_turn_story_starts_with_beijing_and_reports_coordination(model):
    for i, rec in enumerate(model.history):
        for run in range(3):
            story = turn_story(model, i, run)
            assert story[0].startswith("Beijing chose to")
            text = " ".join(story)
            if rec.outcome.crisis_turn[run] and rec.outcome.coordinated[run]:
                assert "answered together" in text
            elif rec.outcome.crisis_turn[run]:
                sentence = next(s for s in story if s.startswith("No coordinated response"))
                for a, capital in enumerate(("Washington", "Seoul", "Tokyo")):
                    assert (capital in sentence) == (not rec.outcome.responding[run, a])
            else:
                assert "coordinated response" not in text
            for a, capital in enumerate(("Washington", "Seoul", "Tokyo")):
                if rec.outcome.conceded[run, a]:
                    assert f"{capital} conceded" in text


def test_status_changes_are_told(model):
    for i in range(1, len(model.history)):
        before, after = model.history[i - 1].state.status[0], model.history[i].state.status[0]
        text = " ".join(turn_story(model, i, 0))
        assert ("is now" in text) == bool(np.any(before != after))


def test_why_names_the_weighted_terms_and_the_probability(model):
    rec = model.history[0]
    line = why(model, rec, 0, 1)
    assert line.endswith(f"(p={rec.probability[0, 1]:.2f})")
    pairs = reasons(model, rec, 0, 1)
    assert [abs(v) for _, v in pairs] == sorted((abs(v) for _, v in pairs), reverse=True)
    if pairs:
        assert line.startswith(pairs[0][0])
