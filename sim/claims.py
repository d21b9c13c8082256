"""The paper's causal claims and the theory's propositions as directional tests.

Each claim compares two arms that differ only in what the claim is about — one or
more parameters, or a scenario variant — on the same seeds (common random numbers).
The effect is the mean over seeds of (treatment - baseline) of a quantity measured
per run (see `sim.expectations.Quantity`), with its 95% interval. The claim
**holds** when the whole interval lies on the predicted side of zero, **fails** when
it lies on the other side or the effect is exactly zero in every run, and is
**inconclusive** at this number of runs when the interval straddles zero.

Each claim also declares its ``kind`` and its ``direct`` coefficients: the parameter
paths whose values encode the claim directly. `ablate` reruns both arms with those
coefficients at zero, and again with every government choosing at random
(`agents.policies.RandomPolicy`): a *behaviour* claim (about what governments do)
counts only if it still holds without its own coefficients and does not hold under
random play; a *definition* claim (what a mechanism is for) counts if it holds.

The claims live in ``sim/data/claims.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.coefficients import default_value
from sim.errors import InputError
from sim.expectations import Quantity, mean_interval
from sim.limits import ENSEMBLE_RUNS
from sim.params import Override, parse_path
from sim.scenario import SCENARIO_DIR, FieldError, LoadedScenario, _problems, load_scenario
from sim.verdicts import per_run
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
    runs: Annotated[int, Field(ge=ENSEMBLE_RUNS[0], le=ENSEMBLE_RUNS[1])] = 400
    measure: Quantity
    baseline: Arm
    treatment: Arm
    expect: Literal["increase", "decrease"]
    kind: Literal["definition", "behaviour"] = Field(
        description="definition: what a mechanism is for; behaviour: what governments do"
    )
    direct: list[str] = Field(
        min_length=1, description="parameter paths whose coefficients encode the claim directly"
    )

    @field_validator("direct")
    @classmethod
    def _coefficients(cls, paths: list[str]) -> list[str]:
        for i, path in enumerate(paths):
            try:
                default_value(path)
            except ValueError as exc:
                raise FieldError((i,), f"'{path}': {exc}") from None
            if path in paths[:i]:
                raise FieldError((i,), f"'{path}' is listed twice")
        return paths

    @model_validator(mode="after")
    def _not_an_arm(self) -> Claim:
        for i, path in enumerate(self.direct):
            for arm in ("baseline", "treatment"):
                if path in getattr(self, arm).set:
                    raise FieldError(
                        ("direct", i), f"'{path}' is what the {arm} arm sets; it cannot be ablated"
                    )
        return self


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
        verdict: "holds", "fails" or "inconclusive" (see `judge`).
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
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON (NaN becomes None)."""
        out = {}
        keys = (
            "id",
            "claim",
            "expect",
            "baseline",
            "treatment",
            "effect",
            "low",
            "high",
            "n",
            "holds",
            "verdict",
        )
        for key in keys:
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


def judge(expect: str, low: float, high: float, n: int) -> str:
    """A claim's verdict from its effect's 95% interval.

    Args:
        expect: "increase" or "decrease".
        low: Lower end of the interval of treatment - baseline.
        high: Upper end.
        n: Paired runs that count.

    Returns:
        "holds" (the interval lies on the predicted side of zero), "fails" (on the
        other side, exactly zero in every run, or no run counted) or "inconclusive"
        (the interval straddles or touches zero: more runs may settle it).
    """
    if n == 0 or math.isnan(low) or math.isnan(high):
        return "fails"
    sign = 1.0 if expect == "increase" else -1.0
    lo, hi = sorted((sign * low, sign * high))
    if lo > 0:
        return "holds"
    if hi < 0 or lo == hi:  # the wrong side, or no effect at all
        return "fails"
    return "inconclusive"


def _arm_scenario(claim: Claim, arm: Arm, extra: list[Override]) -> LoadedScenario:
    name = arm.scenario or claim.scenario
    path = ROOT / name if (ROOT / name).exists() else name
    overrides = [(parse_path(p), v, f"claim {claim.id}", None) for p, v in arm.set.items()]
    return load_scenario(path, overrides + extra)


def ablation(claim: Claim) -> list[Override]:
    """Overrides that set each of the claim's direct coefficients to zero."""
    return [(parse_path(p), 0.0, f"ablation of claim {claim.id}", None) for p in claim.direct]


def test_claim(
    claim: Claim,
    runs: int | None = None,
    seed: int = 0,
    *,
    extra: list[Override] | None = None,
    policies: dict[str, Any] | None = None,
) -> ClaimResult:
    """Run both arms on the same seeds and measure the effect.

    Args:
        claim: The claim.
        runs: Seeds per arm (default: the claim's own).
        seed: First seed.
        extra: Overrides applied to both arms after their own (e.g. `ablation`).
        policies: Decision policy per actor code in both arms (default: the AI).
    """
    from sim.model import TrilateralModel

    seeds = seed + np.arange(runs or claim.runs)
    values = []
    for arm in (claim.baseline, claim.treatment):
        loaded = _arm_scenario(claim, arm, list(extra or []))
        model = TrilateralModel(loaded, seeds=seeds, policies=policies, keep_history=True, collect=False)
        while model.running:
            model.step()
        values.append(per_run(claim.measure, model))
    base, treat = values
    both = ~(np.isnan(base) | np.isnan(treat))
    diff = treat[both] - base[both]
    effect, low, high = mean_interval(diff)
    verdict = judge(claim.expect, low, high, int(diff.size))
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
        holds=verdict == "holds",
        verdict=verdict,
    )


@dataclass(frozen=True)
class Ablation:
    """A claim under the AI, without its direct coefficients, and under random play.

    Attributes:
        claim: The claim.
        ai: The effect with the AI and every coefficient.
        ablated: The effect with the AI and the direct coefficients at zero.
        random: The effect with every government random (coefficients as default).
        verdict: "supported", "holds (definition)", "fails", "inconclusive at this
            size", or for a behaviour claim that does not count the reasons, joined
            by "; ": "carried by its own coefficients", "holds under random play too".
        counts: The claim counts as support (see the module docstring).
    """

    claim: Claim
    ai: ClaimResult
    ablated: ClaimResult
    random: ClaimResult
    verdict: str
    counts: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "id": self.claim.id,
            "claim": self.claim.claim,
            "kind": self.claim.kind,
            "direct": list(self.claim.direct),
            "expect": self.claim.expect,
            "ai": self.ai.as_dict(),
            "ablated": self.ablated.as_dict(),
            "random": self.random.as_dict(),
            "verdict": self.verdict,
            "counts": self.counts,
        }


def ablation_verdict(kind: str, ai: str, ablated: str, random: str) -> tuple[str, bool]:
    """The verdict of an ablation from the three verdicts (each "holds", "fails" or "inconclusive").

    Returns:
        The verdict in words and whether the claim counts.
    """
    if ai == "fails":
        return "fails", False
    if ai == "inconclusive":
        return "inconclusive at this size", False
    if kind == "definition":
        return "holds (definition)", True
    reasons = []
    if ablated != "holds":
        reasons.append("carried by its own coefficients")
    if random == "holds":
        reasons.append("holds under random play too")
    return ("; ".join(reasons), False) if reasons else ("supported", True)


def ablate(claim: Claim, runs: int | None = None, seed: int = 0) -> Ablation:
    """Test a claim three ways: as is, without its direct coefficients, and under random play."""
    from agents.policies import random_policies

    ai = test_claim(claim, runs, seed)
    ablated = test_claim(claim, runs, seed, extra=ablation(claim))
    rnd = test_claim(claim, runs, seed, policies=random_policies())
    verdict, counts = ablation_verdict(claim.kind, ai.verdict, ablated.verdict, rnd.verdict)
    return Ablation(claim, ai, ablated, rnd, verdict, counts)


test_claim.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
