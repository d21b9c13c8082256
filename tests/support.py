"""Helpers shared by the tests: hand-built states, choices, scenarios and runs."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from sim.actors import ACTORS, INDEX
from sim.compiled import Compiled, compile_parameters
from sim.mechanisms import Hooks
from sim.params import Override, build_parameters
from sim.scenario import LoadedScenario, Scenario
from sim.state import State, initial_state
from sim.vocab import HOOKS

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
SCENARIO_DIR = ROOT / "scenarios"
SMALL = DATA / "small.yaml"
CALM = DATA / "calm.yaml"
#: The scenarios the project ships (being written concurrently; tests skip missing ones).
BUNDLED = ("taiwan_strait", "wedge_driving", "economic_coercion")
N_A = len(ACTORS)


@cache
def _compiled_default() -> Compiled:
    return compile_parameters(build_parameters([]))


def compiled(settings: dict[str, Any] | None = None) -> Compiled:
    """Compiled parameters: the defaults, or the defaults with ``{"a.b": value}`` overrides."""
    if not settings:
        return _compiled_default()
    return compile_parameters(build_parameters(overrides(settings)))


def overrides(settings: dict[str, Any]) -> list[Override]:
    """``{"opinion.loss": 0.4}`` as override tuples."""
    return [(tuple(path.split(".")), value, "test", None) for path, value in settings.items()]


def make_state(c: Compiled | None = None, n: int = 1, n_events: int = 0, **changes: Any) -> State:
    """The initial state of n runs, with some arrays replaced.

    A scalar or an array without the run axis is broadcast over the runs.
    """
    c = c or compiled()
    s = initial_state(c, n, n_events)
    fixed = {}
    for name, value in changes.items():
        current = getattr(s, name)
        arr = np.asarray(value, dtype=current.dtype)
        if arr.shape != current.shape:
            arr = np.broadcast_to(arr, current.shape)
        fixed[name] = arr.copy()
    return s.evolve(**fixed)


def zero_hooks(n: int = 1) -> Hooks:
    """No mechanism effects at all (isolates the rule under test)."""
    return Hooks(
        actor=np.zeros((n, len(HOOKS), N_A)),
        trust_repair=np.zeros((n, N_A, N_A)),
        opinion_repair=np.zeros((n, N_A, N_A)),
    )


def option(c: Compiled, actor: str, label: str) -> int:
    """Global index of an actor's option by its label (``"repair JPN"``)."""
    o = c.options.find(INDEX[actor], label)
    if o is None:
        raise KeyError(f"{actor} has no option {label!r}")
    return o


def choices(c: Compiled | None = None, n: int = 1, **labels: str | Sequence[str]) -> np.ndarray:
    """Choices of every actor, shape (n, 4): ``hold`` unless given, e.g. ``ROK="hedge"``.

    A list of labels gives one label per run.
    """
    c = c or compiled()
    out = np.empty((n, N_A), dtype=np.int64)
    for a, code in enumerate(ACTORS):
        given = labels.get(code, "hold")
        per_run = [given] * n if isinstance(given, str) else list(given)
        out[:, a] = [option(c, code, label) for label in per_run]
    return out


def event(kind: str = "military_drill", **fields: Any) -> dict[str, Any]:
    """An event mapping with sensible defaults."""
    base = {
        "kind": kind,
        "headline": f"{kind} headline",
        "briefing": f"{kind} briefing",
        "turn": 1,
        "targets": ["USA", "ROK", "JPN"],
        "magnitude": 0.5,
    }
    base.update(fields)
    return base


def make_scenario(events: Iterable[dict[str, Any]] = (), turns: int = 4, **fields: Any) -> Scenario:
    """A validated scenario with a briefing for every turn."""
    data = {
        "title": "Test scenario",
        "description": "Built by the tests.",
        "sources": ["tests"],
        "turns": turns,
        "briefings": {t: f"Turn {t}." for t in range(1, turns + 1)},
        "events": list(events),
    }
    data.update(fields)
    return Scenario.model_validate(data)


def loaded(scenario: Scenario, settings: dict[str, Any] | None = None) -> LoadedScenario:
    """A loaded scenario built in memory (no file), with parameter overrides."""
    extra = overrides(settings or {})
    return LoadedScenario(
        path="<memory>",
        scenario=scenario,
        parameters=build_parameters(extra),
        sha256="",
        text="",
        overrides=tuple(extra),
    )


def play(scenario: Any, seeds: Sequence[int] | np.ndarray = (0,), **kwargs: Any):
    """Build a TrilateralModel over ``seeds`` and play it to the end."""
    from sim.model import TrilateralModel

    kwargs.setdefault("collect", False)
    model = TrilateralModel(scenario, seeds=seeds, **kwargs)
    while model.running:
        model.step()
    return model


def write(path: Path, text: str) -> Path:
    """Write dedented text to a file and return its path."""
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def bundled_path(name: str) -> Path:
    """Path of a bundled scenario (may not exist yet)."""
    return SCENARIO_DIR / f"{name}.yaml"


# -- golden traces ---------------------------------------------------------------------------

GOLDEN_SEED = 7


def golden_document(name: str) -> dict[str, Any]:
    """The JSON document of a bundled scenario at the golden seed, after a JSON round trip.

    The scenario path is made relative to the repository so the file does not depend
    on where the checkout lives.
    """
    import json

    from sim.model import TrilateralModel
    from sim.results import RunResult

    model = TrilateralModel(bundled_path(name), rng=GOLDEN_SEED, collect=False)
    while model.running:
        model.step()
    doc = RunResult(model).to_dict(provenance=False)  # versions and command line vary by machine
    doc["scenario"]["path"] = f"scenarios/{name}.yaml"
    return json.loads(json.dumps(doc, allow_nan=False))


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def document_differences(stored: Any, now: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every (field path, stored value, current value) where two JSON documents differ."""
    if isinstance(stored, dict) and isinstance(now, dict):
        out = []
        for key in list(stored) + [k for k in now if k not in stored]:
            sub = f"{path}.{key}" if path else str(key)
            out += document_differences(stored.get(key, "<absent>"), now.get(key, "<absent>"), sub)
        return out
    if isinstance(stored, list) and isinstance(now, list):
        out = []
        for i in range(max(len(stored), len(now))):
            a = stored[i] if i < len(stored) else "<absent>"
            b = now[i] if i < len(now) else "<absent>"
            out += document_differences(a, b, f"{path}[{i}]")
        return out
    return [] if stored == now else [(path, stored, now)]


def describe_differences(name: str, stored: dict[str, Any], now: dict[str, Any], limit: int = 12) -> str:
    """A readable account of how a run drifted from its golden trace."""
    import re

    def turn_of(field: str) -> int | None:
        m = re.match(r"turns\[(\d+)\]", field)
        return int(m.group(1)) + 1 if m else None

    diffs = document_differences(stored, now)
    if not diffs:
        return ""
    # the earliest turn first: later differences usually follow from it
    diffs.sort(key=lambda d: (turn_of(d[0]) is None, turn_of(d[0]) or 0))
    lines = [f"golden trace of '{name}' (seed {GOLDEN_SEED}) differs in {len(diffs)} field(s)"]
    first = turn_of(diffs[0][0])
    lines[0] += f"; the first difference is at turn {first}:" if first else ":"
    for field, a, b in diffs[:limit]:
        where = f"turn {turn_of(field)}: " if turn_of(field) else ""
        lines.append(f"  {where}{field}: stored {a!r}, now {b!r}")
    if len(diffs) > limit:
        lines.append(f"  ... and {len(diffs) - limit} more")
    lines.append(
        "If this change of behaviour is intended, regenerate the golden files with "
        "`python tests/regen_golden.py` and commit tests/golden/."
    )
    return "\n".join(lines)
