"""The action menus: every (actor, action kind, target) option, and which are open.

Options are numbered once per model in a fixed order: all of Washington's, then
Seoul's, Tokyo's and Beijing's. Each actor's options form one contiguous slice, so a
choice is an index into that actor's slice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.actors import ACTORS, JPN, PARTNERS, PATRON, PRC, ROK, USA
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


K = {name: i for i, name in enumerate(ACTION_KINDS)}

#: Action kinds that count as answering a crisis together.
RESPONSE_KINDS = (K["coordinate"], K["joint_statement"])
#: Action kinds by which an ally breaks ranks.
DEFECTION_KINDS = (K["hedge"], K["concede"])
#: A member's decisions about a mechanism it belongs to (MODEL.md §5.3), in menu order.
MECHANISM_KINDS = ("invest", "suspend", "notice", "restore")
#: Moves by which a member walks away from a mechanism.
EXIT_KINDS = (K["suspend"], K["notice"])

_RETALIATE_TARGETS = {USA: (PRC,), ROK: (PRC, JPN), JPN: (PRC, ROK)}
_ALLY_PLAIN = ("hold", "coordinate", "joint_statement", "hedge", "concede")
_PRC_PLAIN = ("hold", "military_pressure", "de_escalate")


@dataclass(frozen=True)
class Options:
    """The option table. Arrays are indexed by global option number.

    Attributes:
        actor: Acting actor of each option.
        kind: Action kind index (into `sim.vocab.ACTION_KINDS`).
        target: Target actor, or -1.
        mechanism: Target mechanism index, or -1.
        slices: Each actor's contiguous range of options.
    """

    actor: np.ndarray
    kind: np.ndarray
    target: np.ndarray
    mechanism: np.ndarray
    slices: tuple[slice, ...]

    def __len__(self) -> int:
        return len(self.kind)

    def label(self, o: int) -> str:
        """Readable name of option ``o``, e.g. ``repair JPN`` or ``invest gsomia``."""
        name = ACTION_KINDS[self.kind[o]].replace("de_", "de-").replace("_", " ")
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


def build_options(params: Parameters) -> Options:
    """Enumerate every actor's menu for these parameters (mechanism membership)."""
    rows: list[tuple[int, int, int, int]] = []
    slices = []
    for a in range(len(ACTORS)):
        start = len(rows)
        if a == PRC:
            rows += [(a, K[k], -1, -1) for k in _PRC_PLAIN]
            # Beijing's economic coercion targets the Asian allies (paper §II.1: THAAD, Senkaku).
            rows += [(a, K["coerce"], t, -1) for t in (ROK, JPN)]
            rows += [(a, K["induce"], t, -1) for t in (ROK, JPN)]
        else:
            rows += [(a, K[k], -1, -1) for k in _ALLY_PLAIN]
            if a == USA:
                rows.append((a, K["broker"], -1, -1))
                # press a partner about a Seoul-Tokyo mechanism, or (-1) about its relationship
                # with the other partner
                rows += [(a, K["press"], t, m) for t in PARTNERS for m in (*pressable(params), -1)]
            rows += [(a, K["retaliate"], t, -1) for t in _RETALIATE_TARGETS[a]]
            rows += [(a, K["repair"], t, -1) for t in range(len(ACTORS)) if t != a]
            mine = [m for m, name in enumerate(MECHANISMS) if ACTORS[a] in params.mechanisms[name].members]
            for k in MECHANISM_KINDS:
                rows += [(a, K[k], -1, m) for m in mine]
        slices.append(slice(start, len(rows)))
    table = np.array(rows, dtype=np.int64)
    return Options(
        actor=table[:, 0],
        kind=table[:, 1],
        target=table[:, 2],
        mechanism=table[:, 3],
        slices=tuple(slices),
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
        Boolean array (n, options).
    """
    th = params.thresholds
    n = crisis.shape[0]
    mask = np.ones((n, len(options)), dtype=bool)
    a, kind, target, mech = options.actor, options.kind, options.target, options.mechanism
    coerced = pressure >= th.pressure  # (n, actors)
    gated = np.flatnonzero(np.isin(kind, (K["concede"], K["retaliate"], K["de_escalate"])))
    for o in gated:
        k = kind[o]
        if k == K["concede"]:
            mask[:, o] = coerced[:, a[o]]
        elif k == K["retaliate"]:
            if target[o] == PRC:
                mask[:, o] = coerced[:, a[o]] | (crisis >= th.crisis)
            else:
                mask[:, o] = dispute >= th.dispute
        elif k == K["de_escalate"]:
            mask[:, o] = crisis >= th.crisis  # nothing to step back from below a military crisis
    held = np.zeros(status.shape, dtype=np.int8) if held_by is None else held_by
    noticed = np.zeros(status.shape, dtype=np.int8) if noticed_by is None else noticed_by
    for verb in MECHANISM_KINDS:
        idx = np.flatnonzero(kind == K[verb])
        if not idx.size:
            continue
        m = mech[idx]
        in_force = status[:, m] == ACTIVE  # (n, options of this kind)
        if verb in ("invest", "suspend"):
            mask[:, idx] = in_force
            continue
        bit = (1 << a[idx]).astype(np.int8)[None]
        gave_notice = (noticed[:, m] & bit) != 0
        if verb == "notice":
            mask[:, idx] = in_force & ~gave_notice  # notice terminates an agreement in force
        else:
            # restore: lift one's own hold on a suspended mechanism (or revive one nobody
            # holds: lapsed, or suspended by an inject), or withdraw one's own notice; a
            # hold only another member has is theirs to lift
            holds = held[:, m]
            may_lift = (holds == 0) | ((holds & bit) != 0)
            mask[:, idx] = ((status[:, m] == SUSPENDED) & may_lift) | ((status[:, m] != ENDED) & gave_notice)
    pressing = np.flatnonzero(kind == K["press"])
    about = mech[pressing]
    if pressing.size:
        mask[:, pressing] = (about < 0)[None] | (status[:, np.maximum(about, 0)] != ENDED)
    return mask


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
CONTRADICTED_BY: dict[str, tuple[str, ...]] = {"crisis": ("de_escalate",)}


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
                out = open_.copy()
            out[np.ix_(moved, ruled_out)] = False
    return out
