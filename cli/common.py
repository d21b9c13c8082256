"""What every command shares: consoles, error reporting, and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from sim.errors import InputError

#: Exit status for bad input (a bad file, flag or value).
EXIT_BAD_INPUT = 2

console = Console()
err_console = Console(stderr=True)


def report(exc: InputError) -> None:
    """Print every problem of an input error, one paragraph each, to stderr."""
    for problem in exc.problems:
        err_console.print(f"[bold red]error:[/] {problem}", highlight=False, soft_wrap=True)


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn `InputError` into a clear message and exit status 2 (never a traceback)."""
    try:
        yield
    except InputError as exc:
        report(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def parse_sets(values: list[str] | None) -> list:
    """Parse repeated ``--set PATH=VALUE`` flags."""
    from sim.params import parse_set_flag

    return [parse_set_flag(v) for v in values or []]
