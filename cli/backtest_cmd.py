"""`backtest`: run scenarios' expected outcomes, beside random play, and report each."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from cli.common import check_ensemble_runs, console, input_errors

app = typer.Typer()

#: Exit status when an expectation fails.
EXIT_FAILED = 1

CONTEXT_NOTE = (
    "A check marked 'context' does not tell the AI from random play (every government "
    "choosing uniformly among its open options, same seeds and events): it is context, "
    "not evidence."
)


@app.command()
def backtest(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario files (default: every bundled scenario that declares expectations)."),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(help="Runs per ensemble, 10 to 50,000 (default: each file's own; seeds are a prefix)."),
    ] = None,
    perturb: Annotated[
        float | None,
        typer.Option(
            help="Robustness: move each calibrated parameter (sim/data/calibrated.yaml) by ± this "
            "share, one at a time, and report which checks break."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """Run each scenario's expectation ensemble under the AI and under random play.

    Each check is reported with the AI's value, random play's value on the same seeds,
    and the paired difference with its 95% interval; a check *discriminates* when the
    AI passes and random play fails, or the difference lies on the side the bound asks
    for. Exit status 1 if any check fails under the AI (with --perturb: also if any
    perturbation breaks a check), 2 on bad input.
    """
    from sim.errors import InputError

    with input_errors():
        check_ensemble_runs(runs)
        if perturb is not None and not 0.0 < perturb < 1.0:
            raise InputError.one("--perturb", "must be a share between 0 and 1, e.g. 0.2", value=perturb)
        loaded = _scenarios(files)
    if perturb is not None:
        from cli.robustness_view import show_robustness

        show_robustness(loaded, perturb, runs, as_json)
        return
    from sim.baseline import compare

    report = [
        {
            "scenario": sc.name,
            "path": sc.path,
            "runs": runs or sc.scenario.expectations.runs,
            "results": compare(sc, runs),
        }
        for sc in loaded
    ]
    checks = [c for entry in report for c in entry["results"]]
    # Beijing's quiet-time base rates (sim/base_rates.py): with the bundled set only.
    rates = [] if files else _base_rates(runs)
    failed = sum(not c.ai.passed for c in checks)
    evidence = sum(c.discriminates for c in checks)
    command = ["trilateral", "backtest", *(files or []), *(["--runs", str(runs)] if runs else [])]
    record = _record(loaded, runs, command, with_base_rates=bool(rates))
    if as_json:
        doc = [{**e, "results": [c.as_dict() for c in e["results"]]} for e in report]
        summary = {"checks": len(checks), "failed": failed, "discriminating": evidence}
        extra = {"base_rates": [r.as_dict() for r in rates]} if rates else {}
        typer.echo(json.dumps({"scenarios": doc, **summary, **extra, "provenance": record}, indent=2))
    else:
        for entry in report:
            _table(entry)
        total = len(checks)
        verdict = "[green]all expectations met[/]" if not failed else f"[red]{failed} of {total} failed[/]"
        console.print(f"{total - failed} passed, {failed} failed — {verdict}")
        console.print(
            f"{evidence} of {total} checks discriminate from random play (evidence); "
            f"{total - evidence} are context only."
        )
        console.print(CONTEXT_NOTE, style="dim")
        if rates:
            _rates_table(rates)
        from sim.provenance import report_header

        console.print(report_header(record), style="dim", highlight=False)
    if failed or not all(r.passed for r in rates):
        raise typer.Exit(EXIT_FAILED)


def _base_rates(runs: int | None) -> list[Any]:
    """Beijing's campaign rates in quiet times against the record (sim/data/base_rates.yaml)."""
    from sim.base_rates import check_base_rates

    return check_base_rates(runs or 500)


def _rates_table(rates: list[Any]) -> None:
    """One row per kind of campaign: the record's rate and interval, the AI, random play."""
    from rich import box

    table = Table(
        title=f"Beijing's quiet-time base rates, per month (theory/quiet_times, {rates[0].runs} runs)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("campaigns opened", overflow="fold", ratio=1)
    for col in ("record, 95%", "AI", "random"):
        table.add_column(col, justify="right", overflow="fold")
    table.add_column("verdict", min_width=8)
    for r in rates:
        verdict = Text("PASS", style="green") if r.passed else Text("FAIL", style="bold red")
        verdict.append("\n")
        verdict.append(
            "evidence" if r.discriminates else "context", style="green" if r.discriminates else "yellow"
        )
        record = f"{r.record[0]:.4f}\n{r.record[1]:.4f}-{r.record[2]:.4f}"
        table.add_row(r.title, record, f"{r.ai[0]:.4f}", f"{r.random[0]:.4f}", verdict)
    console.print(table)
    met = sum(r.passed for r in rates)
    console.print(
        f"Beijing's AI opens campaigns at the record's rate for {met} of {len(rates)} kinds; "
        f"random play for {sum(r.random_passed for r in rates)} (sim/data/base_rates.yaml)."
    )


def _record(
    loaded: list[Any], runs: int | None, command: list[str], *, with_base_rates: bool = False
) -> dict[str, Any]:
    """The report's provenance: scenarios with their hashes, the seed rule, versions, command.

    With the base-rate check, the record also names the two files it read (the record's
    rates and the quiet-times scenario), so a changed file shows in the hashes.
    """
    from sim.provenance import report_record

    files = []
    if with_base_rates:
        from sim.base_rates import BASE_RATES_FILE, QUIET_TIMES

        files = [BASE_RATES_FILE, QUIET_TIMES]
    first = sorted({sc.scenario.expectations.seed for sc in loaded})
    return report_record(
        loaded,
        files=files,
        seeds={"first": first[0] if len(first) == 1 else first, "runs": runs or "each file's own"},
        command=command,
    )


def _scenarios(files: list[str] | None) -> list[Any]:
    from sim.errors import InputError
    from sim.scenario import SCENARIO_DIR, load_scenario

    if files:
        loaded = [load_scenario(f) for f in files]
        missing = [s.path for s in loaded if s.scenario.expectations is None]
        if missing:
            raise InputError.one(missing[0], "declares no expectations: add an `expectations:` block")
        return loaded
    everything = [load_scenario(p) for p in sorted(SCENARIO_DIR.rglob("*.yaml"))]
    found = [s for s in everything if s.scenario.expectations is not None]
    if not found:  # finding nothing to check is a broken installation, never a pass
        raise InputError.one(
            str(SCENARIO_DIR), "holds no scenario that declares expectations; nothing to check"
        )
    return found


def _table(entry: dict) -> None:
    from rich import box

    table = Table(
        title=f"{entry['scenario']} ({entry['runs']} runs)", title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column("check (expected)", overflow="fold", ratio=1)
    for col, width in (("AI", 6), ("random", 6), ("AI − random, 95%", 7)):
        table.add_column(col, justify="right", min_width=width, overflow="fold")
    table.add_column("verdict", min_width=8)
    narrow = console.width < 72
    for c in entry["results"]:
        verdict = Text("PASS", style="green") if c.ai.passed else Text("FAIL", style="bold red")
        verdict.append("\n")
        verdict.append(
            "evidence" if c.discriminates else "context", style="green" if c.discriminates else "yellow"
        )
        name = Text(c.ai.name)
        name.append(f" ({c.ai.bound})", style="dim")
        interval = f"{c.low:+.3f} to" + ("\n" if narrow else " ") + f"{c.high:+.3f}"
        table.add_row(name, f"{c.ai.value:.3f}", f"{c.random.value:.3f}", interval, verdict)
    console.print(table)
