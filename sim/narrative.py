"""Plain-language account of a run: what happened each turn and why.

Built from the turn records of one run; used by the CLI, the JSON output and the
after-action report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.actions import K
from sim.actors import ACTORS, ALLY_PAIRS, CAPITAL, PRC
from sim.vocab import ACTION_KINDS, MECHANISMS, STATUSES, TERMS

if TYPE_CHECKING:
    from sim.actions import Options
    from sim.model import TrilateralModel, TurnRecord

#: Trust moves smaller than this are not worth a sentence.
NOTABLE_TRUST_CHANGE = 0.02


def reasons(model: TrilateralModel, record: TurnRecord, run: int, actor: int) -> list[tuple[str, float]]:
    """The preference-weighted utility terms behind an actor's choice, largest first."""
    weighted = record.terms[run, actor] * model.compiled.weights[actor]
    pairs = [(TERMS[k], float(weighted[k])) for k in range(len(TERMS)) if abs(weighted[k]) >= 0.005]
    return sorted(pairs, key=lambda p: -abs(p[1]))


def why(model: TrilateralModel, record: TurnRecord, run: int, actor: int, top: int = 3) -> str:
    """One line: 'security +0.21, economy -0.05 (p=0.62)'."""
    parts = [f"{t} {v:+.2f}" for t, v in reasons(model, record, run, actor)[:top]] or ["no strong pull"]
    return f"{', '.join(parts)} (p={record.probability[run, actor]:.2f})"


def turn_story(model: TrilateralModel, index: int, run: int = 0) -> list[str]:
    """Sentences about turn ``index`` (0-based into the history) of one run."""
    rec = model.history[index]
    before = model.history[index - 1].state if index > 0 else None
    opts = model.compiled.options
    out = []
    kinds = opts.kind[rec.outcome.choices[run]]
    targets = opts.target[rec.outcome.choices[run]]
    out.append(f"Beijing chose to {_verb(opts, int(rec.outcome.choices[run, PRC]))}.")
    if rec.outcome.crisis_turn[run]:
        if rec.outcome.coordinated[run]:
            out.append("The three allies answered together: a coordinated response.")
        else:
            apart = [CAPITAL[ACTORS[a]] for a in range(3) if not rec.outcome.responding[run, a]]
            out.append(f"No coordinated response: {', '.join(apart)} did not join.")
    for a in range(3):
        if rec.outcome.conceded[run, a]:
            out.append(
                f"{CAPITAL[ACTORS[a]]} conceded to Beijing's pressure "
                f"({rec.state.pressure[run, a]:.2f} left after relief): {why(model, rec, run, a)}."
            )
        if rec.outcome.wedge_split[run, a]:
            out.append(f"Beijing's wedge worked on {CAPITAL[ACTORS[a]]}, which broke ranks.")
        if kinds[a] == K["retaliate"] and targets[a] >= 0:
            out.append(f"{CAPITAL[ACTORS[a]]} retaliated against {CAPITAL[ACTORS[targets[a]]]}.")
    if before is not None:
        for i, j in ALLY_PAIRS:
            d = rec.state.trust[run, i, j] - before.trust[run, i, j]
            if abs(d) >= NOTABLE_TRUST_CHANGE:
                verb = "rose" if d > 0 else "fell"
                out.append(
                    f"Trust {CAPITAL[ACTORS[i]]}→{CAPITAL[ACTORS[j]]} {verb} {abs(d):.2f} "
                    f"to {rec.state.trust[run, i, j]:.2f}."
                )
        out.extend(_status_changes(before.status[run], rec.state.status[run]))
    return out


_VERBS = {
    "induce": "offer {target} an inducement",
    "military_pressure": "apply military pressure",
    "coerce": "coerce {target}",
    "retaliate": "retaliate against {target}",
    "repair": "repair relations with {target}",
    "invest": "invest in {mechanism}",
    "suspend": "suspend {mechanism}",
    "broker": "broker between Seoul and Tokyo",
    "joint_statement": "issue a joint statement",
}


def _verb(opts: Options, o: int) -> str:
    """An option as a verb phrase for prose: 'offer Seoul an inducement'."""
    kind = ACTION_KINDS[opts.kind[o]]
    target = CAPITAL[ACTORS[opts.target[o]]] if opts.target[o] >= 0 else ""
    mechanism = MECHANISMS[opts.mechanism[o]].replace("_", " ") if opts.mechanism[o] >= 0 else ""
    return _VERBS.get(kind, opts.label(o)).format(target=target, mechanism=mechanism)


def _status_changes(old: np.ndarray, new: np.ndarray) -> list[str]:
    return [
        f"{MECHANISMS[k].replace('_', ' ')} is now {STATUSES[new[k]]} (was {STATUSES[old[k]]})."
        for k in range(len(MECHANISMS))
        if old[k] != new[k]
    ]


def verdict(index: float) -> str:
    """A word for the resilience index."""
    if index >= 75:
        return "resilient"
    if index >= 55:
        return "strained but holding"
    if index >= 35:
        return "fragile"
    return "broken"
