"""`run`: play one run of a scenario and show it, or print it as JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.common import console, input_errors, parse_sets

app = typer.Typer()


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario file, or a bundled name such as taiwan_strait.")],
    seed: Annotated[
        int, typer.Option(min=0, max=2**63 - 1, help="Seed of the run; the same seed gives the same run.")
    ] = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: PATH=VALUE (repeatable), e.g. trust.loss=0.4."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """Play one run of SCENARIO: injects, moves and why, trust, mechanisms, scorecard."""
    with input_errors():
        overrides = parse_sets(set_)
        from sim.model import TrilateralModel
        from sim.results import RunResult

        model = TrilateralModel(scenario, rng=seed, overrides=overrides, collect=False)
    while model.running:
        model.step()
    result = RunResult(model)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        return
    from cli.render import render_scorecard, render_turn

    sc = model.script
    console.rule(f"[bold]{sc.title}[/]  (seed {seed}, {sc.turns} turns of {sc.turn_length})")
    console.print(sc.description.strip(), highlight=False)
    for i in range(len(model.history)):
        render_turn(console, model, i)
    render_scorecard(console, result)
