"""Decision policies: how an actor turns option utilities into a choice.

A policy sees, for its actor, the utility and openness of each option in every run,
and one uniform draw per run; it returns the chosen option (an index into the
actor's menu) per run. Plug in another policy by passing it to the model.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.actors import ACTORS


class Policy(Protocol):
    """What the model asks of a decision-maker."""

    def choose(
        self,
        turn: int,
        utility: np.ndarray,
        open_: np.ndarray,
        draws: np.ndarray,
        temperature: float,
    ) -> np.ndarray:
        """Pick one option per run.

        Args:
            turn: The turn being decided.
            utility: Shape (n, options) for this actor.
            open_: Which options are open, shape (n, options).
            draws: Uniform draws in [0, 1), shape (n,).
            temperature: The actor's logit temperature.

        Returns:
            Chosen option per run, shape (n,), indexes into this actor's menu.
        """
        ...


def _scaled(utility: np.ndarray, open_: np.ndarray, temperature: float, axis: int = 1) -> np.ndarray:
    """(utility - best open utility) / temperature over open options, -inf elsewhere.

    Subtracting first keeps every value <= 0, so even a tiny temperature cannot
    overflow; the best open option always gets exp(0) = 1. ``axis`` is the options'
    axis: 1 for (n, options), 0 for (options, n).
    """
    return _rescaled(np.where(open_, utility, -np.inf), temperature, axis)


def _rescaled(scaled: np.ndarray, temperature: float, axis: int) -> np.ndarray:
    """`_scaled` in place, on utilities already -inf at closed options."""
    scaled -= scaled.max(axis=axis, keepdims=True)  # -inf stays -inf: exp gives 0 there
    scaled /= temperature  # 0 / tiny is 0: the best option keeps weight 1
    return scaled


#: `exp_rows` goes row by row from this many runs on; below, the per-row calls would
#: cost more than the slow lanes they avoid.
_ROWWISE_FROM = 2048


def exp_rows(scaled: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """``np.exp(scaled, out=scaled)`` for (options, n) logit exponents, -inf at closed options.

    numpy's exp takes a slow path for each lane whose result underflows to 0, -inf
    included (about five times slower on an array a third -inf), and most of a turn's
    -inf entries sit in a few rows: the options open in few runs (bench/README.md
    sitting L). A row that ``closed`` (sampled every 32nd run) shows mostly closed is
    exponentiated at its entries other than -inf only and set to +0.0 = exp(-inf)
    elsewhere; the other rows whole. Every entry is exp of the same value whichever
    path its row takes, so the same bits (``closed`` only picks the path; a NaN stays NaN).

    Args:
        scaled: Shape (options, n); overwritten with its exp.
        closed: Whether each entry is closed, shape (options, n).

    Returns:
        ``scaled``.
    """
    if scaled.shape[1] < _ROWWISE_FROM:
        return np.exp(scaled, out=scaled)
    mostly_closed = closed[:, ::32].mean(axis=1) > 0.5
    if not mostly_closed.any():
        return np.exp(scaled, out=scaled)
    for row, sparse in zip(scaled, mostly_closed, strict=True):
        if sparse:
            kept = np.flatnonzero(row != -np.inf)
            values = np.exp(row[kept])
            row.fill(0.0)
            row[kept] = values
        else:
            np.exp(row, out=row)
    return scaled


def choice_probabilities(utility: np.ndarray, open_: np.ndarray, temperature: float) -> np.ndarray:
    """Logit (softmax) choice probabilities over the open options, shape (n, options).

    The inputs are read in C order whatever their layout: numpy sums a C-ordered row
    pairwise but a Fortran-ordered one option by option, which differ in the last bit.
    """
    weights = np.exp(_scaled(np.ascontiguousarray(utility), np.ascontiguousarray(open_), temperature))
    return weights / weights.sum(axis=1, keepdims=True)


class LogitPolicy:
    """The AI: picks options with probability proportional to exp(utility / temperature)."""

    def choose(
        self,
        turn: int,
        utility: np.ndarray,
        open_: np.ndarray,
        draws: np.ndarray,
        temperature: float,
    ) -> np.ndarray:
        """Sample by inverting the cumulative distribution with the given draws."""
        # Only the options open in some run: one closed in every run adds exactly 0 to
        # the cdf, so it can never be the first option whose cdf exceeds the draw, and
        # leaving it out changes no choice by a bit (most of a menu is closed in a
        # turn; bench/README.md, Issue 8). Menus always keep `hold` open.
        somewhere = np.flatnonzero(open_.any(axis=0))
        if somewhere.size == 0:
            return np.zeros(open_.shape[0], dtype=np.int64)
        # As (options, n), each option's runs contiguous: the running sum of the weights
        # is then one vector addition per option, the same additions in the same order
        # as np.cumsum along a row (cdf_k = cdf_{k-1} + w_k), so the same bits, faster.
        # `_scaled`'s np.where, as -inf copied into the gathered rows (a fresh array):
        # the same values, about twice as fast on these mostly uniform rows.
        cdf = utility.T[somewhere]
        closed = ~open_.T[somewhere]
        np.copyto(cdf, -np.inf, where=closed)
        exp_rows(_rescaled(cdf, temperature, axis=0), closed)
        for k in range(1, cdf.shape[0]):
            cdf[k] += cdf[k - 1]
        # Scaling the draw by the total, not the cdf by it, saves a pass; the last
        # open option's cdf equals the total, which is above any draw in [0, 1).
        below = cdf <= draws[None] * cdf[-1:]
        # The chosen position is the count of options below the draw, counted in uint8
        # when there are fewer than 256 of them (the same counts; numpy's bool-to-int64
        # sum is about fifteen times slower; speed, bench/README.md sitting L).
        if below.shape[0] < 256:
            return somewhere[below.view(np.uint8).sum(axis=0, dtype=np.uint8)]
        return somewhere[below.sum(axis=0)]


class ScriptedPolicy:
    """Plays given choices: a human's moves, or a fixed script for tests.

    Turns without a scripted move fall back to ``fallback`` (the AI by default).
    A scripted option that is closed in a run is replaced by the fallback's choice.
    """

    def __init__(self, moves: dict[int, int] | None = None, fallback: Policy | None = None) -> None:
        """Create the policy.

        Args:
            moves: Turn -> option index in the actor's menu.
            fallback: Policy for unscripted turns.
        """
        self.moves: dict[int, int] = dict(moves or {})
        self.fallback: Policy = fallback or LogitPolicy()

    def choose(
        self,
        turn: int,
        utility: np.ndarray,
        open_: np.ndarray,
        draws: np.ndarray,
        temperature: float,
    ) -> np.ndarray:
        """Return the scripted move where it is open, else the fallback's."""
        auto = self.fallback.choose(turn, utility, open_, draws, temperature)
        if turn not in self.moves:
            return auto
        move = self.moves[turn]
        return np.where(open_[:, move], move, auto)


class RandomPolicy:
    """A baseline that ignores utility: every open option equally likely.

    The validation instruments play it for all four governments on the same seeds,
    events and counter-based draws as the AI: a check or claim that also holds under
    random play says nothing about what the governments choose (MODEL.md, Validation).
    """

    def choose(
        self,
        turn: int,
        utility: np.ndarray,
        open_: np.ndarray,
        draws: np.ndarray,
        temperature: float,
    ) -> np.ndarray:
        """Pick the k-th open option with k = floor(draw x number open).

        Utility and temperature are ignored. A run with no open option gets option 0
        (the menus always keep `hold` open, so this does not happen in the model).
        """
        n_open = open_.sum(axis=1)
        k = np.minimum((draws * n_open).astype(np.int64), np.maximum(n_open - 1, 0))
        # The k-th open option is the first whose running count of open options exceeds k.
        return (np.cumsum(open_, axis=1) <= k[:, None]).sum(axis=1)


def random_policies() -> dict[str, Policy]:
    """The random baseline for every actor, keyed by actor code."""
    return {code: RandomPolicy() for code in ACTORS}
