"""How a schema error is told to the person who wrote the input.

Every file and command-line value is validated in pydantic's strict mode: a number
field takes a number (not ``true``, not the text ``"0.5"``), a whole-number field a
whole number, a true/false field ``true`` or ``false``, a text field text. `explain`
turns pydantic's error into what is allowed and how to write it instead.
"""

from __future__ import annotations

import math
from typing import Any

#: Words YAML 1.1 read as booleans; here they are words, so say so when one lands
#: where a number or a true/false is expected.
YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


def _number_text(value: Any) -> float | None:
    """The number a piece of text spells (``"0.5"``, ``"1_000"``), if it spells one."""
    if not isinstance(value, str):
        return None
    try:
        return float(value.replace("_", "").strip())
    except ValueError:
        return None


def _write(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _not_a_number(value: Any, whole: bool) -> str:
    what = "a whole number" if whole else "a number"
    if isinstance(value, bool):
        return f"is true/false, not {what}; write {what} such as {'3' if whole else '0.5'}"
    if isinstance(value, str) and value.strip().lower() in YAML11_BOOLEANS:
        return (
            f"must be {what}; '{value}' is read as a word, not as true/false or 1/0 "
            f"(write {'1 or 0' if whole else 'a number such as 0.5'})"
        )
    spelled = _number_text(value)
    if spelled is not None and not math.isfinite(spelled):
        # "nan", "inf": YAML reads them as words; no spelling of them is allowed anyway.
        return f"must be a finite {what.removeprefix('a ')} (not nan or infinity)"
    if spelled is not None:
        return f"is text, not {what}; write {_write(spelled)} without quotes or underscores"
    if whole and isinstance(value, float):
        if value.is_integer():
            return f"must be a whole number; write {int(value)}, not {value!r}"
        return "must be a whole number"
    return f"must be {what}"


def explain(err: dict[str, Any]) -> str:
    """What is wrong with a value and what is allowed, from one pydantic error.

    Args:
        err: One entry of ``ValidationError.errors()``.

    Returns:
        A lower-case clause such as ``must be >= 0.0`` or ``is text, not a number;
        write 0.5 without quotes or underscores``.
    """
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than") and (
        isinstance(value, float) and not math.isfinite(value)
    ):
        # .nan fails every comparison, so "must be <= 1.0" would mislead: say what is wrong.
        return "must be a finite number (not .inf or .nan)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
        bound = next(iter(ctx.values()), "")
        return f"must be {sign[kind]} {bound}"
    if kind == "float_type":
        return _not_a_number(value, whole=False)
    if kind == "int_type":
        return _not_a_number(value, whole=True)
    if kind == "finite_number":
        return "must be a finite number (not .inf or .nan)"
    if kind == "bool_type":
        if isinstance(value, str) and value.strip().lower() in YAML11_BOOLEANS:
            return f"must be true or false; write true or false, not '{value}'"
        return "must be true or false"
    if kind == "string_type":
        if isinstance(value, bool | int | float):
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            return f"must be text; to mean the text, put it in quotes: '{shown}'"
        return "must be text"
    if kind == "list_type":
        return "must be a list, e.g. [ROK, JPN]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a mapping of keys to values"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    msg = str(err.get("msg", "is not allowed"))
    return msg[0].lower() + msg[1:]
