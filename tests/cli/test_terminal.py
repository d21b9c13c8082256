"""cli/term.py and cli/app.py: version, width of non-terminal output, non-UTF-8 consoles."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from clihelp import invoke
from support import ROOT

import sim
from cli.term import WIDE, AdaptiveConsole, AsciiWriter, can_write


def test_version_flag():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"trilateral {sim.__version__}"


def test_output_that_is_not_a_terminal_is_wide_unless_columns_says(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    console = AdaptiveConsole(file=io.StringIO())
    assert console.width == WIDE
    monkeypatch.setenv("COLUMNS", "47")
    assert console.width == 47


def test_ascii_writer_spells_symbols_and_replaces_the_rest():
    raw = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert not can_write(raw) and can_write(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    w = AsciiWriter(raw)
    w.write("0.65▲ 0.30▼ Seoul→Tokyo ⚡ drills — “quoted” 한")
    w.flush()
    assert raw.buffer.getvalue().decode("ascii") == '0.65^ 0.30v Seoul->Tokyo ! drills -- "quoted" ?'


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env}
    full.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "run.py", *args], cwd=ROOT, env=full, capture_output=True, timeout=120
    )


def test_a_console_that_is_not_utf8_gets_readable_output():
    for env in ({"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}):
        proc = _run("run", "taiwan_strait", "--seed", "7", **env)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        text = proc.stdout.decode("ascii")  # would raise on any non-ASCII byte
        assert "Turn 12 of 12" in text and "Resilience index" in text and "->" in text


def test_every_help_text_is_readable_on_an_ascii_console():
    commands = ["run", "validate", "schema", "scenarios", "sweep", "backtest", "check-claims"]
    for args in [["--help"], *([c, "--help"] for c in commands)]:
        proc = _run(*args, PYTHONIOENCODING="ascii")
        assert proc.returncode == 0, (args, proc.stderr.decode(errors="replace")[-500:])
        proc.stdout.decode("ascii")
        assert b"Usage" in proc.stdout
