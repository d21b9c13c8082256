"""Wedge attempts and whether they succeed, after Crawford (2011).

Crawford (*Pivotal Deterrence and the Chinese Wedge Strategy*; "Preventing Enemy
Coalitions", International Security 35(4), 2011) defines a wedge strategy by its aim,
to prevent or weaken an opposing alignment, and its success by comparison with what
would have happened without it: the targeted alignment's cooperation falls below
what it would otherwise have been. A break of ranks while an offer stands is not
enough, since the ally might have broken ranks anyway.

An **attempt** on ally ``a`` this turn is either

- an *inducement*: Beijing's standing offer to ``a`` is at or above
  ``thresholds.inducement`` when ``a`` chooses (from a ``wedge_inducement`` or
  ``joint_criticism_invitation`` event, or Beijing's ``induce`` move); or
- a *divisive provocation*: an event fired this turn whose source is the challenger,
  whose kind heats the Seoul-Tokyo dispute or sets trust or opinion among its
  targets against each other, and which targets ``a``, a member of the partner pair
  (e.g. the 2019 Sino-Russian air patrol over Dokdo, Beijing's 2013 invitation to
  criticise Tokyo).

The attempt's **success** in a turn is the probability that it caused the ally's
split, given the split happened. With ``p1`` the ally's probability of splitting
(hedge, concede, suspend a mechanism, retaliate against an ally: `split_options`)
under the turn's real state, and ``p0`` the same probability in the same turn with
the attempt's terms removed (no standing offer; this turn's divisive events not
applied), both computed from the ally's own policy, the probability that the split
was caused by the attempt is the probability of necessity under monotonicity
(Pearl 1999; Tian and Pearl 2000)::

    g = split x max(0, 1 - p0 / p1)

So a split that the ally would have made as often without the attempt scores 0; a
split made only because of it scores 1; an ally that does not split scores 0. An
episode of consecutive attempted turns succeeds with probability 1 - prod(1 - g_t)
(`sim.scoring.Episodes`). Under random play ``p1 = p0``, so no wedge ever succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.policies import LogitPolicy, Policy, RandomPolicy, ScriptedPolicy, choice_probabilities
from sim.actions import BREAKS_RANKS_KINDS, HOSTILE_KINDS, Options
from sim.actors import ALLIES, CHALLENGER, INDEX, PARTNERS
from sim.compiled import Compiled
from sim.events import C
from sim.mechanisms import Hooks
from sim.params import Parameters
from sim.scenario import Scenario
from sim.state import State
from sim.vocab import EVENT_KINDS

#: Event channels whose positive (dispute) or negative (trust, opinion among the
#: targets) coefficient sets the partner pair against each other.
DIVISIVE_HEAT = ("dispute", "dispute_if_taken")
DIVISIVE_AMONG = ("trust_among", "opinion_among")


def split_options(options: Options) -> np.ndarray:
    """Options by which an ally breaks ranks, shape (options,) bool.

    Hedging toward or conceding to Beijing, suspending a mechanism or giving notice
    to end it (the registry's ``breaks_ranks`` class, `sim.kinds`), and retaliating
    against an ally (a ``hostile`` kind aimed at an ally: the two allies turning on
    each other).
    """
    kind, target = options.kind, options.target
    return np.isin(kind, BREAKS_RANKS_KINDS) | (np.isin(kind, HOSTILE_KINDS) & np.isin(target, ALLIES))


def divisive_events(scenario: Scenario, compiled: Compiled) -> np.ndarray:
    """Which of the scenario's events are divisive provocations, shape (events,) bool.

    The challenger's events whose kind heats the dispute or has a negative
    trust/opinion-among coefficient, aimed at a member of the partner pair.
    """
    out = np.zeros(len(scenario.events), dtype=bool)
    for e, event in enumerate(scenario.events):
        coef = compiled.event_coef[EVENT_KINDS.index(event.kind)]
        divisive = any(coef[C[ch]] > 0 for ch in DIVISIVE_HEAT) or any(
            coef[C[ch]] < 0 for ch in DIVISIVE_AMONG
        )
        aimed = any(INDEX[t] in PARTNERS for t in event.targets)
        out[e] = INDEX[event.source] == CHALLENGER and divisive and aimed and event.magnitude > 0
    return out


def attempts(
    state: State, fired: np.ndarray, divisive: np.ndarray, scenario: Scenario, params: Parameters
) -> tuple[np.ndarray, np.ndarray]:
    """Allies under a wedge attempt this turn.

    Args:
        state: The state after this turn's events (what the allies choose from).
        fired: Events fired this turn, shape (n, events).
        divisive: `divisive_events` of the scenario, shape (events,).
        scenario: The scenario (for the events' targets).
        params: Parameters (``thresholds.inducement``).

    Returns:
        ``(attempted, provoked)``, each shape (n, actors) bool: under any attempt, and
        targeted by a divisive provocation fired this turn.
    """
    n, n_a = state.inducement.shape
    induced = state.inducement >= params.thresholds.inducement
    provoked = np.zeros((n, n_a), dtype=bool)
    for e in np.flatnonzero(divisive):
        for t in scenario.events[e].targets:
            if INDEX[t] in PARTNERS:
                provoked[:, INDEX[t]] |= fired[:, e]
    attempted = induced | provoked
    not_allies = [a for a in range(n_a) if a not in ALLIES]
    attempted[:, not_allies] = False
    provoked[:, not_allies] = False
    return attempted, provoked


def without_attempts(state: State, attempted: np.ndarray) -> State:
    """The state with the standing offers to the attempted allies withdrawn."""
    return state.evolve(inducement=np.where(attempted, 0.0, state.inducement))


def take_hooks(hooks: Hooks, rows: np.ndarray) -> Hooks:
    """The hooks of a subset of runs."""
    return Hooks(hooks.actor[rows], hooks.trust_repair[rows], hooks.opinion_repair[rows])


def policy_probabilities(
    policy: Policy, turn: int, utility: np.ndarray, open_: np.ndarray, temperature: float
) -> np.ndarray | None:
    """The probability a policy gives each option of its menu, shape (n, options).

    A policy may declare them with a ``probabilities(turn, utility, open_,
    temperature)`` method; the bundled ones are known here. None for a policy whose
    probabilities are unknown (then `caused_splits` compares its own choices with
    the same draws instead).
    """
    own = getattr(policy, "probabilities", None)
    if callable(own):
        return np.asarray(own(turn, utility, open_, temperature), dtype=float)
    if isinstance(policy, LogitPolicy):
        return choice_probabilities(utility, open_, temperature)
    if isinstance(policy, RandomPolicy):
        return open_ / np.maximum(open_.sum(axis=1, keepdims=True), 1)
    if isinstance(policy, ScriptedPolicy):
        fallback = policy_probabilities(policy.fallback, turn, utility, open_, temperature)
        if turn not in policy.moves or fallback is None:
            return fallback
        move = policy.moves[turn]
        scripted = np.zeros_like(fallback)
        scripted[:, move] = 1.0
        return np.where(open_[:, move : move + 1], scripted, fallback)
    return None


def necessity(split: np.ndarray, p_with: np.ndarray, p_without: np.ndarray) -> np.ndarray:
    """Probability that a split was caused by the attempt: split x max(0, 1 - p0/p1).

    Args:
        split: Whether the ally split, shape (n,) bool.
        p_with: Its probability of splitting with the attempt, shape (n,).
        p_without: The same without the attempt's terms, shape (n,).
    """
    safe = np.where(p_with > 0, p_with, 1.0)
    with np.errstate(over="ignore"):
        share = np.clip(1.0 - p_without / safe, 0.0, 1.0)
    return np.where(split & (p_with > 0), share, 0.0)


def _mass(p: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Sum of some columns, added one by one (a matrix product's rounding depends on n)."""
    total = np.zeros(p.shape[0])
    for k in columns:
        total += p[:, k]
    return total


@dataclass(frozen=True)
class Decision:
    """What `caused_splits` needs to know about one actor's decision this turn.

    Attributes:
        policy: The actor's policy.
        menu: The actor's slice of the option table.
        temperature: Its logit temperature.
        draws: Its decision draws this turn, shape (n,).
    """

    policy: Policy
    menu: slice
    temperature: float
    draws: np.ndarray


def caused_splits(
    turn: int,
    attempted: np.ndarray,
    choices: np.ndarray,
    split: np.ndarray,
    utility: np.ndarray,
    open_: np.ndarray,
    utility_without: np.ndarray,
    open_without: np.ndarray,
    decisions: Sequence[Decision | None],
) -> np.ndarray:
    """Per ally, the probability that this turn's attempt caused its split, shape (n, actors).

    Args:
        turn: The turn.
        attempted: Allies under an attempt, shape (n, actors).
        choices: Global option chosen by each actor, shape (n, actors).
        split: `split_options`, shape (options,).
        utility: Utility of every option with the attempt, shape (n, options).
        open_: Openness with the attempt, shape (n, options).
        utility_without: Utility without the attempt's terms, shape (n, options).
        open_without: Openness without them, shape (n, options).
        decisions: Per actor, its `Decision` (None: not scored).
    """
    n, n_a = attempted.shape
    out = np.zeros((n, n_a))
    for a, d in enumerate(decisions):
        if d is None or not attempted[:, a].any():
            continue
        menu = d.menu
        did_split = split[choices[:, a]]
        p1 = policy_probabilities(d.policy, turn, utility[:, menu], open_[:, menu], d.temperature)
        p0 = policy_probabilities(
            d.policy, turn, utility_without[:, menu], open_without[:, menu], d.temperature
        )
        if p1 is None or p0 is None:
            # Unknown policy: the paired shadow choice with the same draws.
            shadow = menu.start + d.policy.choose(
                turn, utility_without[:, menu], open_without[:, menu], d.draws, d.temperature
            )
            caused = (did_split & ~split[shadow]).astype(float)
        else:
            splits = np.flatnonzero(split[menu])
            caused = necessity(did_split, _mass(p1, splits), _mass(p0, splits))
        out[:, a] = np.where(attempted[:, a], caused, 0.0)
    return out
