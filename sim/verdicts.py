"""Verdicts: expectation checks judged on a played ensemble.

The expectations language (`sim.expectations`) says what should happen; this module
plays a scenario's ensemble and measures each quantity in every run. It sits above
the model (it builds one), so the language itself does not import the model and
`sim.scenario` can read the language without a cycle.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.actors import INDEX
from sim.expectations import SCORE_MEASURES, Check, Quantity, Result, mean_interval, wilson
from sim.vocab import MECHANISMS, STATUSES

if TYPE_CHECKING:
    from sim.model import TrilateralModel


def per_run(quantity: Quantity, model: TrilateralModel) -> np.ndarray:
    """The quantity in each run: 1.0 or 0.0 for an outcome, a number (NaN if untested) for a measure."""
    if quantity.is_outcome:
        return _outcome(quantity, model).astype(float)
    return np.asarray(_measure(quantity, model), dtype=float)


def evaluate(check: Check, model: TrilateralModel) -> Result:
    """Judge one check on a finished model that kept its history."""
    values = per_run(check, model)
    values = values[~np.isnan(values)]
    n = int(values.size)
    if check.is_outcome:
        share = float(values.mean()) if n else math.nan
        low, high = wilson(float(values.sum()), n)
        bound = check.share
        passed = share >= bound.at_least if bound.at_least is not None else share <= bound.at_most
        words = f"share >= {bound.at_least}" if bound.at_least is not None else f"share <= {bound.at_most}"
        return Result(check.name, bool(passed) and n > 0, share, low, high, n, words)
    mean, low, high = mean_interval(values)
    bound = check.mean
    passed = mean > bound.above if bound.above is not None else mean < bound.below
    words = f"mean > {bound.above}" if bound.above is not None else f"mean < {bound.below}"
    return Result(check.name, bool(passed) and n > 0, mean, low, high, n, words)


def _window(check: Quantity, model: TrilateralModel) -> list:
    last = check.by_turn or model.script.turns
    return [rec for rec in model.history if check.from_turn <= rec.turn <= last]


def _outcome(check: Quantity, model: TrilateralModel) -> np.ndarray:
    n = model.n_runs
    held = np.zeros(n, dtype=bool)
    opts = model.compiled.options
    for rec in _window(check, model):
        if check.metric == "concedes":
            held |= rec.outcome.conceded[:, INDEX[check.actor]]
        elif check.metric == "chooses":
            option = opts.find(INDEX[check.actor], check.action)
            held |= rec.outcome.choices[:, INDEX[check.actor]] == option
        elif check.metric == "coordinated_response":
            held |= rec.outcome.coordinated
        elif check.metric == "mechanism_status":
            held |= rec.state.status[:, MECHANISMS.index(check.mechanism)] == STATUSES.index(check.status)
        elif check.metric == "event_fires":
            held |= rec.fired[:, model.script.event_ids().index(check.event)]
    return held


def _measure(check: Quantity, model: TrilateralModel) -> np.ndarray:
    if check.metric in SCORE_MEASURES:
        return np.asarray(getattr(model.scores, check.metric), dtype=float)
    at = check.at or model.script.turns
    value = _state_value(check, model.history[at - 1].state)
    if check.change:
        value = value - _state_value(check, model.start)
    return value


def _state_value(check: Quantity, state: Any) -> np.ndarray:
    m = check.metric
    if m in ("trust", "opinion", "threat", "exposure"):
        return getattr(state, m)[:, INDEX[check.of], INDEX[check.toward]]
    if m in ("pressure", "resolve"):
        return getattr(state, m)[:, INDEX[check.actor]]
    if m == "strength":
        return state.strength[:, MECHANISMS.index(check.mechanism)]
    return np.asarray(getattr(state, m), dtype=float)  # dispute, crisis, cohesion


def play(loaded: Any, runs: int | None = None, policies: dict[str, Any] | None = None) -> TrilateralModel:
    """Play a scenario's expectation ensemble, keeping the history the checks read.

    Args:
        loaded: A `sim.scenario.LoadedScenario` that declares expectations.
        runs: Ensemble size (default: the file's ``expectations.runs``); the seeds are
            ``seed .. seed + runs - 1``, so a smaller ensemble is a prefix of the full one.
        policies: Decision policy per actor code (default: the logit AI).

    Returns:
        The finished model.
    """
    from sim.model import TrilateralModel

    spec = loaded.scenario.expectations
    seeds = spec.seed + np.arange(runs or spec.runs)
    model = TrilateralModel(loaded, seeds=seeds, policies=policies, keep_history=True, collect=False)
    while model.running:
        model.step()
    return model


def backtest(loaded: Any, runs: int | None = None, policies: dict[str, Any] | None = None) -> list[Result]:
    """Run a scenario's expectation ensemble and judge every check.

    Args:
        loaded: A `sim.scenario.LoadedScenario` that declares expectations.
        runs: Ensemble size (default: the file's own).
        policies: Decision policy per actor code (default: the logit AI).

    Returns:
        One result per check, in order.
    """
    model = play(loaded, runs, policies)
    return [evaluate(check, model) for check in loaded.scenario.expectations.checks]
