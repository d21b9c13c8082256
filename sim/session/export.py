"""A session as tidy tables for analysts: Parquet and CSV, one row per observation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from sim.actors import ACTORS
from sim.files import atomic_write_bytes, atomic_write_text
from sim.model import TrilateralModel
from sim.session.report import describe_record, undone_records
from sim.session.state import SessionState
from sim.vocab import MECHANISMS, STATUSES


def tables(state: SessionState) -> dict[str, pd.DataFrame]:
    """The session's tables.

    - ``records``: one row per log record (undone ones flagged), with its fields.
    - ``decisions``: one row per turn in force and actor: the move, who made it, the rationale.
    - ``overrides``: one row per ruled value: the ruling, the engine's value, the reason.
    - ``turns``: one row per turn (0 = start): cohesion, index so far, crisis, dispute.
    - ``trust``: one row per turn and directed pair: trust and opinion.
    - ``mechanisms``: one row per turn and mechanism: status and strength.
    """
    records = state.records
    undone = undone_records(records)
    rows = []
    for r in records:
        rows.append(
            {
                "seq": r["seq"],
                "time": r.get("time", r.get("created")),
                "type": r["type"],
                "turn": r.get("turn", 0),
                "actor": r.get("actor"),
                "option": r.get("option"),
                "rationale": r.get("rationale"),
                "source": r.get("source") if r["type"] == "decision" else None,
                "reason": r.get("reason"),
                "detail": json.dumps(
                    {k: v for k, v in r.items() if k in ("event", "ruling", "engine", "moves", "to")} or None
                ),
                "undone": r["seq"] in undone,
                "text": describe_record(r),
            }
        )
    decisions = [
        {
            "turn": rec["turn"],
            "actor": code,
            "by": m["by"],
            "option": m["option"],
            "rationale": m.get("rationale"),
        }
        for rec in state.played
        for code, m in rec["moves"].items()
    ]
    overrides = [
        {
            "seq": r["seq"],
            "turn": r["turn"],
            "path": path,
            "ruling": str(value),
            "engine": str(r["engine"][path]),
            "reason": r["reason"],
            "undone": r["seq"] in undone,
        }
        for r in records
        if r["type"] == "override"
        for path, value in r["ruling"].items()
    ]
    turns, trust, mechs = [], [], []
    for t, snap in enumerate(state.snapshots):
        st = snap.state
        index = TrilateralModel.from_snapshot(snap, state.loaded, keep_history=False).index_so_far()[0]
        turns.append(
            {
                "turn": t,
                "cohesion": float(st.cohesion[0]),
                "index_so_far": float(index),
                "crisis": float(st.crisis[0]),
                "dispute": float(st.dispute[0]),
                "coordinated": bool(st.coordinated[0]),
            }
        )
        for i, a in enumerate(ACTORS):
            for j, b in enumerate(ACTORS):
                if i != j:
                    trust.append(
                        {
                            "turn": t,
                            "holder": a,
                            "toward": b,
                            "trust": float(st.trust[0, i, j]),
                            "opinion": float(st.opinion[0, i, j]),
                        }
                    )
        for k, name in enumerate(MECHANISMS):
            mechs.append(
                {
                    "turn": t,
                    "mechanism": name,
                    "status": STATUSES[int(st.status[0, k])],
                    "strength": float(st.strength[0, k]),
                }
            )
    columns = {
        "decisions": ["turn", "actor", "by", "option", "rationale"],
        "overrides": ["seq", "turn", "path", "ruling", "engine", "reason", "undone"],
    }
    return {
        "records": pd.DataFrame(rows),
        "decisions": pd.DataFrame(decisions, columns=columns["decisions"]),
        "overrides": pd.DataFrame(overrides, columns=columns["overrides"]),
        "turns": pd.DataFrame(turns),
        "trust": pd.DataFrame(trust),
        "mechanisms": pd.DataFrame(mechs),
    }


def write_tables(state: SessionState, folder: Path) -> list[str]:
    """Write every table as ``NAME.parquet`` and ``NAME.csv`` (atomically); return the names."""
    out = []
    for name, frame in tables(state).items():
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        atomic_write_bytes(folder / f"{name}.parquet", buf.getvalue())
        atomic_write_text(folder / f"{name}.csv", _spreadsheet_safe(frame).to_csv(index=False))
        out.append(name)
    return out


#: Leading characters a spreadsheet reads as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text cells that a spreadsheet would run as a formula quoted by a leading '.

    A team's rationale is free text typed in the room; opened in a spreadsheet, a cell
    such as ``=HYPERLINK(...)`` would run. Parquet keeps the text as typed.
    """
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return safe
