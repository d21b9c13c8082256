"""The `run.py` command line: one Typer app per command module, joined here."""

from __future__ import annotations

import typer

from cli import backtest_cmd, claims_cmd, run_cmd, scenarios_cmd, schema_cmd, sweep_cmd, validate_cmd

app = typer.Typer(
    name="run.py",
    help="Trilateral crisis tabletop simulation: Washington, Seoul, Tokyo and Beijing in a crisis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (run_cmd, validate_cmd, schema_cmd, scenarios_cmd, sweep_cmd, backtest_cmd, claims_cmd):
    app.add_typer(module.app)


def main() -> None:
    """Entry point."""
    app()
