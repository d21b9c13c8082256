"""Which mechanisms live and die by governments' choices: an audit over an ensemble.

For each mechanism, the share of runs in which it is created or restored (goes from
not active to active) and lost (from active to suspended or ended), and what caused
each loss: an event, a member's choice (a ``suspend`` move, or a notice of
termination running out), or the one rule left, hollowing out (strength below
``lapse_below``). A mechanism that no government's choice can create, restore or lose
in any scenario is dead; one that a rule loses in most runs before anyone chooses is
doomed by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.actions import K
from sim.vocab import ACTIVE, ENDED, MECHANISMS

#: Causes of a loss, in the order they are tested.
LOSS_CAUSES = ("event", "chosen", "lapse")


@dataclass(frozen=True)
class Audit:
    """Per mechanism, shares of runs (each shape (mechanisms,)).

    Attributes:
        runs: Ensemble size.
        ever_active: Active at the start or after some turn.
        gained: Went from not active to active at some turn (created or restored).
        gained_by_choice: ... in a turn with no event activating it (a member restored it).
        lost: Went from active to suspended or ended at some turn.
        lost_by: Runs with a loss of each cause (`LOSS_CAUSES`), by cause.
        ended: Ended after the last turn.
        active_at_end: Active after the last turn.
    """

    runs: int
    ever_active: np.ndarray
    gained: np.ndarray
    gained_by_choice: np.ndarray
    lost: np.ndarray
    lost_by: dict[str, np.ndarray]
    ended: np.ndarray
    active_at_end: np.ndarray


def classify_losses(
    before: np.ndarray,
    after: np.ndarray,
    event_hit: np.ndarray,
    chosen: np.ndarray,
) -> dict[str, np.ndarray]:
    """This turn's losses by cause, each shape (n, mechanisms) bool.

    Args:
        before: Status before the turn, shape (n, M).
        after: Status after it, shape (n, M).
        event_hit: An event fired this turn suspends or ends it, shape (n, M).
        chosen: A member chose to suspend it this turn, or a member's notice of
            termination ran out, shape (n, M).

    Returns:
        One mask per cause in `LOSS_CAUSES`; exactly one is true for each loss.
    """
    lost = (before == ACTIVE) & (after != ACTIVE)
    event = lost & event_hit
    chose = lost & ~event & chosen
    # What is left is the hollowing-out rule (strength below lapse_below).
    lapse = lost & ~event & ~chosen
    return {"event": event, "chosen": chose, "lapse": lapse}


def audit(model: Any) -> Audit:
    """Audit the mechanisms over a finished `TrilateralModel` that kept its history."""
    c = model.compiled
    opts = c.options
    n, n_m = model.n_runs, len(MECHANISMS)
    gained = np.zeros((n, n_m), bool)
    gained_by_choice = np.zeros((n, n_m), bool)
    lost_by = {k: np.zeros((n, n_m), bool) for k in LOSS_CAUSES}
    ever = model.start.status == ACTIVE
    before = model.start.status
    noticed = model.start.noticed_by
    events = model.script.events
    for rec in model.history:
        after = rec.state.status
        hit = np.zeros((n, n_m), bool)
        activated = np.zeros((n, n_m), bool)
        for e, event in enumerate(events):
            if event.mechanism is None or e >= rec.fired.shape[1]:
                continue
            m = MECHANISMS.index(event.mechanism)
            if event.mechanism_effect in ("suspend", "end"):
                hit[:, m] |= rec.fired[:, e]
            elif event.mechanism_effect == "activate":
                activated[:, m] |= rec.fired[:, e]
        chosen = np.zeros((n, n_m), bool)
        kind = opts.kind[rec.outcome.choices]
        mech = opts.mechanism[rec.outcome.choices]
        for a in range(kind.shape[1]):
            rows = np.flatnonzero(kind[:, a] == K["suspend"])
            chosen[rows, mech[rows, a]] = True
        chosen |= (noticed != 0) & (after == ENDED)
        for cause, mask in classify_losses(before, after, hit, chosen).items():
            lost_by[cause] |= mask
        up = (before != ACTIVE) & (after == ACTIVE)
        gained |= up
        gained_by_choice |= up & ~activated
        ever |= after == ACTIVE
        before = after
        noticed = rec.state.noticed_by
    lost = np.zeros((n, n_m), bool)
    for mask in lost_by.values():
        lost |= mask
    final = model.state.status
    return Audit(
        runs=n,
        ever_active=ever.mean(axis=0),
        gained=gained.mean(axis=0),
        gained_by_choice=gained_by_choice.mean(axis=0),
        lost=lost.mean(axis=0),
        lost_by={k: v.mean(axis=0) for k, v in lost_by.items()},
        ended=(final == ENDED).mean(axis=0),
        active_at_end=(final == ACTIVE).mean(axis=0),
    )
