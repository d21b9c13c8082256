"""`validate`: check scenario files and report every problem with its line."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import EXIT_BAD_INPUT, console, report
from sim.errors import InputError

app = typer.Typer()


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files: a summary line each when valid, else every error (exit 2)."""
    from sim.scenario import load_scenario

    bad = False
    for name in files:
        try:
            loaded = load_scenario(name)
        except InputError as exc:
            report(exc)
            bad = True
            continue
        sc = loaded.scenario
        console.print(
            f"[green]ok[/] {name}: {sc.title!r}, {sc.turns} turns, {len(sc.events)} events",
            highlight=False,
            soft_wrap=True,
        )
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)
