"""`validate`: check scenario and sweep files and report every problem with its line."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import EXIT_BAD_INPUT, console, report
from sim.errors import InputError

app = typer.Typer()


def _check(name: str) -> str:
    """Validate one file as what it is (a sweep file or a scenario); its summary line."""
    from sim.batch.spec import is_sweep_file, load_sweep_file
    from sim.scenario import load_scenario, resolve_path
    from sim.yamlio import load_yaml

    path = resolve_path(name)
    if path.is_file():
        data, _ = load_yaml(path)
        if is_sweep_file(data):
            spec = load_sweep_file(path)
            varied = ", ".join(d.path for d in spec.dimensions) or "nothing varied"
            return (
                f"sweep of {spec.scenario.name}: {len(spec.points):,} points ({spec.sampler}; "
                f"{varied}) x {spec.runs:,} runs = {spec.total_runs:,} runs"
            )
    sc = load_scenario(name).scenario
    return f"{sc.title!r}, {sc.turns} turns, {len(sc.events)} events"


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario or sweep files to check.")],
) -> None:
    """Check scenario and sweep files: a summary line each when valid, else every error (exit 2)."""
    bad = False
    for name in files:
        try:
            summary = _check(name)
        except InputError as exc:
            report(exc)
            bad = True
            continue
        console.print(f"[green]ok[/] {name}: {summary}", highlight=False, soft_wrap=True)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)
