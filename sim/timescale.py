"""Turn length: parsing a scenario's ``turn_length`` and scaling per-month rates to it.

The coefficients in ``sim/data/parameters.yaml`` are per month. Which of them are
rates, and of what kind, is declared once, in that file's ``per_month:`` section; a
scenario whose turn is not a month plays with them scaled to its turn:

- ``share``: a share of a level lost, closed or gained per month (decays, drifts,
  per-turn probabilities). Over a turn of ``dt`` months it compounds:
  ``1 - (1 - r) ** dt``, so two half-month turns remove what one month removes.
- ``amount``: an amount added per month (an increment, a signal intensity, a cost
  per month). Over ``dt`` months it is ``r * dt``.
- ``months``: a duration in months, turned into whole turns: ``round(r / dt)``, at
  least 1 when ``r`` is positive (0 keeps its meaning, "never").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

RateKind = Literal["share", "amount", "months"]
RATE_KINDS: tuple[str, ...] = ("share", "amount", "months")

#: Days in a month: a Julian year over twelve.
DAYS_PER_MONTH = 365.25 / 12.0
_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}
#: The longest turn allowed: beyond it a per-month increment scaled linearly
#: overshoots the [0, 1] levels it feeds.
MAX_MONTHS = 3.0
_TURN_LENGTH = re.compile(r"^\s*(\d+)\s+(day|week|month)s?\s*$")


def parse_turn_length(text: str) -> float:
    """A turn length in months.

    Args:
        text: ``"N day(s)"``, ``"N week(s)"`` or ``"N month(s)"``, N a whole number
            of at least 1; the whole turn at most three months.

    Returns:
        The length in months (a month is 365.25 / 12 days).

    Raises:
        ValueError: with a message naming what is allowed.
    """
    match = _TURN_LENGTH.match(text) if isinstance(text, str) else None
    allowed = "expected 'N days', 'N weeks' or 'N months' with N a whole number >= 1, e.g. '2 weeks'"
    if match is None:
        raise ValueError(allowed)
    count, unit = int(match.group(1)), match.group(2)
    if count < 1:
        raise ValueError(allowed)
    months = count * _UNIT_DAYS[unit] / DAYS_PER_MONTH
    if months > MAX_MONTHS + 1e-9:
        raise ValueError(f"is longer than {MAX_MONTHS:g} months; per-month rates cannot be scaled that far")
    return months


def scale_rate(value: float, kind: str, months: float) -> float:
    """One per-month rate scaled to a turn of ``months`` months (see the module doc).

    Raises:
        ValueError: for an unknown kind.
    """
    if kind == "share":
        return 1.0 - (1.0 - value) ** months
    if kind == "amount":
        return value * months
    if kind == "months":
        return float(max(round(value / months), 1)) if value > 0 else 0.0
    raise ValueError(f"unknown rate kind {kind!r}; allowed: {', '.join(RATE_KINDS)}")


def matching_paths(
    tree: Any, pattern: tuple[str, ...], prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Every leaf path of ``tree`` matching ``pattern`` (``*`` matches any one key)."""
    if not pattern:
        return [prefix] if not isinstance(tree, dict) else []
    if not isinstance(tree, dict):
        return []
    head, rest = pattern[0], pattern[1:]
    keys: Iterable[str] = tree.keys() if head == "*" else ([head] if head in tree else [])
    out: list[tuple[str, ...]] = []
    for key in keys:
        out.extend(matching_paths(tree[key], rest, prefix + (str(key),)))
    return out


#: The parameters' model (`sim.params.Parameters`), or any pydantic model holding rates:
#: typed generically so that this module does not import `sim.params`, which reads it.
Model = TypeVar("Model", bound=BaseModel)


def scale_parameters(params: Model, months: float, rates: dict[str, str]) -> Model:
    """The parameters with every declared per-month rate scaled to a turn of ``months``.

    Args:
        params: Parameters whose rates are per month.
        months: Turn length in months; 1.0 returns ``params`` itself, untouched.
        rates: Path pattern (dotted, ``*`` for any key) to rate kind, as declared in
            ``parameters.yaml`` (`sim.params.rate_declarations`).

    Returns:
        A copy with the rates per turn. It is not re-validated: an amount scaled
        past a bound is clipped where it acts, as any level is.
    """
    if months == 1.0:
        return params
    tree = params.model_dump()
    out = params
    for pattern, kind in rates.items():
        for path in matching_paths(tree, tuple(pattern.split("."))):
            value = _get(tree, path)
            scaled = scale_rate(float(value), kind, months)
            out = _replace(out, path, int(scaled) if kind == "months" else scaled)
    return out


def _get(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _replace(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    """A copy of ``obj`` with the leaf at ``path`` replaced, without re-validation.

    Validation would refuse an amount scaled past its bound (a three-month coercion
    increment above 1); a scaled value is used where it acts, and clipped there as
    any level is.
    """
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(obj, dict):
        return {**obj, key: _replace(obj[key], rest, value)}
    return obj.model_copy(update={key: _replace(getattr(obj, key), rest, value)})
