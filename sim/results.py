"""A finished model's results as tables (for notebooks) and JSON (for programs)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.actors import ACTORS
from sim.narrative import SCALES, choice, turn_story, verdict, verdict_scale
from sim.score_fields import (
    INDEX_COMPONENTS,
    MECHANISM_SCORES,
    RUN_SCORES,
    ScoreField,
    mechanism_column,
    points_column,
)
from sim.state import State
from sim.vocab import MECHANISMS, STATUSES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from sim.model import TrilateralModel


def _num(x: float) -> float | None:
    """A JSON-safe float: NaN (a rate never tested) becomes null."""
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def _count(x: float) -> int | float:
    """A count: whole when it is whole, else an expected count (to the rates' six decimals)."""
    x = float(x)
    return int(x) if x.is_integer() else round(x, 6)


def _mechanism_value(field: ScoreField, x: float) -> float | bool | None:
    """A per-mechanism score as JSON: a flag as true/false (null: not tested), else a number."""
    if field.unit == "flag":
        return None if math.isnan(float(x)) else bool(x)
    return _num(x)


def _display_path(path: str) -> str:
    """The path relative to the working folder when it lies inside it (portable output)."""
    from pathlib import Path

    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _matrix(values: np.ndarray) -> dict[str, dict[str, float | None]]:
    """A (4, 4) holder -> object matrix as nested dicts, the diagonal left out."""
    n = len(ACTORS)
    return {ACTORS[i]: {ACTORS[j]: _num(values[i, j]) for j in range(n) if j != i} for i in range(n)}


def _state_dict(st: State, run: int) -> dict[str, Any]:
    """One run's views, resolve and mechanisms in a state, JSON-ready."""
    return {
        "trust": _matrix(st.trust[run]),
        "opinion": _matrix(st.opinion[run]),
        "threat": _matrix(st.threat[run]),
        "exposure": _matrix(st.exposure[run]),
        "resolve": {a: _num(st.resolve[run, i]) for i, a in enumerate(ACTORS)},
        "mechanisms": {
            name: {"status": STATUSES[st.status[run, k]], "strength": _num(st.strength[run, k])}
            for k, name in enumerate(MECHANISMS)
        },
    }


def _rounded(value: Any) -> Any:
    """Floats rounded as everywhere in the JSON (`_num`), through dicts and lists."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, float):
        return _num(value)
    return value


class RunResult:
    """Results of a finished `TrilateralModel` (one run or an ensemble)."""

    def __init__(self, model: TrilateralModel, command: list[str] | str | None = None) -> None:
        """Wrap a model that has played all its turns.

        Args:
            model: The finished model.
            command: The command that made it, for the provenance record (default:
                ``sys.argv``).
        """
        self.command = command
        if model.scores is None:
            raise ValueError("the model has not finished; step it until model.running is False")
        self.model = model
        self.scores = model.scores
        self.seeds = model.seeds

    def __repr__(self) -> str:
        """One line for a notebook: scenario, runs, seeds, the final index's mean."""
        seeds = [int(x) for x in self.seeds]
        shown = (
            f"seed={seeds[0]}"
            if len(seeds) == 1
            else f"seeds={seeds[0]}..{seeds[-1]}"
            if seeds == list(range(seeds[0], seeds[0] + len(seeds)))
            else f"seeds={seeds}"
        )
        index = float(np.mean(self.scores.index))
        return (
            f"<RunResult {Path(self.model.loaded.path).stem!r}: {len(seeds)} run{'s' * (len(seeds) != 1)}, "
            f"{shown}, final index mean {index:.1f}>"
        )

    # -- tables -------------------------------------------------------------------------------
    def runs_table(self) -> pd.DataFrame:
        """One row per run: seed, the index and its breakdown, rates, mechanism outcomes."""
        import pandas as pd

        s = self.scores
        cols: dict[str, Any] = {"run": np.arange(self.seeds.size), "seed": self.seeds}
        for f in RUN_SCORES:
            cols[f.name] = getattr(s, f.name)
        for c in INDEX_COMPONENTS:
            cols[points_column(c)] = s.points[c]
        for m, name in enumerate(MECHANISMS):
            for f in MECHANISM_SCORES:
                cols[mechanism_column(name, f.name)] = getattr(s, f.name)[:, m]
        return pd.DataFrame(cols)

    def turns_table(self, arrow: bool = False) -> pd.DataFrame | pa.Table:
        """One row per run and turn, in the per-turn schema shared with ``turns.parquet``.

        The columns are declared once in `sim.turns` (events, cohesion, index so far,
        tensions, whether the allies answered together, each actor's move, trust
        pairs, mechanism strengths and statuses); a sweep's file adds ``point``.

        Args:
            arrow: Return a `pyarrow.Table` instead of a DataFrame.
        """
        from sim.turns import snapshot, turn_table

        m = self.model
        if not m.history:
            raise ValueError("the model kept no history (keep_history=False)")
        opts = m.compiled.options
        table = turn_table(
            [
                snapshot(r.fired, r.outcome.choices, r.outcome.coordinated, r.index, r.state)
                for r in m.history
            ],
            np.arange(m.n_runs),
            m.seeds,
            [opts.label(o) for o in range(len(opts))],
            m.script.event_ids(),
        )
        return table if arrow else table.to_pandas()

    # -- JSON ---------------------------------------------------------------------------------
    def scorecard_dict(self, run: int = 0) -> dict[str, Any]:
        """The scorecard of one run as plain data."""
        s = self.scores
        return {
            "resilience_index": _num(s.index[run]),
            "breakdown": {
                c: {"component": _num(s.components[c][run]), "points": _num(s.points[c][run])}
                for c in INDEX_COMPONENTS
            },
            **{f.name: _num(getattr(s, f.name)[run]) for f in RUN_SCORES if f.name != "index"},
            "counts": self.counts(run),
            "verdict": {"word": verdict(float(s.index[run])), "scale": verdict_scale()},
            "mechanisms": {
                name: {f.name: _mechanism_value(f, getattr(s, f.name)[run, k]) for f in MECHANISM_SCORES}
                for k, name in enumerate(MECHANISMS)
            },
        }

    def counts(self, run: int = 0) -> dict[str, dict[str, int | float]]:
        """The counts behind each rate: ``{"coordinated_response": {"hits": k, "of": n}, ...}``."""
        t = self.model.tallies()
        pairs = {
            "coordinated_response": (t.coordinated_turns, t.crisis_turns),
            "wedge_success": (t.wedge.successes, t.wedge.attempts),
            "coercion_success": (t.coercion.successes, t.coercion.attempts),
        }
        # Wedge successes are an expected count (each episode won with a probability,
        # MODEL.md §8.2): kept to two decimals, the others are whole numbers.
        return {k: {"hits": _count(h[run]), "of": int(n[run])} for k, (h, n) in pairs.items()}

    def provenance(self, run: int | None = None, command: list[str] | str | None = None) -> dict[str, Any]:
        """What reproduces this result (`sim.provenance.provenance`), scenario text included.

        Args:
            run: One run's record (its seed only), or None for the whole ensemble.
            command: The command line (default: ``sys.argv``).
        """
        from sim.provenance import provenance

        m = self.model
        seeds = m.seeds if run is None else m.seeds[run : run + 1]
        # The scenario keeps every override given on top of its file, in order.
        record = provenance(
            m.loaded, m.loaded.overrides, seeds, command=command or self.command, with_text=True
        )
        record["scenario"]["path"] = _display_path(m.loaded.path)
        return record

    def to_dict(self, run: int = 0, provenance: bool = True) -> dict[str, Any]:
        """One run as a JSON-ready document: the same story as the text transcript.

        Scenario, seed, the starting state, every turn (briefing, injects with their
        briefings, each actor's move with its weighted utility terms, runner-up and
        margin, the state after the turn, and the turn's story with causes), the final
        scores with the counts behind each rate, and (``provenance``) the record that
        reproduces the run (`sim.api.replay`).
        """
        m = self.model
        turns = []
        for index, rec in enumerate(m.history):
            fired = [
                {
                    "id": eid,
                    "kind": e.kind,
                    "headline": e.headline,
                    "briefing": e.briefing,
                    "source": e.source,
                    "targets": list(e.targets),
                    "magnitude": e.magnitude,
                }
                for eid, e, on in zip(m.script.event_ids(), m.script.events, rec.fired[run], strict=True)
                if on
            ]
            actions = {code: _rounded(choice(m, rec, run, a)) for a, code in enumerate(ACTORS)}
            turns.append(
                {
                    "turn": rec.turn,
                    "briefing": m.script.briefings.get(rec.turn, ""),
                    "events": fired,
                    "actions": actions,
                    "coordinated_response": bool(rec.outcome.coordinated[run]),
                    **_state_dict(rec.state, run),
                    "scores": {
                        "cohesion": _num(rec.state.cohesion[run]),
                        "index_so_far": _num(rec.index[run]),
                        "crisis": _num(rec.state.crisis[run]),
                        "dispute": _num(rec.state.dispute[run]),
                    },
                    "story": turn_story(m, index, run),
                }
            )
        doc: dict[str, Any] = {
            "scenario": {
                "name": m.loaded.name,
                "title": m.script.title,
                "path": _display_path(m.loaded.path),
                "sha256": m.loaded.sha256,
            },
            "seed": int(m.seeds[run]),
            "scales": SCALES,
            "start": {
                **_state_dict(m.start, run),
                "scores": {
                    "cohesion": _num(m.start.cohesion[run]),
                    "crisis": _num(m.start.crisis[run]),
                    "dispute": _num(m.start.dispute[run]),
                },
            },
            "turns": turns,
            "final": self.scorecard_dict(run),
        }
        if provenance:
            doc["provenance"] = self.provenance(run)
        return doc
