"""sim/base_rates.py: Beijing's quiet-time campaign rates against the record of 2010-2021."""

from __future__ import annotations

import numpy as np
import pytest
from support import ROOT, write

from agents.policies import RandomPolicy, ScriptedPolicy, random_policies
from sim.actions import K
from sim.actors import JPN, PRC, ROK
from sim.base_rates import (
    QUIET_TIMES,
    BaseRateCheck,
    check_base_rates,
    load_base_rates,
    monthly_rates,
    onsets,
    poisson_interval,
    record_rate,
)
from sim.errors import InputError
from sim.model import TrilateralModel
from sim.scenario import load_scenario

RATES = load_base_rates()


def test_poisson_interval_matches_garwood_s_table():
    """Exact 95% limits for a Poisson mean (Garwood 1936; e.g. Ulm 1990, Table 1)."""
    assert poisson_interval(0) == pytest.approx((0.0, 3.689), abs=1e-3)
    assert poisson_interval(1) == pytest.approx((0.0253, 5.572), abs=1e-3)
    assert poisson_interval(2) == pytest.approx((0.2422, 7.225), abs=1e-3)
    assert poisson_interval(3) == pytest.approx((0.6187, 8.767), abs=1e-3)


@pytest.mark.parametrize("kind", ["coerce", "induce"])
def test_the_stated_rate_and_interval_follow_from_the_episodes(kind):
    """The file states what its counting rule gives: count / 144 months, Garwood's interval."""
    c = RATES.campaigns[kind]
    rate, low, high = record_rate(c, RATES.window.months)
    assert c.rate == pytest.approx(rate, abs=5e-5)
    assert c.interval == pytest.approx((low, high), abs=5e-5)


def test_the_record_by_hand():
    """Coercion: Senkaku 2010 and THAAD 2016 counted, Senkaku 2012 only widens the upper end."""
    assert [e.id for e in RATES.campaigns["coerce"].episodes] == ["senkaku_2010", "thaad_2016"]
    assert [e.id for e in RATES.campaigns["coerce"].upper_only] == ["senkaku_2012"]
    assert record_rate(RATES.campaigns["coerce"], 144) == pytest.approx(
        (2 / 144, 0.2422 / 144, 8.767 / 144), rel=1e-3
    )
    assert record_rate(RATES.campaigns["induce"], 144) == pytest.approx(
        (1 / 144, 0.0253 / 144, 5.572 / 144), rel=1e-3
    )


def test_a_bad_base_rates_file_names_file_line_and_field(tmp_path):
    text = (
        (ROOT / "sim/data/base_rates.yaml").read_text(encoding="utf-8").replace("months: 144", "months: 140")
    )
    bad = write(tmp_path / "rates.yaml", text)
    with pytest.raises(InputError) as info:
        load_base_rates(bad)
    assert "is 144 months, not 140" in str(info.value) and str(bad) in str(info.value)


def test_an_episode_outside_the_window_is_refused(tmp_path):
    text = (
        (ROOT / "sim/data/base_rates.yaml")
        .read_text(encoding="utf-8")
        .replace("start: 2016-07", "start: 2022-02")
    )
    with pytest.raises(InputError, match="thaad_2016 starts 2022-02, outside the window"):
        load_base_rates(write(tmp_path / "rates.yaml", text))


def test_quiet_times_scripts_nothing():
    """The rate must come from the AI's choices: no event, no parameter set by the file."""
    s = load_scenario(QUIET_TIMES).scenario
    assert s.events == [] and s.parameters == {} and s.expectations is None


class _Hold:
    """Beijing holds (its menu's option 0) whenever nothing is scripted."""

    def choose(self, turn, utility, open_, draws, temperature):  # noqa: ANN001, ANN201
        return np.zeros(utility.shape[0], dtype=np.int64)


def test_onsets_count_a_campaign_once_while_it_lasts():
    """Coerce Seoul in turns 1 and 2 (one campaign: pressure still >= 0.10 in turn 2), induce
    Tokyo in turn 3, and coerce Seoul again in turn 20, after 18 turns of 20% decay: two
    coercion campaigns and one inducement."""
    probe = TrilateralModel(QUIET_TIMES, seeds=[0], collect=False)
    opts = probe.compiled.options
    coerce_rok, induce_jpn = opts.find(PRC, "coerce ROK"), opts.find(PRC, "induce JPN")
    base = opts.slices[PRC].start
    moves = {1: coerce_rok - base, 2: coerce_rok - base, 3: induce_jpn - base, 20: coerce_rok - base}
    model = TrilateralModel(
        QUIET_TIMES, seeds=[0, 1], collect=False, policies={"PRC": ScriptedPolicy(moves, fallback=_Hold())}
    )
    while model.running:
        model.step()
    assert model.history[1].after_events.pressure[:, ROK].min() >= 0.10  # turn 2: still under coercion
    assert model.history[19].after_events.pressure[:, ROK].max() < 0.10  # turn 20: it has lapsed
    assert all(opts.kind[model.history[t].outcome.choices[0, PRC]] == K["hold"] for t in (3, 10))
    counted = onsets(model)
    assert counted["coerce"].tolist() == [2.0, 2.0]
    assert counted["induce"].tolist() == [1.0, 1.0]
    assert model.history[2].after_events.inducement[:, JPN].max() < 0.10


def test_onsets_refuse_a_model_without_history():
    model = TrilateralModel(QUIET_TIMES, seeds=[0], collect=False, keep_history=False)
    model.step()
    with pytest.raises(ValueError, match="keep_history=True"):
        onsets(model)


def test_a_beijing_that_always_holds_opens_no_campaign():
    rates = monthly_rates(QUIET_TIMES, runs=5, policies={"PRC": _Hold()})
    assert all(np.array_equal(r, np.zeros(5)) for r in rates.values())


def test_the_check_is_two_sided():
    """Inside the interval passes; below its lower end fails too (a Beijing that never acts)."""
    record = (0.0139, 0.0017, 0.0609)
    inside = BaseRateCheck("coerce", "t", record, (0.02, 0.018, 0.022), (0.15, 0.14, 0.16), 100)
    never = BaseRateCheck("coerce", "t", record, (0.0, 0.0, 0.0), (0.15, 0.14, 0.16), 100)
    assert inside.passed and not inside.random_passed and inside.discriminates
    assert not never.passed and not never.discriminates


@pytest.fixture(scope="module")
def checks() -> list[BaseRateCheck]:
    return check_base_rates(runs=300)


@pytest.mark.parametrize("kind", ["coerce", "induce"])
def test_beijing_s_ai_meets_the_record_in_quiet_times_and_random_play_does_not(checks, kind):
    """The AI's monthly rate of opening campaigns lies in the record's interval; random play's
    is far above it (so the check tells the AI from chance)."""
    check = next(c for c in checks if c.kind == kind)
    assert check.passed, check.as_dict()
    assert not check.random_passed, check.as_dict()
    assert check.random[1] > check.record[2]  # random play opens campaigns measurably too often
    assert check.discriminates


def test_random_beijing_alone_breaks_the_record():
    """Random play by Beijing alone, the allies as the AI: the rate is Beijing's own doing."""
    rates = monthly_rates(QUIET_TIMES, runs=100, policies={"PRC": RandomPolicy()})
    assert rates["coerce"].mean() > RATES.campaigns["coerce"].interval[1]
    assert rates["induce"].mean() > RATES.campaigns["induce"].interval[1]


def test_seoul_rarely_concedes_to_beijing_in_the_comfort_women_years():
    """No coercion is scripted in 2015-18: a concession to Beijing can only follow Beijing's AI
    coercing Seoul, which in quiet years it rarely does (issue 8: 86% of runs before)."""
    runs = 300
    shares = []
    for policies in (None, random_policies()):
        model = TrilateralModel(
            "scenarios/history/comfort_women_2015.yaml",
            seeds=np.arange(runs),
            policies=policies,
            collect=False,
        )
        while model.running:
            model.step()
        conceded = np.zeros(runs, dtype=bool)
        for record in model.history:
            conceded |= model.compiled.options.kind[record.outcome.choices[:, ROK]] == K["concede"]
        shares.append(conceded.mean())
    assert shares[0] <= 0.05, shares
    assert shares[1] >= 0.5, shares  # random play does concede: the rarity is the AIs' doing


def test_backtest_of_the_bundled_set_reports_the_base_rates():
    """`backtest` without files adds the base-rate table; its JSON carries the same figures."""
    import json

    from typer.testing import CliRunner

    from cli.app import app

    env = {"COLUMNS": "80", "NO_COLOR": "1"}
    text = CliRunner().invoke(app, ["backtest", "--runs", "20"], env=env).stdout
    assert "Beijing's quiet-time base rates, per month (theory/quiet_times, 20 runs)" in text
    assert "0.0017-0.0609" in text and "0.0002-0.0387" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    doc = json.loads(CliRunner().invoke(app, ["backtest", "--runs", "20", "--json"], env=env).stdout)
    assert [r["kind"] for r in doc["base_rates"]] == ["coerce", "induce"]
    assert doc["base_rates"][0]["record"] == {"rate": 0.0139, "low": 0.0017, "high": 0.0609}
    assert doc["base_rates"][0]["runs"] == 20
