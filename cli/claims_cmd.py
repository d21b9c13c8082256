"""`check-claims`: the paper's causal claims as directional tests over sweeps."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.common import console, input_errors

app = typer.Typer()


@app.command("check-claims")
def check_claims(
    runs: Annotated[int | None, typer.Option(help="Seeds per arm (default: each claim's own).")] = None,
    only: Annotated[list[str] | None, typer.Option(help="Check only these claim ids (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """Test each causal claim of the paper and each theoretical proposition.

    Each claim runs two arms on the same seeds; the effect is treatment minus baseline
    with its 95% interval, and the claim holds when the interval lies on the predicted
    side of zero. Exit status 1 if any claim fails.
    """
    from sim.claims import load_claims, test_claim
    from sim.errors import InputError

    with input_errors():
        if runs is not None and runs < 10:
            raise InputError.one("--runs", "must be at least 10", value=runs)
        claims = load_claims()
        if only:
            unknown = sorted(set(only) - {c.id for c in claims})
            if unknown:
                raise InputError.one(
                    "--only", f"no such claim; known: {', '.join(c.id for c in claims)}", value=unknown[0]
                )
            claims = [c for c in claims if c.id in only]
        results = [test_claim(c, runs=runs) for c in claims]
    failed = sum(not r.holds for r in results)
    if as_json:
        typer.echo(json.dumps({"claims": [r.as_dict() for r in results], "failed": failed}, indent=2))
    else:
        table = Table(
            title="Claims as directional tests (treatment − baseline, same seeds)", title_justify="left"
        )
        for col in ("claim", "expected", "effect", "95% interval", ""):
            table.add_column(col, justify="right" if col in ("effect", "95% interval") else "left")
        for r in results:
            mark = Text("HOLDS", style="green") if r.holds else Text("FAILS", style="bold red")
            table.add_row(r.id, r.expect, f"{r.effect:+.3f}", f"{r.low:+.3f} … {r.high:+.3f}", mark)
        console.print(table)
        console.print(f"{len(results) - failed} hold, {failed} fail")
    if failed:
        raise typer.Exit(1)
