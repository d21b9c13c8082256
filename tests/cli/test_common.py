"""cli/common.py: input errors become a message and exit status 2."""

from __future__ import annotations

import sys

import pytest
import typer

from cli.common import EXIT_BAD_INPUT, input_errors, parse_sets
from sim.errors import InputError


def test_input_errors_exit_2_and_print_every_problem(capsys):
    with pytest.raises(typer.Exit) as info, input_errors():
        raise InputError.one("f.yaml", "is empty")
    assert info.value.exit_code == EXIT_BAD_INPUT == 2
    assert "error: f.yaml: is empty" in capsys.readouterr().err


def test_other_errors_pass_through():
    with pytest.raises(KeyError), input_errors():
        raise KeyError("x")


def test_parse_sets():
    assert parse_sets(None) == []
    assert parse_sets(["opinion.loss=0.3", "opinion.gain=0.1"]) == [
        (("opinion", "loss"), 0.3, "--set", None),
        (("opinion", "gain"), 0.1, "--set", None),
    ]
    with pytest.raises(InputError):
        parse_sets(["opinion.loss"])


@pytest.mark.parametrize(
    ("argv0", "expected"),
    [
        ("/usr/local/bin/trilateral", "trilateral"),
        ("C:\\venv\\Scripts\\trilateral.exe".replace("\\", "/"), "trilateral"),
        ("run.py", "python run.py"),
        ("/work/repo/run.py", "python run.py"),
        ("/usr/bin/pytest", "python run.py"),
    ],
)
def test_program_names_the_command_the_user_typed(monkeypatch, argv0, expected):
    from cli.common import program

    monkeypatch.setattr(sys, "argv", [argv0, "check-claims"])
    assert program() == expected


def test_an_inconclusive_claim_hint_names_the_installed_program(monkeypatch):
    from typer.testing import CliRunner

    from cli.app import app

    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/trilateral"])
    # At 30 seeds this claim's interval straddles zero (seeds are fixed, so always).
    args = ["check-claims", "--only", "coercion_of_the_aligned", "--runs", "30"]
    out = " ".join(CliRunner().invoke(app, args, env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout.split())
    assert "1 inconclusive at this size" in out
    assert "e.g. trilateral check-claims --runs 120)" in out and "run.py" not in out


def test_reflow_joins_hard_wrapped_lines_within_paragraphs_only():
    from cli.common import reflow

    text = "First line\n    goes on.\n\n    Second\n    paragraph.\n\n    \b\n    kept\n    as is"
    assert reflow(text) == "First line goes on.\n\nSecond paragraph.\n\n\b\nkept\nas is"


HELPS = [[], ["run"], ["backtest"], ["check-claims"], ["sweep"], ["validate"]]


@pytest.mark.parametrize("command", HELPS, ids=lambda c: " ".join(c) or "top")
def test_help_at_80_columns_has_no_stray_word_lines_and_no_python_types(command):
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    prose = [line.rstrip() for line in lines[: next(i for i, x in enumerate(lines) if "╭" in x)]]
    # A docstring's hard line breaks once left e.g. "seeds," alone on a line: a line
    # that a paragraph continues after must be full (its next word would not fit).
    for line, after in zip(prose, prose[1:], strict=False):
        if line.strip() and after.strip():
            assert len(line) + 1 + len(after.split()[0]) > 76, (line, after)
    options = "\n".join(lines[next(i for i, x in enumerate(lines) if "Options" in x) :])
    assert "<bool>" not in options and "<list[str]>" not in options and "<int>" not in options
    assert "--help" in options
