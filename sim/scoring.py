"""Scores: the per-turn cohesion index and each run's scorecard.

All functions are vectorised over runs and pure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.actors import ALLIES, ALLY_PAIRS, CHALLENGER
from sim.params import Parameters
from sim.score_fields import INDEX_COMPONENTS
from sim.state import State
from sim.vocab import ACTIVE, ENDED


def cohesion(state: State, responding: np.ndarray, params: Parameters) -> np.ndarray:
    """The allies' cohesion this turn, 0-100, shape (n,).

    A weighted mean of: mean trust among the three allies; mean strength of active
    mechanisms; alignment of their threat perception of Beijing (1 - spread); and the
    share of allies answering together this turn.
    """
    w = params.scoring.cohesion
    trust = np.mean([state.trust[:, i, j] for i, j in ALLY_PAIRS], axis=0)
    mechanisms = (state.strength * (state.status == ACTIVE)).mean(axis=1)
    views = state.threat[:, list(ALLIES), CHALLENGER]
    alignment = 1.0 - (views.max(axis=1) - views.min(axis=1))
    answering = responding[:, list(ALLIES)].mean(axis=1)
    total = w.trust + w.mechanisms + w.alignment + w.coordination
    return (
        100.0
        * (w.trust * trust + w.mechanisms * mechanisms + w.alignment * alignment + w.coordination * answering)
        / total
    )


@dataclass(frozen=True)
class Episodes:
    """Beijing's attempts on each ally, counted as episodes, and their successes.

    An episode is a maximal run of consecutive turns during which an ally is under
    the lever (pressure, a standing inducement or a divisive provocation). Each turn
    of it brings a probability ``g_t`` in [0, 1] that the attempt won that turn
    (1 or 0 for coercion: the ally conceded or not; for a wedge, the share of the
    ally's break of ranks that the attempt caused, `sim.wedge`); the episode has
    succeeded with probability ``1 - prod_t (1 - g_t)``, and ``successes`` sums that
    over episodes (an expected count). Arrays are shape (n, actors) except the
    counts, shape (n,).
    """

    under: np.ndarray
    won: np.ndarray  # (n, actors) float: probability the running episode has succeeded
    attempts: np.ndarray
    successes: np.ndarray

    @classmethod
    def none(cls, n: int, n_a: int) -> Episodes:
        """No episode yet."""
        return cls(np.zeros((n, n_a), bool), np.zeros((n, n_a)), np.zeros(n), np.zeros(n))

    def advance(self, under: np.ndarray, gave_way: np.ndarray) -> Episodes:
        """Account for one more turn.

        Args:
            under: Allies under the lever this turn, shape (n, actors) bool.
            gave_way: Probability the attempt won this turn, shape (n, actors), in
                [0, 1] (a bool array for a plain yes/no).
        """
        starting = under & ~self.under
        before = np.where(starting | ~under, 0.0, self.won)
        won = np.where(under, 1.0 - (1.0 - before) * (1.0 - np.asarray(gave_way, dtype=float)), 0.0)
        return Episodes(
            under=under,
            won=won,
            attempts=self.attempts + starting.sum(axis=1),
            successes=self.successes + (won - before).sum(axis=1),
        )


@dataclass(frozen=True)
class Tallies:
    """Per-run counts accumulated over turns (arrays of shape (n,) or (n, mechanisms))."""

    cohesion: np.ndarray  # (turns, n)
    status: np.ndarray  # (turns, n, mechanisms), after each turn
    initial_status: np.ndarray  # (n, mechanisms)
    strength: np.ndarray  # (n, mechanisms) at the end
    live_strength: np.ndarray  # (n, mechanisms): sum over turns of strength x (status == active)
    crisis_turns: np.ndarray
    coordinated_turns: np.ndarray
    coercion: Episodes
    wedge: Episodes


@dataclass(frozen=True)
class Scorecard:
    """Each run's scores (arrays over runs; NaN where a rate was never tested).

    Attributes:
        cohesion_mean: Mean cohesion over turns, 0-100.
        coordinated_response_rate: Crisis turns the allies answered together / crisis turns.
        wedge_success_rate: Wedge episodes in which the ally broke ranks / episodes.
        coercion_success_rate: Coercion episodes in which the ally conceded / episodes.
        time_active: Share of turns each mechanism was active, shape (n, mechanisms).
        survived: 1.0 if the mechanism is not ended at the end, 0.0 if it is, NaN
            ("not tested") if it was never active, shape (n, mechanisms).
        recovery_time: Turns from first suspension to reactivation (NaN: never
            suspended or never recovered), shape (n, mechanisms).
        final_strength: Shape (n, mechanisms).
        components: Each index component in [0, 1] (NaN: not tested), by name.
        points: Each component's contribution to the index, by name.
        index: The 0-100 resilience index.
    """

    cohesion_mean: np.ndarray
    coordinated_response_rate: np.ndarray
    wedge_success_rate: np.ndarray
    coercion_success_rate: np.ndarray
    time_active: np.ndarray
    survived: np.ndarray
    recovery_time: np.ndarray
    final_strength: np.ndarray
    components: dict[str, np.ndarray]
    points: dict[str, np.ndarray]
    index: np.ndarray


def _rate(hits: np.ndarray, trials: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(trials > 0, hits / np.maximum(trials, 1), np.nan)


def recovery_times(status: np.ndarray) -> np.ndarray:
    """Turns from each mechanism's first suspension to its next active turn.

    Args:
        status: Status after each turn, shape (turns, n, mechanisms).

    Returns:
        Shape (n, mechanisms); NaN where never suspended or never recovered.
    """
    turns = status.shape[0]
    suspended = status != ACTIVE
    first = np.where(suspended.any(axis=0), suspended.argmax(axis=0), turns)
    t = np.arange(turns)[:, None, None]
    back = (status == ACTIVE) & (t > first[None])
    recovered = back.any(axis=0)
    when = np.where(recovered, back.argmax(axis=0), turns)
    return np.where(recovered, (when - first).astype(float), np.nan)


def mean_over_turns(values: np.ndarray) -> np.ndarray:
    """Mean over the turn axis of a (turns, n) array, summed turn by turn.

    `ndarray.mean(axis=0)` sums a single run's column pairwise but many runs' row by
    row, which differs in the last bit from eight turns on; a fixed order keeps run k
    identical alone and inside any ensemble.
    """
    total = np.zeros(values.shape[1:])
    for row in values:
        total += row
    return total / values.shape[0]


def tested_mechanisms(t: Tallies) -> np.ndarray:
    """Mechanisms active at the start or after some turn, shape (n, mechanisms) bool.

    A mechanism never active in a run was never put to the test there: its survival
    and its share of the index are "not tested", not "survived".
    """
    return (t.initial_status == ACTIVE) | (t.status == ACTIVE).any(axis=0)


def mechanism_component(t: Tallies) -> np.ndarray:
    """The index's mechanism component: mean live strength of the tested mechanisms.

    ``sum_m sum_t s_mt [status_mt = active] / (T x number tested)``, shape (n,); NaN
    where no mechanism was ever active. A hollow mechanism (active at strength 0.2)
    counts 0.2 per turn, a suspended or ended one 0.
    """
    tested = tested_mechanisms(t)
    turns = t.status.shape[0]
    n_tested = tested.sum(axis=1)
    live = (t.live_strength * tested).sum(axis=1)
    return np.where(n_tested > 0, live / np.maximum(turns * n_tested, 1), np.nan)


def index_breakdown(
    t: Tallies, params: Parameters
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """The resilience index's components, their points, and the index, per run.

    Components never tested in a run (NaN) are dropped and the other weights
    renormalised.
    """
    components = {
        "cohesion": mean_over_turns(t.cohesion) / 100.0,
        "mechanisms": mechanism_component(t),
        "coordinated_response": _rate(t.coordinated_turns, t.crisis_turns),
        "wedge_resistance": 1.0 - _rate(t.wedge.successes, t.wedge.attempts),
        "coercion_resistance": 1.0 - _rate(t.coercion.successes, t.coercion.attempts),
    }
    w = params.scoring.index
    weights = {name: getattr(w, name) for name in INDEX_COMPONENTS}
    tested_weight = sum(np.where(np.isnan(components[c]), 0.0, weights[c]) for c in INDEX_COMPONENTS)
    points = {
        c: np.where(
            np.isnan(components[c]),
            0.0,
            100.0 * weights[c] * np.nan_to_num(components[c]) / np.maximum(tested_weight, 1e-12),
        )
        for c in INDEX_COMPONENTS
    }
    index = np.clip(sum(points[c] for c in INDEX_COMPONENTS), 0.0, 100.0)
    return components, points, index


def scorecard(t: Tallies, params: Parameters) -> Scorecard:
    """Score each run from its tallies."""
    components, points, index = index_breakdown(t, params)
    return Scorecard(
        cohesion_mean=mean_over_turns(t.cohesion),
        coordinated_response_rate=_rate(t.coordinated_turns, t.crisis_turns),
        wedge_success_rate=_rate(t.wedge.successes, t.wedge.attempts),
        coercion_success_rate=_rate(t.coercion.successes, t.coercion.attempts),
        time_active=(t.status == ACTIVE).mean(axis=0),
        survived=np.where(tested_mechanisms(t), (t.status[-1] != ENDED).astype(float), np.nan),
        recovery_time=recovery_times(t.status),
        final_strength=t.strength,
        components=components,
        points=points,
        index=index,
    )
