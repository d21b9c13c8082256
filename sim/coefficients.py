"""Coefficients named by path in the validation files (claims' direct terms, calibrated list).

A path there must name one number that the defaults already hold: zeroing or moving
a coefficient that does not exist would test nothing, silently.
"""

from __future__ import annotations

from typing import Any

from sim.params import default_tree, parse_path


def value_at(tree: dict[str, Any], path: str) -> float:
    """The number at a dotted path of a parameter tree.

    Args:
        tree: A parameter tree (plain dicts), e.g. `sim.params.default_tree()` or
            ``Parameters.model_dump()``.
        path: Dotted path, e.g. ``trust.dispute_erosion``.

    Raises:
        ValueError: naming the first unknown segment and what is allowed there, or
            saying that the path holds a section or a non-number.
    """
    node: Any = tree
    parts = parse_path(path)
    for depth, key in enumerate(parts):
        if not isinstance(node, dict):
            raise ValueError(f"'{'.'.join(parts[:depth])}' holds a single value, not a section")
        if key not in node:
            where = ".".join(parts[:depth]) or "the top level"
            allowed = ", ".join(str(k) for k in node) or "nothing"
            raise ValueError(
                f"no coefficient '{key}' under {where} in the defaults; allowed there: {allowed}"
            )
        node = node[key]
    if isinstance(node, dict):
        raise ValueError(f"is a section, not a coefficient; name one of: {', '.join(map(str, node))}")
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ValueError(f"holds {node!r}, not a number")
    return float(node)


def default_value(path: str) -> float:
    """The default value of a coefficient; see `value_at`."""
    return value_at(default_tree(), path)
