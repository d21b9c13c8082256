"""Crash-safe file writing: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def check_writable_file(path: str | Path) -> None:
    """Refuse, before any work, a file path that cannot become a file.

    Raises:
        IsADirectoryError: ``path`` is a folder (named, not the temp file beside it).
        NotADirectoryError: a folder on the way to ``path`` is a file (that file named).
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
    for folder in target.parents:
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(folder))
            break


def check_writable_folder(path: str | Path) -> None:
    """Refuse, before any work, a folder path that is a file or lies under one.

    Raises:
        NotADirectoryError: ``path``, or a folder on the way to it, is a file (named).
    """
    target = Path(path)
    for folder in (target, *target.parents):
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(folder))
            break


def atomic_write_bytes(path: str | Path, data: bytes | memoryview) -> None:
    """Write ``data`` to ``path`` via a synced temp file and an atomic rename.

    Raises:
        IsADirectoryError, NotADirectoryError: see `check_writable_file`.
        OSError: the system refused the write (permissions, space); the old file stays.
    """
    target = Path(path)
    check_writable_file(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; results are meant to be shared
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically; see `atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))
