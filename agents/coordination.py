"""Answering a crisis together as an assurance game, solved as a logit QRE.

Joining a common answer pays if the partners join and exposes a government if they
do not (theory.md, "Coordination as an assurance game"). Each ally's utility of the
answering options reads P_i, its expected probability that its partners join
(`agents.utility.partner_expectation`: trust x the partners' current probability
of answering), so the allies' choices depend on each other. The simultaneous choice
is solved as a logit quantal-response equilibrium (McKelvey and Palfrey 1995) by a
few damped fixed-point rounds, every run of the ensemble at once:

    sigma_0 = 1 (each partner answers; P_i is i's trust alone)
    sigma_{k+1} = (1 - a) sigma_k + a * logit_i(U(P(sigma_k)))   (sigma_1 undamped)

where sigma is each ally's probability of answering (coordinate or joint statement).
Answering is a strategic complement (a higher P raises the answering options'
utility and nothing else's), so from sigma_0 = 1 the rounds fall monotonically toward
the highest equilibrium: the allies start from expecting their partners to answer as
far as they trust them. The turn's utilities are then U(P(sigma_K)); each government
samples its choice from their logit as before, so its choice follows the equilibrium.

Only the options whose utility reads P change between rounds, so each round computes
their logit weights against the fixed options' weights, summed once per turn. Options
closed in every run are left out (their weight is exp(-inf) = 0 exactly, so this
changes no bit). The rounds stop early once no run's sigma moves by more than
``assurance.tolerance`` in a round: the sigma kept is then within the tolerance of
one more round (with tolerance 0, only at an exact fixed point).
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from agents.policies import exp_rows
from agents.utility import AssuredRounds, KindPlan, Situation, partner_expectation, utilities
from sim.actions import RESPONSE_KINDS, K
from sim.actors import ALLIES
from sim.compiled import Compiled

#: Whether each action kind answers a crisis (``_ANSWERING[kind]`` is
#: ``np.isin(kind, RESPONSE_KINDS)`` without its per-call overhead; speed).
_ANSWERING = np.zeros(len(K), dtype=bool)
_ANSWERING[list(RESPONSE_KINDS)] = True


class _Logit:
    """One ally's logit over its menu, with the options that read P kept apart.

    The fixed options' weights exp((u - m0) / T) are summed once; each round adds the
    moving options' weights at the same reference, raised to their maximum when one
    of them exceeds m0, so no weight exceeds 1 (no overflow at any temperature).

    Only the options open in some run of the block are kept, fixed or moving: a
    closed option's weight is exp(-inf) = 0 exactly, so leaving out one closed in
    every run changes no sum, maximum or choice by a single bit, and most of a
    155-option menu is closed in a given turn (speed; bench/README.md, Issue 8).
    """

    def __init__(
        self,
        actor: int,
        base: np.ndarray,
        open_: np.ndarray,
        cols: np.ndarray,
        compiled: Compiled,
    ) -> None:
        menu = compiled.options.slices[actor]
        self.temperature = float(compiled.temperature[actor])
        somewhere = open_.any(axis=0)  # options open in at least one run
        in_menu = np.zeros(len(compiled.options), dtype=bool)
        in_menu[menu] = True
        mine = in_menu[cols] & somewhere[cols]
        self.moving = np.flatnonzero(mine)  # positions in `cols`
        options = cols[mine]
        self.answering = _ANSWERING[compiled.options.kind[options]]
        # Kept as (options, n): each option's runs contiguous, so the rounds' sums run
        # along rows (the same additions in the same order as along columns; speed).
        self.open_moving = open_.T[options]
        self.base_moving = base.T[options]
        fixed = in_menu & somewhere
        fixed[cols] = False
        fixed_options = np.flatnonzero(fixed)
        # np.where(open, base, -inf) as -inf copied into the gathered rows (a fresh
        # array): the same values, about 1.5 times as fast on these mostly uniform rows.
        u = base.T[fixed_options]
        closed = ~open_.T[fixed_options]
        np.copyto(u, -np.inf, where=closed)
        self.m0 = u.max(axis=0, initial=-np.inf)
        finite = np.isfinite(self.m0)
        # In place: the same subtraction, division and exp, without three temporaries.
        u -= np.where(finite, self.m0, 0.0)[None]
        u /= self.temperature
        weights = exp_rows(u, closed)
        # Option by option: a run's sum must not depend on how many runs share the
        # array (numpy's pairwise sums reorder with the shape).
        total = np.zeros(u.shape[1])
        for row in weights:
            total += row
        self.fixed_sum = np.where(finite, total, 0.0)
        self.closed_moving, self.infinite_m0 = ~self.open_moving, ~finite

    def restricted(self, runs: np.ndarray) -> _Logit:
        """This logit for the given runs of the block only (each run's numbers unchanged)."""
        sub = copy.copy(self)
        sub.base_moving = self.base_moving[:, runs]
        sub.closed_moving = self.closed_moving[:, runs]
        sub.m0, sub.fixed_sum, sub.infinite_m0 = self.m0[runs], self.fixed_sum[runs], self.infinite_m0[runs]
        return sub

    def answering_probability(self, assured: np.ndarray) -> np.ndarray:
        """Probability of an answering option given the moving options' assured utility, shape (n,)."""
        # The plain expressions' operations, in place where a temporary would be made.
        u = assured.T[self.moving]
        u += self.base_moving
        np.copyto(u, -np.inf, where=self.closed_moving)
        m = np.maximum(self.m0, u.max(axis=0, initial=-np.inf))
        u -= m[None]
        u /= self.temperature
        w = np.exp(u, out=u)
        shift = np.subtract(self.m0, m)
        np.copyto(shift, -np.inf, where=self.infinite_m0)
        shift /= self.temperature
        total = self.fixed_sum * np.exp(shift, out=shift)
        answering = np.zeros(u.shape[1])
        for row, answers in zip(w, self.answering, strict=True):
            total += row
            if answers:
                answering += row
        return answering / total


def _restrictable(rounds: AssuredRounds) -> bool:
    """Whether every assured feature of the rounds completes a fixed factor (no plain feature)."""
    return all(key in rounds.fixed for step in rounds.steps for key, _, _ in step[-1])


def _restricted_rounds(rounds: AssuredRounds, runs: np.ndarray) -> AssuredRounds:
    """The rounds' fixed factors for the given runs of the block only (each run's unchanged)."""
    sub = copy.copy(rounds)
    sub.fixed = {key: None if f is None else f[:, runs] for key, f in rounds.fixed.items()}
    return sub


def solve(
    x: Situation, plan: list[KindPlan], compiled: Compiled, open_: np.ndarray
) -> tuple[Situation, np.ndarray, np.ndarray]:
    """Solve the turn's coordination game.

    Args:
        x: The situation (its ``partners_join`` is replaced).
        plan: The utility plan.
        compiled: Tables; ``params.assurance`` gives the rounds and the damping.
        open_: Openness of every option, shape (n, options).

    Returns:
        The situation at the equilibrium's expectations, every option's utility there,
        shape (n, options), and the equilibrium probability of answering per actor,
        shape (n, actors).
    """
    rules = compiled.params.assurance
    base = utilities(x, plan, compiled, assured=False)
    # The same numbers laid out so that each pair's trust and each actor's sigma are
    # contiguous columns, which is how the rounds read them (speed).
    trust = np.ascontiguousarray(x.state.trust.transpose(1, 2, 0)).transpose(2, 0, 1)
    weights = x.weights
    rounds = AssuredRounds(x, plan, compiled)  # the assured features' fixed factors, once
    n = x.partners_join.shape[0]
    sigma = np.ones(x.partners_join.shape[::-1])  # (actors, n): each actor's runs contiguous
    # Invariant of the rounds: `joined` and `assured` hold the expectations at the current sigma.
    joined = partner_expectation(trust, sigma.T, weights)
    cols, assured = rounds.columns(joined)
    logits = {a: _Logit(a, base, open_, cols, compiled) for a in ALLIES} if rules.rounds else {}
    # Each run stops on its own once its sigma moves by no more than the tolerance, so
    # a run's equilibrium does not depend on which runs share its block. The rounds
    # work on the whole block until fewer than half of it is live, then on the live
    # runs only (`work`; gathering a subset costs a pass too).
    # `work`'s own arrays: sigma (actors, w), trust, expectations, assured utility.
    work, moving = np.arange(n), np.ones(n, dtype=bool)
    restrictable = _restrictable(rounds)
    w_logits, w_rounds, w_trust = logits, rounds, trust
    w_sigma, w_joined, w_assured = sigma, joined, assured
    for k in range(rules.rounds):
        response = w_sigma.copy()
        for a, logit in w_logits.items():
            response[a] = logit.answering_probability(w_assured)
        new = response if k == 0 else (1.0 - rules.damping) * w_sigma + rules.damping * response
        moving &= np.abs(new - w_sigma).max(axis=0, initial=0.0) > rules.tolerance
        if not moving.any():
            break
        # The other runs stop: they keep their sigma, whose expectations are already
        # computed, within the tolerance of one more round (with tolerance 0, an exact
        # fixed point, which each further round would repeat to the bit). Their
        # expectations are computed again from the same sigma, to the same bits.
        w_sigma = new if moving.all() else np.where(moving, new, w_sigma)
        if restrictable and 2 * np.count_nonzero(moving) < moving.size:
            if work.size < n:
                sigma[:, work] = w_sigma  # what the stopped runs keep
            keep = np.flatnonzero(moving)
            work, moving = work[keep], np.ones(keep.size, dtype=bool)
            w_logits = {a: logit.restricted(work) for a, logit in logits.items()}
            w_rounds, w_trust = _restricted_rounds(rounds, work), trust[work]
            w_sigma = w_sigma[:, keep]
        w_joined = partner_expectation(w_trust, w_sigma.T, weights)
        cols, w_assured = w_rounds.columns(w_joined)
        if work.size == n:
            sigma, joined, assured = w_sigma, w_joined, w_assured
        else:
            sigma[:, work], joined[work], assured[work] = w_sigma, w_joined, w_assured
    base.T[cols] += assured.T  # both (options, n) underneath: each option's runs contiguous
    return dataclasses.replace(x, partners_join=joined), base, sigma.T
