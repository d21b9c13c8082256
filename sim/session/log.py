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

from sim.errors import InputError

#: Version of the record format. A log of another schema version is refused.
SCHEMA_VERSION = 1
LOG_NAME = "session.jsonl"

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
                "session stopped and was never confirmed. Run the command again with "
                "--drop-bad-tail to drop it (every earlier record is kept)",
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
            raise InputError.one(
                source,
                f"record {number} is damaged ({reason}) and later records follow it; the log "
                "cannot be trusted past it. Restore the file from a backup, or `session export` "
                "a copy made before the damage",
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


class SessionLog:
    """Appends records to a session log, each flushed and fsynced before returning."""

    def __init__(self, path: Path, next_seq: int) -> None:
        """Open ``path`` for appending; the next record gets number ``next_seq``."""
        self.path = path
        self.next_seq = next_seq
        self._fh = open(path, "ab")  # noqa: SIM115 - held open for the session's life

    @classmethod
    def create(cls, path: Path, header: Record) -> SessionLog:
        """Start a new log with its header (refused if the file exists)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
        log = cls(path, 0)
        log.append(header)
        _fsync_dir(path.parent)  # the new file's name is durable too
        return log

    def append(self, record: Record) -> Record:
        """Write one record durably and return it, numbered.

        The record is one line; it is on disk (flushed and fsynced) when this returns.
        """
        ordered = {"seq": self.next_seq, **{k: v for k, v in record.items() if k != "seq"}}
        line = json.dumps(ordered, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
        # Ctrl-C waits until the line is whole and synced: an interrupt never leaves half a record.
        held = _block_interrupts()
        try:
            self._fh.write(line.encode("utf-8"))
            self._fh.flush()
            os.fsync(self._fh.fileno())
        finally:
            _restore_interrupts(held)
        record["seq"] = self.next_seq  # in place: the caller's record now has its number
        self.next_seq += 1
        return record

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _block_interrupts() -> set[signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)


def _restore_interrupts(held: set[signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
