"""`run`: play one run of a scenario and show it, or print it as JSON; or replay a record."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.common import console, err_console, input_errors, parse_sets

app = typer.Typer()


@app.command()
def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file, or a bundled name such as taiwan_strait (not with --from-record)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, max=2**63 - 1, help="Seed of the run; the same seed gives the same run.")
    ] = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: PATH=VALUE (repeatable), e.g. opinion.loss=0.4."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
    detail: Annotated[
        str,
        typer.Option(
            help="normal, or full: also opinion, threat perception, exposure and resolve each turn."
        ),
    ] = "normal",
    from_record: Annotated[
        str | None,
        typer.Option(
            "--from-record",
            help="Replay the run recorded in this JSON file (from --json): same scenario text, "
            "overrides and seed.",
        ),
    ] = None,
) -> None:
    """Play one run of SCENARIO: injects, moves and why, trust, mechanisms, scorecard."""
    from cli.render import DETAILS
    from sim.errors import InputError

    with input_errors():
        if detail not in DETAILS:
            raise InputError.one("--detail", f"must be one of {', '.join(DETAILS)}", value=detail)
        if from_record is not None:
            if scenario is not None or set_:
                raise InputError.one(
                    "--from-record",
                    "takes the scenario, overrides and seed from the record; give none of them",
                )
            from sim.api import replay

            result = replay(from_record)
            _warn_versions(result, from_record)
        else:
            if scenario is None:
                raise InputError.one(
                    "SCENARIO", "give a scenario file or bundled name, or --from-record FILE"
                )
            overrides = parse_sets(set_)
            from sim.model import TrilateralModel
            from sim.results import RunResult

            model = TrilateralModel(scenario, rng=seed, overrides=overrides, collect=False)
            while model.running:
                model.step()
            command = ["trilateral", "run", scenario, "--seed", str(seed)]
            command += [arg for flag in set_ or [] for arg in ("--set", flag)]
            result = RunResult(model, command=command)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        return
    from cli.render import render_run

    render_run(console, result, detail=detail)


def _warn_versions(result: object, path: str) -> None:
    """Say when the record was made with other versions (results may then differ)."""
    from sim.api import _read_record
    from sim.errors import InputError
    from sim.provenance import versions

    try:
        record = _read_record(path)
    except InputError:
        return
    prov = record.get("provenance", record) if isinstance(record, dict) else None
    recorded = prov.get("versions") if isinstance(prov, dict) else None
    if not isinstance(recorded, dict):  # a record without versions: nothing to compare
        return
    now = versions()
    differ = [
        f"{k} {recorded[k]} (now {now.get(k, 'absent')})" for k in recorded if recorded[k] != now.get(k)
    ]
    if differ:
        err_console.print(
            "[yellow]note:[/] the record was made with " + ", ".join(differ) + "; results may differ",
            highlight=False,
        )
