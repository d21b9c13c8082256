"""A facilitator's ruling: parts of an adjudicated state replaced by hand, by path.

A ruling names what it changes with the same actor and mechanism names as the
scenario files: ``trust.ROK.JPN`` (how far Seoul trusts Tokyo), ``status.gsomia``,
``crisis``. Pure functions; the model applies a ruling with `TrilateralModel.override`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from sim.actors import ACTORS, INDEX
from sim.state import State
from sim.vocab import MECHANISMS, STATUSES, SUSPENDED

Value = float | str

#: Views held by one actor of another: ``trust.ROK.JPN``.
PAIR_FIELDS = ("trust", "opinion", "threat", "exposure")
#: One value per actor: ``pressure.ROK``.
ACTOR_FIELDS = ("resolve", "pressure", "inducement", "demand", "cost")
#: One value per run: ``crisis``.
SCALAR_FIELDS = ("crisis", "dispute")
#: One value per mechanism: ``strength.gsomia``, ``status.gsomia``.
MECHANISM_FIELDS = ("strength", "status")

ALLOWED = (
    "trust|opinion|threat|exposure.ACTOR.ACTOR, resolve|pressure|inducement|demand|cost.ACTOR, "
    "crisis, dispute, strength.MECHANISM (a number in [0, 1]; cost any finite number >= 0), or "
    f"status.MECHANISM ({'|'.join(STATUSES)}); actors: {', '.join(ACTORS)}"
)


def _where(path: str) -> tuple[str, tuple[int, ...]]:
    """The state field and index a ruling path addresses."""
    parts = path.split(".")
    name = parts[0]
    bad = ValueError(f"cannot rule on {path!r}; a ruling path is {ALLOWED}")
    if name in PAIR_FIELDS and len(parts) == 3 and parts[1] in INDEX and parts[2] in INDEX:
        if parts[1] == parts[2]:
            raise ValueError(f"{path!r} names the same actor twice; name two different actors")
        return name, (INDEX[parts[1]], INDEX[parts[2]])
    if name in ACTOR_FIELDS and len(parts) == 2 and parts[1] in INDEX:
        return name, (INDEX[parts[1]],)
    if name in SCALAR_FIELDS and len(parts) == 1:
        return name, ()
    if name in MECHANISM_FIELDS and len(parts) == 2:
        if parts[1] not in MECHANISMS:
            raise ValueError(f"{parts[1]!r} is not a mechanism; the mechanisms are {', '.join(MECHANISMS)}")
        return name, (MECHANISMS.index(parts[1]),)
    raise bad


def check_value(path: str, value: Value) -> Value:
    """The value a ruling sets at ``path``, checked (numbers as float, statuses as names).

    Raises:
        ValueError: a bad path, or a value out of bounds, with what is allowed.
    """
    name, _ = _where(path)
    if name == "status":
        if value not in STATUSES:
            raise ValueError(f"{path} must be one of {', '.join(STATUSES)}; got {value!r}")
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{path} must be a number; got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{path} must be a number; got {value!r}") from None
    upper = np.inf if name == "cost" else 1.0
    # inf and nan are refused: the log (strict JSON) cannot hold them, and a ruling that
    # changed the live state but never reached the log would make the session unreplayable.
    if not (math.isfinite(number) and 0.0 <= number <= upper):
        allowed = "a finite number >= 0" if name == "cost" else "a number in [0, 1]"
        raise ValueError(f"{path} must be {allowed}; got {value!r}")
    return number


def parse_ruling(items: list[str]) -> dict[str, Value]:
    """``["trust.ROK.JPN=0.4", "status.gsomia=active"]`` as a checked ruling.

    Raises:
        ValueError: an item without ``=``, a path named twice, a bad path or value.
    """
    out: dict[str, Value] = {}
    for item in items:
        path, sep, raw = item.partition("=")
        path, raw = path.strip(), raw.strip()
        if not sep or not path or not raw:
            raise ValueError(f"write a ruling as PATH=VALUE, e.g. trust.ROK.JPN=0.4; got {item!r}")
        if path in out:
            raise ValueError(f"{path} is ruled on twice; give it once")
        out[path] = check_value(path, raw)
    if not out:
        raise ValueError(f"a ruling changes at least one value: PATH=VALUE, where PATH is {ALLOWED}")
    return out


def read_value(state: State, path: str, run: int = 0) -> Value:
    """The value at ``path`` in one run of the state."""
    name, index = _where(path)
    value = getattr(state, name)[(run, *index)]
    return STATUSES[int(value)] if name == "status" else float(value)


def apply_ruling(state: State, ruling: Mapping[str, Value]) -> tuple[State, dict[str, Value]]:
    """Set every run's values at the ruling's paths.

    Args:
        state: The adjudicated state.
        ruling: New value by path (see `parse_ruling`).

    Returns:
        The ruled state, and the engine's own value at each path (of the first run).

    Raises:
        ValueError: a bad path or value; nothing is changed then.
    """
    checked = {path: check_value(path, v) for path, v in ruling.items()}
    engine = {path: read_value(state, path) for path in checked}
    changed: dict[str, np.ndarray] = {}
    for path, value in checked.items():
        name, index = _where(path)
        arr = changed.get(name)
        if arr is None:
            arr = changed[name] = getattr(state, name).copy()
        if name == "status":
            code = STATUSES.index(str(value))
            was = arr[(slice(None), *index)].copy()
            arr[(slice(None), *index)] = code
            # A mechanism ruled suspended is in its first suspended turn unless it was already.
            held = changed.get("suspended_for")
            if held is None:
                held = changed["suspended_for"] = state.suspended_for.copy()
            m = index[0]
            held[:, m] = np.where(code == SUSPENDED, np.where(was == SUSPENDED, held[:, m], 1), 0)
        else:
            arr[(slice(None), *index)] = float(value)
    return state.evolve(**changed), engine
