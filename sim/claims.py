"""The paper's causal claims and the theory's propositions as directional tests.

Each claim compares two arms that differ only in what the claim is about — one or
more parameters, or a scenario variant — on the same seeds (common random numbers).
The effect is the mean over seeds of (treatment - baseline) of a quantity measured
per run (see `sim.expectations.Quantity`), with its 95% interval; the claim holds
when the whole interval lies on the predicted side of zero.

The claims live in ``sim/data/claims.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import InputError
from sim.expectations import Quantity, mean_interval, per_run
from sim.params import parse_path
from sim.scenario import SCENARIO_DIR, LoadedScenario, _problems, load_scenario
from sim.yamlio import load_yaml

CLAIMS_FILE = Path(__file__).parent / "data" / "claims.yaml"
ROOT = SCENARIO_DIR.parent


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Arm(_Strict):
    """One side of a comparison: a scenario (default: the claim's) and parameter settings."""

    scenario: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)


class Claim(_Strict):
    """A directional claim and the experiment that tests it."""

    id: str = Field(min_length=1)
    claim: str = Field(min_length=1, description="the claim in the source's words")
    source: str = Field(min_length=1)
    scenario: str
    runs: Annotated[int, Field(ge=10, le=1_000_000)] = 400
    measure: Quantity
    baseline: Arm
    treatment: Arm
    expect: Literal["increase", "decrease"]


class ClaimsFile(_Strict):
    """The claims file."""

    claims: list[Claim] = Field(min_length=1)


@dataclass(frozen=True)
class ClaimResult:
    """A claim's test.

    Attributes:
        id: The claim's id.
        claim: Its text.
        expect: "increase" or "decrease" (treatment against baseline).
        baseline: Mean of the quantity in the baseline arm.
        treatment: Mean in the treatment arm.
        effect: Mean paired difference, treatment - baseline.
        low: Lower end of the effect's 95% interval.
        high: Upper end.
        n: Seeds that count in both arms.
        holds: The interval lies on the predicted side of zero.
    """

    id: str
    claim: str
    expect: str
    baseline: float
    treatment: float
    effect: float
    low: float
    high: float
    n: int
    holds: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON (NaN becomes None)."""
        out = {}
        for key in ("id", "claim", "expect", "baseline", "treatment", "effect", "low", "high", "n", "holds"):
            value = getattr(self, key)
            out[key] = None if isinstance(value, float) and math.isnan(value) else value
        return out


def load_claims(path: str | Path = CLAIMS_FILE) -> list[Claim]:
    """Read and validate a claims file."""
    data, lines = load_yaml(path)
    try:
        return ClaimsFile.model_validate(data).claims
    except ValidationError as exc:
        raise InputError(_problems(exc, str(path), lines, data)) from None


def _arm_scenario(claim: Claim, arm: Arm) -> LoadedScenario:
    name = arm.scenario or claim.scenario
    path = ROOT / name if (ROOT / name).exists() else name
    overrides = [(parse_path(p), v, f"claim {claim.id}", None) for p, v in arm.set.items()]
    return load_scenario(path, overrides)


def test_claim(claim: Claim, runs: int | None = None, seed: int = 0) -> ClaimResult:
    """Run both arms on the same seeds and measure the effect.

    Args:
        claim: The claim.
        runs: Seeds per arm (default: the claim's own).
        seed: First seed.
    """
    from sim.model import TrilateralModel

    seeds = seed + np.arange(runs or claim.runs)
    values = []
    for arm in (claim.baseline, claim.treatment):
        model = TrilateralModel(_arm_scenario(claim, arm), seeds=seeds, keep_history=True, collect=False)
        while model.running:
            model.step()
        values.append(per_run(claim.measure, model))
    base, treat = values
    both = ~(np.isnan(base) | np.isnan(treat))
    diff = treat[both] - base[both]
    effect, low, high = mean_interval(diff)
    holds = bool(diff.size) and (low > 0 if claim.expect == "increase" else high < 0)
    return ClaimResult(
        id=claim.id,
        claim=claim.claim,
        expect=claim.expect,
        baseline=float(base[both].mean()) if both.any() else math.nan,  # the runs the effect uses
        treatment=float(treat[both].mean()) if both.any() else math.nan,
        effect=effect,
        low=low,
        high=high,
        n=int(diff.size),
        holds=holds,
    )


test_claim.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
