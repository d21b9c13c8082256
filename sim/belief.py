"""Trust as a belief (Kydd 2005): i's probability that j is a partner who stands with it.

Trust T_ij is i's subjective probability that j is a *trustworthy type* (Kydd,
*Trust and Mistrust in International Relations*, 2005, ch. 1-2). It is updated by
Bayes' rule, which in log-odds x = ln(T / (1 - T)) is a sum: every piece of
evidence adds its log-likelihood ratio

    ln [ P(what j did | trustworthy) / P(what j did | untrustworthy) ].

Two kinds of evidence reach a belief:

- **Moves** among the allies (`move_evidence`): when i answers a military crisis,
  j's answer, defection (hedge, concession) or other move is judged against how
  likely a trustworthy and an untrustworthy partner would be to make it; a
  concession to Beijing is a defection in any turn. A trustworthy partner rarely
  defects, so a defection is more diagnostic than an answer: slow to build and
  quick to lose follows from the likelihoods, not from two rates.
- **Signals** (events, repair, retaliation, disputes, mechanisms; `sim.events.Signals`):
  a signal of strength s counts as s observations of a generic friendly (good) or
  hostile (bad) act, each with its own likelihood pair (`signal_evidence`).

Types can change (a new government), so beliefs forget: per month a share h of the
belief returns toward the prior (the scenario's starting trust), as exponential
forgetting of the log-odds (Kulhavy and Zarrop, "On a general concept of
forgetting", *Int. J. Control* 58, 1993): x -> x0 + (1 - h) (x - x0). With evidence
arriving at a steady rate e (log-odds per month), the belief follows

    dx/dt = e - k (x - x0),   k = -ln(1 - h),

whose solution over a turn of dt months is exact and composes: two half-month
turns move the belief exactly as one month does (`relax`). Beliefs never lock at
0 or 1: the fixed point x0 + e / k is finite for any finite rate.
"""

from __future__ import annotations

import numpy as np

from sim.actors import ALLIES
from sim.params import TrustParams

#: Beliefs are kept within [EPS, 1 - EPS], so a prior of exactly 0 or 1 (no doubt at
#: all) still has a finite log-odds and a belief never rounds to certainty in float64.
EPS = 1e-9
#: The log-odds of 1 - EPS: the largest certainty a belief holds.
_CERTAIN = float(np.log1p(-EPS) - np.log(EPS))


def log_odds(p: np.ndarray) -> np.ndarray:
    """ln(p / (1 - p)), with p kept within (EPS, 1 - EPS)."""
    q = np.clip(p, EPS, 1.0 - EPS)
    return np.log(q) - np.log1p(-q)


def probability(x: np.ndarray) -> np.ndarray:
    """The logistic 1 / (1 + e^-x), computed without overflow."""
    return np.exp(-np.logaddexp(0.0, -x))


def _llr(if_trustworthy: float, if_untrustworthy: float) -> float:
    return float(np.log(if_trustworthy) - np.log(if_untrustworthy))


def move_ratios(t: TrustParams) -> dict[str, float]:
    """Log-likelihood ratio of each kind of move by a tested partner, per month of conduct.

    ``answer`` and ``defect`` from their likelihood pairs; ``other`` (any other move
    while tested) from what is left of each type's probability.
    """
    other_t = 1.0 - t.answer_if_trustworthy - t.defect_if_trustworthy
    other_u = 1.0 - t.answer_if_untrustworthy - t.defect_if_untrustworthy
    return {
        "answer": _llr(t.answer_if_trustworthy, t.answer_if_untrustworthy),
        "defect": _llr(t.defect_if_trustworthy, t.defect_if_untrustworthy),
        "other": _llr(other_t, other_u),
    }


def move_evidence(
    responding: np.ndarray,
    defecting: np.ndarray,
    conceded: np.ndarray,
    military: np.ndarray,
    t: TrustParams,
) -> np.ndarray:
    """Log-odds evidence about each ally from its move, per month of conduct.

    i's belief about j is tested when i answered a military crisis: then j's answer,
    defection or other move is evidence (`move_ratios`). A concession to Beijing is a
    defection whatever the turn (counted once).

    Args:
        responding: Coordinated or joined a statement, shape (n, actors).
        defecting: Hedged or conceded, shape (n, actors).
        conceded: Conceded, shape (n, actors).
        military: A military crisis, shape (n,).
        t: Trust parameters.

    Returns:
        Log-odds per month, shape (n, actors, actors) (holder i, partner j); zero
        outside the allies and on the diagonal.
    """
    r = move_ratios(t)
    n, n_a = responding.shape
    out = np.zeros((n, n_a, n_a))
    tested_move = np.where(responding, r["answer"], np.where(defecting, r["defect"], r["other"]))
    for i in ALLIES:
        tested = military & responding[:, i]
        for j in ALLIES:
            if i != j:
                out[:, i, j] = np.where(tested, tested_move[:, j], r["defect"] * conceded[:, j])
    return out


def signal_evidence(good: np.ndarray, bad: np.ndarray, t: TrustParams) -> np.ndarray:
    """Log-odds evidence of signals: good x friendly act's LLR - bad x hostile act's LLR.

    Args:
        good: Good signal strength, any shape.
        bad: Bad signal strength, the same shape.
        t: Trust parameters (the friendly and hostile likelihood pairs).
    """
    friendly = _llr(t.friendly_if_trustworthy, t.friendly_if_untrustworthy)
    hostile = _llr(t.hostile_if_untrustworthy, t.hostile_if_trustworthy)
    return friendly * good - hostile * bad


def relax(
    x: np.ndarray, prior: np.ndarray, rate: np.ndarray, type_change: float, months: float
) -> np.ndarray:
    """Log-odds after ``months`` of evidence at ``rate`` per month, forgetting toward ``prior``.

    The exact solution of dx/dt = rate - k (x - prior), k = -ln(1 - type_change):
    x + (prior + rate / k - x)(1 - e^{-k dt}); with k = 0 (no type change) it is
    x + rate dt. It composes: relax(relax(x, dt1), dt2) = relax(x, dt1 + dt2).

    Args:
        x: Log-odds, any shape.
        prior: Log-odds the belief returns to without evidence, broadcast to ``x``.
        rate: Evidence in log-odds per month, broadcast to ``x``.
        type_change: Share of the belief returning to the prior per month, in [0, 1).
        months: Turn length in months.
    """
    k = float(-np.log1p(-type_change))
    moved = -np.expm1(-k * months)  # 1 - e^{-k dt}
    # (1 - e^{-k dt}) / k -> dt as k -> 0; below 1e-10 the series' next term is below rounding
    spread = months if k * months < 1e-10 else moved / k
    return x + (prior - x) * moved + rate * spread


def belief_update(
    trust: np.ndarray,
    prior: np.ndarray,
    news: np.ndarray,
    conduct: np.ndarray,
    type_change: float,
    months: float,
) -> np.ndarray:
    """Trust after a turn: the turn's one-off news at once, then its conduct over the turn.

    Args:
        trust: Beliefs before the turn, shape (n, actors, actors).
        prior: Starting beliefs the beliefs return to, shape (actors, actors).
        news: One-off log-odds evidence (the events'), shape of ``trust``.
        conduct: Log-odds evidence over the whole turn (moves, standing conditions,
            mechanisms), shape of ``trust``; it arrives at the rate conduct / months.
        type_change: Share of a belief returning to the prior per month.
        months: Turn length in months.

    Returns:
        Beliefs in [EPS, 1 - EPS], shape of ``trust``.
    """
    x = log_odds(trust) + news
    x = relax(x, log_odds(prior)[None], conduct / months, type_change, months)
    return probability(np.clip(x, -_CERTAIN, _CERTAIN))
