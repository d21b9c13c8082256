"""Hostile input to the non-session commands: each gets one clear paragraph and exit 2."""

from __future__ import annotations

import os
import sys

import pytest
from clihelp import invoke
from support import SMALL


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert "crash report" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, command):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    result = invoke(command, fifo)  # reading a FIFO with no writer would block for ever
    assert result.exit_code == 2
    assert f"{fifo}: is not a regular file" in result.stderr
    no_traceback(result)


@pytest.mark.skipif(not os.path.exists("/dev/zero") or sys.platform == "win32", reason="needs /dev/zero")
def test_an_endless_device_is_refused():
    result = invoke("validate", "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero: is not a regular file" in result.stderr


def test_non_utf8_bytes_are_named_with_their_line(tmp_path):
    f = tmp_path / "latin1.yaml"
    text = SMALL.read_bytes().replace(b"turns: 4", b"# caf\xe9\nturns: 4", 1)
    f.write_bytes(text)
    line = text.split(b"\n").index(b"# caf\xe9") + 1
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:{line}: is not UTF-8 text (byte e9" in result.stderr
    assert "save the file as UTF-8" in result.stderr


def test_a_control_character_is_one_line_with_its_line_number(tmp_path):
    f = tmp_path / "nul.yaml"
    text = SMALL.read_text().replace("turns: 4", "turns: 4\x00", 1)
    f.write_text(text)
    line = text.splitlines().index("turns: 4\x00") + 1
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:{line}: holds the control character U+0000" in result.stderr
    assert "<unicode string>" not in result.stderr
    assert len([ln for ln in result.stderr.splitlines() if ln.strip()]) == 1


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_inf_magnitudes_say_finite_not_a_bound(tmp_path, value):
    f = tmp_path / "nan.yaml"
    f.write_text(SMALL.read_text().replace("magnitude: 0.8", f"magnitude: {value}", 1))
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert "events[0].magnitude" in result.stderr
    assert "must be a finite number (not .inf or .nan)" in result.stderr
    assert "must be <=" not in result.stderr and "must be >=" not in result.stderr
