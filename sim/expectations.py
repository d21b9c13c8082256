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

from sim.actors import ActorName
from sim.errors import FieldError
from sim.limits import ENSEMBLE_RUNS
from sim.score_fields import RUN_SCORE_NAMES
from sim.vocab import MechanismId, Status

if TYPE_CHECKING:
    pass

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
SCORE_MEASURES = RUN_SCORE_NAMES  # the run's scores, listed once (sim/score_fields.py)
#: Every metric a check may name.
METRICS: tuple[str, ...] = OUTCOMES + STATE_MEASURES + SCORE_MEASURES
Metric = Literal[METRICS]  # type: ignore[valid-type]  # built from the lists above
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

    runs: Annotated[int, Field(ge=ENSEMBLE_RUNS[0], le=ENSEMBLE_RUNS[1])] = 500
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
