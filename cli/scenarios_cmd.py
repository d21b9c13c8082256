"""`scenarios`: list the bundled scenarios."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import console, input_errors

app = typer.Typer()


@app.command()
def scenarios() -> None:
    """List the bundled scenarios with their titles."""
    from sim.scenario import SCENARIO_DIR, load_scenario

    table = Table(title=f"Bundled scenarios ({SCENARIO_DIR})", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("turns", justify="right")
    table.add_column("events", justify="right")
    with input_errors():
        for path in sorted(SCENARIO_DIR.glob("*.yaml")):
            sc = load_scenario(path).scenario
            table.add_row(path.stem, sc.title, str(sc.turns), str(len(sc.events)))
    console.print(table)
