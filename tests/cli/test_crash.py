"""Issue 9, section 3: an unexpected internal error prints one paragraph naming a
crash-report file that holds the traceback, and exits 3 — from any command."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from clihelp import invoke
from support import ROOT, SMALL

import sim.batch.spec  # noqa: F401  (imported before any test patches what it imports by name)
from cli.common import EXIT_INTERNAL


def boom(*args, **kwargs):
    raise ZeroDivisionError("a bug deep in the engine")


def reports(folder: Path) -> list[Path]:
    return sorted(folder.rglob("crash-*.txt"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "trilateral" / "crash-reports"


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("sim.scenario.load_scenario", ["validate", SMALL]),
        ("sim.results.RunResult.to_dict", ["run", SMALL, "--json"]),
        ("sim.batch.summary.summarise", ["sweep", SMALL, "--runs", "2", "--workers", "1"]),
    ],
)
def test_an_internal_error_names_a_crash_report_and_exits_3(cache, monkeypatch, tmp_path, target, args):
    module, _, attr = target.rpartition(".")
    if module.endswith("RunResult"):
        module, cls = module.rsplit(".", 1)
        monkeypatch.setattr(getattr(__import__(module, fromlist=[cls]), cls), attr, boom)
    else:
        monkeypatch.setattr(__import__(module, fromlist=[attr]), attr, boom)
    if args[0] == "sweep":
        args = [*args, "--out", tmp_path / "out"]
    result = invoke(*args)
    assert result.exit_code == EXIT_INTERNAL == 3
    (report,) = reports(cache)
    message = " ".join(result.stderr.split())
    assert message.startswith("internal error: ZeroDivisionError: a bug deep in the engine.")
    assert f"The details are in {report};" in message and "(exit status 3)" in message
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) <= 3
    text = report.read_text()
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: a bug deep in the engine" in text
    assert "command:" in text and "numpy" in text


def test_without_a_cache_folder_the_report_goes_to_the_temp_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr("sim.scenario.load_scenario", boom)
    result = invoke("validate", SMALL)
    assert result.exit_code == 3
    (report,) = reports(tmp_path / "tmp")
    assert str(report) in " ".join(result.stderr.split())


def test_when_no_report_can_be_written_the_traceback_is_printed(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    monkeypatch.setattr("sim.scenario.load_scenario", boom)
    result = invoke("validate", SMALL)
    assert result.exit_code == 3
    assert "No crash report could be written" in result.stderr and "ZeroDivisionError" in result.stderr


def test_bad_input_is_still_exit_2_not_a_crash(cache):
    result = invoke("validate", SMALL.parent / "nope.yaml")
    assert result.exit_code == 2 and not reports(cache.parent.parent)


def test_main_reports_a_crash_in_a_real_process(tmp_path):
    code = (
        "import sys, sim.scenario\n"
        "def boom(*a, **k): raise RuntimeError('engine fault')\n"
        "sim.scenario.load_scenario = boom\n"
        f"sys.argv = ['run.py', 'validate', {str(SMALL)!r}]\n"
        "from cli.app import main\n"
        "main()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stderr.startswith("internal error: RuntimeError: engine fault.")
    assert "Traceback" not in done.stderr
    (report,) = reports(tmp_path)
    assert "RuntimeError: engine fault" in report.read_text()
