"""Injects: deciding which events fire in each run, and applying their effects.

Pure functions of the state; no mesa here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import rng
from sim.actors import ALLIES, INDEX, PARTNERS
from sim.compiled import Compiled
from sim.heat import heat_up
from sim.mechanisms import Hooks
from sim.params import government_table
from sim.scenario import Condition, Event, Scenario
from sim.state import State
from sim.vocab import ACTIVE, CHANNELS, ENDED, EVENT_KINDS, MECHANISMS, STATUSES, SUSPENDED

C = {name: i for i, name in enumerate(CHANNELS)}


@dataclass
class Signals:
    """Good and bad signals for the trust and opinion updates, each shape (n, 4, 4).

    ``trust_good[:, i, j]`` is evidence this turn that i should trust j more.
    ``measured[:, i, j]`` is the part of the events' bad trust evidence of i about j
    that is a measure j took against i (j is the event's source, or neither is): what
    the tit-for-tat memory keeps (`sim.adjudication._measures`). A row the source's own
    side started lowers the source's trust in the other too, but is no measure the
    other took against it.
    """

    trust_good: np.ndarray
    trust_bad: np.ndarray
    opinion_good: np.ndarray
    opinion_bad: np.ndarray
    measured: np.ndarray

    def copy(self) -> Signals:
        """An independent copy."""
        return Signals(
            self.trust_good.copy(),
            self.trust_bad.copy(),
            self.opinion_good.copy(),
            self.opinion_bad.copy(),
            self.measured.copy(),
        )

    @classmethod
    def zeros(cls, n: int, n_a: int) -> Signals:
        """No signals."""
        return cls(*(np.zeros((n, n_a, n_a)) for _ in range(5)))

    def add(self, kind: str, i: int, j: int, amount: np.ndarray | float) -> None:
        """Add a signed signal to the trust or opinion of i toward j."""
        good = getattr(self, f"{kind}_good")
        bad = getattr(self, f"{kind}_bad")
        amount = np.asarray(amount, dtype=float)
        good[:, i, j] += np.maximum(amount, 0.0)
        bad[:, i, j] += np.maximum(-amount, 0.0)

    def add_measure(self, i: int, j: int, amount: np.ndarray | float) -> None:
        """Add a signed trust signal of i toward j that is also j's measure against i."""
        self.add("trust", i, j, amount)
        self.measured[:, i, j] += np.maximum(-np.asarray(amount, dtype=float), 0.0)


def condition_holds(cond: Condition, state: State) -> np.ndarray:
    """Evaluate a trigger condition per run, shape (n,) bool."""
    if cond.metric == "mechanism_status":
        m = MECHANISMS.index(cond.mechanism)
        return state.status[:, m] == STATUSES.index(cond.status)
    value = _metric(cond, state)
    return value < cond.below if cond.below is not None else value > cond.above


def _metric(cond: Condition, state: State) -> np.ndarray:
    if cond.metric in ("trust", "opinion", "threat"):
        return getattr(state, cond.metric)[:, INDEX[cond.of], INDEX[cond.toward]]
    if cond.metric == "pressure":
        return state.pressure[:, INDEX[cond.of]]
    if cond.metric == "mechanism_strength":
        return state.strength[:, MECHANISMS.index(cond.mechanism)]
    return getattr(state, cond.metric)  # crisis, dispute


def fire(scenario: Scenario, state: State, turn: int, seeds: np.ndarray) -> np.ndarray:
    """Which events fire this turn in each run.

    Returns:
        Boolean array (n, events).
    """
    n = state.n
    out = np.zeros((n, len(scenario.events)), dtype=bool)
    for e, event in enumerate(scenario.events):
        if event.scheduled:
            out[:, e] = turn == event.turn
            continue
        last = event.until or scenario.turns
        if not event.turn <= turn <= last:
            continue
        ok = np.ones(n, dtype=bool) if event.repeat else ~state.fired[:, e]
        if event.when is not None:
            ok &= condition_holds(event.when, state)
        if event.chance is not None:
            ok &= rng.uniforms(seeds, turn, e, rng.EVENT_CHANCE) < event.chance
        out[:, e] = ok
    return out


def attribution(scenario: Scenario, compiled: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Each event's source actor, and which channels it raises.

    Returns:
        Source actor index per event, shape (events,), and whether the event's per-unit
        effect x magnitude is positive on each channel, shape (events, channels).
    """
    sources = np.array([INDEX[e.source] for e in scenario.events], dtype=np.int64)
    raises = np.array(
        [compiled.event_coef[EVENT_KINDS.index(e.kind)] * e.magnitude > 0 for e in scenario.events],
        dtype=bool,
    ).reshape(len(scenario.events), len(CHANNELS))
    return sources, raises


def touches_mechanisms(scenario: Scenario, fired: np.ndarray) -> bool:
    """Whether any fired event changes a mechanism directly."""
    return any(e.mechanism is not None and fired[:, k].any() for k, e in enumerate(scenario.events))


def apply_events(
    scenario: Scenario, state: State, fired: np.ndarray, compiled: Compiled, hooks: Hooks
) -> tuple[State, Signals]:
    """Apply the fired events' effects.

    Returns:
        The new state and the trust/opinion signals the events send (applied in
        adjudication together with the actions' signals).
    """
    n = state.n
    signals = Signals.zeros(n, state.trust.shape[1])
    if not scenario.events:
        return state, signals
    crisis, dispute = state.crisis.copy(), state.dispute.copy()
    news = state.dispute_news.copy()
    offer_heat = state.offer_heat.copy()
    pressure, inducement, demand = (
        state.pressure.copy(),
        state.inducement.copy(),
        state.demand.copy(),
    )
    threat, resolve, cost = state.threat.copy(), state.resolve.copy(), state.cost.copy()
    leverage = state.leverage.copy()
    strength, status = state.strength.copy(), state.status.copy()
    deterrence = hooks.of("deterrence")[:, list(ALLIES)].mean(axis=1)
    damping = hooks.of("dispute_damping")[:, list(PARTNERS)].mean(axis=1)
    coercion_shield = hooks.of("coercion_shield")
    wedge_shield = hooks.of("wedge_shield")

    for e, event in enumerate(scenario.events):
        on = fired[:, e]
        if not on.any():
            continue
        coef = compiled.event_coef[EVENT_KINDS.index(event.kind)]
        m = event.magnitude * on
        src = INDEX[event.source]
        targets = [INDEX[t] for t in event.targets]
        crisis += _damped(coef[C["crisis"]] * m, deterrence)
        # Heat rises with any inject that touches the dispute, but only a meeting
        # of both Seoul and Tokyo cools it (a U.S.-Japan summit does not).
        both = set(PARTNERS) <= {src, *targets}
        heat = coef[C["dispute"]] * m
        heat = np.where(both | (heat > 0), _damped(heat, damping), 0.0)
        dispute = heat_up(dispute, heat)
        news += np.maximum(heat, 0.0)  # what erodes trust is the news (adjudication)
        for t in targets:
            added = coef[C["pressure"]] * m * (1.0 - coercion_shield[:, t])
            if event.dependence is not None:
                ratio = _dependence_ratio(event.dependence, state.exposure[:, t, src])
                leverage[:, t] = blend_leverage(pressure[:, t], leverage[:, t], added, ratio)
            pressure[:, t] += added
            inducement[:, t] += coef[C["inducement"]] * m * (1.0 - wedge_shield[:, t])
            # Heat that comes only if t takes the offer this turn (adjudication).
            offer_heat[:, t] += np.maximum(coef[C["dispute_if_taken"]] * m, 0.0)
            demand[:, t] += coef[C["demand"]] * m
            if t != src:
                threat[:, t, src] += coef[C["threat"]] * m
                signals.add_measure(t, src, coef[C["trust_to_source"]] * m)
                signals.add("opinion", t, src, coef[C["opinion_to_source"]] * m)
            if event.government is None:
                resolve[:, t] += coef[C["resolve"]] * m
            cost[:, t] += np.maximum(coef[C["cost"]] * m, 0.0)
            for u in targets:
                if u != t:
                    # The source's side started the row: its trust in the others falls,
                    # but they took no measure against it (the tit-for-tat memory).
                    among = coef[C["trust_among"]] * m
                    if t == src:
                        signals.add("trust", t, u, among)
                    else:
                        signals.add_measure(t, u, among)
                    signals.add("opinion", t, u, coef[C["opinion_among"]] * m)
        if event.government is not None:
            # Who governs is data; resolve follows it by the one coding rule.
            seat = government_table().governments[event.government].actor
            resolve[:, INDEX[seat]] = np.where(
                on, government_table().resolve(event.government), resolve[:, INDEX[seat]]
            )
        if event.mechanism is not None:
            _mechanism_effect(event, on, strength, status)

    state = state.evolve(
        crisis=np.clip(crisis, 0.0, 1.0),
        dispute=np.clip(dispute, 0.0, 1.0),
        dispute_news=news,
        offer_heat=offer_heat,
        pressure=np.clip(pressure, 0.0, 1.0),
        leverage=leverage,
        inducement=np.clip(inducement, 0.0, 1.0),
        demand=np.clip(demand, 0.0, 1.0),
        threat=np.clip(threat, 0.0, 1.0),
        resolve=np.clip(resolve, 0.0, 1.0),
        cost=cost,
        strength=np.clip(strength, 0.0, 1.0),
        status=status,
        fired=state.fired | fired,
    )
    return state, signals


def blend_leverage(
    pressure: np.ndarray, leverage: np.ndarray, added: np.ndarray, ratio: np.ndarray | float
) -> np.ndarray:
    """Leverage after ``added`` pressure with dependence-over-exposure ``ratio`` joins.

    The pressure-weighted mean (pressure x leverage + added x ratio) / (pressure +
    added); unchanged where no pressure is present or added. Exactly 1 stays 1 when
    ``ratio`` is 1, so a scenario without a stated dependence plays as before.

    Args:
        pressure: Pressure before, shape (n,).
        leverage: Leverage before, shape (n,).
        added: Pressure added, shape (n,).
        ratio: Dependence on what the new measure cuts over trade exposure.
    """
    total = pressure + added
    safe = np.where(total > 0, total, 1.0)
    # Written as a step from the old leverage by the added share (in [0, 1]) rather
    # than as a ratio of products: the products underflow for subnormal pressures
    # and the result would leave the interval between the two leverages.
    return leverage + (ratio - leverage) * (added / safe)


def _dependence_ratio(dependence: float, exposure: np.ndarray) -> np.ndarray:
    """Dependence on the cut goods over trade exposure; 1 where there is no trade."""
    return np.where(exposure > 0, dependence / np.where(exposure > 0, exposure, 1.0), 1.0)


def _damped(increment: np.ndarray, damping: np.ndarray) -> np.ndarray:
    """Damp increases by a mechanism effect; let decreases through unchanged."""
    return np.where(increment > 0, increment * (1.0 - damping), increment)


def _mechanism_effect(event: Event, on: np.ndarray, strength: np.ndarray, status: np.ndarray) -> None:
    k = MECHANISMS.index(event.mechanism)
    mag = abs(event.magnitude)
    alive = on & (status[:, k] != ENDED)
    effect = event.mechanism_effect
    if effect == "suspend":
        status[alive & (status[:, k] == ACTIVE), k] = SUSPENDED
    elif effect == "end":
        status[on, k] = ENDED
    elif effect == "weaken":
        strength[on, k] *= 1.0 - mag
    elif effect == "strengthen":
        strength[alive, k] += mag * (1.0 - strength[alive, k])
    elif effect == "activate":
        status[alive, k] = ACTIVE
        strength[alive, k] = np.maximum(strength[alive, k], mag)
