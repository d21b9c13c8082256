"""The terminal the output goes to: its width when it is not a terminal, its encoding.

Output that is not a terminal (a file, a pipe) is not squeezed to 80 columns: it
takes ``COLUMNS`` when that is set, else `WIDE`. A console whose encoding cannot
write the transcript's symbols (``PYTHONIOENCODING=ascii``, ``LANG=C`` with a
pipe) gets them spelled in ASCII (``▲`` as ``^``, ``→`` as ``->``) and anything
else replaced, never a `UnicodeEncodeError`.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import IO, Any

from rich.console import Console, ConsoleDimensions

#: Width of output that is not a terminal when ``COLUMNS`` is not set.
WIDE = 120

#: ASCII spellings of the symbols the output uses, for consoles that cannot write them.
ASCII_SYMBOLS = str.maketrans(
    {
        "▲": "^",
        "▼": "v",
        "→": "->",
        "←": "<-",
        "↔": "<->",
        "⚡": "!",
        "—": "--",
        "–": "-",
        "·": ".",
        "•": "*",
        "…": "...",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "×": "x",
        "≥": ">=",
        "≤": "<=",
        "±": "+/-",
        "≈": "~",
        "−": "-",
    }
)


def can_write(stream: Any, text: str = "▲→·—") -> bool:
    """Whether ``stream``'s encoding can write ``text``."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        codecs.encode(text, encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class AsciiWriter(io.TextIOBase):
    """A text stream that spells the output's symbols in ASCII and replaces the rest."""

    def __init__(self, stream: IO[str]) -> None:
        """Wrap ``stream`` (whose encoding cannot write the symbols)."""
        self.stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding (rich reads it to choose ASCII boxes)."""
        return getattr(self.stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:  # noqa: D102
        out = text.translate(ASCII_SYMBOLS)
        out = codecs.decode(codecs.encode(out, self.encoding, errors="replace"), self.encoding)
        self.stream.write(out)
        return len(text)

    def flush(self) -> None:  # noqa: D102
        self.stream.flush()

    def isatty(self) -> bool:  # noqa: D102
        return self.stream.isatty()

    def fileno(self) -> int:  # noqa: D102
        return self.stream.fileno()


class AdaptiveConsole(Console):
    """A rich console that is wide when not a terminal and safe on any encoding.

    The stream is looked up when written to (so test runners that swap ``sys.stdout``
    are honoured), and so is ``COLUMNS``.
    """

    _wrapped: dict[int, AsciiWriter]

    @property
    def file(self) -> IO[str]:
        """The stream written to, spelled in ASCII when its encoding needs it."""
        stream = self._file or (sys.stderr if self.stderr else sys.stdout)
        stream = getattr(stream, "rich_proxied_file", stream)
        if stream is None or isinstance(stream, AsciiWriter) or can_write(stream):
            return stream
        cache = self.__dict__.setdefault("_wrapped", {})
        if id(stream) not in cache or cache[id(stream)].stream is not stream:
            cache[id(stream)] = AsciiWriter(stream)
        return cache[id(stream)]

    @file.setter
    def file(self, new_file: IO[str]) -> None:
        self._file = new_file

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; ``COLUMNS`` or `WIDE` columns when not a terminal."""
        size = super().size
        if self._width is None and not self.is_terminal and not os.environ.get("COLUMNS", "").isdigit():
            return ConsoleDimensions(WIDE, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size


def make_console(stderr: bool = False) -> Console:
    """The console the commands print to (stdout, or stderr for messages)."""
    return AdaptiveConsole(stderr=stderr)


def ascii_safe_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe for every writer (typer's help too).

    A stream whose encoding cannot write the output's symbols is replaced by an
    `AsciiWriter` around it, so help texts and messages are spelled in ASCII rather
    than crash with a `UnicodeEncodeError`.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, AsciiWriter) and not can_write(stream):
            setattr(sys, name, AsciiWriter(stream))
