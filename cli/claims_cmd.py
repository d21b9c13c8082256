"""`check-claims`: the paper's causal claims as directional tests over sweeps."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli.common import check_ensemble_runs, console, input_errors, program
from sim.limits import ENSEMBLE_RUNS
from sim.provenance import report_header

app = typer.Typer()

_MARKS = {
    "holds": Text("HOLDS", style="green"),
    "fails": Text("FAILS", style="bold red"),
    "inconclusive": Text("inconclusive\nat this size", style="yellow"),
}


@app.command("check-claims")
def check_claims(
    runs: Annotated[
        int | None, typer.Option(help="Seeds per arm, 10 to 50,000 (default: each claim's own).")
    ] = None,
    only: Annotated[list[str] | None, typer.Option(help="Check only these claim ids (repeatable).")] = None,
    ablate: Annotated[
        bool,
        typer.Option(
            "--ablate",
            help="Also rerun each claim with its direct coefficients at zero, and under random play.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """Test each causal claim of the paper and each theoretical proposition.

    Each claim runs two arms on the same seeds; the effect is treatment minus baseline
    with its 95% interval. A claim holds when the interval lies on the predicted side
    of zero, fails when it lies on the other side (or the effect is zero), and is
    inconclusive at this size when it straddles zero. With --ablate, a behaviour claim
    counts only if it also holds with its direct coefficients (sim/data/claims.yaml) at
    zero and does not hold when every government chooses at random.

    Exit status 1 if any claim fails (with --ablate: or does not count), 2 on bad
    input; an inconclusive claim alone does not set it.
    """
    from sim.claims import ablate as ablate_claim
    from sim.claims import load_claims, test_claim
    from sim.errors import InputError

    with input_errors():
        check_ensemble_runs(runs)
        claims = load_claims()
        if only:
            unknown = sorted(set(only) - {c.id for c in claims})
            if unknown:
                raise InputError.one(
                    "--only", f"no such claim; known: {', '.join(c.id for c in claims)}", value=unknown[0]
                )
            claims = [c for c in claims if c.id in only]
        if ablate:
            _ablation_report(
                [ablate_claim(c, runs=runs) for c in claims], as_json, _record(runs, only, ablate)
            )
            return
        results = [test_claim(c, runs=runs) for c in claims]
    record = _record(runs, only, ablate)
    failed = sum(r.verdict == "fails" for r in results)
    unsure = sum(r.verdict == "inconclusive" for r in results)
    if as_json:
        _echo_json(results, record, failed=failed, inconclusive=unsure)
    else:
        table = _claims_table(
            "Claims as directional tests (treatment − baseline, same seeds)",
            "claim (expected)",
            max(len(r.id) for r in results),
        )
        table.add_column("effect, 95% interval", justify="right")
        table.add_column("")
        for r in results:
            claim = Text(r.id)
            claim.append(f"\nexpected {r.expect}", style="dim")
            table.add_row(claim, _effect(r), _MARKS[r.verdict])
        console.print(table)
        held = len(results) - failed - unsure
        line = f"{held} hold, {failed} fail"
        if unsure:
            more = min(4 * max(r.n for r in results), ENSEMBLE_RUNS[1])
            line += (
                f", {unsure} inconclusive at this size (the interval straddles zero: try more runs, "
                f"e.g. {program()} check-claims --runs {more})"
            )
        console.print(line)
        console.print(report_header(record), style="dim", highlight=False)
    if failed:
        raise typer.Exit(1)


def _record(runs: int | None, only: list[str] | None, ablate: bool) -> dict[str, Any]:
    """The report's provenance: the claims file and its hash, the seed rule, versions, command."""
    from sim.claims import CLAIMS_FILE
    from sim.provenance import report_record

    command = ["trilateral", "check-claims", *(["--runs", str(runs)] if runs else [])]
    command += [arg for claim in only or [] for arg in ("--only", claim)] + (["--ablate"] if ablate else [])
    return report_record(
        files=[CLAIMS_FILE], seeds={"first": 0, "runs": runs or "each claim's own"}, command=command
    )


def _ablation_report(rows: list[Any], as_json: bool, record: dict[str, Any]) -> None:
    failed = sum(r.verdict == "fails" for r in rows)
    unsure = sum(r.verdict == "inconclusive at this size" for r in rows)
    counted = sum(r.counts for r in rows)
    if as_json:
        _echo_json(rows, record, counted=counted, failed=failed, inconclusive=unsure)
    else:
        table = _claims_table(
            "Claims with their own coefficients removed, and under random play",
            "claim (kind): verdict",
            max(len(r.claim.id) for r in rows),
        )
        for col in ("effect", "ablated", "random"):
            table.add_column(col, justify="right")
        for r in rows:
            style = "green" if r.counts else ("yellow" if r.verdict.startswith("inconclusive") else "red")
            cell = Text(r.claim.id)
            cell.append(f" ({r.claim.kind})", style="dim")
            cell.append("\n" + r.verdict, style=style)
            table.add_row(cell, _effect(r.ai), _effect(r.ablated), _effect(r.random))
        console.print(table)
        console.print(
            "effect: treatment − baseline and its 95% interval, with the AI; ablated: the same "
            "with the claim's direct coefficients at zero; random: every government choosing "
            "uniformly among its open options. A behaviour claim counts only if it holds "
            "ablated and does not hold under random play.",
            style="dim",
        )
        console.print(
            f"{counted} of {len(rows)} claims count ({failed} fail, {unsure} inconclusive at this size, "
            f"{len(rows) - counted - failed - unsure} do not survive ablation or random play)"
        )
        console.print(report_header(record), style="dim", highlight=False)
    if any(not r.counts and not r.verdict.startswith("inconclusive") for r in rows):
        raise typer.Exit(1)


def _echo_json(rows: list[Any], record: dict[str, Any], **counts: int) -> None:
    """The report as JSON: each claim's row, the counts, and the provenance."""
    typer.echo(json.dumps({"claims": [r.as_dict() for r in rows], **counts, "provenance": record}, indent=2))


def _claims_table(title: str, first: str, widest_id: int) -> Table:
    """A claims table with its first column, the claim, as wide as the longest id.

    A claim id is what --only takes: it is never broken across lines.
    """
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column(first, min_width=widest_id, overflow="fold")
    return table


def _effect(r: Any) -> str:
    """An effect and its 95% interval, on two lines ("…" would read as a cut value)."""
    return f"{r.effect:+.3f}\n{r.low:+.3f} to {r.high:+.3f}"
