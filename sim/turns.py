"""The per-turn table: one schema for the Python API and a sweep's ``turns.parquet``.

A row per run and turn. The columns are declared once here (`turn_schema`); the
model keeps a compact `snapshot` of each turn (in its history or its sweep trace),
and `turn_table` turns a run's snapshots into the table, so
`sim.results.RunResult.turns_table` and ``turns.parquet`` (which adds the sweep's
``point``) have the same columns, types and meanings.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from sim.actors import ACTORS, ALL_PAIRS, pair_name
from sim.vocab import MECHANISMS, STATUSES

#: Levels are stored as 32-bit floats: ample for values in [0, 100], half the size.
LEVEL = pa.float32()
LABEL = pa.dictionary(pa.int32(), pa.string())

#: Column name -> meaning, in table order (types in `turn_schema`).
COLUMNS: dict[str, str] = {
    "run_id": "the run (in a sweep: point * runs_per_point + k)",
    "seed": "the run's seed",
    "turn": "turn number, from 1",
    "events": "ids of the events that fired this turn, comma-separated",
    "cohesion": "the allies' cohesion after the turn, 0-100",
    "index": "resilience index of the turns so far, 0-100",
    "crisis": "military tension after the turn, 0-1",
    "dispute": "Seoul-Tokyo history and territorial heat after the turn, 0-1",
    "coordinated": "the three allies answered together this turn",
    **{f"action_{a}": f"{a}'s move this turn" for a in ACTORS},
    **{f"trust_{pair_name(i, j)}": f"trust {ACTORS[i]}->{ACTORS[j]} after the turn" for i, j in ALL_PAIRS},
    **{f"strength_{m}": f"strength of {m} after the turn, 0-1" for m in MECHANISMS},
    **{f"status_{m}": f"status of {m} after the turn ({', '.join(STATUSES)})" for m in MECHANISMS},
}


def _type(name: str) -> pa.DataType:
    if name in ("run_id", "seed"):
        return pa.int64()
    if name == "turn":
        return pa.int16()
    if name == "coordinated":
        return pa.bool_()
    if name == "events":
        # Plain strings: the distinct patterns differ from chunk to chunk, and a per-chunk
        # dictionary would make a sweep's file depend on its chunking.
        return pa.string()
    if name.startswith(("action_", "status_")):
        return LABEL  # the same fixed dictionary in every chunk
    return LEVEL


def turn_schema() -> pa.Schema:
    """The Arrow schema of the per-turn table (a sweep's file adds ``point`` after ``run_id``)."""
    return pa.schema([pa.field(name, _type(name), metadata={"doc": doc}) for name, doc in COLUMNS.items()])


def snapshot(
    fired: np.ndarray,
    choices: np.ndarray,
    coordinated: np.ndarray,
    index: np.ndarray,
    state: object,
) -> dict[str, np.ndarray]:
    """What the per-turn table keeps of one turn (arrays over runs; references, not copies).

    Args:
        fired: Events that fired, shape (n, events).
        choices: Global option index per actor, shape (n, actors).
        coordinated: The allies answered together, shape (n,).
        index: Resilience index so far, shape (n,).
        state: The `sim.state.State` after the turn.
    """
    return {
        "fired": fired,
        "choices": choices,
        "coordinated": coordinated,
        "index": index,
        "cohesion": state.cohesion,
        "crisis": state.crisis,
        "dispute": state.dispute,
        "trust": state.trust,
        "strength": state.strength,
        "status": state.status,
    }


def _labels(codes: np.ndarray, dictionary: Sequence[str]) -> pa.DictionaryArray:
    """Codes into ``dictionary`` as a dictionary array (repeated words merged into one entry)."""
    position, words = _merged(tuple(dictionary))
    return pa.DictionaryArray.from_arrays(pa.array(position[codes.astype(np.intp)]), words)


@functools.lru_cache(maxsize=64)
def _merged(dictionary: tuple[str, ...]) -> tuple[np.ndarray, pa.Array]:
    """Each code's position among the distinct words (int32), and those words, sorted.

    Cached: a sweep labels every block's moves and statuses with the same few
    dictionaries (speed; the arrays are read only).
    """
    words, position = np.unique(np.asarray(list(dictionary), dtype=object).astype(str), return_inverse=True)
    return position.reshape(-1).astype(np.int32), pa.array(words.tolist())


def _event_labels(fired: np.ndarray, event_ids: Sequence[str]) -> pa.Array:
    """Each row's fired events as one label, via the distinct patterns (few per table).

    Each row's pattern is packed into bytes and read as one value, so finding the
    distinct patterns is 1-D: up to 64 events as a 64-bit integer, hashed
    (`pandas.factorize`), else an opaque byte string, sorted. Each row's label is
    then taken from the patterns' labels by Arrow, without a Python string per row
    (speed; the same labels).
    """
    n_events = fired.shape[1]
    packed = np.packbits(fired.astype(bool), axis=1)
    if packed.shape[1] <= 8:
        import pandas as pd

        padded = np.zeros((packed.shape[0], 8), dtype=np.uint8)
        padded[:, : packed.shape[1]] = packed
        codes, keys = pd.factorize(padded.view(np.uint64).ravel())
        as_bytes = np.ascontiguousarray(keys, dtype=np.uint64).view(np.uint8).reshape(-1, 8)
        patterns = np.unpackbits(as_bytes, axis=1)[:, :n_events].astype(bool)
    else:
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        _, first, codes = np.unique(keys, return_index=True, return_inverse=True)
        patterns = fired[first]
    words = [", ".join(e for e, on in zip(event_ids, row, strict=True) if on) for row in patterns]
    return pa.array(words, pa.string()).take(pa.array(np.asarray(codes).reshape(-1)))


def turn_table(
    snapshots: Sequence[dict[str, np.ndarray]],
    run_id: np.ndarray,
    seeds: np.ndarray,
    option_labels: Sequence[str],
    event_ids: Sequence[str],
) -> pa.Table:
    """The per-turn table of an ensemble: a row per run and turn, run-major.

    Args:
        snapshots: One `snapshot` per turn, in turn order.
        run_id: Each run's id, shape (n,).
        seeds: Each run's seed, shape (n,).
        option_labels: Label of every global option (``opts.label``).
        event_ids: The scenario's event ids.

    Returns:
        A table with `turn_schema`.
    """
    turns, n = len(snapshots), int(np.asarray(run_id).size)

    def level(values: list[np.ndarray]) -> np.ndarray:
        return np.stack(values, axis=1).astype(np.float32).ravel()

    def stacked(key: str) -> np.ndarray:  # (n, turns, ...) flattened to rows run-major
        arr = np.stack([s[key] for s in snapshots], axis=1)
        return arr.reshape(n * turns, *arr.shape[2:])

    cols: dict[str, pa.Array | np.ndarray] = {
        "run_id": np.repeat(np.asarray(run_id, dtype=np.int64), turns),
        "seed": np.repeat(np.asarray(seeds, dtype=np.int64), turns),
        "turn": np.tile(np.arange(1, turns + 1, dtype=np.int16), n),
    }
    fired = stacked("fired")
    cols["events"] = _event_labels(fired, event_ids) if fired.shape[1] else pa.array([""] * (n * turns))
    for key in ("cohesion", "index", "crisis", "dispute"):
        cols[key] = level([s[key] for s in snapshots])
    cols["coordinated"] = stacked("coordinated").astype(bool)
    choices = stacked("choices")
    for a, code in enumerate(ACTORS):
        cols[f"action_{code}"] = _labels(choices[:, a], option_labels)
    for i, j in ALL_PAIRS:
        cols[f"trust_{pair_name(i, j)}"] = level([s["trust"][:, i, j] for s in snapshots])
    for k, name in enumerate(MECHANISMS):
        cols[f"strength_{name}"] = level([s["strength"][:, k] for s in snapshots])
    status = stacked("status")
    for k, name in enumerate(MECHANISMS):
        cols[f"status_{name}"] = _labels(status[:, k], STATUSES)
    schema = turn_schema()
    arrays = [c if isinstance(c := cols[f.name], pa.Array) else pa.array(c, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)
