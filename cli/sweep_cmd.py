"""`sweep`: many runs over seeds and parameters, on all cores or a Dask cluster."""

from __future__ import annotations

import shlex
import signal
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, console, err_console, input_errors, report

app = typer.Typer()

#: Signals that stop a sweep cleanly between chunks (manifest "interrupted", resumable).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@app.command()
def sweep(
    target: Annotated[str, typer.Argument(help="A scenario (file or bundled name), or a sweep file.")],
    out: Annotated[
        str, typer.Option("--out", help="Output folder (created; resumed if it holds this sweep).")
    ] = "",
    runs: Annotated[int | None, typer.Option(help="Runs (seeds) per parameter point (default 100).")] = None,
    seed: Annotated[
        int | None, typer.Option(help="Base seed: run k of every point has seed SEED + k (default 0).")
    ] = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(help="Vary a parameter: PATH=LO:HI:STEPS or PATH=A,B,C (repeatable)."),
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix a parameter: PATH=VALUE (repeatable).")
    ] = None,
    sample: Annotated[
        str | None, typer.Option(help="Sample ranges instead of a grid: lhs, random or sobol.")
    ] = None,
    points: Annotated[int | None, typer.Option(help="Points to sample (sobol: base size N).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local processes (default: all cores).")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, tcp://HOST:PORT.")] = None,
    chunk_size: Annotated[
        int | None,
        typer.Option(help="Runs per unit of work (default 10,000; 5,000 below 40,000 runs per point)."),
    ] = None,
    no_turns: Annotated[bool, typer.Option("--no-turns", help="Leave out turns.parquet.")] = False,
) -> None:
    """Run a sweep into --out: runs.parquet, turns.parquet and manifest.json."""
    from sim.errors import InputError

    command = [sys.executable, *sys.argv]
    try:
        spec = _spec(target, runs, seed, vary, set_, sample, points, chunk_size, no_turns)
        if not out:
            raise InputError.one("--out", "an output folder is required, e.g. --out sweeps/taiwan")
        if workers is not None and workers < 1:
            raise InputError.one("--workers", "must be at least 1", value=workers)
    except InputError as exc:
        report(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from sim.batch.runner import Interrupted, WorkerFailure, run_sweep

    columns = (
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} runs/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("sweep", total=spec.total_runs, rate="—")

        def advance(n: int) -> None:
            bar.advance(task, n)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f}" if speed else "—")

        # Ctrl-C sets a flag that the sweep checks between chunks, so it stops at a
        # clean point instead of wherever a KeyboardInterrupt would land. SIGTERM (a
        # job's time limit, `timeout`, `kill`) does the same: once it killed the sweep
        # at once and left its manifest saying "running".
        asked: list[int] = []
        begun = datetime.now(UTC)  # a manifest finished before this was already complete
        previous = {sig: signal.signal(sig, lambda n, _: asked.append(n)) for sig in STOP_SIGNALS}
        try:
            with input_errors():
                manifest = run_sweep(
                    spec,
                    out,
                    workers=workers,
                    scheduler=scheduler,
                    progress=advance,
                    command=[shlex.join(command)],
                    stop=lambda: bool(asked),
                )
        except Interrupted:
            err_console.print(f"stopped; finished chunks are kept in {out}. Run the same command to resume.")
            raise typer.Exit(128 + asked[0] if asked else 130) from None  # 130 Ctrl-C, 143 SIGTERM
        except WorkerFailure as exc:
            # Exit 3, not 2: no flag or file of the user's is wrong; the cause (a worker's
            # environment, memory, a bug) lies outside the input, as for an internal error.
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        except OSError as exc:  # the disk filled up, or the folder was moved away mid-sweep
            # Exit 2 as for a session's folder the system refuses: 1 means a check failed.
            err_console.print(
                f"[bold red]error:[/] {exc.filename or out}: {exc.strerror or exc}; finished chunks "
                "are kept, run the same command to resume once the cause is fixed",
                highlight=False,
            )
            raise typer.Exit(EXIT_BAD_INPUT) from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finished = manifest.get("finished")
    already = bool(finished) and datetime.fromisoformat(finished) < begun
    with input_errors():
        _print_summary(out, spec.total_runs, manifest, already)


def _spec(target, runs, seed, vary, set_, sample, points, chunk_size, no_turns):  # noqa: ANN001, ANN202
    from pathlib import Path

    from sim.batch.spec import SweepFile, build_spec, is_sweep_file, load_sweep_file, parse_vary
    from sim.errors import InputError
    from sim.params import parse_set_flag
    from sim.scenario import resolve_path
    from sim.yamlio import load_yaml

    fixed: dict = {}
    for path, value, _, _ in (parse_set_flag(s) for s in set_ or []):
        label = ".".join(path)
        if label in fixed:
            raise InputError.one("--set", "is set twice by --set; keep one", path=label, value=value)
        fixed[label] = value
    dims = [parse_vary(v) for v in vary or []]
    path = resolve_path(target)
    if Path(path).is_file():
        data, _ = load_yaml(path)
        if is_sweep_file(data):
            if dims or fixed:
                raise InputError.one(
                    "--vary/--set", "give parameters in the sweep file, not on the command line"
                )
            return load_sweep_file(
                path,
                runs=runs,
                seed=seed,
                sampler=sample,
                points=points,
                chunk_size=chunk_size,
                turns_output=False if no_turns else None,
            )
    return build_spec(
        target,
        # the same defaults as a sweep file's (stated in --help; a test keeps them equal)
        runs=SweepFile.model_fields["runs"].default if runs is None else runs,
        seed=SweepFile.model_fields["seed"].default if seed is None else seed,
        fixed=fixed,
        dimensions=dims,
        sampler=sample or "grid",
        points=points,
        turns_output=not no_turns,
        chunk_size=chunk_size,
    )


def _print_summary(out: str, total: int, manifest: dict, already: bool = False) -> None:
    from rich.table import Table

    from sim.batch.summary import summarise

    table = Table(title=f"Resilience index by swept parameter ({total:,} runs → {out})", title_justify="left")
    for col in ("parameter", "value", "runs", "mean", "95% interval"):
        table.add_column(col, justify="left" if col in ("parameter", "value") else "right")
    for row in summarise(out):
        table.add_row(
            row["parameter"],
            row["value"],
            f"{row['n']:,}",
            f"{row['mean']:.2f}",
            f"{row['low']:.2f} – {row['high']:.2f}",
        )
    from cli.render import fit

    # A long parameter path was cut at 80 columns ("mechanisms.crisis_consultation.stren…"):
    # a table too wide for the terminal is written one line per row instead.
    console.print(fit(console, table, skip_empty=True))
    secs = manifest.get("compute_seconds")
    if secs:
        files = (
            ["runs.parquet"] + (["turns.parquet"] if manifest.get("turns_output") else []) + ["manifest.json"]
        )
        if already:
            console.print(
                f"{out} already held this sweep, complete (computed in {secs:.1f} s, finished "
                f"{manifest['finished'][:19].replace('T', ' ')} UTC); nothing was recomputed. "
                "To run it afresh, give another --out folder. Files: " + ", ".join(files),
                highlight=False,
            )
        else:
            console.print(f"computed in {secs:.1f} s; files: {', '.join(files)}", highlight=False)
