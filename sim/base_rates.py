"""Beijing's quiet-time base rates: the record, the AI's choices, random play.

`sim/data/base_rates.yaml` counts the coercion and inducement campaigns Beijing opened
against Seoul or Tokyo in 2010-2021 and states their monthly rate with a 95% interval.
This module plays a scenario with nothing scripted (``scenarios/theory/quiet_times``)
under the AI and under random play, on the same seeds, counts the campaigns each
opens, and judges the AI's rate against the record's interval. The check
discriminates when the AI's rate lies inside the interval and random play's does not.

A campaign opens against target t in a turn in which Beijing chooses ``coerce t``
while t's pressure, after the turn's events, is below ``thresholds.pressure`` (t is
not already under coercion), or ``induce t`` while t's standing inducement is below
``thresholds.inducement``. The rate is onsets summed over the targets, per run,
divided by the months played.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.actions import K
from sim.actors import CHALLENGER
from sim.errors import InputError
from sim.expectations import mean_interval
from sim.kinds import ACTION_KIND_SPECS
from sim.scenario import SCENARIO_DIR, _problems
from sim.yamlio import load_yaml

if TYPE_CHECKING:
    from agents.policies import Policy
    from sim.model import TrilateralModel

BASE_RATES_FILE = Path(__file__).parent / "data" / "base_rates.yaml"
#: The scenario with nothing scripted in which the AI's rates are measured.
QUIET_TIMES = SCENARIO_DIR / "theory" / "quiet_times.yaml"
#: The action kinds that open a campaign, and the state channel that says a target is
#: already under one (with the threshold, under ``thresholds.``, that counts it).
CAMPAIGN_KINDS: dict[str, tuple[str, str]] = {
    s.name: (s.campaign, s.campaign) for s in ACTION_KIND_SPECS if s.campaign
}
#: Month as written in the file: YYYY-MM.
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Month = Annotated[str, Field(pattern=_MONTH.pattern)]


def _months(month: str) -> int:
    year, mm = _MONTH.match(month).groups()  # type: ignore[union-attr]  # validated by the pattern
    return int(year) * 12 + int(mm) - 1


class Episode(_Strict):
    """One campaign in the record."""

    id: str = Field(min_length=1)
    target: Literal["ROK", "JPN"]
    start: Month
    what: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Window(_Strict):
    """The months counted."""

    from_: Month = Field(alias="from")
    to: Month
    months: int = Field(gt=0)

    @model_validator(mode="after")
    def _span(self) -> Window:
        span = _months(self.to) - _months(self.from_) + 1
        if span != self.months:
            raise ValueError(f"from {self.from_} to {self.to} is {span} months, not {self.months}")
        return self


class Campaigns(_Strict):
    """One kind of campaign: the episodes counted, those that only widen the interval."""

    title: str = Field(min_length=1)
    episodes: list[Episode]
    upper_only: list[Episode] = Field(default_factory=list)
    rate: Annotated[float, Field(ge=0.0, le=1.0)]
    interval: tuple[Annotated[float, Field(ge=0.0, le=1.0)], Annotated[float, Field(ge=0.0, le=1.0)]]

    @model_validator(mode="after")
    def _ordered(self) -> Campaigns:
        if not self.interval[0] <= self.rate <= self.interval[1]:
            raise ValueError(f"rate {self.rate} lies outside its interval {list(self.interval)}")
        return self


class BaseRatesFile(_Strict):
    """``sim/data/base_rates.yaml``."""

    window: Window
    campaigns: dict[Literal[tuple(CAMPAIGN_KINDS)], Campaigns]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _inside(self) -> BaseRatesFile:
        lo, hi = _months(self.window.from_), _months(self.window.to)
        for kind, c in self.campaigns.items():
            for e in c.episodes + c.upper_only:
                if not lo <= _months(e.start) <= hi:
                    raise ValueError(f"{kind}: episode {e.id} starts {e.start}, outside the window")
        return self


def load_base_rates(path: str | Path = BASE_RATES_FILE) -> BaseRatesFile:
    """Read and validate the base-rates file.

    Raises:
        InputError: a value out of bounds or an unknown key, with file, line and field.
    """
    data, lines = load_yaml(path)
    try:
        return BaseRatesFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(exc, str(path), lines, data)) from None


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for the mean of a Poisson count.

    lower = chi2(alpha/2; 2k)/2 (0 when k = 0), upper = chi2(1 - alpha/2; 2k + 2)/2.

    Args:
        count: Observed count k >= 0.
        confidence: Coverage, e.g. 0.95.

    Returns:
        (lower, upper) for the expected count.
    """
    from scipy.stats import chi2

    alpha = 1.0 - confidence
    lower = 0.0 if count == 0 else float(chi2.ppf(alpha / 2, 2 * count)) / 2
    return lower, float(chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2


def record_rate(campaigns: Campaigns, months: int) -> tuple[float, float, float]:
    """The record's monthly rate and interval, recomputed from the episodes.

    The lower end is the Poisson interval's at the counted episodes, the upper end its
    upper end at the counted plus the ``upper_only`` episodes (the file's header).

    Returns:
        (rate, lower, upper) per month.
    """
    k = len(campaigns.episodes)
    low = poisson_interval(k)[0]
    high = poisson_interval(k + len(campaigns.upper_only))[1]
    return k / months, low / months, high / months


def onsets(model: TrilateralModel) -> dict[str, np.ndarray]:
    """Campaigns Beijing opened in each run, by kind, from a played model's history.

    Args:
        model: A model played to its end with ``keep_history=True``.

    Returns:
        Kind -> onsets per run, shape (n,), summed over targets.

    Raises:
        ValueError: the model played turns without keeping their history.
    """
    if model.turn and len(model.history) != model.turn:
        raise ValueError("onsets need every turn's record: build the model with keep_history=True")
    opts, th = model.compiled.options, model.compiled.params.thresholds
    mine = np.arange(opts.slices[CHALLENGER].start, opts.slices[CHALLENGER].stop)
    out = {kind: np.zeros(model.n_runs) for kind in CAMPAIGN_KINDS}
    for record in model.history:
        chosen = record.outcome.choices[:, CHALLENGER]
        for kind, (channel, threshold) in CAMPAIGN_KINDS.items():
            level = getattr(record.after_events, channel)  # (n, actors)
            for o in mine[opts.kind[mine] == K[kind]]:
                t = opts.target[o]
                out[kind] += (chosen == o) & (level[:, t] < getattr(th, threshold))
    return out


def monthly_rates(
    scenario: str | Path = QUIET_TIMES, runs: int = 500, policies: dict[str, Policy] | None = None
) -> dict[str, np.ndarray]:
    """Play ``scenario`` for seeds 0..runs-1 and return each run's campaigns per month, by kind."""
    from sim.model import TrilateralModel

    model = TrilateralModel(scenario, seeds=np.arange(runs), policies=policies, collect=False)
    while model.running:
        model.step()
    months = model.script.turns * model.script.turn_months
    return {kind: count / months for kind, count in onsets(model).items()}


@dataclass(frozen=True)
class BaseRateCheck:
    """One kind of campaign: the record's interval against the AI and random play.

    Attributes:
        kind: ``coerce`` or ``induce``.
        title: What is counted.
        record: The file's (rate, lower, upper) per month.
        ai: The AI's mean rate per month and its 95% interval over runs.
        random: The same under random play.
        runs: Runs per arm.
    """

    kind: str
    title: str
    record: tuple[float, float, float]
    ai: tuple[float, float, float]
    random: tuple[float, float, float]
    runs: int

    @property
    def passed(self) -> bool:
        """The AI's mean rate lies inside the record's interval."""
        return bool(self.record[1] <= self.ai[0] <= self.record[2])

    @property
    def random_passed(self) -> bool:
        """Random play's mean rate lies inside the record's interval."""
        return bool(self.record[1] <= self.random[0] <= self.record[2])

    @property
    def discriminates(self) -> bool:
        """The AI meets the record and random play does not."""
        return self.passed and not self.random_passed

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""

        def triple(x: tuple[float, float, float]) -> dict[str, float | None]:
            return {
                k: (None if math.isnan(v) else v) for k, v in zip(("rate", "low", "high"), x, strict=True)
            }

        return {
            "kind": self.kind,
            "title": self.title,
            "runs": self.runs,
            "record": triple(self.record),
            "ai": triple(self.ai),
            "random": triple(self.random),
            "passed": self.passed,
            "random_passed": self.random_passed,
            "discriminates": self.discriminates,
        }


def check_base_rates(
    runs: int = 500, scenario: str | Path = QUIET_TIMES, path: str | Path = BASE_RATES_FILE
) -> list[BaseRateCheck]:
    """Judge Beijing's campaign rates in quiet times against the record.

    Args:
        runs: Runs per arm (seeds 0..runs-1, the same for both arms).
        scenario: The quiet-times scenario.
        path: The base-rates file.

    Returns:
        One check per kind of campaign, in the file's order.
    """
    from agents.policies import random_policies

    data = load_base_rates(path)
    ai = monthly_rates(scenario, runs)
    rnd = monthly_rates(scenario, runs, random_policies())
    return [
        BaseRateCheck(
            kind,
            c.title,
            (c.rate, c.interval[0], c.interval[1]),
            mean_interval(ai[kind]),
            mean_interval(rnd[kind]),
            runs,
        )
        for kind, c in data.campaigns.items()
    ]
