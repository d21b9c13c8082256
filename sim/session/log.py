"""The session log: append-only JSON Lines, each record on disk before the call returns.

The first record (the header) states the log's schema version, the engine version,
the scenario's name, hash and full text, the seed, the settings and the seats; every
later record is one thing that happened (a decision, an inject, an adjudicated turn,
an override, an undo, a seat change, a quit). Nothing is ever rewritten or deleted,
except a damaged last line that the user asks to drop.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sim.errors import MISSING, InputError

#: Version of the record format. A log of another schema version is refused.
SCHEMA_VERSION = 1
LOG_NAME = "session.jsonl"
#: The folder that holds the sessions and games when ``--dir`` is not given.
DEFAULT_DIR = Path("sessions")

Record = dict[str, Any]


@cache
def engine_version() -> str:
    """The engine's version: the installed package's, else the one in pyproject.toml."""
    from importlib import metadata

    try:
        return metadata.version("trilateral")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def now() -> str:
    """The current UTC time, ISO 8601 to the second (records say when they happened)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class BadTail:
    """A damaged last line: where it is and what is wrong with it."""

    line: int
    offset: int
    reason: str


def read_log(path: Path, *, drop_bad_tail: bool = False, skip_bad_tail: bool = False) -> list[Record]:
    """Read every record of a session log.

    Args:
        path: The log file.
        drop_bad_tail: Cut off a damaged last line (a record that was being written
            when the process died) instead of refusing the log.
        skip_bad_tail: Leave out a damaged last line without touching the file (for
            readers while a live process may be writing that line).

    Returns:
        The records, header first.

    Raises:
        InputError: a missing or empty log, a damaged line (with its number), a
            damaged last line without ``drop_bad_tail``, or records out of order.
    """
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.one(source, "no such session log") from None
    except OSError as exc:
        raise InputError.one(source, f"cannot be read ({exc.strerror})") from None
    records, tail = _parse(data, source)
    if tail is not None and not skip_bad_tail:
        if not drop_bad_tail:
            raise InputError.one(
                source,
                f"the last record is damaged ({tail.reason}); it was being written when the "
                "session stopped and was never confirmed. Run `session play "
                f"{session_ref(path.parent.name, path.parent.parent)} --drop-bad-tail` to drop it "
                "(every earlier record is kept)",
                line=tail.line,
            )
        with open(path, "r+b") as fh:
            fh.truncate(tail.offset)
            fh.flush()
            os.fsync(fh.fileno())
    if not records:
        raise InputError.one(source, "holds no records; it is not a session log", line=1)
    check_header(records[0], source)
    return records


def session_ref(name: str, parent: Path) -> str:
    """How a hint names a session on a command line.

    ``NAME``, or ``NAME --dir DIR`` when its folder is not under `DEFAULT_DIR` (else
    the hint would find no session).
    """
    return name + ("" if Path(parent) == DEFAULT_DIR else f" --dir {parent}")


def _parse(data: bytes, source: str) -> tuple[list[Record], BadTail | None]:
    records: list[Record] = []
    offset = 0
    lines = data.split(b"\n")
    complete = lines[:-1]  # the text after the last newline was never finished
    for number, raw in enumerate(complete, start=1):
        reason = _check_line(raw, len(records))
        if reason is not None:
            if number == len(complete) and not lines[-1]:
                return records, BadTail(number, offset, reason)
            if number == 1:
                raise InputError.one(
                    source,
                    f"the first record is damaged ({reason}); without its header the log cannot be "
                    "read. Restore the file from a backup, or start a new session",
                    line=1,
                )
            raise InputError.one(
                source,
                f"record {number} is damaged ({reason}) and later records follow it; the log "
                "cannot be trusted past it. Restore the file from a backup; or, to keep the "
                f"records before it, copy the file aside and delete line {number} and every "
                "line after it (`session show` then checks what remains)",
                line=number,
            )
        records.append(json.loads(raw))
        offset += len(raw) + 1
    if lines[-1]:
        return records, BadTail(len(complete) + 1, offset, "it has no line end: the write did not finish")
    return records, None


def _check_line(raw: bytes, seq: int) -> str | None:
    """What is wrong with one line of the log, or None."""
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"not valid JSON: {exc}"
    if not isinstance(record, dict) or "type" not in record:
        return "not a record (a JSON object with a 'type')"
    if seq == 0 and record.get("type") != "header":
        return f"the first line is a {record.get('type')!r} record, not the session's header"
    if record.get("seq") != seq:
        return f"expected record number {seq}, found {record.get('seq')!r}"
    return None


def check_header(header: Record, source: str) -> None:
    """Refuse a log whose header is missing or of another schema version."""
    if header.get("type") != "header":
        raise InputError.one(source, "the first record is not a session header", line=1)
    schema = header.get("schema")
    if schema != SCHEMA_VERSION:
        raise InputError.one(
            source,
            f"this session log has schema version {schema!r} (written by trilateral "
            f"{header.get('engine', 'unknown')}); this trilateral ({engine_version()}) reads schema "
            f"version {SCHEMA_VERSION} only. Open it with the version that wrote it "
            f"(pip install trilateral=={header.get('engine', '...')}, or check out that release), "
            "or start a new session",
            line=1,
        )


def header_problem(header: Record) -> tuple[str, Any, str] | None:
    """The first field of a session header that is not what `new_header` writes, or None.

    Returns:
        (field, value, what is allowed), for the caller's error message.
    """
    import hashlib

    from sim.actors import ACTORS

    seed = header.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        return "seed", seed, "must be a whole number from 0 to 2**63 - 1"
    humans = header.get("humans")
    if not isinstance(humans, list) or not all(isinstance(h, str) and h in ACTORS for h in humans):
        return "humans", humans, f"must be a list of actor codes from {', '.join(ACTORS)}"
    settings = header.get("settings", [])
    if not isinstance(settings, list) or not all(isinstance(x, str) for x in settings):
        return "settings", settings, "must be a list of PATH=VALUE texts"
    sc = header.get("scenario")
    if not isinstance(sc, dict) or not all(isinstance(sc.get(k), str) for k in ("text", "source", "sha256")):
        return "scenario", sc, "must hold the scenario's text, source and sha256"
    if hashlib.sha256(sc["text"].encode("utf-8")).hexdigest() != sc["sha256"]:
        return (
            "scenario.text",
            MISSING,
            f"does not match the sha256 recorded beside it ({sc['sha256'][:12]}…)",
        )
    return None


class SessionLog:
    """Appends records to a session log, each flushed and fsynced before returning."""

    def __init__(self, path: Path, next_seq: int) -> None:
        """Open ``path`` for appending; the next record gets number ``next_seq``."""
        self.path = path
        self.next_seq = next_seq
        # A raw descriptor, not a buffered file: a failed write leaves nothing buffered
        # that a later flush could add after the cut (see `append`).
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    @classmethod
    def create(cls, path: Path, header: Record) -> SessionLog:
        """Start a new log with its header (refused if the file exists).

        The header is written and synced in a temporary file that is then linked to
        ``path``, so the log appears whole or not at all: a process killed during
        `session new` never leaves an empty log that blocks the name.

        Raises:
            FileExistsError: a log is already there.
        """
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".session.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, 0o644)
            staged = cls.__new__(cls)
            staged.path, staged.next_seq, staged._fd = Path(tmp), 0, fd
            staged.append(header)  # numbered 0 and synced
            try:
                os.link(tmp, path)  # atomic, and refused if a log exists
                linked = True
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: create, then append
                linked = False
        finally:
            os.close(fd)
            os.unlink(tmp)
        if not linked:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            log = cls(path, 0)
            log.append(header)
            _fsync_dir(path.parent)
            return log
        _fsync_dir(path.parent)  # the new file's name is durable too
        return cls(path, 1)

    def append(self, record: Record) -> Record:
        """Write one record durably and return it, numbered.

        The record is one line; it is on disk (fsynced) when this returns. If writing
        fails (a full disk, a folder made read-only, an I/O error), whatever part of the
        line reached the file is cut off again before the error is raised, so the log
        still ends with a whole record and a later append does not follow half a line.

        Raises:
            ValueError: the record cannot be written as strict JSON (nothing is written).
            OSError: the write or the sync failed (the log is as it was).
        """
        ordered = {"seq": self.next_seq, **{k: v for k, v in record.items() if k != "seq"}}
        line = json.dumps(ordered, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
        data = line.encode("utf-8")
        # Ctrl-C waits until the line is whole and synced: an interrupt never leaves half a record.
        held = _block_interrupts()
        try:
            end = os.lseek(self._fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view) :]
                os.fsync(self._fd)
            except OSError:
                _cut(self._fd, end)
                raise
            # Numbered while interrupts are still held: a Ctrl-C that arrives as they are
            # released finds the count past this record, so the next one is not numbered twice.
            record["seq"] = self.next_seq  # in place: the caller's record now has its number
            self.next_seq += 1
        finally:
            _restore_interrupts(held)
        return record

    def close(self) -> None:
        """Close the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _block_interrupts() -> set[signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)


def _restore_interrupts(held: set[signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _cut(fd: int, end: int) -> None:
    """Cut the file back to ``end`` bytes after a failed append (best effort)."""
    try:
        os.ftruncate(fd, end)
        os.fsync(fd)
    except OSError:  # the cut failed too: the next open reports the damaged tail by its line
        pass


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
