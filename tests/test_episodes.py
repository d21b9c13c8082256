"""Episode worlds from observables: who governs and the one resolve rule, the rules for
validation files, and lever-specific dependence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import compiled, event, make_scenario, make_state, overrides, zero_hooks

from agents.utility import FEATURES, situation
from sim.actors import INDEX, JPN, PRC, ROK
from sim.errors import InputError
from sim.events import apply_events, blend_leverage
from sim.params import build_parameters, default_parameters, government_table
from sim.scenario import SCENARIO_DIR, load_scenario, parse_scenario

HISTORY = sorted((SCENARIO_DIR / "history").glob("*.yaml"))


# The one resolve rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("government", "resolve"),
    [
        ("kan_2010", 0.50 - 0.15),  # accommodating middle power
        ("park_2013", 0.50),  # balancing middle power
        ("moon_2017", 0.50 - 0.15),
        ("suga_2020", 0.50 + 0.15),  # firm middle power
        ("biden_2021", 0.50 + 0.15 + 0.10),  # firm great power
        ("obama_2009", 0.50 - 0.15 + 0.10),  # accommodating great power
        ("hu_2002", 0.50 + 0.10),
    ],
)
def test_resolve_is_coded_by_one_rule(government: str, resolve: float) -> None:
    assert government_table().resolve(government) == pytest.approx(resolve, abs=1e-12)


def test_every_government_has_a_coding_and_a_source() -> None:
    table = government_table()
    assert len(table.governments) >= 12
    for name, g in table.governments.items():
        assert g.line in (-1, 0, 1) and len(g.source) > 40, name


def test_the_default_world_takes_its_resolve_from_who_governs() -> None:
    w = default_parameters().world
    assert w.governments == {"USA": "biden_2021", "ROK": "moon_2017", "JPN": "suga_2020", "PRC": "xi_2012"}
    assert w.resolve == pytest.approx({"USA": 0.75, "ROK": 0.35, "JPN": 0.65, "PRC": 0.75})


def test_naming_another_government_recodes_resolve_and_an_explicit_value_wins() -> None:
    p = build_parameters(overrides({"world.governments.ROK": "park_2013"}))
    assert p.world.resolve["ROK"] == pytest.approx(0.50)
    p = build_parameters(overrides({"world.resolve.ROK": 0.9, "world.governments.ROK": "park_2013"}))
    assert p.world.resolve["ROK"] == 0.9  # a what-if from --set or a sweep


def test_an_unknown_or_misplaced_government_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as err:
        build_parameters([(("world", "governments", "ROK"), "kan_2010", "x.yaml", 7)])
    assert "x.yaml:7" in str(err.value) and "governs JPN, not ROK" in str(err.value)
    with pytest.raises(InputError) as err:
        build_parameters([(("world", "governments", "ROK"), "nobody", "x.yaml", 8)])
    assert "x.yaml:8" in str(err.value) and "moon_2017" in str(err.value)


def test_a_leadership_change_naming_a_government_sets_its_coded_resolve() -> None:
    ev = event(
        "leadership_change", source="ROK", targets=["ROK", "JPN"], magnitude=-0.5, government="park_2013"
    )
    sc = make_scenario([ev])
    state = make_state(n=2, n_events=1)
    fired = np.array([[True], [False]])
    new, _ = apply_events(sc, state, fired, compiled(), zero_hooks(2))
    assert new.resolve[0, ROK] == pytest.approx(0.50)  # park_2013, not 0.35 - 0.25
    assert new.resolve[1, ROK] == pytest.approx(0.35)  # not fired: Moon still governs
    assert new.resolve[0, JPN] == pytest.approx(0.65)  # Tokyo's government did not change


def test_a_government_must_govern_a_target_of_a_leadership_change() -> None:
    with pytest.raises(Exception, match="not a government of a target"):
        make_scenario([event("leadership_change", source="ROK", targets=["ROK"], government="kan_2010")])
    with pytest.raises(Exception, match="only to leadership_change"):
        make_scenario([event("summit", source="ROK", targets=["ROK", "JPN"], government="moon_2017")])


# Validation files ------------------------------------------------------------------

_FILE = """title: t
description: d
sources: [s]
turns: 6
briefings: {{1: a, 3: b, 5: c}}
parameters:
{parameters}
events:
{events}
expectations:
  runs: 10
  checks:
    - name: the dialogue is suspended in turns 3-4
      metric: mechanism_status
      mechanism: history_dialogue
      status: suspended
      from_turn: 3
      by_turn: 4
      share: {{at_least: 0.5}}
"""


def _parse(parameters: str = "  world: {dispute: 0.3}", events: str = "  []", expectations: bool = True):
    text = _FILE.format(parameters=parameters, events=events)
    if not expectations:
        text = text[: text.index("expectations:")]
    return parse_scenario(text, "episode.yaml")


def _ev(turn: int, effect: str, kind: str = "agreement_unravels") -> str:
    return (
        f"  - {{kind: {kind}, source: ROK, targets: [ROK, JPN], turn: {turn}, magnitude: 0.5, headline: h,"
        f" briefing: b, mechanism: history_dialogue, mechanism_effect: {effect}}}"
    )


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("  world: {resolve: {JPN: 0.35}}", "parameters.world.resolve.JPN"),
        ("  opinion: {loss: 0.4}", "parameters.opinion.loss"),
        ("  mechanisms: {gsomia: {decay: 0.1}}", "parameters.mechanisms.gsomia.decay"),
        ("  world: {trust: {PRC: {JPN: 0.25}}}", "parameters.world.trust.PRC.JPN"),
    ],
)
def test_a_file_with_expectations_may_set_only_observables(setting: str, path: str) -> None:
    with pytest.raises(InputError) as err:
        _parse(parameters=setting)
    message = str(err.value)
    assert "episode.yaml:7" in message and path in message and "only observables" in message
    _parse(parameters=setting, expectations=False)  # a what-if scenario may


def test_observables_are_accepted() -> None:
    settings = (
        "  world:\n    exposure: {JPN: {PRC: 0.21}}\n    opinion: {JPN: {PRC: 0.4}}\n"
        "    governments: {JPN: kan_2010}\n    dispute: 0.2\n"
        "  mechanisms: {gsomia: {strength: 0.0, status: suspended}}"
    )
    loaded = _parse(parameters=settings)
    assert loaded.parameters.world.resolve["JPN"] == pytest.approx(0.35)


@pytest.mark.parametrize("effect", ["weaken", "suspend", "end", "strengthen", "activate"])
def test_an_event_may_not_write_the_mechanism_a_check_measures(effect: str) -> None:
    with pytest.raises(InputError) as err:
        _parse(events=_ev(3, effect))
    message = str(err.value)
    assert "episode.yaml:" in message and "events[0].mechanism_effect" in message
    assert "the dialogue is suspended in turns 3-4" in message


def test_an_event_after_the_window_or_putting_the_mechanism_in_force_before_it_is_allowed() -> None:
    _parse(events=_ev(5, "end"))  # after the last turn the check reads
    _parse(events=_ev(1, "activate", kind="summit"))  # in force before the window opens
    with pytest.raises(InputError):
        _parse(events=_ev(1, "weaken"))  # a weakening before the window still writes it


def test_a_leadership_change_in_a_validation_file_must_name_the_government() -> None:
    ev = (
        "  - {kind: leadership_change, source: ROK, targets: [ROK], turn: 3, magnitude: -0.3,"
        " headline: h, briefing: b}"
    )
    with pytest.raises(InputError, match="must name the incoming `government:`"):
        _parse(events=ev)
    _parse(events=ev[:-1] + ", government: park_2013}")


@pytest.mark.parametrize("path", HISTORY, ids=[p.stem for p in HISTORY])
def test_history_files_name_who_governs_and_set_no_resolve(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "resolve:" not in text.split("\nevents:")[0].split("\nparameters:")[-1]
    assert "# What this file sets" in text
    load_scenario(path)  # the validation-file rules hold


# Lever-specific dependence --------------------------------------------------------


def test_leverage_is_the_pressure_weighted_mean_of_dependence_over_exposure() -> None:
    # 0.2 pressure at leverage 1 joined by 0.6 at 0.9 / 0.21 = 4.2857: (0.2 + 0.6 * 4.2857) / 0.8 = 3.4643
    out = blend_leverage(np.array([0.2]), np.array([1.0]), np.array([0.6]), 0.9 / 0.21)
    assert out[0] == pytest.approx((0.2 + 0.6 * 0.9 / 0.21) / 0.8)
    assert blend_leverage(np.array([0.0]), np.array([2.0]), np.array([0.0]), 5.0)[0] == 2.0  # nothing there
    assert blend_leverage(np.array([0.3]), np.array([1.0]), np.array([0.35]), 1.0)[0] == 1.0  # exactly


def test_a_measure_with_a_dependence_bites_as_that_dependence() -> None:
    c = compiled({"world.exposure.JPN.PRC": 0.21})
    ev = event("export_ban", source="PRC", targets=["JPN"], magnitude=1.0, dependence=0.9)
    sc = make_scenario([ev])
    state = make_state(c, n=1, n_events=1)
    new, _ = apply_events(sc, state, np.ones((1, 1), dtype=bool), c, zero_hooks(1))
    assert new.pressure[0, JPN] == pytest.approx(0.60)
    assert new.leverage[0, JPN] == pytest.approx(0.9 / 0.21)
    assert new.leverage[0, ROK] == 1.0
    view = situation(new, zero_hooks(1), c)
    group = (np.array([JPN]), np.array([PRC]), np.array([-1]))
    pain = FEATURES["coercion_pain"](view, group, c)
    assert pain[0, 0] == pytest.approx(0.60 * 0.9)  # pressure x dependence, not x 0.21
    assert INDEX["JPN"] == JPN


@given(
    p=st.floats(0.0, 1.0),
    lev=st.floats(0.1, 10.0),
    added=st.floats(0.0, 1.0),
    ratio=st.floats(0.1, 10.0),
)
def test_leverage_stays_between_the_old_leverage_and_the_new_ratio(
    p: float, lev: float, added: float, ratio: float
) -> None:
    out = blend_leverage(np.array([p]), np.array([lev]), np.array([added]), ratio)[0]
    assert min(lev, ratio) - 1e-12 <= out <= max(lev, ratio) + 1e-12


def test_a_dependence_belongs_on_a_measure_that_adds_pressure() -> None:
    ev = (
        "  - {kind: summit, source: USA, targets: [USA, JPN], turn: 3, magnitude: 0.5,"
        " headline: h, briefing: b, dependence: 0.9}"
    )
    with pytest.raises(InputError) as err:
        _parse(events=ev)
    assert "events[0].dependence" in str(err.value) and "export_ban" in str(err.value)
