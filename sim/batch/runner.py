"""Run a sweep: plan chunks, compute them on local processes or Dask, persist, combine.

Each finished chunk is written atomically to ``DIR/.chunks/``; rerunning the same
sweep skips chunks already there. When all are done they are combined, in a fixed
order and into fixed-size row groups, into ``runs.parquet`` and ``turns.parquet``, so
the files do not depend on the number of workers, the chunk size or the scheduler.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import multiprocessing
import os
import shutil
import signal
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.batch.chunk import Chunk, run_chunk
from sim.batch.spec import SweepSpec
from sim.errors import InputError
from sim.files import atomic_write_bytes, atomic_write_text
from sim.params import parse_path

ROW_GROUP = 131_072
#: Manifest statuses of a sweep that did not finish (its chunks are kept for a resume).
STOPPED = ("running", "interrupted", "failed")
CHUNK_DIR = ".chunks"
Progress = Callable[[int], None]


def plan(spec: SweepSpec) -> list[Chunk]:
    """Every chunk of the sweep, in output order."""
    return [
        Chunk(p, start, min(start + spec.chunk_size, spec.runs), spec.seed, spec.runs)
        for p in range(len(spec.points))
        for start in range(0, spec.runs, spec.chunk_size)
    ]


def check_out_dir(spec: SweepSpec, out: Path) -> dict[str, Any] | None:
    """Refuse a folder that holds something else; return its manifest if it is this sweep's."""
    if out.exists() and not out.is_dir():
        raise InputError.one(str(out), "exists and is not a folder")
    manifest = out / "manifest.json"
    if manifest.exists():
        try:
            # A pipe or device named manifest.json would block the read: treat it as corrupt.
            old = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else None
        except (OSError, ValueError):
            old = None
        if not isinstance(old, dict):
            raise InputError.one(
                str(manifest),
                "is unreadable or corrupt (a sweep's manifest is a JSON object); move the folder aside",
            )
        if old.get("key") != spec.key():
            if old.get("status") in STOPPED and not _holds_work(out):
                return None  # a sweep that stopped before finishing any chunk: nothing to keep
            raise InputError.one(
                str(out),
                "holds a different sweep (other scenario, parameters, seeds or runs); "
                "choose another --out folder; nothing was overwritten",
            )
        if old.get("status") == "complete":
            wanted = ["runs.parquet"] + (["turns.parquet"] if spec.turns_output else [])
            missing = [name for name in wanted if not (out / name).is_file()]
            if missing:
                raise InputError.one(
                    str(out / missing[0]),
                    "is missing though the manifest says the sweep is complete; "
                    "move the folder aside and run the sweep again",
                )
        return old
    if out.exists() and any(p.name in ("runs.parquet", "turns.parquet") for p in out.iterdir()):
        raise InputError.one(str(out), "holds sweep results without a manifest; choose another --out folder")
    return None


def _holds_work(out: Path) -> bool:
    """Whether a folder holds finished chunks or results."""
    chunks = out / CHUNK_DIR
    done = chunks.is_dir() and any(chunks.glob("*.runs.arrow"))
    return done or any((out / name).exists() for name in ("runs.parquet", "turns.parquet"))


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from sim.provenance import versions

    out = versions()
    for pkg in ("dask", "distributed", "SALib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def manifest(spec: SweepSpec, status: str, started: str, command: list[str], extra: dict[str, Any]) -> dict:
    """The manifest: enough to know what the files are and to reproduce them."""
    return {
        "key": spec.key(),
        "status": status,
        "command": command,
        "started": started,
        "finished": datetime.now(UTC).isoformat() if status == "complete" else None,
        "scenario": {"path": spec.scenario.path, "sha256": spec.scenario.sha256, "text": spec.scenario.text},
        "fixed_parameters": spec.fixed,
        "parameter_space": [
            {
                "path": d.path,
                "values": list(d.values) if d.values is not None else None,
                "lo": d.lo,
                "hi": d.hi,
                "steps": d.steps,
            }
            for d in spec.dimensions
        ],
        "sampler": spec.sampler,
        "points_requested": spec.n_points_requested,
        "points": list(spec.points),
        "runs_per_point": spec.runs,
        "seeds": {"base": spec.seed, "rule": "run k of every point has seed base + k"},
        "turns_output": spec.turns_output,
        "chunk_size": spec.chunk_size,
        "versions": _versions(),
        "provenance": _provenance(spec, command),
        **extra,
    }


def _provenance(spec: SweepSpec, command: list[str]) -> dict[str, Any]:
    """The sweep's record in the shape every output shares (`sim.provenance`)."""
    from sim.provenance import provenance

    fixed = [(parse_path(p), v, "sweep: fixed", None) for p, v in spec.fixed.items()]
    varied = [
        (
            parse_path(d.path),
            {"values": list(d.values)}
            if d.values is not None
            else {"lo": d.lo, "hi": d.hi, "steps": d.steps},
            f"sweep: varied ({spec.sampler})",
            None,
        )
        for d in spec.dimensions
    ]
    seeds = {"base": spec.seed, "runs_per_point": spec.runs, "rule": "run k of every point has seed base + k"}
    return provenance(spec.scenario, fixed + varied, seeds, command=" ".join(command))


def _table_bytes(table: pa.Table) -> memoryview:
    """A chunk as an Arrow IPC file: written and read back almost for free."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return memoryview(sink.getvalue())  # no copy into a bytes object


def _chunk_file(out: Path, chunk: Chunk, kind: str) -> Path:
    return out / CHUNK_DIR / f"{chunk.name}.{kind}.arrow"


def _read_chunk(out: Path, chunk: Chunk, kind: str) -> pa.Table:
    with pa.memory_map(str(_chunk_file(out, chunk, kind))) as source:
        return pa.ipc.open_file(source).read_all()


def _persist(out: Path, chunk: Chunk, runs: pa.Table, turns: pa.Table | None) -> None:
    if turns is not None:
        atomic_write_bytes(_chunk_file(out, chunk, "turns"), _table_bytes(turns))
    # The runs file is written last: its presence marks the chunk as done.
    atomic_write_bytes(_chunk_file(out, chunk, "runs"), _table_bytes(runs))


def _done(out: Path, chunk: Chunk, with_turns: bool) -> bool:
    ok = _chunk_file(out, chunk, "runs").exists()
    return ok and (not with_turns or _chunk_file(out, chunk, "turns").exists())


def _task(spec: SweepSpec, chunk: Chunk) -> tuple:
    return (
        spec.scenario.text,
        spec.scenario.path,
        spec.overrides(chunk.point),
        spec.points[chunk.point],
        chunk,
        spec.turns_output,
    )


def _call(args: tuple) -> tuple[Chunk, pa.Table, pa.Table | None]:
    runs, turns = run_chunk(*args)
    return args[4], runs, turns


def _call_and_persist(job: tuple[Path, tuple]) -> Chunk:
    """Compute a chunk and write it where the parent finds it (local workers write in parallel)."""
    out, args = job
    chunk, runs, turns = _call(args)
    _persist(out, chunk, runs, turns)
    del runs, turns
    _release_memory()
    return chunk


def _release_memory() -> None:
    """Free a finished chunk's memory and hand it back to the system.

    A model and its agents refer to each other, so finished models wait for the
    cycle collector, holding their arrays; collect them now. Then glibc keeps what
    numpy freed in its arenas: malloc_trim returns it (a no-op off glibc).
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Interrupted(Exception):
    """The sweep was asked to stop; finished chunks are kept for a resume."""


class WorkerFailure(Exception):
    """The sweep's worker processes could not start or died; finished chunks are kept.

    The message is one paragraph for the user: what failed in the workers (the
    exception's type and message, or how a worker died) and what to do.
    """


#: The worker-side probe: which ``sim`` package a worker imports (a str the parent compares).
#: It is sent as text to ``eval`` (a builtin every worker can unpickle), so a worker
#: that cannot import the engine reports the ImportError instead of dying on it.
_PROBE = "__import__('sim.batch.runner').__file__"


def _context() -> multiprocessing.context.BaseContext:
    """An explicit start method (mesa 3.3 forces "spawn" globally when imported).

    "forkserver" where it exists: a clean single-threaded server imports the engine
    once and forks each worker from it, so workers start at once without inheriting
    the parent's threads (forking a threaded parent can deadlock).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.batch.preload"])
        _start_forkserver()
        return ctx
    return multiprocessing.get_context("spawn")


def _start_forkserver() -> None:
    """Start the forkserver (once per process) on this program's module path.

    CPython 3.11 starts it as ``python -c``, so the current folder comes first on its
    path, and ignores the parent's ``sys.path``: ``python /other/run.py sweep`` run
    from inside another checkout preloaded that checkout's ``sim`` into every worker.
    The server is given the parent's entries ahead of the standard library instead
    (PYTHONPATH), without the current folder (PYTHONSAFEPATH, Python 3.11+).
    """
    from multiprocessing import forkserver

    std = {os.path.normpath(sysconfig.get_path(k)) for k in ("stdlib", "platstdlib")}
    zipped = f"python{sys.version_info.major}{sys.version_info.minor}.zip"
    head: list[str] = []
    for entry in sys.path:
        full = os.path.normpath(os.path.abspath(entry or os.curdir))
        if full in std or os.path.basename(full) == zipped:
            break
        head.append(full)
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYTHONSAFEPATH")}
    os.environ.update(PYTHONPATH=os.pathsep.join(head), PYTHONSAFEPATH="1")
    try:
        forkserver.ensure_running()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _check_workers(pool: ProcessPoolExecutor) -> None:
    """Make sure the workers import this program's engine before sending them work.

    Raises:
        WorkerFailure: a worker cannot import ``sim`` (e.g. another checkout's ``sim``
            came first on its path), or imports one from another folder.
    """
    import sim

    try:
        theirs = pool.submit(eval, _PROBE, {}).result()
    except BrokenProcessPool:
        raise WorkerFailure(
            "the sweep's worker processes died as they started, before computing any chunk; "
            "run the same command with --workers 1 to see the error in this process"
        ) from None
    except Exception as exc:  # noqa: BLE001  (any error importing the engine is reported the same way)
        raise _cannot_import(exc, f"ahead of {Path(sim.__file__).parent.parent} on the module path") from None
    ours = sim.__file__
    if Path(theirs).resolve() != Path(ours).resolve():  # a symlinked folder is the same engine
        raise WorkerFailure(
            f"the sweep's worker processes import the simulation engine from {Path(theirs).parent} "
            f"but this program runs the one in {Path(ours).parent}; their results could differ, "
            "so no chunk was computed. Run the run.py of the checkout you mean, from its own "
            "folder, with no other copy of 'sim' on PYTHONPATH, then run the same command to resume"
        )


def _cannot_import(exc: BaseException, where: str) -> WorkerFailure:
    """The error for workers that cannot import the engine (``where``: where no other copy may be)."""
    return WorkerFailure(
        f"the sweep's worker processes cannot import the simulation engine "
        f"({type(exc).__name__}: {exc}), so no chunk was computed. Workers import the "
        f"package 'sim' from the first folder on the module path that holds one; make sure "
        f"no other copy of 'sim' comes {where} (PYTHONPATH, or one checkout's run.py run "
        "from inside another checkout, can put one there), then run the same command to resume"
    )


def _died(procs: list[multiprocessing.process.BaseProcess]) -> WorkerFailure:
    """The error for a worker that died mid-sweep (the system's out-of-memory killer, kill -9).

    Args:
        procs: The pool's workers; the executor terminates the survivors (SIGTERM)
            once one died, so the first other way of ending names the cause.
    """
    codes = [p.exitcode for p in procs if p.exitcode not in (None, 0, -signal.SIGTERM)]
    code = codes[0] if codes else None
    how = ""
    if code is not None:
        how = f" (killed by {signal.Signals(-code).name})" if code < 0 else f" (exit status {code})"
    return WorkerFailure(
        f"a worker process died while computing{how}; a worker killed by SIGKILL is most often "
        "the system's out-of-memory killer. Finished chunks are kept: run the same command to "
        "resume, with fewer --workers or a smaller --chunk-size if memory is short"
    )


def _workers(pool: ProcessPoolExecutor) -> list[multiprocessing.process.BaseProcess]:
    # Python 3.14 adds ProcessPoolExecutor.terminate_workers(); before it the processes
    # are only reachable through this private mapping (absent: nothing to do).
    return list((getattr(pool, "_processes", None) or {}).values())


def _local(
    spec: SweepSpec, todo: list[Chunk], workers: int, out: Path, stop: Callable[[], bool]
) -> Iterator[Chunk]:
    """Compute chunks on local processes, checking ``stop`` between them.

    A `ProcessPoolExecutor`, not `multiprocessing.Pool`: when a worker dies (killed,
    or unable to start), the executor fails every pending chunk with
    `BrokenProcessPool`, where a Pool silently starts another worker and waits forever.

    Raises:
        Interrupted: ``stop`` returned True.
        WorkerFailure: the workers could not start or one died.
    """
    jobs = [(out, _task(spec, c)) for c in todo]
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            if stop():
                raise Interrupted
            yield _call_and_persist(job)
        return
    # Ctrl-C reaches the whole process group; only the parent decides to stop. The
    # initializer is a builtin, so a worker that cannot import ``sim`` still starts.
    pool = ProcessPoolExecutor(
        min(workers, len(jobs)),
        mp_context=_context(),
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        _check_workers(pool)
        procs = _workers(pool)  # all started by now (forkserver and spawn start them at once)
        pending = {pool.submit(_call_and_persist, job) for job in jobs}
        while pending:
            if stop():
                raise Interrupted
            done, pending = futures.wait(pending, timeout=0.1, return_when=futures.FIRST_COMPLETED)
            for fut in done:
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    raise _died(procs) from None
    finally:
        # Stop at once: kill the workers still computing (their chunks are recomputed
        # on resume), as Pool.terminate did, then let the executor clean up.
        for proc in _workers(pool):
            with contextlib.suppress(OSError, ValueError):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    spec: SweepSpec, todo: list[Chunk], address: str, out: Path, stop: Callable[[], bool]
) -> Iterator[Chunk]:
    """Compute chunks on a Dask cluster; results come back here to be written."""
    from distributed import Client, KilledWorker, wait

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError.one(
            "--scheduler", f"cannot reach the Dask scheduler ({exc}); expected tcp://HOST:PORT", value=address
        ) from None
    try:
        try:
            # A worker that cannot unpickle a chunk's task logs it and asks again, forever:
            # ask each worker to import the engine first, by a builtin it can unpickle.
            client.run(eval, _PROBE, {})
        except Exception as exc:  # noqa: BLE001  (any error importing the engine is reported the same way)
            raise _cannot_import(exc, "first on the Dask workers' module path") from None
        pending = {client.submit(_call, _task(spec, c), pure=False) for c in todo}
        while pending:
            # Poll rather than block, so Ctrl-C is heard even while no chunk finishes.
            try:
                done, pending = wait(pending, timeout=0.2, return_when="FIRST_COMPLETED")
            except TimeoutError:  # distributed raises, rather than return, when none finished
                done = set()
            if stop():
                client.cancel(list(pending))
                raise Interrupted
            for fut in done:
                try:
                    chunk, runs, turns = fut.result()
                except KilledWorker as exc:  # Dask retried the chunk on new workers; they died too
                    raise WorkerFailure(
                        f"Dask workers died computing a chunk, on every retry ({exc}); a worker "
                        "killed by the system is most often short of memory. Finished chunks are "
                        "kept: run the same command to resume, with a smaller --chunk-size or "
                        "more memory per worker"
                    ) from None
                _persist(out, chunk, runs, turns)
                yield chunk
    finally:
        client.close()


class Combiner:
    """Appends finished chunks, in plan order, to runs.parquet and turns.parquet.

    Chunks may finish in any order; each is appended once all before it are, so the
    final files are written while later chunks still compute. Rows are re-cut into
    fixed-size row groups, so the files do not depend on the chunk size. Until
    `finish` renames them into place, the files are hidden temporaries.
    """

    def __init__(self, spec: SweepSpec, out: Path) -> None:
        """Prepare to combine ``spec``'s chunks from ``out``."""
        self.out = out
        self.chunks = plan(spec)
        self.kinds = ["runs"] + (["turns"] if spec.turns_output else [])
        self.next = 0
        self.ready: set[Chunk] = set()
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.pending: dict[str, list[pa.Table]] = {k: [] for k in self.kinds}

    def _tmp(self, kind: str) -> Path:
        return self.out / f".{kind}.parquet.tmp"

    def add(self, chunk: Chunk) -> None:
        """Note a finished chunk and append every chunk now in order."""
        self.ready.add(chunk)
        while self.next < len(self.chunks) and self.chunks[self.next] in self.ready:
            done = self.chunks[self.next]
            for kind in self.kinds:
                self._append(kind, _read_chunk(self.out, done, kind))
            self.ready.discard(done)
            self.next += 1

    def _append(self, kind: str, table: pa.Table) -> None:
        if kind not in self.writers:
            # Dictionary-encode only the label columns (moves, statuses, events): numbers
            # gain nothing from it, labels repeat a handful of words.
            labels = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
            self.writers[kind] = pq.ParquetWriter(
                self._tmp(kind), table.schema, compression="snappy", use_dictionary=labels or False
            )
        pending = self.pending[kind]
        pending.append(table)
        rows = sum(t.num_rows for t in pending)
        if rows >= ROW_GROUP:
            merged = pa.concat_tables(pending)
            cut = rows - rows % ROW_GROUP
            self.writers[kind].write_table(merged.slice(0, cut), row_group_size=ROW_GROUP)
            self.pending[kind] = [merged.slice(cut)]

    def finish(self) -> None:
        """Write what is left, sync, and move the files into place."""
        if self.next != len(self.chunks):
            raise RuntimeError(f"{len(self.chunks) - self.next} chunks are missing")
        for kind in self.kinds:
            rest = pa.concat_tables(self.pending[kind])
            if rest.num_rows:
                self.writers[kind].write_table(rest, row_group_size=ROW_GROUP)
            self.writers[kind].close()
            with open(self._tmp(kind), "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(self._tmp(kind), self.out / f"{kind}.parquet")

    def abandon(self) -> None:
        """Close and remove the temporaries (the chunk files stay for a resume)."""
        for kind, writer in self.writers.items():
            writer.close()
            self._tmp(kind).unlink(missing_ok=True)


def run_sweep(
    spec: SweepSpec,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    command: list[str] | None = None,
    stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Run (or resume) a sweep into ``out``.

    Args:
        spec: The sweep.
        out: Output folder.
        workers: Local processes (default: all cores); ignored with ``scheduler``.
        scheduler: Address of a Dask distributed scheduler (``tcp://host:port``).
        progress: Called with the number of runs each time a chunk finishes.
        command: The command line, for the manifest.
        stop: Polled while chunks compute; when it returns True the sweep raises
            `Interrupted`, keeping the finished chunks for a resume.

    Returns:
        The final manifest.
    """
    out = Path(out)
    old = check_out_dir(spec, out)
    if old is not None and old.get("status") == "complete":
        return old
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".writable"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError.one(str(out), f"cannot be written to ({exc.strerror or exc})") from None
    started = (old or {}).get("started") or datetime.now(UTC).isoformat()
    command = command or sys.argv
    workers = workers or os.cpu_count() or 1
    where = {"scheduler": scheduler} if scheduler else {"workers": workers}
    atomic_write_text(
        out / "manifest.json", json.dumps(manifest(spec, "running", started, command, where), indent=2)
    )
    chunks = plan(spec)
    todo = [c for c in chunks if not _done(out, c, spec.turns_output)]
    if progress:
        progress(sum(c.stop - c.start for c in chunks if c not in todo))
    t0 = time.perf_counter()
    combiner = Combiner(spec, out)
    try:
        for chunk in chunks:
            if chunk not in todo:
                combiner.add(chunk)
        never = lambda: False  # noqa: E731
        stop = stop or never
        if scheduler:
            stream = _dask(spec, todo, scheduler, out, stop)
        else:
            stream = _local(spec, todo, workers, out, stop)
        for chunk in stream:
            combiner.add(chunk)
            if progress:
                progress(chunk.stop - chunk.start)
        combiner.finish()
    except BaseException as exc:
        combiner.abandon()
        # Never leave "running" behind: say how the sweep stopped (its chunks stay for a resume).
        stopped = "interrupted" if isinstance(exc, Interrupted | KeyboardInterrupt) else "failed"
        with contextlib.suppress(OSError):
            atomic_write_text(
                out / "manifest.json",
                json.dumps(
                    manifest(spec, stopped, started, command, {**where, "stopped": stopped}), indent=2
                ),
            )
        raise
    final = manifest(
        spec, "complete", started, command, {**where, "compute_seconds": round(time.perf_counter() - t0, 3)}
    )
    atomic_write_text(out / "manifest.json", json.dumps(final, indent=2))
    shutil.rmtree(out / CHUNK_DIR, ignore_errors=True)
    return final
