"""`scenarios`: list the bundled scenarios, grouped by folder."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import EXIT_BAD_INPUT, console, err_console, input_errors

app = typer.Typer()

#: The folders of bundled scenarios and what each holds, in the order listed.
GROUPS = (
    ("", "crisis scenarios"),
    ("history", "historical episodes (backtests)"),
    ("theory", "theory tests (claims)"),
)


@app.command()
def scenarios() -> None:
    """List the bundled scenarios (crises, historical episodes, theory tests) with their titles.

    Exit status 2 when none is found (a broken installation).
    """
    from sim.scenario import SCENARIO_DIR, load_scenario

    tables = []
    with input_errors():
        for folder, label in GROUPS:
            files = sorted((SCENARIO_DIR / folder).glob("*.yaml"))
            if not files:
                continue
            table = Table(title=f"{label.capitalize()} ({SCENARIO_DIR / folder})", title_justify="left")
            table.add_column("name", style="bold", overflow="fold")
            table.add_column("title", overflow="fold")
            table.add_column("turns", justify="right")
            table.add_column("events", justify="right")
            for path in files:
                sc = load_scenario(path).scenario
                name = f"{folder}/{path.stem}" if folder else path.stem
                table.add_row(name, sc.title, str(sc.turns), str(len(sc.events)))
            tables.append(table)
    if not tables:
        err_console.print(
            f"[bold red]error:[/] no scenario files in {SCENARIO_DIR}; the installation is incomplete "
            "(reinstall the package, or run from a checkout of the project)",
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    for table in tables:
        console.print(table)
