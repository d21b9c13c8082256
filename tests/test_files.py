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


def test_a_folder_or_a_file_on_the_way_is_named_not_the_temp_file(tmp_path):
    # `session report --out DIR` once said "/.tmp.v9orsy56.tmp: Is a directory", and
    # `--out FILE/x.html` "FILE: File exists".
    with pytest.raises(IsADirectoryError) as err:
        atomic_write_text(tmp_path, "x")
    assert err.value.filename == str(tmp_path) and err.value.strerror == "is a folder, not a file"
    blocker = tmp_path / "plain.txt"
    blocker.write_text("keep")
    with pytest.raises(NotADirectoryError) as err:
        atomic_write_text(blocker / "sub" / "out.txt", "x")
    assert err.value.filename == str(blocker) and err.value.strerror == "is a file, not a folder"
    assert blocker.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt"]


def test_a_folder_path_that_is_a_file_or_lies_under_one_is_named(tmp_path):
    blocker = tmp_path / "plain.txt"
    blocker.write_text("keep")
    for folder in (blocker, blocker / "export"):
        with pytest.raises(NotADirectoryError) as err:
            files.check_writable_folder(folder)
        assert err.value.filename == str(blocker)
    files.check_writable_folder(tmp_path / "new" / "export")  # not there yet: fine
    files.check_writable_folder(tmp_path)
