"""User-facing input errors: one clear paragraph each, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        source: File path, or a label such as ``--set`` for command-line input.
        line: 1-based line in ``source`` where the bad value sits, if known.
        path: Dotted field path, e.g. ``events[2].turn``.
        value: The offending value (``None`` when the field is missing).
        message: What is wrong and what is allowed.
    """

    source: str
    line: int | None
    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        field_part = f" {self.path}:" if self.path else ""
        value_part = "" if self.value is _MISSING else f" got {_short(self.value)};"
        return f"{where}:{field_part}{value_part} {self.message}"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
MISSING = _MISSING


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class InputError(Exception):
    """Raised for any bad user input (scenario file, flag, saved file).

    The CLI prints every problem and exits with status 2.
    """

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def one(
        cls,
        source: str,
        message: str,
        *,
        line: int | None = None,
        path: str = "",
        value: Any = MISSING,
    ) -> InputError:
        """Build an error holding a single problem."""
        return cls([Problem(source, line, path, value, message)])


class FieldError(ValueError):
    """A cross-field rule broken by one field: errors then point at that field's line.

    Args:
        field: The offending field, relative to the model that raises (a name, or a
            path such as ``("events", 2, "turn")``).
        message: What is wrong and what is allowed.
    """

    def __init__(self, field: str | tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.field: tuple[str | int, ...] = (field,) if isinstance(field, str) else field
