"""The `run.py` command line: one Typer app per command module, joined here."""

from __future__ import annotations

import typer

from cli import backtest_cmd, claims_cmd, run_cmd, scenarios_cmd, schema_cmd, sweep_cmd, validate_cmd
from cli.common import EXIT_INTERNAL, CrashReportingGroup, report_crash
from cli.play_cmd import app as play_app
from cli.session_cmd import app as session_app

app = typer.Typer(
    name="run.py",
    help="Trilateral crisis tabletop simulation: Washington, Seoul, Tokyo and Beijing in a crisis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=CrashReportingGroup,
)


def _version(value: bool) -> None:
    if value:
        from sim import __version__

        typer.echo(f"trilateral {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Trilateral crisis tabletop simulation: Washington, Seoul, Tokyo and Beijing in a crisis."""


for module in (run_cmd, validate_cmd, schema_cmd, scenarios_cmd, sweep_cmd, backtest_cmd, claims_cmd):
    app.add_typer(module.app)
app.add_typer(session_app)
app.add_typer(play_app)


def main() -> None:
    """Entry point: exit 0 on success, 1 for a failed check, 2 for bad input, 3 for a bug."""
    from cli.term import ascii_safe_streams

    ascii_safe_streams()  # a console that is not UTF-8 gets ASCII, never a crash
    try:
        app()
    except Exception as exc:  # outside any command (commands report their own: CrashReportingGroup)
        report_crash(exc)
        raise SystemExit(EXIT_INTERNAL) from None
