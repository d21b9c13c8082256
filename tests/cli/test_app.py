"""cli/app.py: the command line as a whole (help, and no heavy imports for quick commands)."""

from __future__ import annotations

import subprocess
import sys

from clihelp import invoke
from support import ROOT


def test_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("run", "validate", "schema", "scenarios"):
        assert command in result.stdout


def test_no_arguments_shows_help():
    result = invoke()
    assert "Usage" in result.output


def test_each_command_has_help():
    for command in ("run", "validate", "schema", "scenarios"):
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.stdout


def test_help_does_not_import_mesa():
    code = (
        "import sys\n"
        "from cli.app import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "print('MESA' if 'mesa' in sys.modules else 'NO-MESA')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("NO-MESA")


def test_run_py_help_in_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "run.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "typer" in imported
    assert not any(name == "mesa" or name.startswith("mesa.") for name in imported)
