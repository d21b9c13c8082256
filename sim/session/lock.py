"""One writer per session: a lock that the kernel releases when its holder dies.

The lock is an ``flock`` on ``session.lock`` in the session folder, so a crashed
process never leaves the session locked; the file also names its holder (process id,
host, start time, command), so a second process is told who holds the session, and a
lock file left by a process that died is recognised as stale and named.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError

LOCK_NAME = "session.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a session's lock."""

    pid: int | None
    host: str
    since: str
    command: str

    def describe(self) -> str:
        """'process 1234 on host, since 2026-11-30T00:10:00+00:00 (run.py session play x)'."""
        who = f"process {self.pid}" if self.pid else "a process"
        return f"{who} on {self.host or 'an unknown host'}, since {self.since or 'an unknown time'}" + (
            f" ({self.command})" if self.command else ""
        )


def read_holder(folder: Path) -> Holder | None:
    """The holder named in a session's lock file, if the file names one."""
    try:
        data: Any = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    return Holder(
        pid if isinstance(pid, int) else None,
        str(data.get("host", "")),
        str(data.get("since", "")),
        str(data.get("command", "")),
    )


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionLock:
    """The exclusive right to write one session's log.

    Attributes:
        stale: The holder named by a lock file whose process had died, when this lock
            was taken over from it (for the caller to report), else None.
    """

    def __init__(self, folder: Path) -> None:
        """Take the lock of the session in ``folder``.

        Raises:
            InputError: another live process holds it (named in the message).
        """
        from sim.session.log import now

        self.folder = folder
        self.path = folder / LOCK_NAME
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _take(fd):
            os.close(fd)
            holder = read_holder(folder)
            who = holder.describe() if holder else "another process"
            raise InputError.one(
                str(folder),
                f"this session is open in {who}; one process at a time may play it. Quit it there "
                "first (read-only commands such as `session show` and `session report` still work)",
            ) from None
        self._fd: int | None = fd
        previous = read_holder(folder)
        self.stale = previous if previous is not None and previous.pid is not None else None
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": now(),
            "command": " ".join(["run.py", *sys.argv[1:]])[:200],
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(me) + "\n").encode(), 0)
            os.fsync(fd)
        except OSError:
            self.release()
            raise

    def stale_note(self) -> str | None:
        """A sentence naming the stale lock this one replaced, if any."""
        if self.stale is None:
            return None
        gone = (
            "no longer exists"
            if self.stale.pid is None or not pid_alive(self.stale.pid)
            else "exists, but another program now has that id"
        )
        return f"found a stale lock left by {self.stale.describe()}; that process {gone}. Took it over."

    def release(self) -> None:
        """Give the lock up (the file stays, marked as released)."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            os.fsync(self._fd)
        except OSError:  # e.g. the disk went read-only: the lock still goes with the descriptor
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _take(fd: int, tries: int = 10, wait: float = 0.05) -> bool:
    """Take the exclusive lock on ``fd``; False if another process holds it.

    A few short retries: `lock_state` (behind `session list`, `show` and `report`)
    holds the lock for an instant to probe it, and a `session play` started at that
    instant must not be refused in the prober's name.
    """
    import time

    for k in range(tries):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if k + 1 < tries:
                time.sleep(wait)
    return False


def lock_state(folder: Path) -> str:
    """'free', 'held by …' or 'stale (left by …)': for `session list` and `session show`."""
    path = folder / LOCK_NAME
    if not path.exists():
        return "free"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return "unknown"
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(folder)
            return f"held by {holder.describe() if holder else 'another process'}"
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    holder = read_holder(folder)
    if holder is not None and holder.pid is not None:
        return f"stale (left by {holder.describe()}, which stopped without releasing it)"
    return "free"
