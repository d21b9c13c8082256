"""Expected outcomes: a small language of assertions over an ensemble's results.

A scenario may declare what should happen across many runs, e.g. "Seoul concedes to
coercion by turn 8 in at least 50% of runs", "GSOMIA is suspended at some point in
at least 30% of runs", "trust ROK->JPN at the end is below its start"::

    expectations:
      runs: 500                 # ensemble size (seeds 0..runs-1 unless `seed` is set)
      checks:
        - name: Seoul gives way under the tour ban
          metric: concedes
          actor: ROK
          by_turn: 8
          share: {at_least: 0.5}
        - name: GSOMIA is suspended at some point
          metric: mechanism_status
          mechanism: gsomia
          status: suspended
          share: {at_least: 0.3}
        - name: Seoul's trust in Tokyo ends below its start
          metric: trust
          of: ROK
          toward: JPN
          change: true
          mean: {below: 0.0}

Two kinds of check. An *outcome* (``concedes``, ``chooses``, ``coordinated_response``,
``mechanism_status``, ``event_fires``) is true or false in each run and is judged by
the share of runs where it holds, within the turn window [from_turn, by_turn]. A
*measure* (a state variable at turn ``at``, or one of the run's scores) is a number
in each run and is judged by its mean; ``change: true`` measures it against its
value before turn 1. Each result carries a 95% interval: Wilson's for a share, the
normal approximation for a mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.actors import INDEX, ActorName
from sim.vocab import MECHANISMS, STATUSES, MechanismId, Status

if TYPE_CHECKING:
    from sim.model import TrilateralModel

OUTCOMES = ("concedes", "chooses", "coordinated_response", "mechanism_status", "event_fires")
STATE_MEASURES = (
    "trust",
    "opinion",
    "threat",
    "exposure",
    "pressure",
    "resolve",
    "dispute",
    "crisis",
    "cohesion",
    "strength",
)
SCORE_MEASURES = (
    "index",
    "cohesion_mean",
    "coordinated_response_rate",
    "coercion_success_rate",
    "wedge_success_rate",
)
Metric = Literal[
    "concedes", "chooses", "coordinated_response", "mechanism_status", "event_fires",
    "trust", "opinion", "threat", "exposure", "pressure", "resolve", "dispute", "crisis", "cohesion",
    "strength", "index", "cohesion_mean", "coordinated_response_rate", "coercion_success_rate",
    "wedge_success_rate",
]  # fmt: skip
Turn = Annotated[int, Field(ge=1, le=60)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShareBound(_Strict):
    """The share of runs in which an outcome holds: at least or at most ``p``."""

    at_least: Share | None = None
    at_most: Share | None = None

    @model_validator(mode="after")
    def _one(self) -> ShareBound:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        return self


class MeanBound(_Strict):
    """The mean of a measure over runs: above or below a value."""

    above: Annotated[float, Field(allow_inf_nan=False)] | None = None
    below: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _one(self) -> MeanBound:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above or below")
        return self


class Quantity(_Strict):
    """What is measured in each run: an outcome (0 or 1) or a measure (a number)."""

    metric: Metric
    actor: ActorName | None = Field(None, description="who concedes or chooses; whose pressure or resolve")
    action: str | None = Field(
        None, description="for `chooses`: an action label, e.g. 'hedge', 'retaliate JPN'"
    )
    of: ActorName | None = Field(None, description="holder of a view (trust, opinion, threat, exposure)")
    toward: ActorName | None = None
    mechanism: MechanismId | None = None
    status: Status | None = None
    event: str | None = Field(None, description="for `event_fires`: the event's id")
    from_turn: Turn = 1
    by_turn: Turn | None = Field(None, description="last turn of the window (default: the last turn)")
    at: Turn | None = Field(None, description="turn whose end state a measure reads (default: the last)")
    change: bool = False

    @property
    def is_outcome(self) -> bool:
        """True for a yes/no outcome, judged by the share of runs."""
        return self.metric in OUTCOMES

    @model_validator(mode="after")
    def _complete(self) -> Quantity:
        from sim.scenario import FieldError

        needs = {
            "concedes": ("actor",),
            "chooses": ("actor", "action"),
            "mechanism_status": ("mechanism", "status"),
            "event_fires": ("event",),
            "trust": ("of", "toward"),
            "opinion": ("of", "toward"),
            "threat": ("of", "toward"),
            "exposure": ("of", "toward"),
            "pressure": ("actor",),
            "resolve": ("actor",),
            "strength": ("mechanism",),
        }.get(self.metric, ())
        for f in needs:
            if getattr(self, f) is None:
                raise FieldError(f, f"is required for metric '{self.metric}'")
        if self.of is not None and self.of == self.toward:
            raise FieldError("toward", "'of' and 'toward' must be different actors")
        if self.by_turn is not None and self.by_turn < self.from_turn:
            raise FieldError("by_turn", f"is before from_turn ({self.from_turn})")
        if self.metric in SCORE_MEASURES and (self.at is not None or self.change):
            raise FieldError(
                "at" if self.at is not None else "change", "scores are read at the end of the run"
            )
        if not self.is_outcome and (self.by_turn is not None or self.from_turn != 1):
            raise FieldError(
                "by_turn" if self.by_turn is not None else "from_turn",
                "windows apply to outcomes; a measure is read at one turn: use `at`",
            )
        if self.is_outcome and (self.at is not None or self.change):
            raise FieldError(
                "at" if self.at is not None else "change", "applies to measures; an outcome uses a window"
            )
        return self

    def last_turn(self) -> int | None:
        """The latest turn this quantity names, to compare with the scenario's length."""
        return max((t for t in (self.by_turn, self.at, self.from_turn) if t is not None), default=None)


class Check(Quantity):
    """One expectation: a quantity and the bound it should meet; see the module docstring."""

    name: str = Field(min_length=1)
    share: ShareBound | None = None
    mean: MeanBound | None = None

    @model_validator(mode="after")
    def _judged(self) -> Check:
        from sim.scenario import FieldError

        if self.is_outcome and self.share is None:
            raise FieldError("metric", f"'{self.metric}' is an outcome: judge it with share: {{at_least: p}}")
        if not self.is_outcome and self.mean is None:
            raise FieldError("metric", f"'{self.metric}' is a measure: judge it with mean: {{above: x}}")
        if self.is_outcome and self.mean is not None:
            raise FieldError("mean", f"'{self.metric}' is an outcome: use share, not mean")
        if not self.is_outcome and self.share is not None:
            raise FieldError("share", f"'{self.metric}' is a measure: use mean, not share")
        return self


class Expectations(_Strict):
    """A scenario's expected outcomes and the ensemble to test them on."""

    runs: Annotated[int, Field(ge=10, le=1_000_000)] = 500
    seed: Annotated[int, Field(ge=0)] = 0
    checks: list[Check] = Field(min_length=1)


@dataclass(frozen=True)
class Result:
    """A check's verdict on an ensemble.

    Attributes:
        name: The check's name.
        passed: Whether the measured value meets the bound.
        value: The measured share or mean.
        low: Lower end of its 95% interval.
        high: Upper end.
        n: Runs that count (a rate that was never tested in a run does not count).
        bound: The bound, in words.
    """

    name: str
    passed: bool
    value: float
    low: float
    high: float
    n: int
    bound: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {k: getattr(self, k) for k in ("name", "passed", "value", "low", "high", "n", "bound")}


def wilson(successes: float, n: int) -> tuple[float, float]:
    """Wilson's 95% score interval for a share."""
    if n == 0:
        return (math.nan, math.nan)
    z = 1.96
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95% interval (normal approximation)."""
    n = values.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(values.mean())
    half = 1.96 * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return (mean, mean - half, mean + half)


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
        s = model.scores
        field = {"index": s.index, "cohesion_mean": s.cohesion_mean}.get(check.metric)
        return np.asarray(field if field is not None else getattr(s, check.metric), dtype=float)
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
