"""A session on disk: its folder, its lock, its log, and its state rebuilt from the log.

Layout of ``sessions/NAME/``::

    session.jsonl            the log (the only thing the state comes from)
    session.lock             who is playing it now (see `sim.session.lock`)
    decisions/turn-03/ROK.yaml   decisions the teams submit as files
    report.md, report.html, export/   what `session report` and `session export` write
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import InputError
from sim.session.lock import SessionLock
from sim.session.log import DEFAULT_DIR, LOG_NAME, Record, SessionLog, read_log

if TYPE_CHECKING:  # the engine (and mesa) load only when a session is replayed
    from sim.rulings import Value
    from sim.session.state import SessionState

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def session_folder(name: str, parent: Path | None = None) -> Path:
    """The folder of session ``name`` (checked: a plain name, no path).

    Raises:
        InputError: a name that is not letters, digits, '-', '_' or '.'.
    """
    if not _NAME.match(name):
        raise InputError.one(
            "NAME",
            "a session name is 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit",
            value=name,
        )
    return (parent or DEFAULT_DIR) / name


def read_records(folder: Path, *, drop_bad_tail: bool = False) -> list[Record]:
    """The records of the session in ``folder`` (no lock taken: for read-only commands).

    While another process holds the session, a last line it may be writing is left
    out rather than reported (and never cut off).

    Raises:
        InputError: no such session, or a damaged or incompatible log.
    """
    from sim.session.lock import lock_state

    if not (folder / LOG_NAME).exists():
        raise _no_session(folder)
    writing = lock_state(folder).startswith("held")
    return read_log(folder / LOG_NAME, drop_bad_tail=drop_bad_tail and not writing, skip_bad_tail=writing)


def _no_session(folder: Path) -> InputError:
    """No log in ``folder``: say so, and how to list the sessions that are there (``--dir``)."""
    where = "" if folder.parent == DEFAULT_DIR else f" --dir {folder.parent}"
    return InputError.one(
        str(folder), f"no such session (no session.jsonl); `session list{where}` shows them"
    )


def load_state(folder: Path, *, drop_bad_tail: bool = False) -> SessionState:
    """A session's state, replayed from its log, without taking the lock."""
    from sim.session.state import replay

    return replay(read_records(folder, drop_bad_tail=drop_bad_tail), str(folder / LOG_NAME))


class Session:
    """A session open for play: the lock held, the log open for appending, the state live.

    Every action checks itself, changes the live state, and returns only once its
    record is on disk. Use as a context manager, or call `close`.
    """

    def __init__(self, folder: Path, lock: SessionLock, log: SessionLog, state: SessionState) -> None:
        """Wrap an opened session; use `create` or `open`."""
        self.folder = folder
        self.lock = lock
        self.log = log
        self.state = state

    @classmethod
    def create(
        cls,
        folder: Path,
        scenario: str,
        humans: list[str],
        seed: int = 0,
        settings: list[str] | None = None,
        extra: Record | None = None,
    ) -> Session:
        """Create a new session folder and its log (``extra``: more header fields).

        Raises:
            InputError: a bad scenario, setting or team, or the folder already holds a session.
        """
        from sim.actors import ACTORS
        from sim.params import parse_set_flag
        from sim.scenario import load_scenario
        from sim.session.state import SessionState, new_header

        settings = list(settings or [])
        bad = [h for h in humans if h not in ACTORS]
        if bad or not humans or len(set(humans)) != len(humans):
            raise InputError.one(
                "--human",
                f"name each human team once, from {', '.join(ACTORS)} (comma-separated, e.g. USA,ROK,JPN)",
                value=",".join(humans),
            )
        loaded = load_scenario(scenario, [parse_set_flag(s) for s in settings])
        if (folder / LOG_NAME).exists():
            raise InputError.one(
                str(folder), "already holds a session; choose another --name, or `session play` it"
            )
        folder.mkdir(parents=True, exist_ok=True)
        lock = SessionLock(folder)
        try:
            header = new_header(folder.name, loaded, str(scenario), humans, seed, settings, extra)
            state = SessionState(header)
            try:
                log = SessionLog.create(folder / LOG_NAME, header)
            except FileExistsError:  # another `session new` of the same name got there first
                raise InputError.one(
                    str(folder), "already holds a session; choose another --name, or `session play` it"
                ) from None
        except BaseException:
            lock.release()  # a failed create leaves the folder free, for a second try
            raise
        return cls(folder, lock, log, state)

    @classmethod
    def open(cls, folder: Path, *, drop_bad_tail: bool = False) -> Session:
        """Open an existing session for play: lock it, read and replay its log.

        Raises:
            InputError: no such session; another process holds it; a damaged last
                record (without ``drop_bad_tail``); an incompatible or unreplayable log.
        """
        if not (folder / LOG_NAME).exists():
            raise _no_session(folder)
        from sim.session.state import replay

        lock = SessionLock(folder)
        try:
            records = read_log(folder / LOG_NAME, drop_bad_tail=drop_bad_tail)
            state = replay(records, str(folder / LOG_NAME))
        except BaseException:
            lock.release()
            raise
        return cls(folder, lock, SessionLog(folder / LOG_NAME, len(records)), state)

    def reload(self) -> None:
        """Rebuild the live state from the log on disk.

        For after an interruption (Ctrl-C) that may have stopped the state half-way
        through a change: the log holds only whole actions, so its replay is sound.
        """
        from sim.session.state import replay

        self.state = replay(read_log(self.folder / LOG_NAME), str(self.folder / LOG_NAME))

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the log and release the lock."""
        self.log.close()
        self.lock.release()

    # -- actions: each is on disk when it returns ----------------------------------------------
    def _commit(self, record: Record) -> Record:
        """Append the record the live state just made; if it never reached the log, undo it.

        The state changes before its record is written; when the write fails (a full
        disk, a read-only folder, a value JSON cannot hold), the state is rebuilt from
        the records that are on disk, so the live state never runs ahead of the log.
        """
        try:
            return self.log.append(record)
        except BaseException:
            if "seq" not in record:  # not written (a numbered record is on disk)
                from sim.session.state import replay

                self.state = replay(self.state.records[:-1], str(self.folder / LOG_NAME))
            raise

    def decide(
        self, actor: str, option: str, rationale: str, source: str = "prompt", sha256: str = ""
    ) -> Record:
        """A human team's decision for the open turn; see `SessionState.decide`."""
        return self._commit(self.state.decide(actor, option, rationale, source, sha256))

    def inject(self, fields: dict[str, Any]) -> Record:
        """An ad-hoc event for the open turn; see `SessionState.inject`."""
        return self._commit(self.state.inject(fields))

    def adjudicate(self) -> Record:
        """Play the open turn; see `SessionState.adjudicate`."""
        return self._commit(self.state.adjudicate())

    def override(self, ruling: dict[str, Value], reason: str) -> Record:
        """Overrule the last turn's outcome; see `SessionState.override`."""
        return self._commit(self.state.override(ruling, reason))

    def undo(self) -> Record:
        """Undo the last turn; see `SessionState.undo`."""
        return self._commit(self.state.undo())

    def seat(self, actor: str, to: str) -> Record:
        """Hand a seat to the AI or back; see `SessionState.seat`."""
        return self._commit(self.state.seat(actor, to))

    def quit(self) -> Record:
        """Log that play stopped here.

        The state is first rebuilt from the log: a quit often follows a Ctrl-C, which
        may have stopped the live state half-way through a turn, and the quit record
        must carry the turn the log is at (else the log would no longer replay).
        """
        self.reload()
        return self._commit(self.state.quit())
