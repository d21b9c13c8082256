"""Shared helpers of the CLI tests."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def invoke(*args: str):
    """Run the CLI in-process with a wide terminal (so rich does not wrap names)."""
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
