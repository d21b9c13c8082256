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
The turn's utilities are then U(P(sigma_K)); each government samples its choice from
their logit as before, so the sampled choice follows the equilibrium strategy.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from agents.policies import choice_probabilities
from agents.utility import KindPlan, Situation, assured_utilities, partner_expectation, utilities
from sim.actions import RESPONSE_KINDS
from sim.actors import ALLIES
from sim.compiled import Compiled


def answering_probability(utility: np.ndarray, open_: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Each ally's logit probability of answering (coordinate or statement), shape (n, actors).

    Args:
        utility: Every option's utility, shape (n, options).
        open_: Openness, shape (n, options).
        compiled: Tables (menus, temperatures).
    """
    opts = compiled.options
    out = np.zeros((utility.shape[0], len(compiled.temperature)))
    for a in ALLIES:
        menu = opts.slices[a]
        p = choice_probabilities(utility[:, menu], open_[:, menu], float(compiled.temperature[a]))
        answering = np.isin(opts.kind[menu], RESPONSE_KINDS)
        out[:, a] = p[:, answering].sum(axis=1)
    return out


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
    trust = x.state.trust
    sigma = np.ones(x.partners_join.shape)
    for k in range(rules.rounds):
        x = dataclasses.replace(x, partners_join=partner_expectation(trust, sigma))
        response = answering_probability(base + assured_utilities(x, plan, compiled), open_, compiled)
        sigma = response if k == 0 else (1.0 - rules.damping) * sigma + rules.damping * response
    x = dataclasses.replace(x, partners_join=partner_expectation(trust, sigma))
    return x, base + assured_utilities(x, plan, compiled), sigma
