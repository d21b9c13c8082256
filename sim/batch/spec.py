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
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, model_validator

from sim.batch.chunk import column_value
from sim.errors import InputError, Problem
from sim.params import Override, flatten_overrides, parse_path, value_type
from sim.scenario import LoadedScenario, _problems, load_scenario, not_found, resolve_path
from sim.yamlio import Path_, line_of, load_yaml, parse_value

Sampler = Literal["grid", "lhs", "random", "sobol"]
MAX_STEPS = 10_000
MAX_RUNS = 100_000_000
MAX_SEED = 2**63 - 1
MAX_POINTS = 100_000  # each point is a row of the manifest and a set of chunks
#: Runs per unit of work by default: one block (`sim.batch.chunk.BLOCK`), larger chunks
#: add memory, not speed. Sweeps of fewer than `LARGE` runs per point use half that,
#: so that a small sweep still gives every core a chunk (`default_chunk`).
DEFAULT_CHUNK = 10_000
LARGE = 4 * DEFAULT_CHUNK


def default_chunk(runs: int) -> int:
    """The default chunk size for ``runs`` runs per point.

    A 10,000-run block steps in about 6% less CPU than two of 5,000 (bench/README.md,
    Issue 8); below `LARGE` runs per point, 5,000-run chunks keep both cores of a
    small machine busy. Results never depend on the chunk size.
    """
    return DEFAULT_CHUNK if runs >= LARGE else DEFAULT_CHUNK // 2


class Range(BaseModel):
    """A numeric range: a grid takes ``steps`` evenly spaced values, samplers draw in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lo: Annotated[float, Field(allow_inf_nan=False)]
    hi: Annotated[float, Field(allow_inf_nan=False)]
    steps: Annotated[int, Field(ge=1, le=10_000)] = 5

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.hi > self.lo:
            raise ValueError(f"empty or reversed range: hi ({self.hi}) must be above lo ({self.lo})")
        return self


def _range_or_list(value: Any) -> str | None:
    return "range" if isinstance(value, dict) else "list" if isinstance(value, list) else None


#: A varied parameter: a mapping is a range, a list is its values; anything else gets
#: one message (not one per branch of the union).
VaryValues = Annotated[
    Annotated[Range, Tag("range")] | Annotated[list[Any], Tag("list")],
    Discriminator(
        _range_or_list,
        custom_error_type="range_or_list",
        custom_error_message="must be a list of values, e.g. [0.1, 0.2], "
        "or a range, e.g. {lo: 0.1, hi: 0.5, steps: 5}",
    ),
]


class SweepFile(BaseModel):
    """A sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str = Field(description="scenario file, relative to the sweep file, or a bundled name")
    runs: Annotated[int, Field(ge=1, le=100_000_000)] = 100
    seed: Annotated[int, Field(ge=0)] = 0
    parameters: dict[str, Any] = Field(default_factory=dict, description="fixed overrides by dotted path")
    vary: dict[str, VaryValues] = Field(default_factory=dict)
    sampler: Sampler = "grid"
    points: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    turns_output: bool = Field(True, description="write turns.parquet")
    chunk_size: Annotated[int, Field(ge=1, le=1_000_000)] | None = None  # None: `default_chunk`


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
    """Parse ``PATH=LO:HI:STEPS`` or ``PATH=A,B,C`` (one ``--vary`` flag).

    Values are read by the scenario-file rules (`sim.yamlio.parse_value`): ``1e-1``
    is a number, ``yes`` a word, ``[ROK, JPN],[USA, ROK, JPN]`` two lists.
    """
    if "=" not in text:
        raise InputError.one("--vary", "expected PATH=LO:HI:STEPS or PATH=A,B,C", value=text)
    path, _, spec = text.partition("=")
    path = ".".join(parse_path(path))
    if not spec.strip():
        raise InputError.one("--vary", "no values given", path=path, value=spec)
    if ":" in spec and not spec.lstrip().startswith(("[", "{", "'", '"')):
        return _parse_range(path, spec)
    values = parse_value(f"[{spec}]", "--vary", path=path)
    if not values:
        raise InputError.one("--vary", "no values given", path=path, value=spec)
    return Dimension(path, values=tuple(values))


def _parse_range(path: str, spec: str) -> Dimension:
    parts = spec.split(":")
    numbers = [parse_value(p, "--vary", path=path) if p.strip() else None for p in parts]
    lo, hi, *rest = numbers + [None] * (2 - len(numbers))
    steps = rest[0] if rest else 5
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x) for x in (lo, hi)):
        raise InputError.one(
            "--vary", "LO and HI must be finite numbers, as in 0.1:0.5:5", path=path, value=spec
        )
    if len(parts) > 3 or not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_STEPS:
        raise InputError.one(
            "--vary",
            f"expected LO:HI:STEPS with STEPS a whole number from 1 to {MAX_STEPS}",
            path=path,
            value=spec,
        )
    if not hi > lo:
        raise InputError.one("--vary", "empty or reversed range: HI must be above LO", path=path, value=spec)
    return Dimension(path, lo=float(lo), hi=float(hi), steps=steps)


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
    chunk_size: int | None = None,
    source: str = "--vary",
    lines: dict[str, int] | None = None,
) -> SweepSpec:
    """Resolve a sweep and check its whole space before anything runs.

    Every value each parameter takes is validated against the schema, each varied
    parameter has one column type (numbers, whole numbers, words, or lists stored as
    JSON text), and the sampler and its point count are checked, so nothing a sweep
    stores or summarises can fail after the runs.

    Args:
        scenario: Scenario file or bundled name.
        runs: Runs (seeds) per point.
        seed: Base seed; run k of every point has seed ``seed + k``.
        fixed: Fixed overrides by dotted path.
        dimensions: The varied parameters.
        sampler: ``grid``, ``lhs``, ``random`` or ``sobol``.
        points: Points a sampler draws (samplers only; for sobol the base size N).
        turns_output: Also write the per-turn table.
        chunk_size: Runs per unit of work (None: `default_chunk` of ``runs``).
        source: How errors name the input: ``--vary`` for flags, else a file name.
        lines: Line of each dotted path in the sweep file, for its errors.

    Raises:
        InputError: for bad counts, unknown paths, bad values, mixed value types, a
            sampler without ranges or without anything varied, ``points`` without a
            sampler, or a space with more than `MAX_POINTS` points.
    """
    from sim.batch.samplers import SAMPLERS, count_points, sample_points

    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= MAX_RUNS:
        raise InputError.one("--runs", f"the number of runs must be from 1 to {MAX_RUNS:,}", value=runs)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED - runs:
        raise InputError.one(
            "--seed", f"must be from 0 to {MAX_SEED - runs} (run k has seed SEED + k)", value=seed
        )
    if chunk_size is None:
        chunk_size = default_chunk(runs)
    if not 1 <= chunk_size <= 1_000_000:
        raise InputError.one("--chunk-size", "must be from 1 to 1,000,000", value=chunk_size)
    say = _phrasing(source)
    if sampler not in SAMPLERS:
        raise InputError.one(
            **say["sampler"], message=f"unknown sampler; allowed: {', '.join(SAMPLERS)}", value=sampler
        )
    if points is not None and not 1 <= points <= 1_000_000:
        raise InputError.one(**say["points"], message="must be from 1 to 1,000,000", value=points)
    dims = [_checked(d, source) for d in dimensions or []]
    if sampler != "grid" and not dims:
        raise InputError.one(
            **say["sampler"],
            message=f"the {sampler} sampler draws values of the varied parameters, but nothing is varied; "
            f"add {say['vary']}",
            value=sampler,
        )
    if points is not None and sampler == "grid":
        raise InputError.one(
            **say["points"],
            message="sets how many points a sampler draws, but the grid takes every combination of the "
            f"varied values; add {say['sample']}, or leave {say['points_name']} out",
            value=points,
        )
    seen = [d.path for d in dims]
    if len(seen) != len(set(seen)):
        raise InputError.one(source, "a parameter is varied twice", value=seen)
    fixed = dict(fixed or {})
    both = sorted(set(seen) & set(fixed))
    if both:
        raise InputError.one(source, "a parameter is both fixed (--set) and varied (--vary)", value=both[0])
    loaded = load_scenario(scenario)
    typed = tuple(_typed(d, source, lines) for d in dims)
    n_points = count_points(typed, sampler, points, source)
    if n_points > MAX_POINTS:
        raise InputError.one(
            source,
            f"the sweep has {n_points:,} parameter points; at most {MAX_POINTS:,} are allowed "
            "(vary fewer values, or sample the ranges with --sample lhs --points K)",
        )
    _validate_values(loaded, fixed, typed, source, lines or {})
    _check_columns(typed, source, lines or {})
    point_list = sample_points(typed, sampler, points, seed, source)
    return SweepSpec(
        scenario=loaded,
        fixed=fixed,
        dimensions=typed,
        sampler=sampler,
        points=tuple(point_list),
        runs=runs,
        seed=seed,
        turns_output=turns_output,
        chunk_size=chunk_size,
        n_points_requested=points,
    )


def _phrasing(source: str) -> dict[str, Any]:
    """How errors name the sweep's options: flags, `sweep()` keywords or file fields."""
    if source == "--vary":
        return {
            "sampler": {"source": "--sample"},
            "points": {"source": "--points"},
            "points_name": "--points",
            "vary": "--vary PATH=LO:HI",
            "sample": "--sample lhs, random or sobol",
        }
    keyword = source == "sweep()"
    return {
        "sampler": {"source": source, "path": "sampler"},
        "points": {"source": source, "path": "points"},
        "points_name": "points=" if keyword else "'points'",
        "vary": "vary={PATH: (LO, HI)}" if keyword else "a range under 'vary:'",
        "sample": "sampler='lhs' (or random, sobol)" if keyword else "'sampler: lhs' (or random, sobol)",
    }


def _checked(d: Dimension, source: str) -> Dimension:
    """Refuse an empty list or an empty, reversed or badly stepped range."""
    if d.values is not None:
        if not d.values:
            raise InputError.one(source, "no values given", path=d.path)
        return d
    if d.lo is None or d.hi is None or not d.hi > d.lo:
        raise InputError.one(
            source, "empty or reversed range: HI must be above LO", path=d.path, value=(d.lo, d.hi)
        )
    if d.steps is None or not 1 <= d.steps <= MAX_STEPS:
        raise InputError.one(source, f"STEPS must be from 1 to {MAX_STEPS}", path=d.path, value=d.steps)
    return d


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


_KIND_WORDS = {int: "whole numbers", float: "numbers", str: "words", list: "lists", bool: "true/false"}


def _typed(d: Dimension, source: str, lines: dict[str, int] | None) -> Dimension:
    """Give a dimension its parameter's column type.

    A number parameter's values are all floats (0.1 and 1 would otherwise make a
    float column in one chunk and an integer column in another); a range is
    allowed only over a number parameter.
    """
    kind = value_type(parse_path(d.path))
    line = (lines or {}).get(d.path)
    if d.values is None:
        if kind is int:
            raise InputError.one(
                source,
                "is a whole-number parameter; vary it with a list of whole numbers, e.g. 2,4,6",
                line=line,
                path=d.path,
                value=(d.lo, d.hi),
            )
        if kind not in (float, None):
            raise InputError.one(
                source,
                f"takes {_KIND_WORDS.get(kind, kind.__name__)}, not numbers from a range; "
                "vary it with a list of values",
                line=line,
                path=d.path,
                value=(d.lo, d.hi),
            )
        return d
    if kind is float:
        return Dimension(d.path, values=tuple(float(v) if _is_number(v) else v for v in d.values))
    return d


def _validate_values(
    loaded: LoadedScenario,
    fixed: dict[str, Any],
    dims: tuple[Dimension, ...],
    source: str,
    lines: dict[str, int],
) -> None:
    """Check the fixed overrides and every value each dimension can take, before any run.

    Each parameter is checked alone with the fixed ones, so the cost grows with the
    values listed, not with the points of their product. The schema's numeric bounds
    are intervals, so a range, or a list of numbers, is checked at its two ends; any
    other value (a word, a list, a number among words) is checked itself.
    """
    trials: list[dict[str, Any]] = [{}]
    for d in dims:
        if d.values is None:
            trials += [{d.path: d.lo}, {d.path: d.hi}]
            continue
        numbers = [v for v in d.values if isinstance(v, float) and np.isfinite(v)]
        others = [v for v in d.values if not (isinstance(v, float) and np.isfinite(v))]  # .nan, .inf too
        ends = [min(numbers), max(numbers)] if numbers else []
        distinct = {json.dumps(v, sort_keys=True, default=repr): v for v in ends + others}
        trials += [{d.path: v} for v in distinct.values()]
    for extra in trials:
        merged = {**fixed, **extra}
        try:
            loaded.with_overrides([(parse_path(p), v, source, lines.get(p)) for p, v in merged.items()])
        except InputError as exc:
            raise InputError(exc.problems[:5]) from None


def _check_columns(dims: tuple[Dimension, ...], source: str, lines: dict[str, int]) -> None:
    """Each varied parameter's values fit one Parquet column of one type."""
    import pyarrow as pa

    for d in dims:
        if d.values is None:
            continue
        column = [column_value(v) for v in d.values]
        kinds = sorted({type(v).__name__ for v in column})
        try:
            if len(kinds) > 1:
                raise pa.ArrowInvalid(", ".join(kinds))
            pa.array(column)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise InputError.one(
                source,
                f"its values are of different kinds ({exc}); a parameter's values are stored in "
                "one column, so give values of one kind (all numbers, all words or all lists)",
                line=lines.get(d.path),
                path=d.path,
                value=list(d.values)[:6],
            ) from None


def _given(cli: dict[str, Any], key: str, default: Any) -> Any:
    """A command-line value when given (0 included), else the sweep file's."""
    return cli[key] if cli.get(key) is not None else default


def is_sweep_file(data: Any) -> bool:
    """Whether loaded YAML is a sweep file (it names a scenario) rather than a scenario."""
    return isinstance(data, dict) and "scenario" in data and "turns" not in data


def load_sweep_file(path: str | Path, **cli: Any) -> SweepSpec:
    """Read a sweep file; command-line values in ``cli`` (not None) take precedence.

    ``parameters:`` and ``vary:`` keys are dotted paths or nested names, as in a
    scenario's ``parameters:`` block.
    """
    data, lines = load_yaml(path)
    source = str(path)
    if not isinstance(data, dict):
        raise InputError.one(source, "expected a mapping of sweep fields", line=1)
    try:
        sf = SweepFile.model_validate(data, strict=True)
    except ValidationError as exc:
        raise InputError(_problems(exc, source, lines, data)) from None
    fixed_overrides = flatten_overrides(sf.parameters, source, lines, ("parameters",))
    fixed = {".".join(p): v for p, v, _, _ in fixed_overrides}
    where = {".".join(p): line for p, _, _, line in fixed_overrides if line is not None}
    dims = []
    for name, spec in sf.vary.items():
        dotted = ".".join(parse_path(name))
        at: Path_ = ("vary", name)
        where[dotted] = line_of(lines, at) or 0
        if dotted in [d.path for d in dims]:
            raise InputError(
                [Problem(source, line_of(lines, at), f"vary.{name}", spec, "varies a parameter twice")]
            )
        if isinstance(spec, Range):
            dims.append(Dimension(dotted, lo=spec.lo, hi=spec.hi, steps=spec.steps))
        elif not spec:
            raise InputError([Problem(source, line_of(lines, at), f"vary.{name}", spec, "no values given")])
        else:
            dims.append(Dimension(dotted, values=tuple(spec)))
    scenario_path = Path(path).parent / sf.scenario
    scenario = scenario_path if scenario_path.exists() else sf.scenario
    if not resolve_path(scenario).exists():
        line = line_of(lines, ("scenario",))
        raise InputError.one(source, not_found(sf.scenario), line=line, path="scenario", value=sf.scenario)
    return build_spec(
        scenario,
        runs=_given(cli, "runs", sf.runs),
        seed=_given(cli, "seed", sf.seed),
        fixed=fixed,
        dimensions=dims,
        sampler=_given(cli, "sampler", sf.sampler),
        points=_given(cli, "points", sf.points),
        turns_output=_given(cli, "turns_output", sf.turns_output),
        chunk_size=_given(cli, "chunk_size", sf.chunk_size),
        source=source,
        lines={k: v for k, v in where.items() if v},
    )
