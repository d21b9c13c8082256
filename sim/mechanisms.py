"""Cooperation mechanisms: what they do to the dynamics, and how they rise and fall.

Pure functions of the state; no mesa here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.compiled import Compiled
from sim.state import State
from sim.vocab import ACTIVE, ENDED, HOOKS, SUSPENDED

H = {name: i for i, name in enumerate(HOOKS)}


@dataclass(frozen=True)
class Hooks:
    """The mechanisms' combined effects this turn.

    Attributes:
        actor: Saturated effect per hook and actor in [0, 1), shape (n, hooks, actors):
            1 - exp(-sum of strength x coefficient over the actor's active mechanisms).
        trust_repair: Good trust signal between co-members, shape (n, actors, actors).
        opinion_repair: Good opinion signal between co-members, shape (n, actors, actors).
    """

    actor: np.ndarray
    trust_repair: np.ndarray
    opinion_repair: np.ndarray

    def of(self, hook: str) -> np.ndarray:
        """One hook's value per actor, shape (n, actors)."""
        return self.actor[:, H[hook], :]


def member_sets(compiled: Compiled) -> list[tuple[np.ndarray, np.ndarray]]:
    """Mechanisms grouped by identical membership: (mechanism indexes, member actors)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for m, row in enumerate(compiled.members):
        groups.setdefault(tuple(np.flatnonzero(row)), []).append(m)
    return [(np.array(ms), np.array(actors)) for actors, ms in groups.items()]


def mechanism_hooks(state: State, compiled: Compiled) -> Hooks:
    """Sum the active mechanisms' effects, weighted by strength."""
    live = state.strength * (state.status == ACTIVE)  # (n, M)
    n = state.n
    n_a = compiled.members.shape[1]
    raw = np.zeros((n, len(HOOKS), n_a))
    trust_repair = np.zeros((n, n_a, n_a))
    opinion_repair = np.zeros((n, n_a, n_a))
    # Mechanisms sharing a membership act on the same actors; summing their effects
    # in a fixed order keeps a run's result independent of the ensemble's size.
    for ms, actors in member_sets(compiled):
        pair = np.ix_(actors, actors)
        for h in range(len(HOOKS)):
            total = np.zeros(n)
            for m in ms:
                if compiled.effects[m, h] != 0.0:
                    total += live[:, m] * compiled.effects[m, h]
            raw[:, h, actors] += total[:, None]
            if h in (H["trust_repair"], H["opinion_repair"]):
                target = trust_repair if h == H["trust_repair"] else opinion_repair
                block = target[:, pair[0], pair[1]] + total[:, None, None]
                target[:, pair[0], pair[1]] = block
    for target in (trust_repair, opinion_repair):
        idx = np.arange(n_a)
        target[:, idx, idx] = 0.0
    return Hooks(actor=1.0 - np.exp(-raw), trust_repair=trust_repair, opinion_repair=opinion_repair)


def member_trust(trust: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Lowest trust between any two members of each mechanism, shape (n, mechanisms)."""
    out = np.empty((trust.shape[0], compiled.members.shape[0]))
    for ms, actors in member_sets(compiled):
        weakest = np.full(trust.shape[0], np.inf)
        for i in actors:
            for j in actors:
                if i != j:
                    weakest = np.minimum(weakest, trust[:, i, j])
        out[:, ms] = weakest[:, None]
    return out


def step_mechanisms(
    state: State,
    compiled: Compiled,
    investing: np.ndarray,
    suspending: np.ndarray,
    conceding: np.ndarray,
    hooks: Hooks,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move each mechanism's strength and status one turn.

    Args:
        state: State after this turn's trust update (its trust gates suspension).
        compiled: Tables.
        investing: Members investing this turn, count per mechanism, shape (n, M).
        suspending: Whether a member suspended it this turn, shape (n, M).
        conceding: Members who conceded to Beijing this turn, count per mechanism, shape (n, M).
        hooks: This turn's mechanism effects (for the spillover shield).

    Returns:
        New strength, status and suspended_for arrays.
    """
    p = compiled.params.mechanism_rules
    mech = compiled.mech
    s, status = state.strength, state.status
    shield = _members_mean(hooks.of("spillover_shield"), compiled)  # (n, M)
    stress = mech["stress"] * p.spillover * state.dispute[:, None] * compiled.seoul_tokyo * (1.0 - shield)
    gain = mech["invest_gain"] * investing * (1.0 - s)
    loss = (mech["decay"] + stress + p.suspended_decay * (status == SUSPENDED)) * s
    # A member that gives way to Beijing hollows out what it promised the others.
    kept = (1.0 - mech["concession_stress"]) ** conceding
    strength = np.clip((s + gain - loss) * kept, 0.0, 1.0)

    weakest = member_trust(state.trust, compiled)
    # An active mechanism is suspended by a member, by distrust among its members, or
    # when it has grown too weak to function (it lapses).
    lapsed = strength < mech["lapse_below"]
    suspend = (status == ACTIVE) & (suspending | (weakest < mech["suspend_below"]) | lapsed)
    resume = (status == SUSPENDED) & (investing > 0) & (weakest >= mech["resume_above"]) & ~suspending
    new_status = status.copy()
    new_status[suspend] = SUSPENDED
    new_status[resume] = ACTIVE
    suspended_for = np.where(new_status == SUSPENDED, state.suspended_for + 1, 0).astype(np.int16)
    end_after = mech["end_after"]
    ends = (new_status == SUSPENDED) & (end_after > 0) & (suspended_for >= end_after)
    new_status[ends] = ENDED
    suspended_for[ends] = 0
    return strength, new_status, suspended_for


def _members_mean(per_actor: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Mean of a per-actor value over each mechanism's members, shape (n, M)."""
    counts = compiled.members.sum(axis=1)
    out = np.zeros((per_actor.shape[0], compiled.members.shape[0]))
    for a in range(compiled.members.shape[1]):
        out += per_actor[:, a : a + 1] * compiled.members[None, :, a]
    return out / counts
