"""Decision files: a team's move for a turn, submitted as YAML and validated like any input.

``decisions/turn-03/ROK.yaml``::

    action: repair JPN          # an option on Seoul's menu, open this turn
    rationale: Mend fences before the summit.

A file with a mistake is refused with file:line and what is allowed; the team's
earlier draft (if any) stays in force.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from sim.errors import MISSING, InputError, Problem
from sim.session.state import SessionState, one_line
from sim.yamlio import LIMITS, line_of, parse_yaml, read_text

FIELDS = ("action", "rationale")


def decision_path(folder: Path, turn: int, actor: str) -> Path:
    """Where a team's decision file for a turn lives."""
    return folder / "decisions" / f"turn-{turn:02d}" / f"{actor}.yaml"


def file_sha256(path: Path) -> str:
    """Hash of a file's bytes ('' if it cannot be read).

    Only a regular file within the input size bound is read: a pipe or a device
    (``/dev/zero``) would block or never end, and a file too large to be a decision
    is refused anyway, so those are keyed by their kind, size and time instead.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return f"not-a-file:{info.st_mode:o}"
        if info.st_size > LIMITS.file_bytes:
            return f"too-large:{info.st_size}:{info.st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def read_decision(path: Path, source: str, state: SessionState, actor: str) -> tuple[str, str]:
    """A team's decision file, checked against its menu for the open turn.

    Args:
        path: The file.
        source: How errors name it (relative to where the user is).
        state: The session (for the menu and what is open).
        actor: The team the file is for.

    Returns:
        The option's label and the rationale.

    Raises:
        InputError: every problem, each with file:line, field, value and what is allowed.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError.one(source, f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a pipe would block, a device never end
        raise InputError.one(
            source, "is not a regular file (a pipe, socket or device); a decision file is a YAML text file"
        )
    data, lines = parse_yaml(read_text(path), source)
    if not isinstance(data, dict):
        raise InputError.one(source, "expected a mapping with 'action' and 'rationale'", line=1)
    problems: list[Problem] = []

    def problem(field: str, value: object, message: str) -> None:
        problems.append(Problem(source, line_of(lines, (field,)) or 1, field, value, message))

    for key in data:
        if key not in FIELDS:
            problem(str(key), MISSING, f"unknown key; a decision file has {' and '.join(FIELDS)}")
    action, rationale = data.get("action"), data.get("rationale")
    label = ""
    if action is None:
        problems.append(Problem(source, 1, "action", MISSING, "is required: an option on the menu"))
    elif not isinstance(action, str):
        problem("action", action, "must be an option's name, e.g. 'repair JPN'")
    else:
        opts = state.model.compiled.options
        from sim.actors import INDEX

        o = opts.find(INDEX[actor], action)
        can = state.open_options()[actor]
        if o is None:
            problem("action", action, f"is not on {actor}'s menu; open this turn: {', '.join(can)}")
        elif opts.label(o) not in can:
            problem("action", action, f"is not open this turn; open: {', '.join(can)}")
        else:
            label = opts.label(o)
    if rationale is None:
        problems.append(Problem(source, 1, "rationale", MISSING, "is required: one line saying why"))
    elif not isinstance(rationale, str) or "\n" in rationale.strip() or len(rationale) > 300:
        problem("rationale", rationale, "must be one line of text, at most 300 characters")
    if problems:
        raise InputError(problems)
    return label, one_line(rationale)
