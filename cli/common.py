"""What every command shares: consoles, error reporting, and exit codes."""

from __future__ import annotations

import errno
import inspect
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from cli.term import make_console
from sim.errors import InputError
from sim.limits import ENSEMBLE_RUNS

#: Exit status for bad input (a bad file, flag or value).
EXIT_BAD_INPUT = 2
#: Exit status for an unexpected internal error (a bug): see `report_crash`.
EXIT_INTERNAL = 3

console = make_console()
err_console = make_console(stderr=True)


def program() -> str:
    """How the user started this program, for hints that name a command to type.

    Returns:
        ``"trilateral"`` when run as the installed script (``sys.argv[0]`` named
        ``trilateral``, or ``trilateral.exe`` on Windows), else ``"python run.py"``.
    """
    return "trilateral" if Path(sys.argv[0]).stem == "trilateral" else "python run.py"


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


def check_ensemble_runs(runs: int | None, flag: str = "--runs") -> None:
    """Refuse an ensemble size outside `ENSEMBLE_RUNS` (``None`` means each file's own).

    Raises:
        InputError: too few runs to estimate an interval, or more than memory allows.
    """
    low, high = ENSEMBLE_RUNS
    if runs is not None and not low <= runs <= high:
        raise InputError.one(
            flag,
            f"must be from {low} to {high:,} (fewer give no usable interval; every run is held "
            "in memory at once, about 80 KB each; for more runs, use sweep)",
            value=runs,
        )


def parse_sets(values: list[str] | None) -> list:
    """Parse repeated ``--set PATH=VALUE`` flags."""
    from sim.params import parse_set_flag

    return [parse_set_flag(v) for v in values or []]


def crash_dirs() -> list[Path]:
    """Where crash reports go: the user's cache folder, else the system's temp folder."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return [
        Path(cache) / "trilateral" / "crash-reports",
        Path(tempfile.gettempdir()) / "trilateral-crash-reports",
    ]


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for pkg in ("trilateral", "mesa", "numpy", "pydantic", "PyYAML", "pyarrow", "typer", "rich"):
        try:
            found.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def write_crash_report(exc: BaseException) -> Path | None:
    """Write the traceback and what is needed to reproduce it to a new file, atomically.

    Returns:
        The file, or None when no folder could be written to.
    """
    from sim.files import atomic_write_text

    now = datetime.now(UTC)
    text = (
        f"trilateral crash report, {now.isoformat()}\n"
        f"command: {' '.join([sys.executable, *sys.argv])}\n"
        f"working directory: {os.getcwd()}\n"
        f"python {sys.version.split()[0]} on {sys.platform}; {_versions()}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    name = f"crash-{now.strftime('%Y%m%dT%H%M%S.%f')}-{os.getpid()}.txt"
    for folder in crash_dirs():
        try:
            atomic_write_text(folder / name, text)
        except OSError:
            continue
        return folder / name
    return None


def report_crash(exc: BaseException) -> None:
    """Tell the user, in one paragraph, that an internal error happened and where its report is.

    The traceback goes to a crash-report file (`write_crash_report`), not the
    screen; only when no file can be written is it printed after the paragraph.
    """
    path = write_crash_report(exc)
    what = (str(exc).strip().splitlines() or [""])[0][:200]
    where = (
        f"The details are in {path}; please attach that file to a bug report."
        if path
        else "No crash report could be written, so the details follow."
    )
    err_console.print(
        f"[bold red]internal error:[/] {type(exc).__name__}{': ' + what if what else ''}. "
        f"This is a bug in the simulation, not a problem with your input. {where} "
        f"(exit status {EXIT_INTERNAL})",
        highlight=False,
        soft_wrap=True,
        markup=True,
    )
    if path is None:
        traceback.print_exception(exc, file=sys.stderr)


def reflow(text: str) -> str:
    r"""Help text with each paragraph's hard line breaks joined into spaces.

    Docstrings are wrapped at the source's line length; typer >= 0.2x in its "rich"
    markup mode keeps those single line breaks, so at 80 columns a paragraph ends
    lines with one stray word. Paragraphs (blank-line separated) stay apart; one that
    starts with click's no-rewrap mark ``\b`` keeps its lines.
    """
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


#: Click's metavars for the Python types typer shows instead (``<int>``, ``<list[str]>``).
_METAVARS = {"int": "INTEGER", "float": "FLOAT", "str": "TEXT", "Path": "PATH"}


def _metavar(param: Any) -> str:
    """Click's own kind of metavar ("INTEGER", "TEXT"), none for a flag (typer shows ``<bool>``)."""
    if getattr(param, "is_flag", False):
        return ""
    if hasattr(param, "type"):  # real click: its type names the value ("integer range" -> INTEGER)
        return param.type.name.split()[0].upper()
    name = param.bare_type()  # typer's vendored click: "int", "list[str]" (a repeatable option)
    name = name.removeprefix("list[").removesuffix("]")
    return _METAVARS.get(name, name.upper())


def tidy_help(command: Any) -> None:
    """Make a command's help read well at 80 columns, and its subcommands' (recursively).

    Help paragraphs are reflowed (`reflow`); options without a metavar get click's
    ("INTEGER", nothing for a flag) instead of typer's Python types (``<bool>``,
    ``<list[str]>``); arguments are named in capitals, as the docstrings name them.
    Duck-typed: typer >= 0.2x vendors its own click, whose classes are not click's.
    """
    for attr in ("help", "short_help"):
        if getattr(command, attr, None):
            setattr(command, attr, reflow(getattr(command, attr)))
    params = list(command.params)
    if getattr(command, "add_help_option", False) and hasattr(command, "_help_option"):
        # typer's vendored click builds --help once and caches it; build it now to tidy it.
        params.append(command.get_help_option(SimpleNamespace(help_option_names=["--help"])))
    for param in params:
        if param is None or param.metavar is not None:
            continue
        if param.param_type_name == "option":
            param.metavar = _metavar(param)
        elif param.param_type_name == "argument" and param.name:
            param.metavar = param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub)


class CrashReportingGroup(TyperGroup):
    """The command group of `run.py`: a bug in any command is reported, never a traceback.

    An unexpected exception becomes one paragraph naming a crash-report file, and
    exit status 3.

    Bad input (`InputError`) is handled by each command (exit 2); usage errors, Exit,
    Abort, Ctrl-C and a closed pipe keep typer's own handling. Every command's help
    is tidied once, here, for all of them (`tidy_help`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Build the group, then tidy its own and every subcommand's help text."""
        super().__init__(*args, **kwargs)
        tidy_help(self)

    def invoke(self, ctx: Any) -> Any:
        """Run the command, reporting any unexpected exception."""
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except InputError as exc:  # a command that forgot `input_errors()`: still bad input
            report(exc)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # typer quiets a closed pipe (`run.py run ... | head`)
            report_crash(exc)
            raise typer.Exit(EXIT_INTERNAL) from None
        except Exception as exc:
            report_crash(exc)
            raise typer.Exit(EXIT_INTERNAL) from None
