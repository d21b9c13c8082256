"""What a sweep is: a scenario, fixed overrides, varied parameters, a sampler, seeds.

Built from command-line flags or from a sweep file (YAML, validated like scenario
files). Every point is validated against the parameter schema before anything runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import InputError, Problem
from sim.params import Override, parse_path
from sim.scenario import LoadedScenario, _problems, load_scenario
from sim.yamlio import line_of, load_yaml

Sampler = Literal["grid", "lhs", "random", "sobol"]
MAX_STEPS = 10_000
MAX_RUNS = 100_000_000
MAX_SEED = 2**63 - 1
DEFAULT_CHUNK = 5_000  # one cache-sized block (sim.batch.chunk.BLOCK): larger chunks add memory, not speed


class Range(BaseModel):
    """A numeric range: a grid takes ``steps`` evenly spaced values, samplers draw in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lo: float
    hi: float
    steps: Annotated[int, Field(ge=1, le=10_000)] = 5

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.hi > self.lo:
            raise ValueError(f"empty or reversed range: hi ({self.hi}) must be above lo ({self.lo})")
        return self


class SweepFile(BaseModel):
    """A sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str = Field(description="scenario file, relative to the sweep file, or a bundled name")
    runs: Annotated[int, Field(ge=1, le=100_000_000)] = 100
    seed: Annotated[int, Field(ge=0)] = 0
    parameters: dict[str, Any] = Field(default_factory=dict, description="fixed overrides by dotted path")
    vary: dict[str, Range | list[Any]] = Field(default_factory=dict)
    sampler: Sampler = "grid"
    points: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    turns_output: bool = Field(True, description="write turns.parquet")
    chunk_size: Annotated[int, Field(ge=1, le=1_000_000)] = DEFAULT_CHUNK


@dataclass(frozen=True)
class Dimension:
    """One varied parameter: its path and either grid values or a range."""

    path: str
    values: tuple[Any, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    steps: int | None = None

    def grid(self) -> list[Any]:
        """The values a grid takes."""
        if self.values is not None:
            return list(self.values)
        return [round(float(v), 12) for v in np.linspace(self.lo, self.hi, self.steps)]


@dataclass(frozen=True)
class SweepSpec:
    """A fully resolved sweep: every point's overrides, the seeds, the outputs."""

    scenario: LoadedScenario
    fixed: dict[str, Any]
    dimensions: tuple[Dimension, ...]
    sampler: str
    points: tuple[dict[str, Any], ...]
    runs: int
    seed: int
    turns_output: bool
    chunk_size: int
    n_points_requested: int | None = None

    @property
    def total_runs(self) -> int:
        """Points x runs."""
        return len(self.points) * self.runs

    def key(self) -> str:
        """Identity of the sweep's results (not of how they are computed)."""
        blob = json.dumps(
            {
                "scenario_sha256": self.scenario.sha256,
                "fixed": self.fixed,
                "points": list(self.points),
                "runs": self.runs,
                "seed": self.seed,
                "turns_output": self.turns_output,
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def overrides(self, point: int) -> list[Override]:
        """Fixed overrides then the point's varied values, as parameter overrides."""
        merged = {**self.fixed, **self.points[point]}
        return [(parse_path(p), v, "sweep", None) for p, v in merged.items()]


def parse_vary(text: str) -> Dimension:
    """Parse ``PATH=LO:HI:STEPS`` or ``PATH=A,B,C`` (one ``--vary`` flag)."""
    if "=" not in text:
        raise InputError.one("--vary", "expected PATH=LO:HI:STEPS or PATH=A,B,C", value=text)
    path, _, spec = text.partition("=")
    path = path.strip()
    if ":" in spec:
        parts = spec.split(":")
        try:
            lo, hi = float(parts[0]), float(parts[1])
            steps = int(parts[2]) if len(parts) > 2 else 5
        except ValueError:
            raise InputError.one(
                "--vary", "LO and HI must be numbers and STEPS a whole number", path=path, value=spec
            ) from None
        if len(parts) > 3 or not 1 <= steps <= MAX_STEPS:
            raise InputError.one(
                "--vary", f"expected LO:HI:STEPS with STEPS from 1 to {MAX_STEPS}", path=path, value=spec
            )
        if not hi > lo:
            raise InputError.one(
                "--vary", "empty or reversed range: HI must be above LO", path=path, value=spec
            )
        return Dimension(path, lo=lo, hi=hi, steps=steps)
    try:
        values = tuple(yaml.safe_load(v) for v in spec.split(",") if v.strip())
    except yaml.YAMLError:
        raise InputError.one(
            "--vary", "each value must be a number or a word", path=path, value=spec
        ) from None
    if not values:
        raise InputError.one("--vary", "no values given", path=path, value=spec)
    return Dimension(path, values=values)


def build_spec(
    scenario: str | Path,
    *,
    runs: int,
    seed: int = 0,
    fixed: dict[str, Any] | None = None,
    dimensions: list[Dimension] | None = None,
    sampler: str = "grid",
    points: int | None = None,
    turns_output: bool = True,
    chunk_size: int = DEFAULT_CHUNK,
    source: str = "--vary",
) -> SweepSpec:
    """Resolve a sweep and validate every point's parameters.

    Raises:
        InputError: for zero runs, unknown paths, bad values, or a sampler without
            numeric ranges.
    """
    from sim.batch.samplers import sample_points

    if not 1 <= runs <= MAX_RUNS:
        raise InputError.one("--runs", f"the number of runs must be from 1 to {MAX_RUNS:,}", value=runs)
    if not 0 <= seed <= MAX_SEED - runs:
        raise InputError.one(
            "--seed", f"must be from 0 to {MAX_SEED - runs} (run k has seed SEED + k)", value=seed
        )
    if not 1 <= chunk_size <= 1_000_000:
        raise InputError.one("--chunk-size", "must be from 1 to 1,000,000", value=chunk_size)
    if points is not None and not 1 <= points <= 1_000_000:
        raise InputError.one("--points", "must be from 1 to 1,000,000", value=points)
    dims = tuple(_checked(d, source) for d in dimensions or [])
    seen = [d.path for d in dims]
    if len(seen) != len(set(seen)):
        raise InputError.one(source, "a parameter is varied twice", value=seen)
    fixed = dict(fixed or {})
    both = sorted(set(seen) & set(fixed))
    if both:
        raise InputError.one(source, "a parameter is both fixed (--set) and varied (--vary)", value=both[0])
    loaded = load_scenario(scenario)
    point_list = sample_points(dims, sampler, points, seed, source)
    _validate_values(loaded, fixed, dims, source)
    return SweepSpec(
        scenario=loaded,
        fixed=fixed,
        dimensions=dims,
        sampler=sampler,
        points=tuple(point_list),
        runs=runs,
        seed=seed,
        turns_output=turns_output,
        chunk_size=chunk_size,
        n_points_requested=points,
    )


def _checked(d: Dimension, source: str) -> Dimension:
    """Refuse an empty or reversed range or list; make numeric lists all floats.

    One column type per parameter keeps every chunk's table alike (0.1 and 1 would
    otherwise make a float column in one chunk and an integer column in another).
    """
    if d.values is not None:
        if not d.values:
            raise InputError.one(source, "no values given", path=d.path)
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in d.values)
        return Dimension(d.path, values=tuple(float(v) for v in d.values)) if numeric else d
    if d.lo is None or d.hi is None or not d.hi > d.lo:
        raise InputError.one(
            source, "empty or reversed range: HI must be above LO", path=d.path, value=(d.lo, d.hi)
        )
    if d.steps is None or not 1 <= d.steps <= MAX_STEPS:
        raise InputError.one(source, f"STEPS must be from 1 to {MAX_STEPS}", path=d.path, value=d.steps)
    return d


def _validate_values(
    loaded: LoadedScenario, fixed: dict[str, Any], dims: tuple[Dimension, ...], source: str
) -> None:
    """Check the fixed overrides and every value each dimension can take, before any run.

    Each parameter is checked alone with the fixed ones, so the cost grows with the
    values listed, not with the points of their product; a range is checked at both
    ends (the schema's bounds are intervals, so what lies between is allowed too).
    """
    trials = [{}] + [{d.path: v} for d in dims for v in (d.values if d.values is not None else (d.lo, d.hi))]
    for extra in trials:
        merged = {**fixed, **extra}
        try:
            loaded.with_overrides([(parse_path(p), v, source, None) for p, v in merged.items()])
        except InputError as exc:
            raise InputError(exc.problems[:5]) from None


def _given(cli: dict[str, Any], key: str, default: Any) -> Any:
    """A command-line value when given (0 included), else the sweep file's."""
    return cli[key] if cli.get(key) is not None else default


def load_sweep_file(path: str | Path, **cli: Any) -> SweepSpec:
    """Read a sweep file; command-line values in ``cli`` (not None) take precedence."""
    data, lines = load_yaml(path)
    source = str(path)
    if not isinstance(data, dict):
        raise InputError.one(source, "expected a mapping of sweep fields", line=1)
    try:
        sf = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(exc, source, lines, data)) from None
    scenario_path = Path(path).parent / sf.scenario
    scenario = scenario_path if scenario_path.exists() else sf.scenario
    dims = []
    for name, spec in sf.vary.items():
        if isinstance(spec, Range):
            dims.append(Dimension(name, lo=spec.lo, hi=spec.hi, steps=spec.steps))
        elif not spec:
            raise InputError(
                [Problem(source, line_of(lines, ("vary", name)), f"vary.{name}", spec, "no values given")]
            )
        else:
            dims.append(Dimension(name, values=tuple(spec)))
    return build_spec(
        scenario,
        runs=_given(cli, "runs", sf.runs),
        seed=_given(cli, "seed", sf.seed),
        fixed=sf.parameters,
        dimensions=dims,
        sampler=_given(cli, "sampler", sf.sampler),
        points=_given(cli, "points", sf.points),
        turns_output=_given(cli, "turns_output", sf.turns_output),
        chunk_size=_given(cli, "chunk_size", sf.chunk_size),
        source=source,
    )
