"""The state of an ensemble of runs: numpy arrays with a leading run axis."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from sim.actors import ACTORS
from sim.compiled import Compiled
from sim.vocab import MECHANISMS, SUSPENDED

N_A = len(ACTORS)
N_M = len(MECHANISMS)


@dataclass(frozen=True)
class State:
    """Everything that changes during a run, for n runs at once.

    Views are rows holder → object: ``trust[:, i, j]`` is how far i trusts j.

    Attributes:
        trust: Directed trust in [0, 1], shape (n, 4, 4).
        opinion: Public opinion of the other (0.5 neutral), shape (n, 4, 4).
        threat: Threat perception of the other, shape (n, 4, 4).
        exposure: Share of trade with the other, shape (n, 4, 4).
        resolve: Willingness to bear costs, shape (n, 4).
        crisis: Military tension, shape (n,).
        dispute: Seoul-Tokyo history and territorial heat in [0, 1), shape (n,): news
            accumulates into it with diminishing but never-zero effect (`sim.heat`).
        dispute_news: Dispute heat brought by this turn's news so far, shape (n,):
            the events add theirs; adjudication adds the allies' retaliation and the
            offers taken (`offer_heat`) to it in a local total, the turn's news (what
            erodes trust, not the standing level), and clears it.
        offer_heat: Dispute heat each actor's taking of Beijing's offers would bring this
            turn, shape (n, 4): an offer to join Beijing against the partner (the
            ``dispute_if_taken`` channel) heats the Seoul-Tokyo dispute only if the
            target hedges toward Beijing in the same turn; adjudication reads and clears it.
        grievance: Tit-for-tat memory, shape (n, 4, 4): ``grievance[:, i, j]`` is the
            bad evidence j's recent measures against i sent (its retaliation, its
            suspension of a shared mechanism, events attributed to it), fading each
            turn; what moves i to retaliate against j.
        pressure: Beijing's coercive pressure on each actor, shape (n, 4).
        leverage: How much harder the measures in force bite than a cut of ordinary
            trade, per actor, shape (n, 4): the pressure-weighted mean, over the
            measures that built the pressure, of the target's sourced dependence on
            what each cuts over its trade exposure to Beijing (1 for a measure with no
            stated dependence, and for Beijing's coerce action). Pain is pressure x
            exposure x leverage.
        inducement: Beijing's standing offers to each actor, shape (n, 4).
        demand: Washington's standing asks of each actor, shape (n, 4).
        strength: Mechanism strength in [0, 1], shape (n, mechanisms).
        status: Mechanism status (0 active, 1 suspended, 2 ended), shape (n, mechanisms).
        suspended_for: Consecutive turns suspended, shape (n, mechanisms).
        held_by: Members holding each mechanism suspended, a bitmask over actors
            (bit a set when actor a suspended it and has not restored it; every
            member for a mechanism that starts suspended), shape (n, mechanisms);
            0 for a mechanism suspended by an event or by lapsing.
        noticed_by: Members whose notice of termination is pending, a bitmask over
            actors, shape (n, mechanisms).
        notice_left: Turns until a pending notice ends the mechanism, shape
            (n, mechanisms); 0 when no notice is pending.
        urged: Washington's pressure on each actor about each mechanism (columns
            0..M-1) and about its relationship with its Asian partner (column M),
            in [0, 1], shape (n, actors, mechanisms + 1).
        cost: Cumulative economic cost, shape (n, 4).
        coordinated: Whether the allies answered together last turn, shape (n,).
        cohesion: Last turn's cohesion index (0-100), shape (n,).
        fired: Whether each scenario event has fired yet, shape (n, events).
    """

    trust: np.ndarray
    opinion: np.ndarray
    threat: np.ndarray
    exposure: np.ndarray
    resolve: np.ndarray
    crisis: np.ndarray
    dispute: np.ndarray
    dispute_news: np.ndarray
    offer_heat: np.ndarray
    grievance: np.ndarray
    pressure: np.ndarray
    leverage: np.ndarray
    inducement: np.ndarray
    demand: np.ndarray
    strength: np.ndarray
    status: np.ndarray
    suspended_for: np.ndarray
    held_by: np.ndarray
    noticed_by: np.ndarray
    notice_left: np.ndarray
    urged: np.ndarray
    cost: np.ndarray
    coordinated: np.ndarray
    cohesion: np.ndarray
    fired: np.ndarray

    @property
    def n(self) -> int:
        """Number of runs."""
        return self.crisis.shape[0]

    def evolve(self, **changes: np.ndarray) -> State:
        """A copy with some arrays replaced."""
        return replace(self, **changes)

    def take(self, rows: np.ndarray | slice) -> State:
        """The state of a subset of runs."""
        return State(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def member_bits(compiled: Compiled) -> np.ndarray:
    """Each mechanism's members as a bitmask over actors (bit a for actor a), shape (mechanisms,)."""
    return (compiled.members.astype(np.int64) << np.arange(N_A)[None]).sum(axis=1).astype(np.int8)


def initial_state(compiled: Compiled, n: int, n_events: int) -> State:
    """The starting state of n identical runs, from the parameters' world.

    A mechanism that starts suspended (not in force in the scenario's world) is held
    suspended by every member: all of them must restore it before it is in force (a
    bilateral agreement needs both signatures).
    """
    w = compiled.params.world

    def tile(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, (n, *x.shape)).copy()

    return State(
        trust=tile(compiled.world["trust"]),
        opinion=tile(compiled.world["opinion"]),
        threat=tile(compiled.world["threat"]),
        exposure=tile(compiled.world["exposure"]),
        resolve=tile(np.array([w.resolve[a] for a in ACTORS])),
        crisis=np.full(n, w.crisis),
        dispute=np.full(n, w.dispute),
        dispute_news=np.zeros(n),
        offer_heat=np.zeros((n, N_A)),
        grievance=np.zeros((n, N_A, N_A)),
        pressure=np.zeros((n, N_A)),
        leverage=np.ones((n, N_A)),
        inducement=np.zeros((n, N_A)),
        demand=np.zeros((n, N_A)),
        strength=tile(compiled.mech["strength"]),
        status=tile(compiled.mech["status"]),
        suspended_for=np.zeros((n, N_M), dtype=np.int16),
        held_by=tile(
            np.where(compiled.mech["status"] == SUSPENDED, member_bits(compiled), 0).astype(np.int8)
        ),
        noticed_by=np.zeros((n, N_M), dtype=np.int8),
        notice_left=np.zeros((n, N_M), dtype=np.int16),
        urged=np.zeros((n, N_A, N_M + 1)),
        cost=np.zeros((n, N_A)),
        coordinated=np.zeros(n, dtype=bool),
        cohesion=np.zeros(n),
        fired=np.zeros((n, n_events), dtype=bool),
    )
