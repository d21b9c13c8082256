"""`backtest`: run scenarios' expected outcomes and report each, pass or fail."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.common import console, input_errors

app = typer.Typer()

#: Exit status when an expectation fails.
EXIT_FAILED = 1


@app.command()
def backtest(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario files (default: every bundled scenario that declares expectations)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """Run each scenario's expectation ensemble; report every check with its 95% interval.

    Exit status 1 if any check fails, 2 on bad input.
    """
    from sim.expectations import backtest as run_checks
    from sim.scenario import SCENARIO_DIR, load_scenario

    with input_errors():
        if files:
            loaded = [load_scenario(f) for f in files]
            missing = [s.path for s in loaded if s.scenario.expectations is None]
            if missing:
                from sim.errors import InputError

                raise InputError.one(missing[0], "declares no expectations: add an `expectations:` block")
        else:
            everything = [load_scenario(p) for p in sorted(SCENARIO_DIR.rglob("*.yaml"))]
            loaded = [s for s in everything if s.scenario.expectations is not None]
    report = []
    for sc in loaded:
        results = run_checks(sc)
        report.append(
            {"scenario": sc.name, "path": sc.path, "runs": sc.scenario.expectations.runs, "results": results}
        )
    failed = sum(not r.passed for entry in report for r in entry["results"])
    if as_json:
        doc = [{**e, "results": [r.as_dict() for r in e["results"]]} for e in report]
        typer.echo(json.dumps({"scenarios": doc, "failed": failed}, indent=2))
    else:
        for entry in report:
            _table(entry)
        total = sum(len(e["results"]) for e in report)
        verdict = "[green]all expectations met[/]" if not failed else f"[red]{failed} of {total} failed[/]"
        console.print(f"{total - failed} passed, {failed} failed — {verdict}")
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _table(entry: dict) -> None:
    table = Table(title=f"{entry['scenario']} ({entry['runs']} runs)", title_justify="left")
    for col, justify in (
        ("check", "left"),
        ("expected", "left"),
        ("measured", "right"),
        ("95% interval", "right"),
        ("", "left"),
    ):
        table.add_column(col, justify=justify)
    for r in entry["results"]:
        mark = Text("PASS", style="green") if r.passed else Text("FAIL", style="bold red")
        table.add_row(r.name, r.bound, f"{r.value:.3f}", f"{r.low:.3f} – {r.high:.3f}", mark)
    console.print(table)
