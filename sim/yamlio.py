"""Read YAML as written, within bounds, remembering where each value came from.

Errors must name the file and line of a bad value, so loading returns, beside the
data, a map from each field path (a tuple of keys and list indexes) to its line.

What a person typed means what it looks like: plain scalars are typed by the YAML
1.2 core schema, not PyYAML's YAML 1.1 rules, so ``yes``, ``no``, ``on``, ``off``,
``y`` and ``n`` stay words (1.1 reads them as booleans), ``1e-1`` is a number (1.1
reads it as text), ``010`` is ten (not octal eight), ``1_000`` and ``12:30`` stay
text (1.1 reads them as numbers) and dates stay text. Only ``true``/``false`` are
booleans. Only the core schema's tags are read (``!!str``, ``!!int``, ``!!float``,
``!!bool``, ``!!null``, ``!!seq``, ``!!map``); anchors, aliases and ``<<`` merge keys
work. Command-line values (``--set``, ``--vary``) are read by the same rules.

Every input is bounded before it is built (`Limits`): file size, nesting depth,
items in one list or mapping, and the number of values once aliases are expanded
(a 600-byte "billion laughs" file would otherwise expand to a billion values).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from sim.errors import InputError, Problem

Path_ = tuple[str | int, ...]

MERGE_TAG = "tag:yaml.org,2002:merge"
_CORE = "tag:yaml.org,2002:"
#: The tags a value may carry, by kind of node: YAML 1.2's core schema, nothing else
#: (no timestamps, sets, binary data or Python objects).
_ALLOWED_TAGS = {
    yaml.ScalarNode: {_CORE + t for t in ("str", "int", "float", "bool", "null")},
    yaml.SequenceNode: {_CORE + "seq"},
    yaml.MappingNode: {_CORE + "map"},
}


@dataclass(frozen=True)
class Limits:
    """Bounds on any input file; each is far above what a real scenario needs.

    The largest bundled file is about 20 KB, 6 levels deep, with about 1,000 values;
    a file at every bound is read in well under a second and a few tens of MB
    (bench/README.md).

    Attributes:
        file_bytes: Largest file read.
        depth: Deepest nesting of lists and mappings.
        items: Most entries in one list or mapping.
        values: Most values (scalars, lists, mappings) once aliases are expanded.
    """

    file_bytes: int = 256 * 1024
    depth: int = 50
    items: int = 10_000
    values: int = 20_000


LIMITS = Limits()


class _Bound(yaml.YAMLError):
    """An input that passes a bound; carries the line where it did."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark

    @staticmethod
    def deep(limits: Limits) -> str:
        """The message for input nested past the depth bound."""
        return f"is nested more than {limits.depth} levels deep; no input needs that many"


class _Resolver(BaseResolver):
    """Plain scalars typed by the YAML 1.2 core schema (plus ``<<`` merge keys)."""

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 (PyYAML's class-level registry)


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_Resolver.add_implicit_resolver(_CORE + "bool", _BOOL, list("tTfF"))
_Resolver.add_implicit_resolver(_CORE + "null", _NULL, ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(_CORE + "int", _INT, list("-+0123456789"))
_Resolver.add_implicit_resolver(_CORE + "float", _FLOAT, list("-+.0123456789"))
_Resolver.add_implicit_resolver(MERGE_TAG, re.compile(r"^<<$"), ["<"])


class _Constructor(SafeConstructor):
    """Scalars read by the YAML 1.2 core rules, tagged or not.

    ``010`` is ten, ``0o10`` eight, ``!!bool yes`` an error: text that does not fit
    its tag raises ValueError, which `_scalar` reports with its line.
    """

    def _text(self, node: yaml.ScalarNode, pattern: re.Pattern[str]) -> str:
        text = str(self.construct_scalar(node))
        if not pattern.match(text):
            raise ValueError(text)
        return text

    def construct_int12(self, node: yaml.ScalarNode) -> int:
        text = self._text(node, _INT)
        sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.lstrip("+"))
        if digits[:2] in ("0o", "0x"):
            return sign * int(digits[2:], 8 if digits[1] == "o" else 16)
        return sign * int(digits, 10)

    def construct_float12(self, node: yaml.ScalarNode) -> float:
        text = self._text(node, _FLOAT).lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text == ".nan":
            return float("nan")
        return float(text)

    def construct_bool12(self, node: yaml.ScalarNode) -> bool:
        return self._text(node, _BOOL).lower() == "true"

    def construct_null12(self, node: yaml.ScalarNode) -> None:
        self._text(node, _NULL)


_Constructor.add_constructor(_CORE + "int", _Constructor.construct_int12)
_Constructor.add_constructor(_CORE + "float", _Constructor.construct_float12)
_Constructor.add_constructor(_CORE + "bool", _Constructor.construct_bool12)
_Constructor.add_constructor(_CORE + "null", _Constructor.construct_null12)


class _BoundedComposer(Composer):
    """Builds the node graph, refusing it as soon as it passes a bound.

    The expanded size of each node (itself plus everything under it, aliases
    counted in full) is known when the node is complete, so an alias bomb is
    refused after reading a few hundred bytes rather than after expanding it.
    """

    limits: Limits = LIMITS

    def compose_document(self) -> yaml.Node:
        self._depth = 0
        self._sizes: dict[int, int] = {}
        self._aliased = False
        self._total = 0  # values so far, aliases counted in full
        return super().compose_document()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            self._aliased = True
            # An alias inside its own anchor has no size yet: `_construct` names it.
            self._total += self._sizes.get(id(node), 1)
            self._check_size(self._total, mark)
            return node
        self._total += 1
        self._check_size(self._total, self.peek_event().start_mark)
        self._depth += 1
        if self._depth > self.limits.depth:
            raise _Bound(_Bound.deep(self.limits), self.peek_event().start_mark)
        if parent is not None and len(parent.value) >= self.limits.items:
            raise _Bound(
                f"a list or mapping has more than {self.limits.items:,} entries; no input needs that many",
                parent.start_mark,
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            children = (
                node.value
                if isinstance(node, yaml.SequenceNode)
                else [n for pair in node.value for n in pair]
            )
            size = 1 + sum(self._sizes.get(id(c), 1) for c in children)
        else:
            size = 1
        self._sizes[id(node)] = size
        return node

    def _check_size(self, size: int, mark: Any) -> None:
        if size <= self.limits.values:
            return
        if self._aliased:
            raise _Bound(
                f"expands to more than {self.limits.values:,} values through its aliases "
                "(anchors '&' repeated with '*'); write the values out or use fewer aliases",
                mark,
            )
        raise _Bound(f"holds more than {self.limits.values:,} values; no input needs that many", mark)


class _PyParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python reader, scanner and parser."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


class _PyLoader(_BoundedComposer, _PyParser, _Constructor, _Resolver):
    """The project's loader on the pure-Python parser (PyYAML built without libyaml)."""

    def __init__(self, text: str) -> None:
        _PyParser.__init__(self, text)
        _BoundedComposer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


try:  # libyaml scans and parses about three times faster; composing stays bounded here
    from yaml._yaml import CParser

    class _CLoader(_BoundedComposer, CParser, _Constructor, _Resolver):
        """The project's loader on libyaml's parser."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    _Loader: type = _CLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


def read_text(path: str | Path, limit: int | None = None) -> str:
    """Read a UTF-8 text file, turning every way it can fail into an `InputError`.

    Args:
        path: The file.
        limit: Largest size in bytes (default: `Limits.file_bytes`).
    """
    source = str(path)
    p = Path(path)
    limit = LIMITS.file_bytes if limit is None else limit
    if not p.exists():
        raise InputError.one(source, "no such file")
    if p.is_dir():
        # read_text also reads JSON records and decision files: say what it is, not "YAML".
        raise InputError.one(source, "is a folder, not a file")
    try:
        if not stat.S_ISREG(p.stat().st_mode):
            # A FIFO, a device or a socket: reading it may never end (a FIFO with no
            # writer, /dev/zero), so refuse it before opening.
            raise InputError.one(
                source, "is not a regular file (a pipe, device or socket); give a file saved on disk"
            )
        with p.open("rb") as fh:
            data = fh.read(limit + 1)  # bounded even if the size changed since stat
        if len(data) > limit:
            size = max(p.stat().st_size, len(data))
            raise InputError.one(
                source, f"is {size:,} bytes; input files are limited to {limit:,} bytes ({limit // 1024} KiB)"
            )
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise InputError.one(
            source,
            f"is not UTF-8 text (byte {bad}: {exc.reason}); save the file as UTF-8",
            line=line,
        ) from None
    except OSError as exc:
        raise InputError.one(source, f"cannot be read ({exc.strerror})") from None


def load_yaml(path: str | Path) -> tuple[Any, dict[Path_, int]]:
    """Load a YAML file.

    Args:
        path: The file to read.

    Returns:
        The data and a map from field path to 1-based line number.

    Raises:
        InputError: if the file is missing, is a directory, is not UTF-8 text, is
            too large, is empty, is malformed YAML, holds more than one document,
            repeats a key, or passes a bound of `Limits`.
    """
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; see `load_yaml`."""
    if not text.strip():
        raise InputError.one(source, "is empty; expected a YAML mapping")
    if len(text) > LIMITS.file_bytes:
        raise InputError.one(
            source, f"is {len(text):,} characters; at most {LIMITS.file_bytes:,} are allowed"
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError.one(source, "holds no YAML document; expected a mapping")
        lines: dict[Path_, int] = {}
        problems: list[Problem] = []
        data = _construct(loader, node, (), lines, problems, source, set())
    except RecursionError:  # defensive: the depth and size bounds come first
        raise InputError.one(source, "is nested too deeply to read") from None
    except yaml.composer.ComposerError as exc:
        if "expected a single document" not in str(exc):
            raise _as_input_error(exc, source, text) from None
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError.one(
            source,
            "holds more than one YAML document (a '---' line starts another); "
            "a file holds one: remove the '---' or split the file",
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise _as_input_error(exc, source, text) from None
    finally:
        if hasattr(loader, "dispose"):
            loader.dispose()
    if problems:
        raise InputError(problems)
    return data, lines


def _as_input_error(exc: yaml.YAMLError, source: str, text: str | None = None) -> InputError:
    if isinstance(exc, yaml.reader.ReaderError):
        # The reader reports a character YAML forbids (NUL, other control characters)
        # by position, with a multi-line "in <unicode string>" tail: say it in one line.
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        # The reader's position can be off by its buffering: find the character itself.
        at = text.find(char) if text is not None else -1
        line = text.count("\n", 0, at) + 1 if text is not None and at >= 0 else None
        return InputError.one(
            source,
            f"holds the control character U+{ord(char):04X}, which YAML does not allow; "
            "remove it (only tab, line feed and carriage return may appear)",
            line=line,
        )
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, _Bound):
        return InputError.one(source, what, line=line)
    if "maximum nesting depth" in what:  # libyaml's own bound on [ and { nesting
        return InputError.one(source, _Bound.deep(LIMITS), line=line)
    return InputError.one(source, f"is not valid YAML: {what}", line=line)


def parse_value(text: str, source: str, path: str = "") -> Any:
    """Read one command-line value (``--set PATH=VALUE``) by the file rules.

    ``0.3``, ``1e-1``, ``true``, ``[ROK, JPN]`` and ``suspended`` mean what they would
    in a scenario file; ``yes`` is the word yes.

    Raises:
        InputError: for an empty value or malformed YAML.
    """
    if not text.strip():
        raise InputError.one(source, "the value is empty", path=path, value=text)
    try:
        value, _ = parse_yaml(text, source)
    except InputError as exc:
        raise InputError.one(
            source,
            "the value is not a number, word or YAML list "
            f"({exc.problems[0].message}); quote text that holds ':' or '#'",
            path=path,
            value=text,
        ) from None
    if value is None:
        raise InputError.one(source, "the value is empty (null)", path=path, value=text)
    return value


def _construct(
    loader: Any,
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int],
    problems: list[Problem],
    source: str,
    open_nodes: set[int],
) -> Any:
    line = node.start_mark.line + 1
    lines[path] = line
    _check_tag(node, source, path)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in open_nodes:  # an alias inside its own anchor: it would never end
            raise InputError.one(
                source, "an alias refers to the value that contains it", line=line, path=dotted(path)
            )
        open_nodes = open_nodes | {id(node)}
    if isinstance(node, yaml.MappingNode):
        pairs = _pairs(loader, node, path, problems, source, open_nodes, report=True)
        return {
            key: _construct(loader, value_node, path + (key,), lines, problems, source, open_nodes)
            for key, value_node in pairs.items()
        }
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, child, path + (i,), lines, problems, source, open_nodes)
            for i, child in enumerate(node.value)
        ]
    return _scalar(loader, node, source, path)


def _check_tag(node: yaml.Node, source: str, path: Path_) -> None:
    if node.tag not in _ALLOWED_TAGS[type(node)]:
        tag = node.tag.replace(_CORE, "!!")
        raise InputError.one(
            source,
            f"the tag {tag} is not read here; only the standard tags (!!str, !!int, !!float, "
            "!!bool, !!null on values, !!seq and !!map on lists and mappings) are",
            line=node.start_mark.line + 1,
            path=dotted(path),
        )


def _scalar(loader: Any, node: yaml.ScalarNode, source: str, path: Path_) -> Any:
    """A scalar's value; an explicit tag its text does not fit (``!!int abc``) is an error."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        tag = node.tag.replace(_CORE, "!!")
        want = {"!!int": "a whole number", "!!float": "a number", "!!bool": "true or false"}.get(tag, "null")
        raise InputError.one(
            source,
            f"'{node.value}' does not fit its tag {tag}, which takes {want}",
            line=node.start_mark.line + 1,
            path=dotted(path),
        ) from None


def _pairs(
    loader: Any,
    node: yaml.MappingNode,
    path: Path_,
    problems: list[Problem],
    source: str,
    open_nodes: set[int],
    report: bool,
) -> dict[Any, yaml.Node]:
    """A mapping's keys and value nodes, with ``<<`` merge keys applied.

    As the merge-key spec says, the mapping's own keys win over merged ones and an
    earlier merged mapping wins over a later one; only the mapping's own keys may
    not repeat.
    """
    own: dict[Any, yaml.Node] = {}
    merged: list[yaml.MappingNode] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == MERGE_TAG:
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            if not all(isinstance(s, yaml.MappingNode) for s in sources):
                raise InputError.one(
                    source,
                    "'<<' merges a mapping: follow it with an alias of a mapping (<<: *base) "
                    "or a list of them",
                    line=line,
                    path=dotted(path),
                )
            if any(id(s) in open_nodes for s in sources):
                raise InputError.one(
                    source, "an alias refers to the value that contains it", line=line, path=dotted(path)
                )
            merged.extend(sources)
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError.one(
                source,
                "a mapping key must be a plain word or number, not a list or mapping",
                line=line,
                path=dotted(path),
            )
        _check_tag(key_node, source, path)
        key = _scalar(loader, key_node, source, path)
        if key in own and report:
            problems.append(
                Problem(
                    source,
                    line,
                    dotted(path + (key,)),
                    key,
                    "this key appears twice in the same mapping; keep one",
                )
            )
        own[key] = value_node
    for src in merged:
        for key, value_node in _pairs(loader, src, path, problems, source, open_nodes, False).items():
            own.setdefault(key, value_node)
    return own


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """Line of the nearest recorded ancestor of ``path`` (the value itself if known)."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


def dotted(path: Path_) -> str:
    """Human form of a field path: ``events[2].turn``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
