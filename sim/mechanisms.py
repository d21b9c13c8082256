"""Cooperation mechanisms: what they do to the dynamics, and how they rise and fall.

Pure functions of the state; no mesa here.
"""

from __future__ import annotations

import functools
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


def member_sets(compiled: Compiled) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Mechanisms grouped by identical membership: (mechanism indexes, member actors).

    Read-only arrays, shared by every call with the same membership table (the
    grouping is asked for several times a turn; speed, bench/README.md sitting L).
    """
    members = np.ascontiguousarray(compiled.members)
    return _member_sets(members.tobytes(), members.dtype.str, members.shape)


@functools.lru_cache(maxsize=32)
def _member_sets(
    table: bytes, dtype: str, shape: tuple[int, ...]
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """`member_sets` of the membership table given as its bytes, dtype and shape."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for m, row in enumerate(np.frombuffer(table, dtype=dtype).reshape(shape)):
        groups.setdefault(tuple(np.flatnonzero(row)), []).append(m)
    out = tuple((np.array(ms), np.array(actors)) for actors, ms in groups.items())
    for ms, actors in out:
        ms.flags.writeable = actors.flags.writeable = False
    return out


def mechanism_hooks(state: State, compiled: Compiled) -> Hooks:
    """Sum the active mechanisms' effects, weighted by strength."""
    # The sums run on run-last copies (each mechanism's and each (hook, actor)'s runs
    # contiguous) and the result is laid out (n, hooks, actors) as before: the same
    # operations on the same numbers in the same order, on long rows (speed,
    # bench/README.md sitting L).
    live = np.ascontiguousarray((state.strength * (state.status == ACTIVE)).T)  # (M, n)
    n = state.n
    n_a = compiled.members.shape[1]
    raw = np.zeros((len(HOOKS), n_a, n))
    trust_repair = np.zeros((n, n_a, n_a))
    opinion_repair = np.zeros((n, n_a, n_a))
    # Mechanisms sharing a membership act on the same actors; summing their effects
    # in a fixed order keeps a run's result independent of the ensemble's size.
    for ms, actors in member_sets(compiled):
        pair = np.ix_(actors, actors)
        for h in range(len(HOOKS)):
            effects = [(m, compiled.effects[m, h]) for m in ms if compiled.effects[m, h] != 0.0]
            if not effects:
                # The total would be +0.0 in every run, and adding +0.0 changes no value
                # here (none is -0.0: every sum starts at +0.0); skipped for speed.
                continue
            total = np.zeros(n)
            for m, effect in effects:
                total += live[m] * effect
            for a in actors:
                raw[h, a] += total
            if h in (H["trust_repair"], H["opinion_repair"]):
                target = trust_repair if h == H["trust_repair"] else opinion_repair
                block = target[:, pair[0], pair[1]] + total[:, None, None]
                target[:, pair[0], pair[1]] = block
    for target in (trust_repair, opinion_repair):
        idx = np.arange(n_a)
        target[:, idx, idx] = 0.0
    # 1 - exp(-raw), in place, written into the (n, hooks, actors) layout.
    np.negative(raw, out=raw)
    np.exp(raw, out=raw)
    actor = np.empty((n, len(HOOKS), n_a))
    np.subtract(1.0, raw, out=actor.transpose(1, 2, 0))
    return Hooks(actor=actor, trust_repair=trust_repair, opinion_repair=opinion_repair)


@dataclass(frozen=True)
class MechanismMoves:
    """The members' decisions about mechanisms this turn, per run.

    Attributes:
        investing: Members investing in or restoring each mechanism, count, shape (n, M).
        suspending: Members suspending it, bitmask over actors, shape (n, M).
        noticing: Members giving notice of termination, bitmask, shape (n, M).
        restoring: Members restoring it (lifting their suspension or withdrawing
            their notice), bitmask, shape (n, M).
    """

    investing: np.ndarray
    suspending: np.ndarray
    noticing: np.ndarray
    restoring: np.ndarray


@dataclass(frozen=True)
class MechanismStep:
    """Each mechanism's state after a turn, shape (n, M) each (see `State`)."""

    strength: np.ndarray
    status: np.ndarray
    suspended_for: np.ndarray
    held_by: np.ndarray
    noticed_by: np.ndarray
    notice_left: np.ndarray


def step_mechanisms(
    state: State,
    compiled: Compiled,
    moves: MechanismMoves,
    conceding: np.ndarray,
    hooks: Hooks,
) -> MechanismStep:
    """Move each mechanism's strength and status one turn (MODEL.md §5.2, §5.3).

    Governments decide a mechanism's life; the one rule is hollowing out. An active
    mechanism is suspended when a member suspends it (the member then holds it
    suspended) or when it lapses (strength below ``lapse_below``: too weak to
    function). A suspended one returns to active when a member restores it, no
    member holds it suspended any more, and its new strength is at least
    ``lapse_below``. A notice of termination ends the mechanism ``notice_period``
    turns after the turn it was given, unless every member that gave it has
    withdrawn it (a restore) by then. Ended is absorbing.

    Args:
        state: State after this turn's events and trust update.
        compiled: Tables.
        moves: This turn's decisions about mechanisms.
        conceding: Members who conceded to Beijing this turn, count per mechanism, shape (n, M).
        hooks: This turn's mechanism effects (for the spillover shield).

    Returns:
        The mechanisms' new strength, status, holds and notices.
    """
    p = compiled.params.mechanism_rules
    mech = compiled.mech
    s, status = state.strength, state.status
    shield = _members_mean(hooks.of("spillover_shield"), compiled)  # (n, M)
    stress = mech["stress"] * p.spillover * state.dispute[:, None] * compiled.seoul_tokyo * (1.0 - shield)
    gain = mech["invest_gain"] * moves.investing * (1.0 - s)
    loss = (mech["decay"] + stress + p.suspended_decay * (status == SUSPENDED)) * s
    # A member that gives way to Beijing hollows out what it promised the others.
    kept = (1.0 - mech["concession_stress"]) ** conceding
    strength = np.clip((s + gain - loss) * kept, 0.0, 1.0)

    # Holds on a mechanism that is active after this turn's events (an inject
    # activated it, or a ruling) are void; a restore lifts the member's own hold.
    held = (np.where(status == ACTIVE, 0, state.held_by) & ~moves.restoring) | moves.suspending
    noticed = state.noticed_by & ~moves.restoring
    pending = noticed != 0
    left = np.where(pending, state.notice_left - 1, 0)
    left = np.where((moves.noticing != 0) & ~pending, mech["notice_period"].astype(np.int16), left)
    noticed = noticed | moves.noticing

    lapsed = strength < mech["lapse_below"]
    new_status = status.copy()
    new_status[(status == ACTIVE) & ((moves.suspending != 0) | lapsed)] = SUSPENDED
    new_status[(status == SUSPENDED) & (moves.restoring != 0) & (held == 0) & ~lapsed] = ACTIVE
    new_status[(noticed != 0) & (left <= 0) & (status != ENDED)] = ENDED
    over = new_status == ENDED
    noticed[over] = 0
    left[over] = 0
    held[new_status != SUSPENDED] = 0
    suspended_for = np.where(new_status == SUSPENDED, state.suspended_for + 1, 0).astype(np.int16)
    return MechanismStep(
        strength=strength,
        status=new_status,
        suspended_for=suspended_for,
        held_by=held.astype(np.int8),
        noticed_by=noticed.astype(np.int8),
        notice_left=left.astype(np.int16),
    )


def step_urging(urged: np.ndarray, pressing: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Washington's pressure on its partners after a turn (MODEL.md §5.3).

    urged' = clip(urged x (1 - press_decay) + press x pressing, 0, 1): each press move
    adds ``mechanism_rules.press`` on the pressed partner and subject; pressure fades
    by ``press_decay`` a turn.

    Args:
        urged: Pressure per actor and subject (mechanisms, then the relationship),
            shape (n, actors, M + 1).
        pressing: Press moves made this turn on each actor and subject, shape
            (n, actors, M + 1).
        compiled: Tables (``params.mechanism_rules``).

    Returns:
        The new pressure, same shape.
    """
    p = compiled.params.mechanism_rules
    return np.clip(urged * (1.0 - p.press_decay) + p.press * pressing, 0.0, 1.0)


def _members_mean(per_actor: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Mean of a per-actor value over each mechanism's members, shape (n, M).

    The members' values are summed in actor order once per membership group
    (`member_sets`). Written over every actor, value x membership, the sum adds
    value x 0 = +0.0 for the others, which changes no bit for the values read here
    (hooks: finite, never -0.0); speed, bench/README.md sitting L.
    """
    counts = compiled.members.sum(axis=1)
    out = np.empty((per_actor.shape[0], compiled.members.shape[0]))
    for ms, actors in member_sets(compiled):
        total = np.zeros(per_actor.shape[0])
        for a in actors:
            total += per_actor[:, a]
        out[:, ms] = total[:, None]
    return out / counts
