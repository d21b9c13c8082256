"""Read YAML while remembering where each value came from.

Errors must name the file and line of a bad value, so loading returns, beside the
data, a map from each field path (a tuple of keys and list indexes) to its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem

Path_ = tuple[str | int, ...]


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file, turning every way it can fail into an `InputError`."""
    source = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError.one(source, "no such file")
    if p.is_dir():
        raise InputError.one(source, "is a directory, not a YAML file")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.one(source, f"is not UTF-8 text ({exc.reason})") from None
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
            empty, is malformed YAML, or repeats a key.
    """
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; see `load_yaml`."""
    if not text.strip():
        raise InputError.one(source, "is empty; expected a YAML mapping")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError.one(source, "holds no YAML document; expected a mapping")
        lines: dict[Path_, int] = {}
        problems: list[Problem] = []
        data = _construct(loader, node, (), lines, problems, source, set())
    except RecursionError:
        raise InputError.one(source, "is nested too deeply to read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError.one(source, f"is not valid YAML: {what}", line=line) from None
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    return data, lines


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int],
    problems: list[Problem],
    source: str,
    open_nodes: set[int],
) -> Any:
    line = node.start_mark.line + 1
    lines[path] = line
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in open_nodes:  # an alias inside its own anchor: it would never end
            raise InputError.one(
                source, "an alias refers to the value that contains it", line=line, path=dotted(path)
            )
        open_nodes = open_nodes | {id(node)}
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError.one(
                    source,
                    "a mapping key must be a plain word or number, not a list or mapping",
                    line=key_node.start_mark.line + 1,
                    path=dotted(path),
                )
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                problems.append(
                    Problem(
                        source,
                        key_node.start_mark.line + 1,
                        dotted(path + (key,)),
                        key,
                        "this key appears twice in the same mapping; keep one",
                    )
                )
            out[key] = _construct(loader, value_node, path + (key,), lines, problems, source, open_nodes)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, child, path + (i,), lines, problems, source, open_nodes)
            for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


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
