#!/usr/bin/env python3
"""Why Seoul-Tokyo trust does not make wedges succeed in wedge_driving (MODEL.md, Validation).

    python tests/wedge_figures.py [RUNS]      # default 400 runs per arm

The two arms of `low_trust_enables_wedges` (Seoul-Tokyo trust 0.15 and 0.55, both
ways). For each, three sets of figures:

- Seoul's choice in the turns of Beijing's offers, with the offer and without it
  (`sim.wedge.without_attempts`, the measure's own counterfactual): its probability
  of hedging and of breaking ranks in any way, and the difference the offer makes,
  p1 - p0, which is what the Crawford measure credits it with on average.
- Seoul-Tokyo trust at the offers: how far the arms still differ.
- The whole-run counterfactual: breaks of ranks by Seoul and Tokyo over the run
  with Beijing's scripted attempts (its two patrols, its invitation and its two
  offers) and, on the same seeds, without them. The pairing is loose for the chance
  events after the removed ones: a chance event's draw is keyed by its position in the
  event list, so removing the patrols and the invitation moves `islets_incident`
  (chance 0.25) and it fires on other runs in the second arm. That adds noise to the
  difference, not a bias.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from agents import coordination  # noqa: E402
from agents.policies import choice_probabilities  # noqa: E402
from agents.utility import situation  # noqa: E402
from sim import wedge  # noqa: E402
from sim.actions import K, open_in  # noqa: E402
from sim.actors import JPN, ROK  # noqa: E402
from sim.mechanisms import mechanism_hooks  # noqa: E402
from sim.model import TrilateralModel  # noqa: E402
from sim.params import parse_set_flag  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

ARMS = {"trust 0.15": "0.15", "trust 0.55": "0.55"}
#: Beijing's scripted attempts in wedge_driving (its patrols, invitation and offers).
ATTEMPTS = {
    "dokdo_air_patrol",
    "joint_criticism_invitation",
    "offer_to_seoul",
    "second_air_patrol",
    "offer_to_tokyo",
}
#: Turns in which an offer to Seoul stands (the invitation of turn 3, the offer of turn 6).
OFFER_TURNS = (3, 4, 6, 7, 9)


def _play(trust: str, runs: int, *, attempts: bool = True) -> TrilateralModel:
    flags = [f"world.trust.ROK.JPN={trust}", f"world.trust.JPN.ROK={trust}"]
    loaded = load_scenario("wedge_driving", [parse_set_flag(s) for s in flags])
    if not attempts:
        events = [e for e in loaded.scenario.events if e.id not in ATTEMPTS]
        loaded = type(loaded)(
            **{**vars(loaded), "scenario": loaded.scenario.model_copy(update={"events": events})}
        )
    model = TrilateralModel(loaded, seeds=np.arange(runs), keep_history=True, collect=False)
    while model.running:
        model.step()
    return model


def _seoul_at_offers(model: TrilateralModel) -> dict[int, str]:
    """Seoul's hedge and split probabilities with and without the standing offer, per offer turn."""
    c = model.compiled
    menu = c.options.slices[ROK]
    temperature = float(c.temperature[ROK])
    split = model._split[menu]
    hedge = c.options.kind[menu] == K["hedge"]
    out = {}
    for record in model.history:
        if record.turn not in OFFER_TURNS:
            continue
        real = record.after_events
        probs = []
        for state in (real, wedge.without_attempts(real, np.ones(real.inducement.shape, dtype=bool))):
            open_ = open_in(c.options, c.params, state)
            _, utility, _ = coordination.solve(
                situation(state, mechanism_hooks(state, c), c), model.plan, c, open_
            )
            p = choice_probabilities(utility[:, menu], open_[:, menu], temperature)
            probs.append((p[:, hedge].sum(axis=1).mean(), p[:, split].sum(axis=1).mean()))
        (h1, s1), (h0, s0) = probs
        trust = real.trust[:, ROK, JPN].mean()
        out[record.turn] = (
            f"trust {trust:.2f}, hedge {h0:.2f}->{h1:.2f}, split {s0:.2f}->{s1:.2f}, p1-p0 {s1 - s0:+.3f}"
        )
    return out


def _breaks_of_ranks(model: TrilateralModel) -> np.ndarray:
    """Breaks of ranks by Seoul and Tokyo over the run, shape (runs,)."""
    total = np.zeros(model.n_runs)
    for record in model.history:
        for ally in (ROK, JPN):
            total += model._split[record.outcome.choices[:, ally]]
    return total


def figures(trust: str, runs: int) -> dict[str, object]:
    """The figures of one arm."""
    with_attempts = _play(trust, runs)
    without = _breaks_of_ranks(_play(trust, runs, attempts=False))
    added = _breaks_of_ranks(with_attempts) - without
    half_width = 1.96 * added.std(ddof=1) / np.sqrt(runs)
    return {
        "wedge success rate": round(float(np.nanmean(with_attempts.scores.wedge_success_rate)), 4),
        "Seoul at the offers": _seoul_at_offers(with_attempts),
        "breaks of ranks a run without Beijing's attempts": round(float(without.mean()), 2),
        "added by the attempts (95%)": f"{added.mean():+.2f} +- {half_width:.2f}",
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    for name, trust in ARMS.items():
        print(name)
        for key, value in figures(trust, n).items():
            if isinstance(value, dict):
                print(f"  {key}:")
                for turn, line in value.items():
                    print(f"    turn {turn}: {line}")
            else:
                print(f"  {key}: {value}")
