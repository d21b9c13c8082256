"""The end-of-sweep summary: the index's mean and 95% interval, by swept parameter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import InputError

#: Continuous (sampled) parameters are summarised in this many equal-count bins.
BINS = 5


def _interval(x: np.ndarray) -> tuple[float, float, float, int]:
    """Mean and its 95% confidence interval (normal approximation)."""
    n = x.size
    mean = float(x.mean())
    half = 1.96 * float(x.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    return mean, mean - half, mean + half, n


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    """A float64 column as a numpy array, nulls as NaN, as ``to_numpy(zero_copy_only=False)`` gives.

    Read from the column's buffers: pyarrow's ``to_numpy`` imports pandas (about 0.3 s
    of CPU, on the sweep's critical path after the last chunk). Another type (not a
    sweep's index) falls back to ``to_numpy``.
    """
    values = column.combine_chunks()
    if values.type != pa.float64():
        return column.to_numpy(zero_copy_only=False)
    if len(values) == 0:
        return np.zeros(0)
    validity, data = values.buffers()[:2]
    out = np.frombuffer(data, dtype=np.float64, count=len(values), offset=values.offset * 8)
    if values.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        out = np.where(bits[values.offset : values.offset + len(values)].astype(bool), out, np.nan)
    return out


def _label(value: object) -> str:
    """A swept value as the summary shows it: ``true`` for True, as in the files."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def summarise(out: str | Path) -> list[dict]:
    """Rows of (parameter, value or bin, n, mean, low, high) for the resilience index.

    Raises:
        InputError: if ``runs.parquet`` is missing, unreadable or not a sweep's runs
            table (a file damaged or replaced after the sweep finished).
    """
    path = Path(out) / "runs.parquet"
    try:
        # One file read as such: `pq.read_table` would import pyarrow.dataset, and pandas
        # with it (about 0.3 s of the sweep's CPU). A million runs: two columns, not sixty.
        with pq.ParquetFile(path) as runs:
            wanted = ["index"] + [n for n in runs.schema_arrow.names if n.startswith("param:")]
            table = runs.read(columns=wanted)
        index = _floats(table.column("index"))
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise InputError.one(
            str(path),
            f"cannot be read as a sweep's runs table ({exc}); move the folder aside and run the sweep again",
        ) from None
    rows = [
        {
            "parameter": "(all runs)",
            "value": "",
            **dict(zip(("mean", "low", "high", "n"), _interval(index), strict=True)),
        }
    ]
    for name in table.column_names:
        if not name.startswith("param:"):
            continue
        values = table.column(name).to_pylist()
        distinct = set(values)
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in distinct)
        if len(distinct) <= 12 or not numeric:
            # Numbers in numeric order; words and lists (stored as JSON text) as written.
            ordered = sorted(distinct) if numeric else sorted(distinct, key=str)
            codes = {v: k for k, v in enumerate(ordered)}
            code = np.fromiter((codes[x] for x in values), dtype=np.int64, count=len(values))
            groups = [(_label(v), code == k) for k, v in enumerate(ordered)]
        else:
            v = np.asarray(values, dtype=float)
            edges = np.quantile(v, np.linspace(0, 1, BINS + 1))
            groups = [
                (f"{lo:.3g}–{hi:.3g}", (v >= lo) & ((v <= hi) if k == BINS - 1 else (v < hi)))
                for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))
            ]
        for label, mask in groups:
            if mask.any():
                mean, low, high, n = _interval(index[mask])
                rows.append(
                    {
                        "parameter": name[len("param:") :],
                        "value": label,
                        "mean": mean,
                        "low": low,
                        "high": high,
                        "n": n,
                    }
                )
    return rows
