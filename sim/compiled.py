"""Parameters turned into numpy tables for the vectorised dynamics.

Built once per model; nothing here changes during a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.actions import Options, build_options
from sim.actors import ACTORS, PARTNERS
from sim.params import Parameters, rate_declarations
from sim.timescale import scale_parameters
from sim.vocab import ACTION_KINDS, CHANNELS, EVENT_KINDS, HOOKS, MECHANISMS, STATUSES, TERMS

N_A = len(ACTORS)


@dataclass(frozen=True)
class Compiled:
    """Numeric tables derived from `Parameters`.

    Attributes:
        params: The parameters these tables come from.
        options: The option table (menus).
        weights: Preference weights, shape (actors, terms).
        temperature: Logit temperature, shape (actors,).
        members: Mechanism membership, shape (mechanisms, actors), 0/1.
        co_members: 1 where both actors belong to the mechanism, shape (mechanisms, actors, actors).
        effects: Mechanism effect coefficients, shape (mechanisms, hooks).
        seoul_tokyo: 1 for mechanisms that have both Seoul and Tokyo as members.
        mech: Per-mechanism dynamics arrays keyed by field name, each shape (mechanisms,).
        event_coef: Effect per unit magnitude, shape (event kinds, channels).
        utility: For each action kind, its (term index, feature, coefficient) entries.
        world: The starting views as matrices, keyed trust, opinion, threat, exposure
            (holder x object; the diagonal is 1 for trust and opinion, else 0).
        months: Turn length in months; ``params`` holds its rates per turn.
    """

    params: Parameters
    options: Options
    weights: np.ndarray
    temperature: np.ndarray
    members: np.ndarray
    co_members: np.ndarray
    effects: np.ndarray
    seoul_tokyo: np.ndarray
    mech: dict[str, np.ndarray]
    event_coef: np.ndarray
    utility: dict[int, list[tuple[int, str, float]]]
    world: dict[str, np.ndarray]
    months: float = 1.0


def _matrix(table: dict[str, dict[str, float]], diagonal: float) -> np.ndarray:
    out = np.full((N_A, N_A), diagonal)
    for i, holder in enumerate(ACTORS):
        for j, obj in enumerate(ACTORS):
            if i != j:
                out[i, j] = table[holder][obj]
    return out


def compile_parameters(params: Parameters, months: float = 1.0) -> Compiled:
    """Build the numeric tables for ``params``.

    Args:
        params: Parameters with their rates per month (as written in the data files).
        months: The scenario's turn length in months (`sim.timescale`); the declared
            per-month rates are scaled to it, and ``Compiled.params`` holds them per turn.
    """
    params = scale_parameters(params, months, rate_declarations())
    weights = np.array([[getattr(params.actors[a].preferences, t) for t in TERMS] for a in ACTORS])
    temperature = np.array([params.actors[a].temperature for a in ACTORS])
    mechs = [params.mechanisms[m] for m in MECHANISMS]
    members = np.array([[1.0 if a in m.members else 0.0 for a in ACTORS] for m in mechs])
    co_members = members[:, :, None] * members[:, None, :]
    for i in range(N_A):
        co_members[:, i, i] = 0.0
    effects = np.array([[m.effects.get(h, 0.0) for h in HOOKS] for m in mechs])
    fields = (
        "strength",
        "decay",
        "invest_gain",
        "stress",
        "lapse_below",
        "concession_stress",
        "notice_period",
        "salience",
    )
    mech = {f: np.array([float(getattr(m, f)) for m in mechs]) for f in fields}
    mech["status"] = np.array([STATUSES.index(m.status) for m in mechs], dtype=np.int8)
    event_coef = np.array(
        [[getattr(params.events[k], c) if k in params.events else 0.0 for c in CHANNELS] for k in EVENT_KINDS]
    )
    utility = {
        ACTION_KINDS.index(kind): [
            (TERMS.index(term), feature, float(coef))
            for term, feats in terms.items()
            for feature, coef in feats.items()
            if coef != 0.0
        ]
        for kind, terms in params.utility.items()
    }
    w = params.world
    world = {
        "trust": _matrix(w.trust, 1.0),
        "opinion": _matrix(w.opinion, 1.0),
        "threat": _matrix(w.threat, 0.0),
        "exposure": _matrix(w.exposure, 0.0),
    }
    return Compiled(
        world=world,
        params=params,
        options=build_options(params),
        weights=weights,
        temperature=temperature,
        members=members,
        co_members=co_members,
        effects=effects,
        seoul_tokyo=members[:, PARTNERS[0]] * members[:, PARTNERS[1]],
        mech=mech,
        event_coef=event_coef,
        utility=utility,
        months=months,
    )
