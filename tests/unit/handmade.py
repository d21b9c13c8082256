"""Hand-built inputs for the equation tests in tests/unit/.

The equation tests check each formula of MODEL.md against a value worked out by hand
in the test itself. So that a test's arithmetic does not depend on the current
defaults of ``sim/data/parameters.yaml`` (which calibration may change), every
coefficient a test reads is set here, explicitly, by path. The values are today's
defaults except where two defaults coincide and a test needs to tell them apart.

The starting point of most tests is a *quiet* world: no crisis, no dispute, no
pressure or offers, every trust and opinion 0.5 except Seoul's and Tokyo's trust in
Washington, which sits at the quasi-alliance anchor (so neither fear nor friction
acts), and no mechanism hooks. Holding in a quiet world sends no signal at all, so a
test that adds one move or one level sees exactly that move's or level's effect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from support import N_A, compiled, make_state, zero_hooks

from sim.actors import JPN, PRC, ROK, USA
from sim.compiled import Compiled
from sim.mechanisms import H, Hooks
from sim.state import State

#: Every coefficient of §7 (adjudication) the tests read, by path.
COEFFICIENTS: dict[str, float] = {
    # §7.3 trust as a belief: log-likelihood ratios ln(4/3) answer, ln(1/5) defect, 0 any
    # other move (0.15 for both types), ln(11/9) friendly, ln(7/4) hostile; forgetting 2%
    # a month toward the world's trust (set below to the quiet world's)
    "trust.answer_if_trustworthy": 0.80,
    "trust.answer_if_untrustworthy": 0.60,
    "trust.defect_if_trustworthy": 0.05,
    "trust.defect_if_untrustworthy": 0.25,
    "trust.friendly_if_trustworthy": 0.55,
    "trust.friendly_if_untrustworthy": 0.45,
    "trust.hostile_if_trustworthy": 0.20,
    "trust.hostile_if_untrustworthy": 0.35,
    "trust.type_change": 0.02,
    # §7.3 bounded update of opinion
    "opinion.gain": 0.06,
    "opinion.loss": 0.15,
    # §7.2 signals (distinct values, so that one coefficient read for another shows)
    "trust.retaliation": 1.5,
    "trust.repair": 0.9,
    "trust.broker": 0.6,
    "trust.suspension": 1.0,
    "trust.investment": 0.3,
    "trust.coercion_resentment": 1.1,
    "trust.inducement_warmth": 0.65,
    "trust.bullying_solidarity": 0.85,
    "trust.dispute_erosion": 1.25,
    # 0 here (default 0.25): the default world's mechanisms in force would otherwise
    # enter every test of dispute erosion; the sturdiness tests set it themselves.
    "trust.dispute_ties": 0.0,
    "trust.dispute_chill": 0.8,
    "trust.hedging": 0.45,
    "trust.quasi_alliance_fear": 0.95,
    "trust.quasi_alliance_friction": 0.4,
    "trust.quasi_alliance_anchor": 0.6,
    "opinion.dispute": 0.7,
    "opinion.coercion": 1.05,
    "opinion.retaliation": 0.75,
    "opinion.repair": 0.4,
    # §7.4 tensions
    "tension.crisis_decay": 0.08,
    "tension.pressure_decay": 0.20,
    "tension.inducement_decay": 0.35,
    "tension.dispute_decay": 0.03,
    "tension.grievance_decay": 0.30,
    "tension.demand_decay": 0.30,
    "tension.military_pressure": 0.25,
    "tension.de_escalation": 0.12,
    "tension.coercion": 0.35,
    "tension.inducement": 0.40,
    "tension.concession_relief": 0.60,
    "tension.retaliation_heat": 0.25,
    "tension.repair_cooling": 0.08,
    "tension.coordinated_deterrence": 0.30,
    "tension.threat_from_crisis": 0.30,
    "tension.threat_from_coercion": 0.25,
    "tension.threat_relaxation": 0.15,
    "tension.diversification": 0.015,
    "tension.coercion_cost": 1.0,
    "tension.retaliation_cost": 0.05,
    # §7.1 thresholds
    "thresholds.pressure": 0.10,
    "thresholds.crisis": 0.30,
    "thresholds.dispute": 0.20,
    "thresholds.inducement": 0.10,
    # the starting threat of Beijing (θ⁰ of §7.4's relaxation)
    "world.threat.USA.PRC": 0.6,
    "world.threat.ROK.PRC": 0.4,
    "world.threat.JPN.PRC": 0.5,
    "world.threat.ROK.JPN": 0.2,
    "world.threat.JPN.ROK": 0.1,
    # the prior beliefs (§7.3's forgetting returns to them): the quiet world's trust
    **{
        f"world.trust.{i}.{j}": 0.6 if j == "USA" and i in ("ROK", "JPN") else 0.5
        for i in ("USA", "ROK", "JPN", "PRC")
        for j in ("USA", "ROK", "JPN", "PRC")
        if i != j
    },
    # §5.2 shared mechanism rules
    "mechanism_rules.suspended_decay": 0.10,
    "mechanism_rules.spillover": 1.0,
}


_BUILT: dict[str, Compiled] = {}


def hand(**extra: Any) -> Compiled:
    """Compiled parameters with `COEFFICIENTS`, plus ``extra`` (``path__with__dunders``).

    A keyword's double underscores stand for dots: ``trust__type_change=0`` sets ``trust.type_change``.
    Built once per distinct set of settings.
    """
    settings = dict(COEFFICIENTS)
    settings.update({k.replace("__", "."): v for k, v in extra.items()})
    key = repr(sorted(settings.items()))
    if key not in _BUILT:
        _BUILT[key] = compiled(settings)
    return _BUILT[key]


def quiet_trust(**pairs: float) -> np.ndarray:
    """Trust 0.5 everywhere off the diagonal, ROK->USA and JPN->USA at the anchor 0.6.

    ``ROK_JPN=0.3`` sets Seoul's trust in Tokyo.
    """
    t = np.full((N_A, N_A), 0.5)
    np.fill_diagonal(t, 1.0)
    t[ROK, USA] = t[JPN, USA] = COEFFICIENTS["trust.quasi_alliance_anchor"]
    return _set_pairs(t, pairs)


def quiet_opinion(**pairs: float) -> np.ndarray:
    """Opinion 0.5 everywhere off the diagonal."""
    o = np.full((N_A, N_A), 0.5)
    np.fill_diagonal(o, 1.0)
    return _set_pairs(o, pairs)


_CODES = {"USA": USA, "ROK": ROK, "JPN": JPN, "PRC": PRC}


def _set_pairs(matrix: np.ndarray, pairs: dict[str, float]) -> np.ndarray:
    for name, value in pairs.items():
        i, j = name.split("_")
        matrix[_CODES[i], _CODES[j]] = value
    return matrix


def quiet(c: Compiled | None = None, n: int = 1, **changes: Any) -> State:
    """The quiet world of this module's docstring, with some arrays replaced."""
    c = c or hand()
    changes.setdefault("crisis", 0.0)
    changes.setdefault("dispute", 0.0)
    changes.setdefault("trust", quiet_trust())
    changes.setdefault("opinion", quiet_opinion())
    return make_state(c, n=n, **changes)


def hooks_with(n: int = 1, **values: dict[int, float] | float) -> Hooks:
    """Hooks that are 0 except the given ones: ``deterrence={USA: 0.1, ROK: 0.2}``."""
    hooks = zero_hooks(n)
    for name, per_actor in values.items():
        if isinstance(per_actor, dict):
            for a, v in per_actor.items():
                hooks.actor[:, H[name], a] = v
        else:
            hooks.actor[:, H[name], :] = per_actor
    return hooks
