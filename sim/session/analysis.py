"""What a session's numbers mean: forecasts, AI baselines, turning points, counterfactuals.

Every ensemble here starts from a snapshot of the session and runs on the one engine:
continuations from the current turn (`forecast`), AI-played runs from the same start
(`ai_percentile`), and the teams' own decisions replayed with a mechanism strengthened
(`mechanism_gains`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.actors import ACTORS, ALLY_PAIRS, CAPITAL
from sim.model import Snapshot, TrilateralModel
from sim.narrative import shown_change, turn_story
from sim.session.state import HUMAN, SessionState
from sim.vocab import ENDED, MECHANISMS, STATUSES

#: z for a two-sided 95% normal interval.
Z95 = 1.959963984540054


def run_seeds(seed: int, runs: int) -> np.ndarray:
    """Seeds of the AI-played runs a session is compared with: ``seed + 1 … seed + runs``.

    Never the session's own seed, so no comparison run replays the session's draws.
    Counted modulo 2**63, so a seed near the top of the range wraps round to 0 rather
    than overflowing (seeds are non-negative 63-bit integers everywhere).
    """
    top = 2**63
    first = (int(seed) + 1) % top
    return ((np.arange(runs, dtype=np.uint64) + np.uint64(first)) % np.uint64(top)).astype(np.int64)


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95% normal interval (NaN values dropped)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(v.size) if v.size > 1 else 0.0
    return m, m - half, m + half


@dataclass(frozen=True)
class Forecast:
    """AI-played continuations of a session from its current turn.

    Attributes:
        from_turn: The last turn played when the forecast was made.
        turns: The scenario's last turn.
        index: Final resilience index of each continuation, shape (runs,).
        survival: Chance each mechanism is not ended at the end, by name.
        active_at_end: Chance each mechanism is active at the end, by name.
        coordinated: Share of the remaining crisis turns the allies answer together,
            per run (NaN where no crisis turn remains), shape (runs,).
        any_coordinated: Whether the allies answer together at least once in a
            remaining crisis turn, per run, shape (runs,).
    """

    from_turn: int
    turns: int
    index: np.ndarray
    survival: dict[str, float]
    active_at_end: dict[str, float]
    coordinated: np.ndarray
    any_coordinated: np.ndarray

    @property
    def runs(self) -> int:
        """Number of continuations."""
        return int(self.index.size)


def continue_from(
    snapshot: Snapshot, state: SessionState, seeds: np.ndarray, given: list[dict[str, str]] | None = None
) -> TrilateralModel:
    """Play an ensemble from a snapshot to the end: the AI everywhere, or given moves per turn.

    Args:
        snapshot: A one-run snapshot of the session.
        state: The session (its scenario and settings).
        seeds: One seed per run.
        given: Moves by actor for each following turn (a move closed in a run is left
            to the AI there).
    """
    model = TrilateralModel.from_snapshot(
        snapshot, state.loaded, runs=seeds.size, seeds=seeds, keep_history=False
    )
    k = 0
    while model.running:
        moves = given[k] if given is not None and k < len(given) else None
        model.play_turn(given=moves, if_closed="ai")
        k += 1
    return model


#: Continuations played at once: memory grows with the runs in play (about 9 KB each),
#: and a run's draws depend only on its seed, so chunks give exactly the same numbers.
CHUNK = 10_000


def forecast(state: SessionState, runs: int = 1000) -> Forecast:
    """1,000 (or ``runs``) AI-played continuations of the session from where it stands.

    Played `CHUNK` runs at a time, so a million continuations need the memory of ten
    thousand (results do not depend on the chunking).
    """
    snap = state.model.snapshot()
    seeds = run_seeds(state.seed, runs)
    parts: list[tuple[np.ndarray, ...]] = []
    for lo in range(0, runs, CHUNK):
        model = continue_from(snap, state, seeds[lo : lo + CHUNK])
        end = model.snapshot()
        final = model.scores.index if model.scores is not None else model.index_so_far()
        parts.append((final, end.state.status, end.crisis_turns, end.coordinated_turns))
    index, status, crisis_end, together_end = (np.concatenate(p) for p in zip(*parts, strict=True))
    crisis = crisis_end - snap.crisis_turns[0]
    together = together_end - snap.coordinated_turns[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        coordinated = np.where(crisis > 0, together / np.maximum(crisis, 1), np.nan)
    return Forecast(
        from_turn=snap.turn,
        turns=state.model.script.turns,
        index=index,
        survival={m: float((status[:, k] != ENDED).mean()) for k, m in enumerate(MECHANISMS)},
        active_at_end={m: float((status[:, k] == 0).mean()) for k, m in enumerate(MECHANISMS)},
        coordinated=coordinated,
        any_coordinated=together > 0,
    )


def teams_index(state: SessionState) -> float:
    """The session's resilience index over the turns played."""
    return float(state.model.index_so_far()[0])


def ai_indexes(state: SessionState, runs: int = 1000) -> np.ndarray:
    """The index that AI-played runs from the session's start reach by its current turn.

    Same scenario, settings and injects as the session; the AI in every seat; seeds
    from `run_seeds`.
    """
    start = state.snapshots[0].with_events(state.model.snapshot().injected)
    seeds = run_seeds(state.seed, runs)
    out = []
    for lo in range(0, runs, CHUNK):  # see `forecast`
        chunk = seeds[lo : lo + CHUNK]
        model = TrilateralModel.from_snapshot(
            start, state.loaded, runs=chunk.size, seeds=chunk, keep_history=False
        )
        for _ in range(state.model.turn):
            model.step()
        out.append(model.index_so_far())
    return np.concatenate(out)


def percentile(value: float, sample: np.ndarray) -> float:
    """Percentile rank of ``value`` in ``sample``: % below, plus half the % equal."""
    return float(100.0 * ((sample < value).mean() + 0.5 * (sample == value).mean()))


def human_moves(state: SessionState) -> list[dict[str, str]]:
    """For each turn in force, the moves of the seats humans held then (by option label)."""
    return [
        {code: m["option"] for code, m in rec["moves"].items() if m["by"] == HUMAN} for rec in state.played
    ]


@dataclass(frozen=True)
class Gain:
    """What strengthening one mechanism from the start would have changed.

    Attributes:
        mechanism: The mechanism's name.
        mean: Mean change of the index (treated − baseline, paired by seed).
        low: Lower end of its 95% interval.
        high: Upper end.
    """

    mechanism: str
    mean: float
    low: float
    high: float


def mechanism_gains(state: SessionState, runs: int = 200, boost: float = 0.25) -> list[Gain]:
    """The teams' own decisions replayed with each mechanism strengthened from the start.

    For each mechanism: its starting strength raised by ``boost`` (capped at 1) and
    its status active; the session's injects at their turns; each human seat's moves
    as the team played them (where a move is closed in a run, the AI moves there);
    the AI in the other seats, over ``runs`` seeds. The gain is the index at the
    session's current turn minus the same runs without the change, paired by seed.
    Overrides are not replayed: they ruled on the session's own run.

    Returns:
        One `Gain` per mechanism, largest mean first.
    """
    turns = state.model.turn
    if turns == 0:
        return []
    seeds = run_seeds(state.seed, runs)
    moves = human_moves(state)
    injects = state.model.snapshot().injected

    def index_with(overrides: list) -> np.ndarray:
        loaded = state.scenario_with(overrides)
        model = TrilateralModel(loaded, seeds=seeds, keep_history=False, collect=False)
        start = model.snapshot().with_events(injects)
        model = TrilateralModel.from_snapshot(start, loaded, keep_history=False)
        for k in range(turns):
            model.play_turn(given=moves[k], if_closed="ai")
        return model.index_so_far()

    base = index_with([])
    gains = []
    for m in MECHANISMS:
        strength = state.loaded.parameters.mechanisms[m].strength
        overrides = [
            (("mechanisms", m, "strength"), min(1.0, float(strength) + boost), "report", None),
            (("mechanisms", m, "status"), "active", "report", None),
        ]
        gains.append(Gain(m, *mean_interval(index_with(overrides) - base)))
    return sorted(gains, key=lambda g: -g.mean)


@dataclass(frozen=True)
class TurningPoint:
    """One of the largest trust drops among the allies, with what happened that turn."""

    turn: int
    holder: str
    toward: str
    before: float
    after: float
    events: list[str]
    moves: dict[str, str]
    story: list[str]

    @property
    def drop(self) -> float:
        """How far trust fell (positive)."""
        return self.before - self.after


def turning_points(state: SessionState, top: int = 3) -> list[TurningPoint]:
    """The turns with the largest trust drops between allies, largest first (one per turn)."""
    model = state.model
    opts = model.compiled.options
    drops = []
    for k, rec in enumerate(model.history):
        before = (model.history[k - 1].state if k else model.start).trust[0]
        for i, j in ALLY_PAIRS:
            d = before[i, j] - rec.state.trust[0, i, j]
            if d > 0:
                drops.append((float(d), k, i, j, float(before[i, j])))
    drops.sort(key=lambda x: -x[0])
    largest: dict[int, tuple] = {}
    for d in drops:  # the largest drop of each turn; the turn's story tells the rest
        largest.setdefault(d[1], d)
    out = []
    for _, k, i, j, was in list(largest.values())[:top]:
        rec = model.history[k]
        events = [e.headline for e, on in zip(model.script.events, rec.fired[0], strict=True) if on]
        moves = {ACTORS[a]: opts.label(int(rec.outcome.choices[0, a])) for a in range(len(ACTORS))}
        out.append(
            TurningPoint(
                turn=rec.turn,
                holder=ACTORS[i],
                toward=ACTORS[j],
                before=was,
                after=float(rec.state.trust[0, i, j]),
                events=events,
                moves=moves,
                story=turn_story(model, k),
            )
        )
    return out


def headline(state: SessionState) -> list[str]:
    """Three lines on the last turn: what changed most and why.

    1. cohesion and the index so far; 2. the largest trust move between allies and
    the moves and injects behind it; 3. mechanisms suspended, ended or restored, and
    whether the allies answered together.
    """
    model = state.model
    if not model.history:
        return ["No turn has been played yet."]
    k = len(model.history) - 1
    rec = model.history[k]
    prev = model.history[k - 1].state if k else model.start
    c0, c1 = float(prev.cohesion[0]), float(rec.state.cohesion[0])
    first = (
        f"Turn {rec.turn}: cohesion {c0:.1f} → {c1:.1f} ({shown_change(c0, c1, 1):+.1f}); "
        f"resilience index so far {float(model.index_so_far()[0]):.1f}."
    )
    opts = model.compiled.options
    best = max(ALLY_PAIRS, key=lambda p: abs(rec.state.trust[0, p[0], p[1]] - prev.trust[0, p[0], p[1]]))
    i, j = best
    d = shown_change(float(prev.trust[0, i, j]), float(rec.state.trust[0, i, j]), 2)
    causes = [f"{CAPITAL[ACTORS[j]]} chose {opts.label(int(rec.outcome.choices[0, j]))}"]
    causes += [
        f"⚡ {e.headline}"
        for e, on in zip(model.script.events, rec.fired[0], strict=True)
        if on and {ACTORS[i], ACTORS[j]} & {e.source, *e.targets}
    ][:2]
    second = (
        f"Biggest move: trust {CAPITAL[ACTORS[i]]}→{CAPITAL[ACTORS[j]]} {'rose' if d > 0 else 'fell'} "
        f"{abs(d):.2f} to {float(rec.state.trust[0, i, j]):.2f}; that turn {'; '.join(causes)}."
        if d
        else "Trust between the allies held: no pair moved at two decimals."
    )
    changes = [
        f"{MECHANISMS[m].replace('_', ' ')} {STATUSES[int(rec.state.status[0, m])]}"
        for m in range(len(MECHANISMS))
        if rec.state.status[0, m] != prev.status[0, m]
    ]
    mech = ("Mechanisms: " + ", ".join(changes) + ".") if changes else "No mechanism changed status."
    if rec.outcome.crisis_turn[0]:
        together = "answered together" if rec.outcome.coordinated[0] else "did not answer together"
        mech += f" Under pressure, the allies {together}."
    return [first, second, mech]
