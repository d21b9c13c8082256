"""`backtest --perturb`: the robustness table (sim/robustness.py), in text or JSON."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli.common import console, input_errors

#: Exit status when the unperturbed backtest fails or a perturbation breaks a check.
EXIT_FAILED = 1


def show_robustness(scenarios: list[Any], share: float, runs: int | None, as_json: bool) -> None:
    """Run the robustness sweep and print it; exit 1 if anything broke."""
    from sim.robustness import run_robustness

    with input_errors():
        result = run_robustness(scenarios, share, runs)
    doc = result.as_dict()
    if as_json:
        typer.echo(json.dumps(doc, indent=2))
    else:
        pct = f"{share:.0%}"
        table = Table(
            title=f"Robustness: each calibrated parameter moved by ±{pct}, one at a time",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("parameter", overflow="fold", min_width=22)
        table.add_column(f"−{pct}")
        table.add_column(f"+{pct}")
        by_path: dict[str, dict[int, Any]] = {}
        for pair in result.pairs:
            by_path.setdefault(pair.path, {})[pair.direction] = pair
        for path, sides in by_path.items():
            table.add_row(path, _cell(sides[-1]), _cell(sides[1]))
        console.print(table)
        for item in doc["baseline_failed"]:
            console.print(f"[red]fails unperturbed:[/] {item['scenario']}: {item['check']}")
        console.print(
            f"{result.robust} of {len(result.pairs)} (parameter, direction) pairs keep every check "
            f"passing ({doc['robust_share']:.0%})"
        )
    if doc["baseline_failed"] or result.robust < len(result.pairs):
        raise typer.Exit(EXIT_FAILED)


def _cell(pair: Any) -> Text:
    if pair.refused:
        return Text(f"not played: {pair.refused}", style="yellow")
    if not pair.broken:
        return Text("all pass", style="green")
    text = Text()
    for i, b in enumerate(pair.broken):
        text.append(("\n" if i else "") + f"{b.scenario}: {b.check} ({b.value:.3f}, {b.bound})", style="red")
    return text
