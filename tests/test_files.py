"""sim/files.py: atomic writes."""

from __future__ import annotations

import os
import stat

import pytest

from sim import files
from sim.files import atomic_write_bytes, atomic_write_text


def test_writes_creates_parents_and_replaces(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    atomic_write_text(target, "first ✓")
    assert target.read_text(encoding="utf-8") == "first ✓"
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temp file left
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644


def test_a_failed_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
