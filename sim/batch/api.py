"""The sweep API for notebooks: the same sweep as the CLI, results as tables."""

from __future__ import annotations

import sys
import tempfile
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.batch.spec import Dimension, build_spec

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


class SweepResult:
    """A finished sweep's folder: ``runs.parquet``, ``turns.parquet``, ``manifest.json``."""

    def __init__(self, out: Path, manifest: dict[str, Any], keep: Any = None) -> None:
        """Wrap an output folder (``keep`` holds a temporary folder alive)."""
        self.out = out
        self.manifest = manifest
        self._keep = keep

    def __repr__(self) -> str:
        """One line for a notebook: scenario, points, runs, seeds, the final index's mean."""
        import pyarrow.parquet as pq

        m = self.manifest
        runs, points = m["runs_per_point"], len(m["points"])
        scenario = Path(m["scenario"]["path"]).stem
        text = f"<SweepResult {scenario!r}: {points} point{'s' * (points != 1)} x {runs} runs"
        text += f", seeds {m['seeds']['base']}..{m['seeds']['base'] + runs - 1}"
        if m.get("status") == "complete":
            index = pq.read_table(self.out / "runs.parquet", columns=["index"]).column("index")
            text += f", final index mean {float(index.to_numpy().mean()):.1f}"
        else:
            text += f", {m.get('status')}"
        return text + f", in {str(self.out)!r}>"

    def runs(self, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """A row per run: parameters, seed, final scores, mechanism outcomes."""
        return self._read("runs", arrow)

    def turns(self, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """A row per run and turn: cohesion, index, tensions, trust pairs, strengths."""
        return self._read("turns", arrow)

    def _read(self, kind: str, arrow: bool) -> pd.DataFrame | pa.Table:
        import pyarrow.parquet as pq

        table = pq.read_table(self.out / f"{kind}.parquet")
        return table if arrow else table.to_pandas()


@contextmanager
def _workers_skip_main() -> Iterator[None]:
    """Start local workers without re-running the caller's ``__main__``.

    Under the forkserver and spawn start methods every worker first re-imports the
    parent's ``__main__`` (as ``__mp_main__``). A script that calls `sweep` at top
    level, without an ``if __name__ == "__main__":`` guard, would then start the
    sweep again in each worker, whose pools fail and are restarted without end. The
    workers need only ``sim.batch``, never the caller's script, so while the sweep
    starts and runs its workers ``__main__`` is a stand-in without a file or spec:
    a script, a notebook and ``python -c`` all work the same, guard or not.
    """
    main = sys.modules.get("__main__")
    stand_in = types.ModuleType("__main__", "stand-in while sweep workers start (see sim.batch.api)")
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _dimension(path: str, spec: Any) -> Dimension:
    if isinstance(spec, tuple) and len(spec) in (2, 3) and all(isinstance(v, int | float) for v in spec):
        lo, hi, *steps = spec
        return Dimension(path, lo=float(lo), hi=float(hi), steps=int(steps[0]) if steps else 5)
    return Dimension(path, values=tuple(spec))


def sweep(
    scenario: str | Path,
    runs: int = 100,
    *,
    vary: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    sampler: str = "grid",
    points: int | None = None,
    seed: int = 0,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    turns: bool = True,
    chunk_size: int | None = None,
) -> SweepResult:
    """Run a sweep and return its tables.

    Args:
        scenario: Scenario file or bundled name.
        runs: Runs (seeds) per point; run k of every point has seed ``seed + k``.
        vary: Path -> list of values, or a ``(lo, hi[, steps])`` tuple for a range.
        settings: Fixed parameter overrides by path.
        sampler: ``grid``, ``lhs``, ``random`` or ``sobol``.
        points: Points to sample (samplers only).
        seed: Base seed.
        out: Output folder (default: a temporary folder kept while the result lives).
        workers: Local processes (default: all cores).
        scheduler: Dask scheduler address to run on a cluster instead.
        turns: Also tabulate every turn.
        chunk_size: Runs per unit of work (default: `sim.batch.spec.default_chunk`).

    Returns:
        The result, with ``.runs()`` and ``.turns()`` as DataFrames (or Arrow tables).
    """
    from sim.batch.runner import run_sweep

    spec = build_spec(
        scenario,
        runs=runs,
        seed=seed,
        fixed=dict(settings or {}),
        dimensions=[_dimension(p, v) for p, v in (vary or {}).items()],
        sampler=sampler,
        points=points,
        turns_output=turns,
        chunk_size=chunk_size,
        source="sweep()",
    )
    # The call that reproduces these results (how they were computed is left out).
    given = {"runs": runs, "vary": dict(vary or {}), "settings": dict(settings or {}), "sampler": sampler}
    given |= {"points": points, "seed": seed, "turns": turns}
    call = f"sim.sweep({str(scenario)!r}, " + ", ".join(f"{k}={v!r}" for k, v in given.items()) + ")"
    keep = None
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="trilateral-sweep-")
        out = keep.name
    with _workers_skip_main():
        manifest = run_sweep(spec, out, workers=workers, scheduler=scheduler, command=[call])
    return SweepResult(Path(out), manifest, keep)
