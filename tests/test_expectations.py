"""sim/expectations.py: the expectations language, its validation and its verdicts."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest

from sim.errors import InputError
from sim.expectations import Check, mean_interval, wilson
from sim.model import TrilateralModel
from sim.scenario import load_scenario
from sim.verdicts import evaluate, per_run

# Line 1 is `title:`; the first check is on line 14.
BASE = textwrap.dedent(
    """\
    title: Expectation test
    description: Coercion of Seoul.
    sources: [tests]
    turns: 6
    briefings: {1: a, 3: b}
    events:
      - {id: boycott, kind: boycott, headline: h, briefing: b, turn: 1, targets: [ROK], magnitude: 0.9}
      - {id: ban, kind: tourism_ban, headline: h, briefing: b, turn: 3, targets: [ROK], magnitude: 1.0}
      - {id: maybe, kind: boycott, headline: h, briefing: b, turn: 2, until: 2, chance: 0.5,
         targets: [JPN], magnitude: 0.3}
    expectations:
      runs: 200
      checks:
    """
)


def scenario_with(tmp_path, *checks: str):
    f = tmp_path / "e.yaml"
    f.write_text(BASE + "".join(f"    - {c}\n" for c in checks), encoding="utf-8")
    return f


def played(tmp_path, *checks: str) -> tuple[TrilateralModel, list[Check]]:
    loaded = load_scenario(scenario_with(tmp_path, *checks))
    spec = loaded.scenario.expectations
    model = TrilateralModel(loaded, seeds=np.arange(spec.runs), collect=False)
    while model.running:
        model.step()
    return model, spec.checks


def test_outcome_share_is_the_share_of_runs_where_it_happened(tmp_path):
    model, (check,) = played(
        tmp_path, "{name: c, metric: concedes, actor: ROK, by_turn: 4, share: {at_least: 0.0}}"
    )
    conceded = np.zeros(model.n_runs, dtype=bool)
    for rec in model.history[:4]:
        conceded |= rec.outcome.conceded[:, 1]
    result = evaluate(check, model)
    assert result.value == pytest.approx(conceded.mean()) and result.n == model.n_runs
    assert result.low <= result.value <= result.high and result.passed


def test_event_fires_and_chooses(tmp_path):
    model, checks = played(
        tmp_path,
        "{name: sure, metric: event_fires, event: ban, share: {at_least: 0.99}}",
        "{name: coin, metric: event_fires, event: maybe, share: {at_most: 0.9}}",
        "{name: hedges, metric: chooses, actor: ROK, action: hedge, share: {at_least: 0.0}}",
    )
    sure, coin, hedges = (evaluate(c, model) for c in checks)
    assert sure.value == 1.0 and sure.passed
    assert 0.35 < coin.value < 0.65 and coin.passed
    option = model.compiled.options.find(1, "hedge")
    chose = np.zeros(model.n_runs, dtype=bool)
    for rec in model.history:
        chose |= rec.outcome.choices[:, 1] == option
    assert hedges.value == pytest.approx(chose.mean())


def test_change_measures_against_the_world_before_turn_1(tmp_path):
    model, (check,) = played(
        tmp_path, "{name: c, metric: trust, of: ROK, toward: PRC, change: true, mean: {below: 0.0}}"
    )
    values = per_run(check, model)
    want = model.history[-1].state.trust[:, 1, 3] - model.start.trust[:, 1, 3]
    np.testing.assert_array_equal(values, want)
    result = evaluate(check, model)
    assert result.value < 0 and result.passed  # coercion breeds resentment


def test_a_bound_that_is_not_met_fails(tmp_path):
    model, checks = played(
        tmp_path,
        "{name: never, metric: concedes, actor: USA, share: {at_least: 0.5}}",
        "{name: too high, metric: index, mean: {above: 100.0}}",
    )
    assert [evaluate(c, model).passed for c in checks] == [False, False]


def test_untested_rates_do_not_count(tmp_path):
    model, (check,) = played(tmp_path, "{name: c, metric: wedge_success_rate, mean: {below: 2.0}}")
    values = per_run(check, model)
    result = evaluate(check, model)
    assert result.n == int((~np.isnan(values)).sum())


def test_intervals():
    low, high = wilson(50, 100)
    assert low < 0.5 < high and high - low == pytest.approx(0.19, abs=0.01)
    assert wilson(0, 100)[0] == 0.0 and wilson(100, 100)[1] == pytest.approx(1.0)
    mean, lo, hi = mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5 and lo < 2.5 < hi
    assert all(math.isnan(v) for v in mean_interval(np.array([])))


@pytest.mark.parametrize(
    ("check", "line", "path", "words"),
    [
        (
            "{name: c, metric: vibes, share: {at_least: 0.5}}",
            14,
            "expectations.checks[0].metric",
            "must be one of",
        ),
        (
            "{name: c, metric: concedes, actor: RUS, share: {at_least: 0.5}}",
            14,
            "checks[0].actor",
            "must be one of",
        ),
        (
            "{name: c, metric: strength, mechanism: nato, mean: {above: 0}}",
            14,
            "checks[0].mechanism",
            "must be one of",
        ),
        (
            "{name: c, metric: concedes, actor: ROK, share: {at_least: 1.5}}",
            14,
            "share.at_least",
            "must be <= 1",
        ),
        (
            "{name: c, metric: concedes, actor: ROK, share: {at_least: -0.1}}",
            14,
            "share.at_least",
            "must be >= 0",
        ),
        (
            "{name: c, metric: concedes, actor: ROK, by_turn: 9, share: {at_least: 0.5}}",
            14,
            "checks[0].by_turn",
            "after the last turn (6)",
        ),
        (
            "{name: c, metric: trust, of: ROK, toward: JPN, at: 7, mean: {above: 0}}",
            14,
            "checks[0].at",
            "after the last turn",
        ),
        (
            "{name: c, metric: concedes, actor: ROK, mean: {above: 0.5}}",
            14,
            "checks[0].metric",
            "is an outcome",
        ),
        (
            "{name: c, metric: trust, of: ROK, toward: JPN, share: {at_least: 0.5}}",
            14,
            "checks[0].metric",
            "is a measure",
        ),
        (
            "{name: c, metric: trust, of: ROK, mean: {above: 0}}",
            14,
            "checks[0].toward",
            "is required for metric 'trust'",
        ),
        (
            "{name: c, metric: event_fires, event: nope, share: {at_least: 0.5}}",
            14,
            "checks[0].event",
            "names no event",
        ),
        (
            "{name: c, metric: chooses, actor: ROK, action: invade, share: {at_least: 0.5}}",
            14,
            "checks[0].action",
            "not on ROK's menu",
        ),
        ("{name: c, metric: index, at: 2, mean: {above: 0}}", 14, "checks[0].at", "read at the end"),
    ],
)
def test_malformed_expectations_name_file_line_and_field(tmp_path, check, line, path, words):
    f = scenario_with(tmp_path, check)
    with pytest.raises(InputError) as info:
        load_scenario(f)
    text = str(info.value)
    assert text.startswith(f"{f}:{line}:"), text
    assert path in text and words in text, text


@pytest.mark.parametrize(
    ("check", "words"),
    [
        (
            "{name: c, metric: trust, of: ROK, toward: JPN, by_turn: 3, mean: {above: 0}}",
            "windows apply to outcomes",
        ),
        ("{name: c, metric: concedes, actor: ROK, at: 3, share: {at_least: 0.5}}", "applies to measures"),
        ("{name: c, metric: dispute, mean: {above: .nan}}", "finite number"),
    ],
)
def test_meaningless_checks_are_refused(tmp_path, check, words):
    f = scenario_with(tmp_path, check)
    with pytest.raises(InputError) as info:
        load_scenario(f)
    assert words in str(info.value), str(info.value)
