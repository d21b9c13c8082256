"""A finished model's results as tables (for notebooks) and JSON (for programs)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.actors import ACTORS, ALL_PAIRS, pair_name
from sim.scoring import INDEX_COMPONENTS
from sim.vocab import MECHANISMS, STATUSES, TERMS

if TYPE_CHECKING:
    import pandas as pd

    from sim.model import TrilateralModel


def _num(x: float) -> float | None:
    """A JSON-safe float: NaN (a rate never tested) becomes null."""
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def _display_path(path: str) -> str:
    """The path relative to the working folder when it lies inside it (portable output)."""
    from pathlib import Path

    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class RunResult:
    """Results of a finished `TrilateralModel` (one run or an ensemble)."""

    def __init__(self, model: TrilateralModel) -> None:
        """Wrap a model that has played all its turns."""
        if model.scores is None:
            raise ValueError("the model has not finished; step it until model.running is False")
        self.model = model
        self.scores = model.scores
        self.seeds = model.seeds

    # -- tables -------------------------------------------------------------------------------
    def runs_table(self) -> pd.DataFrame:
        """One row per run: seed, the index and its breakdown, rates, mechanism outcomes."""
        import pandas as pd

        s = self.scores
        cols: dict[str, Any] = {"run": np.arange(self.seeds.size), "seed": self.seeds, "index": s.index}
        cols["cohesion_mean"] = s.cohesion_mean
        cols["coordinated_response_rate"] = s.coordinated_response_rate
        cols["wedge_success_rate"] = s.wedge_success_rate
        cols["coercion_success_rate"] = s.coercion_success_rate
        for c in INDEX_COMPONENTS:
            cols[f"points_{c}"] = s.points[c]
        for m, name in enumerate(MECHANISMS):
            cols[f"{name}_time_active"] = s.time_active[:, m]
            cols[f"{name}_survived"] = s.survived[:, m]
            cols[f"{name}_recovery_time"] = s.recovery_time[:, m]
            cols[f"{name}_final_strength"] = s.final_strength[:, m]
        return pd.DataFrame(cols)

    def turns_table(self) -> pd.DataFrame:
        """One row per run and turn: events, actions, cohesion, tensions, trust, mechanisms."""
        import pandas as pd

        m = self.model
        if not m.history:
            raise ValueError("the model kept no history (keep_history=False)")
        opts = m.compiled.options
        ids = np.array(m.script.event_ids(), dtype=object)
        frames = []
        for rec in m.history:
            st = rec.state
            cols: dict[str, Any] = {
                "run": np.arange(m.n_runs),
                "seed": m.seeds,
                "turn": rec.turn,
                "events": [", ".join(ids[row]) for row in rec.fired] if ids.size else "",
                "cohesion": st.cohesion,
                "crisis": st.crisis,
                "dispute": st.dispute,
                "coordinated": rec.outcome.coordinated,
            }
            labels = np.array([opts.label(o) for o in range(len(opts))], dtype=object)
            for a, code in enumerate(ACTORS):
                cols[f"action_{code}"] = labels[rec.outcome.choices[:, a]]
            for i, j in ALL_PAIRS:
                cols[f"trust_{pair_name(i, j)}"] = st.trust[:, i, j]
            for k, name in enumerate(MECHANISMS):
                cols[f"strength_{name}"] = st.strength[:, k]
                cols[f"status_{name}"] = np.array(STATUSES, dtype=object)[st.status[:, k]]
            frames.append(pd.DataFrame(cols))
        return pd.concat(frames, ignore_index=True).sort_values(["run", "turn"], ignore_index=True)

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
            "cohesion_mean": _num(s.cohesion_mean[run]),
            "coordinated_response_rate": _num(s.coordinated_response_rate[run]),
            "wedge_success_rate": _num(s.wedge_success_rate[run]),
            "coercion_success_rate": _num(s.coercion_success_rate[run]),
            "mechanisms": {
                name: {
                    "time_active": _num(s.time_active[run, k]),
                    "survived": bool(s.survived[run, k]),
                    "recovery_time": _num(s.recovery_time[run, k]),
                    "final_strength": _num(s.final_strength[run, k]),
                }
                for k, name in enumerate(MECHANISMS)
            },
        }

    def to_dict(self, run: int = 0) -> dict[str, Any]:
        """One run as a JSON-ready document: scenario, seed, every turn, final scores."""
        m = self.model
        opts = m.compiled.options
        turns = []
        for rec in m.history:
            st = rec.state
            fired = [
                {
                    "id": eid,
                    "kind": e.kind,
                    "headline": e.headline,
                    "source": e.source,
                    "targets": list(e.targets),
                }
                for eid, e, on in zip(m.script.event_ids(), m.script.events, rec.fired[run], strict=True)
                if on
            ]
            actions = {}
            for a, code in enumerate(ACTORS):
                o = int(rec.outcome.choices[run, a])
                terms = {t: _num(rec.terms[run, a, k]) for k, t in enumerate(TERMS)}
                actions[code] = {
                    "action": opts.label(o),
                    "probability": _num(rec.probability[run, a]),
                    "terms": terms,
                }
            turns.append(
                {
                    "turn": rec.turn,
                    "briefing": m.script.briefings.get(rec.turn, ""),
                    "events": fired,
                    "actions": actions,
                    "coordinated_response": bool(rec.outcome.coordinated[run]),
                    "trust": {
                        ACTORS[i]: {
                            ACTORS[j]: _num(st.trust[run, i, j]) for j in range(len(ACTORS)) if j != i
                        }
                        for i in range(len(ACTORS))
                    },
                    "mechanisms": {
                        name: {"status": STATUSES[st.status[run, k]], "strength": _num(st.strength[run, k])}
                        for k, name in enumerate(MECHANISMS)
                    },
                    "scores": {
                        "cohesion": _num(st.cohesion[run]),
                        "crisis": _num(st.crisis[run]),
                        "dispute": _num(st.dispute[run]),
                    },
                }
            )
        return {
            "scenario": {
                "name": m.loaded.name,
                "title": m.script.title,
                "path": _display_path(m.loaded.path),
                "sha256": m.loaded.sha256,
            },
            "seed": int(m.seeds[run]),
            "turns": turns,
            "final": self.scorecard_dict(run),
        }
