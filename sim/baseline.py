"""The random baseline of a backtest: does a check tell the AI from random play?

Every check of a scenario's expectations is judged twice on the same seeds and events:
once with the four governments played by the AI and once with each choosing uniformly
at random among its open options (`agents.policies.RandomPolicy`). Both ensembles draw
the same counter-based numbers (run seed, turn, actor, purpose), so run k of one pairs
with run k of the other and the difference is measured per run (common random
numbers), as in the claims.

A check **discriminates** when

- the AI passes it and random play fails it, or
- the paired difference AI − random has a 95% interval that excludes 0 *on the side
  the bound asks for* (above 0 for ``at_least``/``above``, below 0 for
  ``at_most``/``below``): the agents push the quantity toward history, measurably.

A check that does not discriminate is context, not evidence: it passes, or fails,
whatever the governments choose. (The side condition is stricter than "the two
differ": a check that random play meets by a wider margin than the AI is not
evidence for the AI.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.expectations import Check, Result, mean_interval
from sim.verdicts import evaluate, per_run, play


@dataclass(frozen=True)
class Comparison:
    """One check under the AI and under random play.

    Attributes:
        ai: The check's result with the AI.
        random: Its result with every government random.
        effect: Mean paired difference AI − random over runs where both count.
        low: Lower end of the difference's 95% interval.
        high: Upper end.
        n: Paired runs.
        discriminates: See the module docstring.
    """

    ai: Result
    random: Result
    effect: float
    low: float
    high: float
    n: int
    discriminates: bool

    @property
    def differs(self) -> bool:
        """The 95% interval of AI − random excludes 0, on either side."""
        return bool(self.low > 0.0 or self.high < 0.0)

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON: the AI's result at the top level (as before), the rest beside it."""

        def num(x: float) -> float | None:
            return None if isinstance(x, float) and math.isnan(x) else x

        out = {k: num(v) for k, v in self.ai.as_dict().items()}
        out["random"] = {k: num(v) for k, v in self.random.as_dict().items() if k not in ("name", "bound")}
        diff = {"effect": self.effect, "low": self.low, "high": self.high}
        out["difference"] = {**{k: num(v) for k, v in diff.items()}, "n": self.n, "differs": self.differs}
        out["discriminates"] = self.discriminates
        return out


def favoured_side(check: Check) -> int:
    """+1 if the check's bound is met by larger values (at_least, above), -1 otherwise."""
    if check.share is not None:
        return 1 if check.share.at_least is not None else -1
    return 1 if check.mean.above is not None else -1


def discriminates(side: int, ai_passed: bool, random_passed: bool, low: float, high: float) -> bool:
    """The rule of the module docstring.

    Args:
        side: `favoured_side` of the check.
        ai_passed: The AI's verdict.
        random_passed: Random play's verdict.
        low: Lower end of the 95% interval of AI − random.
        high: Upper end.
    """
    if ai_passed and not random_passed:
        return True
    if math.isnan(low) or math.isnan(high):
        return False
    return bool(low > 0.0) if side > 0 else bool(high < 0.0)


def paired_difference(ai: np.ndarray, rnd: np.ndarray) -> tuple[float, float, float, int]:
    """Mean of ai - rnd over runs where neither is NaN, its 95% interval, and the count."""
    both = ~(np.isnan(ai) | np.isnan(rnd))
    diff = ai[both] - rnd[both]
    effect, low, high = mean_interval(diff)
    return effect, low, high, int(diff.size)


def compare(loaded: Any, runs: int | None = None) -> list[Comparison]:
    """Play a scenario's expectations under the AI and under random play; compare each check.

    Args:
        loaded: A `sim.scenario.LoadedScenario` that declares expectations.
        runs: Ensemble size (default: the file's own).

    Returns:
        One comparison per check, in order.
    """
    from agents.policies import random_policies

    ai_model = play(loaded, runs)
    random_model = play(loaded, runs, random_policies())
    out = []
    for check in loaded.scenario.expectations.checks:
        ai, rnd = evaluate(check, ai_model), evaluate(check, random_model)
        effect, low, high, n = paired_difference(per_run(check, ai_model), per_run(check, random_model))
        verdict = discriminates(favoured_side(check), ai.passed, rnd.passed, low, high)
        out.append(Comparison(ai, rnd, effect, low, high, n, verdict))
    return out
