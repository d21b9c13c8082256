"""Turn length: parsing, scaling per-month rates to a turn, and the same episode in two turn lengths."""

from __future__ import annotations

import numpy as np
import pytest

from sim.compiled import compile_parameters
from sim.errors import InputError
from sim.params import build_parameters, default_parameters, rate_declarations
from sim.scenario import parse_scenario
from sim.timescale import DAYS_PER_MONTH, matching_paths, parse_turn_length, scale_parameters, scale_rate

TWO_WEEKS = 14.0 / DAYS_PER_MONTH  # 0.4599... months


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("1 month", 1.0),
        ("3 months", 3.0),
        ("2 weeks", 14.0 / 30.4375),
        ("1 week", 7.0 / 30.4375),
        ("10 days", 10.0 / 30.4375),
        ("  2   weeks ", 14.0 / 30.4375),
    ],
)
def test_turn_length_is_parsed_in_months(text: str, months: float) -> None:
    assert parse_turn_length(text) == pytest.approx(months, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    ["fortnight", "2 weeks and a day", "0 weeks", "-1 month", "1.5 months", "2 years", "4 months", "", "2"],
)
def test_bad_turn_lengths_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_turn_length(text)


def test_a_scenario_with_a_bad_turn_length_names_file_line_and_what_is_allowed() -> None:
    text = 'title: t\ndescription: d\nsources: [s]\nturns: 1\nturn_length: "a fortnight"\nbriefings: {1: b}\n'
    with pytest.raises(InputError) as err:
        parse_scenario(text, "bad.yaml")
    message = str(err.value)
    assert "bad.yaml:5" in message and "turn_length" in message and "'N weeks'" in message


def test_share_compounds() -> None:
    # a 10%-a-month decay over half a month: 1 - 0.9 ** 0.5 = 0.0513167...
    assert scale_rate(0.10, "share", 0.5) == pytest.approx(0.05131670194948623, rel=1e-12)
    # two half-month steps remove what one month removes: (1 - 0.0513167)**2 = 0.9
    half = scale_rate(0.10, "share", 0.5)
    assert (1.0 - half) ** 2 == pytest.approx(0.9, rel=1e-12)
    # a quarter: 1 - 0.8 ** 3 = 0.488
    assert scale_rate(0.20, "share", 3.0) == pytest.approx(0.488, rel=1e-12)


def test_amounts_scale_linearly_and_durations_round_to_turns() -> None:
    assert scale_rate(0.35, "amount", 0.5) == pytest.approx(0.175)
    assert scale_rate(0.35, "amount", 2.0) == pytest.approx(0.70)
    assert scale_rate(6, "months", TWO_WEEKS) == 13.0  # 6 / 0.46 = 13.04
    assert scale_rate(8, "months", 3.0) == 3.0  # 2.67 rounds to 3
    assert scale_rate(1, "months", 3.0) == 1.0  # never below one turn
    assert scale_rate(0, "months", TWO_WEEKS) == 0.0  # 0 keeps meaning "never"
    with pytest.raises(ValueError):
        scale_rate(0.1, "speed", 1.0)


def test_every_declared_rate_names_parameters_and_nothing_else_changes() -> None:
    p = default_parameters()
    rates = rate_declarations()
    assert rates["tension.crisis_decay"] == "share" and rates["tension.coercion"] == "amount"
    assert rates["mechanisms.*.notice_period"] == "months"
    q = scale_parameters(p, 0.5, rates)
    assert q.tension.crisis_decay == pytest.approx(1 - (1 - 0.08) ** 0.5)  # 0.0408337...
    assert q.tension.coercion == pytest.approx(0.175)
    assert q.mechanisms["gsomia"].notice_period == 6 and isinstance(q.mechanisms["gsomia"].notice_period, int)
    assert q.mechanisms["history_dialogue"].effects["trust_repair"] == pytest.approx(0.15)
    assert q.mechanisms["history_dialogue"].effects["dispute_damping"] == 0.5  # a shield, not a rate
    # every leaf not declared a rate is untouched
    declared = {
        path for pattern in rates for path in matching_paths(p.model_dump(), tuple(pattern.split(".")))
    }
    before, after = p.model_dump(), q.model_dump()
    for path in _leaves(before):
        if path not in declared:
            assert _get(after, path) == _get(before, path), path


def test_a_month_leaves_the_parameters_untouched() -> None:
    p = default_parameters()
    assert scale_parameters(p, 1.0, rate_declarations()) is p
    assert compile_parameters(p).params is p


def test_compiled_tables_hold_the_rates_per_turn() -> None:
    c = compile_parameters(build_parameters([]), TWO_WEEKS)
    assert c.months == TWO_WEEKS
    assert c.params.tension.pressure_decay == pytest.approx(1 - 0.8**TWO_WEEKS)
    k = list(c.params.mechanisms).index("gsomia")
    assert c.mech["decay"][k] == pytest.approx(1 - 0.98**TWO_WEEKS)


def _leaves(tree: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(tree, dict):
        return [prefix]
    out: list[tuple[str, ...]] = []
    for key, value in tree.items():
        out.extend(_leaves(value, prefix + (str(key),)))
    return out


def _get(tree: object, path: tuple[str, ...]) -> object:
    for key in path:
        tree = tree[key]  # type: ignore[index]
    return tree


# The same episode in two turn lengths -------------------------------------------------

_QUIET = """title: A quiet year
description: No events; a standing crisis and dispute fade while the AIs play.
sources: [tests/test_timescale.py]
turns: {turns}
turn_length: "{length}"
briefings:
{briefings}
parameters:
  world: {{crisis: 0.6, dispute: 0.6}}
"""


class _Hold:
    """Every actor holds (option 0 of each menu) every turn: no decisions at all."""

    def choose(self, turn, utility, open_, draws, temperature):  # noqa: ANN001, ANN201
        return np.zeros(utility.shape[0], dtype=int)


def _trajectory(
    length: str, turns: int, months: float | None, runs: int = 300, hold: bool = False
) -> dict[int, dict[str, np.ndarray]]:
    from sim.actors import ACTORS
    from sim.model import TrilateralModel

    briefings = "\n".join(f"  {t}: Turn {t}." for t in range(1, turns + 1))
    loaded = parse_scenario(_QUIET.format(turns=turns, length=length, briefings=briefings), "quiet.yaml")
    policies = {code: _Hold() for code in ACTORS} if hold else None
    model = TrilateralModel(
        loaded, seeds=np.arange(runs), keep_history=True, collect=False, policies=policies
    )
    if months is not None:  # play the turns at another rate scale (to show the test can fail)
        model.compiled = compile_parameters(loaded.parameters, months)
    while model.running:
        model.step()
    return {
        h.turn: {
            "dispute": h.state.dispute,
            "crisis": h.state.crisis,
            "trust ROK->JPN": h.state.trust[:, 1, 2],
            "opinion ROK->JPN": h.state.opinion[:, 1, 2],
            "Tokyo's threat of Beijing": h.state.threat[:, 2, 3],
        }
        for h in model.history
    }


def _gaps(a: dict, b: dict, pairs: list[tuple[int, int]]) -> list[tuple[str, float, float]]:
    out = []
    for month, turn in pairs:
        for name, x in a[month].items():
            y = b[turn][name]
            se = float(np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)) if x.size > 1 else 0.0
            out.append((f"{name} at month {month}", float(y.mean() - x.mean()), se))
    return out


#: Month m of monthly turns against two-week turn t, with t x 0.46 within a day of m.
_PAIRS = [(6, 13), (12, 26)]


def test_without_decisions_two_week_and_monthly_turns_give_the_same_trajectory() -> None:
    # Everyone holds: only the scaled rates act (decays, standing trust and opinion
    # evidence, mechanism decay). Two-week turn 26 is month 11.96, so a crisis decaying
    # 8% a month differs by 0.6 * (0.92**11.96 - 0.92**12) = 0.0008 at most.
    monthly = _trajectory("1 month", 12, None, runs=1, hold=True)
    fortnightly = _trajectory("2 weeks", 26, None, runs=1, hold=True)
    for what, diff, _ in _gaps(monthly, fortnightly, _PAIRS):
        assert abs(diff) <= 0.002, f"{what}: two-week minus monthly {diff:+.4f}"


#: What turn-by-turn decisions add to sampling error when the AIs play (MODEL.md,
#: Validation: turn length): a logit choice is made each turn, so two-week turns cross
#: decision thresholds at other moments (crisis +0.039 at month 12, s.e. 0.007).
_DECISIONS = 0.02


def test_two_week_and_monthly_turns_give_the_same_monthly_trajectory() -> None:
    monthly = _trajectory("1 month", 12, None)
    fortnightly = _trajectory("2 weeks", 26, None)
    for what, diff, se in _gaps(monthly, fortnightly, _PAIRS):
        assert abs(diff) <= 3.0 * se + _DECISIONS, f"{what}: two-week minus monthly {diff:+.4f} (se {se:.4f})"


def test_unscaled_two_week_turns_would_run_the_dynamics_at_double_speed() -> None:
    # The same comparison fails when the 26 two-week turns keep the per-month rates.
    monthly = _trajectory("1 month", 12, None, runs=1, hold=True)
    unscaled = _trajectory("2 weeks", 26, 1.0, runs=1, hold=True)
    worst = max(abs(diff) for _, diff, _ in _gaps(monthly, unscaled, _PAIRS))
    assert worst > 0.1


def test_steady_evidence_over_a_turn_composes_like_the_monthly_update() -> None:
    from sim.adjudication import bounded_update, bounded_update_over

    level = np.array([0.5])
    # one month: u = 0.12 (1 - e^-1) = 0.0758545, d = 0.30 (1 - e^-0.5) = 0.1180408,
    # l' = u + (1 - u - d) l = 0.0758545 + 0.8061047 * 0.5 = 0.4789068
    month = bounded_update_over(level, np.array([1.0]), np.array([0.5]), 0.12, 0.30, 1.0)
    assert month[0] == pytest.approx(0.4789068, abs=1e-7)
    assert month[0] == pytest.approx(bounded_update(level, 1.0, 0.5, 0.12, 0.30)[0], rel=1e-12)
    half = bounded_update_over(level, np.array([1.0]), np.array([0.5]), 0.12, 0.30, 0.5)
    twice = bounded_update_over(half, np.array([1.0]), np.array([0.5]), 0.12, 0.30, 0.5)
    assert twice[0] == pytest.approx(month[0], rel=1e-12)
    # no evidence: nothing moves
    assert bounded_update_over(level, np.array([0.0]), np.array([0.0]), 0.12, 0.30, 0.5)[0] == 0.5
