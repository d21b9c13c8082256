"""Robustness of the backtest: move each calibrated parameter by ±share, one at a time.

The list of calibrated parameters lives in ``sim/data/calibrated.yaml`` (one place;
each entry points to the row of MODEL.md's calibration table that explains it). For
each (parameter, direction) pair, every scenario is replayed by the AI with that one
value multiplied by 1 ± share (its effective value in that scenario, so a file that
sets it is moved from its own value), on the same seeds as the unperturbed run. A pair
*breaks* a check that passes unperturbed and fails perturbed; the robustness share is
the fraction of pairs that break none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.coefficients import default_value, value_at
from sim.errors import InputError, Problem
from sim.expectations import Result
from sim.params import parse_path
from sim.scenario import LoadedScenario, _problems
from sim.verdicts import backtest
from sim.yamlio import load_yaml

CALIBRATED_FILE = Path(__file__).parent / "data" / "calibrated.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Calibrated(_Strict):
    """One calibrated parameter and why it was tuned."""

    path: str = Field(min_length=1)
    why: str = Field(min_length=1)

    @field_validator("path")
    @classmethod
    def _known(cls, path: str) -> str:
        default_value(path)  # ValueError names what is wrong
        return path


class CalibratedFile(_Strict):
    """The calibrated-parameters file."""

    parameters: list[Calibrated] = Field(min_length=1)


def load_calibrated(path: str | Path = CALIBRATED_FILE) -> list[Calibrated]:
    """Read and validate the calibrated-parameters list (errors name file and line)."""
    data, lines = load_yaml(path)
    try:
        entries = CalibratedFile.model_validate(data).parameters
    except ValidationError as exc:
        raise InputError(_problems(exc, str(path), lines, data)) from None
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.path in seen:
            line = lines.get(("parameters", i, "path"))
            raise InputError([Problem(str(path), line, f"parameters[{i}].path", entry.path, "listed twice")])
        seen.add(entry.path)
    return entries


@dataclass(frozen=True)
class Broken:
    """A check that a perturbation broke."""

    scenario: str
    check: str
    value: float
    bound: str


@dataclass(frozen=True)
class Pair:
    """One (parameter, direction) perturbation and what it broke.

    Attributes:
        path: The parameter.
        direction: +1 or -1.
        factor: The multiplier applied, 1 ± share.
        broken: Checks that pass unperturbed and fail perturbed.
        refused: Why the perturbed value could not be played (outside its allowed
            range), or None. A refused pair counts as not robust.
    """

    path: str
    direction: int
    factor: float
    broken: list[Broken] = field(default_factory=list)
    refused: str | None = None

    @property
    def holds(self) -> bool:
        """Every check that passed still passes."""
        return not self.broken and self.refused is None

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "path": self.path,
            "direction": "+" if self.direction > 0 else "-",
            "factor": self.factor,
            "holds": self.holds,
            "refused": self.refused,
            "broken": [vars(b) for b in self.broken],
        }


@dataclass(frozen=True)
class Robustness:
    """The whole robustness run.

    Attributes:
        share: The relative move, e.g. 0.2.
        runs: Runs per ensemble (None: each file's own).
        baseline: Unperturbed results per scenario name.
        pairs: Every (parameter, direction) pair, in file order, minus before plus.
    """

    share: float
    runs: int | None
    baseline: dict[str, list[Result]]
    pairs: list[Pair]

    @property
    def robust(self) -> int:
        """Pairs under which every check that passed still passes."""
        return sum(p.holds for p in self.pairs)

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "share": self.share,
            "runs": self.runs,
            "pairs": [p.as_dict() for p in self.pairs],
            "robust": self.robust,
            "total": len(self.pairs),
            "robust_share": self.robust / len(self.pairs) if self.pairs else None,
            "baseline_failed": [
                {"scenario": s, "check": r.name}
                for s, rs in self.baseline.items()
                for r in rs
                if not r.passed
            ],
        }


def perturbed(loaded: LoadedScenario, path: str, factor: float) -> LoadedScenario:
    """The scenario with one parameter multiplied by ``factor`` (from its effective value).

    Raises:
        InputError: if the moved value is outside the parameter's allowed range.
    """
    value = value_at(loaded.parameters.model_dump(), path) * factor
    return loaded.with_overrides([(parse_path(path), value, f"--perturb {path}", None)])


def run_robustness(
    scenarios: list[LoadedScenario],
    share: float,
    runs: int | None = None,
    calibrated: list[Calibrated] | None = None,
) -> Robustness:
    """Play every scenario unperturbed and under each (parameter, direction) pair.

    Args:
        scenarios: Scenarios that declare expectations.
        share: Relative move, in (0, 1).
        runs: Runs per ensemble (default: each file's own).
        calibrated: The parameters to move (default: `load_calibrated()`).
    """
    entries = calibrated if calibrated is not None else load_calibrated()
    baseline = {sc.name: backtest(sc, runs) for sc in scenarios}
    pairs = []
    for entry in entries:
        for direction in (-1, 1):
            factor = 1.0 + direction * share
            broken: list[Broken] = []
            refused = None
            for sc in scenarios:
                try:
                    moved = perturbed(sc, entry.path, factor)
                except InputError as exc:
                    refused = str(exc.problems[0].message)
                    break
                for before, after in zip(baseline[sc.name], backtest(moved, runs), strict=True):
                    if before.passed and not after.passed:
                        broken.append(Broken(sc.name, after.name, after.value, after.bound))
            pairs.append(Pair(entry.path, direction, factor, broken, refused))
    return Robustness(share, runs, baseline, pairs)
