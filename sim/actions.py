"""The action menus: every (actor, action kind, target) option, and which are open.

Options are numbered once per model in a fixed order: all of Washington's, then
Seoul's, Tokyo's and Beijing's. Each actor's options form one contiguous slice, so a
choice is an index into that actor's slice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.actors import ACTORS, CHALLENGER, PARTNERS, PATRON
from sim.kinds import ACTION_KIND_SPECS, ActionKindSpec, kinds_in, targets_of
from sim.params import Parameters
from sim.vocab import ACTION_KINDS, ACTIVE, CHANNELS, ENDED, MECHANISMS, SUSPENDED


class MenuState(Protocol):
    """What the menus read of a `sim.state.State`.

    A protocol, since sim.state imports sim.compiled, which imports this module.
    """

    crisis: np.ndarray
    dispute: np.ndarray
    pressure: np.ndarray
    status: np.ndarray
    held_by: np.ndarray
    noticed_by: np.ndarray


#: Kind name -> kind index, derived from the registry (`sim.kinds`).
K = {name: i for i, name in enumerate(ACTION_KINDS)}

#: Action kinds that count as answering a crisis together.
RESPONSE_KINDS = tuple(K[k] for k in kinds_in("response"))
#: Action kinds by which an ally breaks ranks.
DEFECTION_KINDS = tuple(K[k] for k in kinds_in("defection"))
#: A member's decisions about a mechanism it belongs to (MODEL.md §5.3), in menu order.
MECHANISM_KINDS = tuple(
    s.name for s in sorted(ACTION_KIND_SPECS, key=lambda s: s.menu) if s.targets == "own_mechanism"
)
#: Moves by which a member walks away from a mechanism.
EXIT_KINDS = tuple(K[k] for k in kinds_in("exit"))
#: Moves that count as breaking ranks whatever their target (the wedge measure).
BREAKS_RANKS_KINDS = tuple(K[k] for k in kinds_in("breaks_ranks"))
#: Moves against their target: breaking ranks when the target is an ally.
HOSTILE_KINDS = tuple(K[k] for k in kinds_in("hostile"))


@dataclass(frozen=True)
class Options:
    """The option table. Arrays are indexed by global option number.

    Attributes:
        actor: Acting actor of each option.
        kind: Action kind index (into ``specs``; by default `sim.vocab.ACTION_KINDS`).
        target: Target actor, or -1.
        mechanism: Target mechanism index, or -1.
        slices: Each actor's contiguous range of options.
        specs: The kind registry the table was built from; ``kind`` indexes it.
    """

    actor: np.ndarray
    kind: np.ndarray
    target: np.ndarray
    mechanism: np.ndarray
    slices: tuple[slice, ...]
    specs: tuple[ActionKindSpec, ...] = ACTION_KIND_SPECS

    def __len__(self) -> int:
        return len(self.kind)

    def label(self, o: int) -> str:
        """Readable name of option ``o``, e.g. ``repair JPN`` or ``invest gsomia``."""
        name = self.specs[self.kind[o]].name.replace("de_", "de-").replace("_", " ")
        if self.target[o] >= 0 and self.mechanism[o] >= 0:
            return f"{name} {ACTORS[self.target[o]]} {MECHANISMS[self.mechanism[o]]}"
        if self.target[o] >= 0:
            return f"{name} {ACTORS[self.target[o]]}"
        if self.mechanism[o] >= 0:
            return f"{name} {MECHANISMS[self.mechanism[o]]}"
        return name

    def find(self, actor: int, text: str) -> int | None:
        """The option of ``actor`` whose label is ``text`` (case-insensitive), if any."""
        want = " ".join(text.replace("de_", "de-").replace("_", " ").lower().split())
        for o in range(self.slices[actor].start, self.slices[actor].stop):
            if self.label(o).lower().replace("_", " ") == want:
                return o
        return None


#: The hooks that make a mechanism a security asset (`mechanism_security`).
SECURITY_HOOKS = ("coordination", "deterrence")


def pressable(params: Parameters) -> list[int]:
    """Mechanisms Washington can press its partners about.

    Seoul's and Tokyo's security mechanisms without Washington (GSOMIA and ACSA by
    default): on the trilateral mechanisms Washington acts itself (invest, restore),
    and what it wants of the Seoul-Tokyo ones is intelligence sharing and logistics
    (GSOMIA 2019, ACSA: paper §III.1, §IV.2). Its press about the relationship
    covers the rest.
    """
    codes = {ACTORS[a] for a in PARTNERS}
    out = []
    for m, name in enumerate(MECHANISMS):
        spec = params.mechanisms[name]
        security = any(spec.effects.get(h, 0.0) > 0.0 for h in SECURITY_HOOKS)
        if codes <= set(spec.members) and ACTORS[PATRON] not in spec.members and security:
            out.append(m)
    return out


def _rows(spec: ActionKindSpec, k: int, a: int, params: Parameters) -> list[tuple[int, int, int, int]]:
    """Actor ``a``'s options of kind ``spec`` (index ``k``): (actor, kind, target, mechanism) rows."""
    if spec.targets == "own_mechanism":
        mine = [m for m, name in enumerate(MECHANISMS) if ACTORS[a] in params.mechanisms[name].members]
        return [(a, k, -1, m) for m in mine]
    if spec.targets == "pressable_or_relationship":
        # press a partner about a Seoul-Tokyo mechanism, or (-1) about its relationship
        # with the other partner
        return [(a, k, t, m) for t in targets_of(spec, a) for m in (*pressable(params), -1)]
    return [(a, k, t, -1) for t in targets_of(spec, a)]


def build_options(params: Parameters, specs: tuple[ActionKindSpec, ...] = ACTION_KIND_SPECS) -> Options:
    """Enumerate every actor's menu for these parameters (mechanism membership).

    Each actor's menu lists the registry's kinds it may take (`sim.kinds`), by their
    menu position. Beijing's economic coercion and inducement target the partners
    (paper §II.1: THAAD, Senkaku).

    Args:
        params: Parameters (mechanism membership).
        specs: The kind registry; a kind's index is its position here (the default
            is `sim.kinds.ACTION_KIND_SPECS`, whose order is `ACTION_KINDS`).
    """
    index = {s.name: i for i, s in enumerate(specs)}
    order = sorted(specs, key=lambda s: s.menu)
    rows: list[tuple[int, int, int, int]] = []
    slices = []
    for a in range(len(ACTORS)):
        start = len(rows)
        for spec in order:
            if a in spec.takers():
                rows += _rows(spec, index[spec.name], a, params)
        slices.append(slice(start, len(rows)))
    table = np.array(rows, dtype=np.int64)
    return Options(
        actor=table[:, 0],
        kind=table[:, 1],
        target=table[:, 2],
        mechanism=table[:, 3],
        slices=tuple(slices),
        specs=specs,
    )


def open_options(
    options: Options,
    params: Parameters,
    crisis: np.ndarray,
    dispute: np.ndarray,
    pressure: np.ndarray,
    status: np.ndarray,
    held_by: np.ndarray | None = None,
    noticed_by: np.ndarray | None = None,
) -> np.ndarray:
    """Which options are open this turn, per run.

    Args:
        options: The option table.
        params: Parameters (for the thresholds).
        crisis: Shape (n,).
        dispute: Shape (n,).
        pressure: Shape (n, actors).
        status: Mechanism status, shape (n, mechanisms).
        held_by: Members holding each mechanism suspended, bitmask, shape (n, mechanisms)
            (`State.held_by`); None: nobody.
        noticed_by: Members with a notice of termination pending, bitmask, shape
            (n, mechanisms) (`State.noticed_by`); None: nobody.

    Returns:
        Boolean array (n, options), in Fortran order (each option's runs contiguous).
    """
    th = params.thresholds
    n = crisis.shape[0]
    # Fortran order: each option's runs contiguous, as the policies and the coordination
    # game read them (speed; the values are the same in any layout).
    mask = np.ones((n, len(options)), dtype=bool, order="F")
    held = np.zeros(status.shape, dtype=np.int8) if held_by is None else held_by
    noticed = np.zeros(status.shape, dtype=np.int8) if noticed_by is None else noticed_by
    world = _World(
        crisis=crisis >= th.crisis,
        dispute=dispute >= th.dispute,
        coerced=pressure >= th.pressure,
        status=status,
        held=held,
        noticed=noticed,
    )
    for i, spec in enumerate(options.specs):
        rule = spec.opens
        if rule == "always":
            continue
        idx = np.flatnonzero(options.kind == i)
        if idx.size:
            mask[:, idx] = OPEN_RULES[rule](options, idx, world)
    return mask


@dataclass(frozen=True)
class _World:
    """What the openness rules read: the thresholds crossed and the mechanisms' state."""

    crisis: np.ndarray  # (n,) bool: a military crisis
    dispute: np.ndarray  # (n,) bool: a live Seoul-Tokyo dispute
    coerced: np.ndarray  # (n, actors) bool: under Beijing's coercive pressure
    status: np.ndarray  # (n, mechanisms)
    held: np.ndarray  # (n, mechanisms) bitmask of members holding it suspended
    noticed: np.ndarray  # (n, mechanisms) bitmask of members with a notice pending


def _coerced(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    return w.coerced[:, options.actor[idx]]


def _retaliation(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    # against the challenger: when it coerces the actor or in a military crisis;
    # against an ally: in a live dispute
    against_challenger = options.target[idx] == CHALLENGER
    return np.where(
        against_challenger[None],
        w.coerced[:, options.actor[idx]] | w.crisis[:, None],
        w.dispute[:, None],
    )


def _military_crisis(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    # nothing to step back from below a military crisis
    return np.repeat(w.crisis[:, None], idx.size, axis=1)


def _in_force(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    return w.status[:, options.mechanism[idx]] == ACTIVE


def _gave_notice(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    bit = (1 << options.actor[idx]).astype(np.int8)[None]
    return (w.noticed[:, options.mechanism[idx]] & bit) != 0


def _notice(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    # notice terminates an agreement in force
    return _in_force(options, idx, w) & ~_gave_notice(options, idx, w)


def _restore(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    # lift one's own hold on a suspended mechanism (or revive one nobody holds: lapsed,
    # or suspended by an inject), or withdraw one's own notice; a hold only another
    # member has is theirs to lift
    m = options.mechanism[idx]
    bit = (1 << options.actor[idx]).astype(np.int8)[None]
    holds = w.held[:, m]
    may_lift = (holds == 0) | ((holds & bit) != 0)
    gave_notice = _gave_notice(options, idx, w)
    return ((w.status[:, m] == SUSPENDED) & may_lift) | ((w.status[:, m] != ENDED) & gave_notice)


def _press(options: Options, idx: np.ndarray, w: _World) -> np.ndarray:
    # about the relationship: always; about a mechanism: until it has ended
    about = options.mechanism[idx]
    return (about < 0)[None] | (w.status[:, np.maximum(about, 0)] != ENDED)


#: The openness rules the registry names (`sim.kinds.OPEN_RULES`), except "always":
#: each returns the openness of the options ``idx``, shape (n, len(idx)).
OPEN_RULES: dict[str, Callable[[Options, np.ndarray, _World], np.ndarray]] = {
    "coerced": _coerced,
    "retaliation": _retaliation,
    "military_crisis": _military_crisis,
    "in_force": _in_force,
    "in_force_unnoticed": _notice,
    "liftable": _restore,
    "subject_alive": _press,
}


def open_in(options: Options, params: Parameters, state: MenuState) -> np.ndarray:
    """`open_options` read from a state: which options are open, shape (n, options)."""
    return open_options(
        options,
        params,
        state.crisis,
        state.dispute,
        state.pressure,
        state.status,
        state.held_by,
        state.noticed_by,
    )


#: An event attributed to an actor is that actor's move for the turn (issue 8, "one
#: Beijing"): its AI then chooses only among options consistent with it. An event that
#: raises a channel (its per-unit effect x magnitude > 0) rules out, for its source,
#: the action kinds listed here: Beijing cannot de-escalate in the turn its own drills
#: or blockade escalate the crisis.
CONTRADICTED_BY: dict[str, tuple[str, ...]] = {
    channel: tuple(s.name for s in ACTION_KIND_SPECS if channel in s.contradicted_by)
    for channel in dict.fromkeys(c for s in ACTION_KIND_SPECS for c in s.contradicted_by)
}


def attributed_moves(
    options: Options,
    open_: np.ndarray,
    sources: np.ndarray,
    raises: np.ndarray,
    fired: np.ndarray,
) -> np.ndarray:
    """Close the options that contradict the events each actor is the source of this turn.

    Args:
        options: The option table.
        open_: Openness, shape (n, options); not modified.
        sources: Source actor of each scenario event, shape (events,).
        raises: Whether each event raises each channel, shape (events, channels)
            (its per-unit effect x magnitude > 0).
        fired: Events that fired this turn, shape (n, events).

    Returns:
        The openness with the contradicted options closed, shape (n, options).
    """
    out = open_
    for channel, kinds in CONTRADICTED_BY.items():
        events = np.flatnonzero(raises[:, CHANNELS.index(channel)])
        if events.size == 0:
            continue
        for actor in np.unique(sources[events]):
            mine = events[sources[events] == actor]
            moved = fired[:, mine].any(axis=1)
            if not moved.any():
                continue
            ruled_out = (options.actor == actor) & np.isin(options.kind, [K[k] for k in kinds])
            if out is open_:
                out = open_.copy(order="K")  # keeps the layout
            out[np.ix_(moved, ruled_out)] = False
    return out
