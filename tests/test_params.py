"""sim/params.py: default parameters, overrides by path, and their errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled, make_state, overrides

from sim.actors import JPN, ROK
from sim.errors import InputError
from sim.params import (
    PARAMETERS_FILE,
    EventEffect,
    Parameters,
    build_parameters,
    default_parameters,
    default_tree,
    flatten_overrides,
    parse_set_flag,
    value_type,
)
from sim.yamlio import parse_yaml


def error_of(ovr) -> InputError:
    with pytest.raises(InputError) as info:
        build_parameters(ovr)
    return info.value


def test_defaults_validate_and_are_documented_files():
    p = default_parameters()
    assert isinstance(p, Parameters)
    assert p.opinion.loss > p.opinion.gain  # slow to build, quick to lose
    assert PARAMETERS_FILE.exists()


def test_default_tree_is_a_fresh_copy():
    tree = default_tree()
    tree["opinion"]["loss"] = 0.99
    assert default_tree()["opinion"]["loss"] != 0.99
    assert default_parameters().opinion.loss != 0.99


def test_override_by_path_changes_only_that_value():
    p = build_parameters(overrides({"opinion.loss": 0.5, "world.trust.ROK.JPN": 0.25}))
    d = default_parameters()
    assert p.opinion.loss == 0.5 and p.world.trust["ROK"]["JPN"] == 0.25
    assert p.opinion.gain == d.opinion.gain and p.world.trust["JPN"]["ROK"] == d.world.trust["JPN"]["ROK"]
    state = make_state(compiled({"world.trust.ROK.JPN": 0.25}))
    assert state.trust[0, ROK, JPN] == 0.25


def test_later_overrides_win_and_lists_are_replaced_whole():
    p = build_parameters(
        [(("opinion", "loss"), 0.4, "a", None), (("opinion", "loss"), 0.6, "b", None)]
        + overrides({"mechanisms.gsomia.members": ["USA", "JPN"]})
    )
    assert p.opinion.loss == 0.6
    assert p.mechanisms["gsomia"].members == ["USA", "JPN"]


def test_unknown_path_names_the_allowed_keys():
    err = error_of(overrides({"nope.x": 1}))
    text = str(err)
    assert "parameters.nope.x" in text and "no parameter 'nope'" in text
    for key in ("world", "trust", "tension", "mechanisms", "scoring"):
        assert key in text
    err = error_of(overrides({"trust.lose": 0.5}))
    assert "no parameter 'lose' under trust" in str(
        err
    ) and "answer_if_trustworthy, answer_if_untrustworthy" in str(err)


def test_a_value_where_a_section_is_expected_is_refused():
    err = error_of(overrides({"trust": 1}))
    assert "is a section" in str(err) and "type_change" in str(err)
    err = error_of(overrides({"opinion.loss.x": 1}))
    assert "holds a single value" in str(err)


def test_out_of_range_value_names_bound_source_and_line():
    err = error_of([(("opinion", "loss"), 7, "my.yaml", 12)])
    (problem,) = err.problems
    assert (problem.source, problem.line, problem.path, problem.value) == (
        "my.yaml",
        12,
        "parameters.opinion.loss",
        7,
    )
    text = str(err)
    assert text.startswith("my.yaml:12:")
    assert "got 7" in text and "<= 1" in text
    err = error_of([(("world", "trust", "ROK", "JPN"), -0.5, "--set", None)])
    assert (
        str(err).startswith("--set:") and ">= 0" in str(err) and "parameters.world.trust.ROK.JPN" in str(err)
    )


def test_every_problem_is_reported():
    err = error_of(overrides({"nope": 1, "trust.lose": 1, "opinion.nope": 2}))
    assert len(err.problems) == 3
    err = error_of(overrides({"opinion.loss": 2.0, "opinion.gain": -1.0}))
    assert {p.path for p in err.problems} == {"parameters.opinion.loss", "parameters.opinion.gain"}


def test_wrong_type_is_refused():
    err = error_of(overrides({"opinion.loss": "high"}))
    assert "parameters.opinion.loss" in str(err) and "'high'" in str(err)
    err = error_of(overrides({"mechanisms.gsomia.members": ["ROK", "RUS"]}))
    assert "RUS" in str(err)


def test_flatten_overrides_keeps_lines_of_nested_values():
    text = "parameters:\n  opinion:\n    loss: 0.5\n  world:\n    trust:\n      ROK:\n        JPN: 0.2\n"
    data, lines = parse_yaml(text, "s.yaml")
    out = flatten_overrides(data["parameters"], "s.yaml", lines, ("parameters",))
    assert out == [
        (("opinion", "loss"), 0.5, "s.yaml", 3),
        (("world", "trust", "ROK", "JPN"), 0.2, "s.yaml", 7),
    ]


# -- --set flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "path", "value"),
    [
        ("opinion.loss=0.4", ("opinion", "loss"), 0.4),
        (" opinion.loss =0.4", ("opinion", "loss"), 0.4),
        ("mechanisms.gsomia.members=[ROK, JPN]", ("mechanisms", "gsomia", "members"), ["ROK", "JPN"]),
        ("mechanisms.gsomia.status=ended", ("mechanisms", "gsomia", "status"), "ended"),
    ],
)
def test_parse_set_flag(flag, path, value):
    assert parse_set_flag(flag) == (path, value, "--set", None)


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("opinion.loss", "expected PATH=VALUE"),
        ("opinion.loss=", "the value is empty"),
        ("trust..loss=1", "empty segment"),
        ("=1", "empty segment"),
        ("opinion.loss=[", "not a number, word or YAML list"),
    ],
)
def test_parse_set_flag_errors(flag, words):
    with pytest.raises(InputError) as info:
        parse_set_flag(flag)
    text = str(info.value)
    assert text.startswith("--set")
    assert words in text


def test_set_flags_flow_into_parameters():
    p = build_parameters([parse_set_flag("opinion.loss=0.45"), parse_set_flag("actors.ROK.temperature=0.5")])
    assert p.opinion.loss == 0.45 and p.actors["ROK"].temperature == 0.5


def test_every_event_channel_can_be_set_by_path():
    assert "dispute" in EventEffect.model_fields
    p = build_parameters([parse_set_flag("events.military_drill.dispute=0.2")])
    assert p.events["military_drill"].dispute == 0.2


def test_unused_effects_and_utility_features_can_be_added_by_path():
    p = build_parameters(
        [
            parse_set_flag("mechanisms.gsomia.effects.deterrence=0.3"),
            parse_set_flag("utility.hold.economy.exposure_prc=0.5"),
        ]
    )
    assert p.mechanisms["gsomia"].effects["deterrence"] == 0.3
    assert p.utility["hold"]["economy"]["exposure_prc"] == 0.5


def test_added_names_are_still_checked_against_the_schema():
    with pytest.raises(InputError, match="effects.nonsense"):
        build_parameters([parse_set_flag("mechanisms.gsomia.effects.nonsense=0.3")])
    with pytest.raises(InputError, match="no parameter 'nonsense' under mechanisms.gsomia"):
        build_parameters([parse_set_flag("mechanisms.gsomia.nonsense=0.3")])


# -- one parameter written two ways is one parameter (issue 9) ----------------------------------


def _leaves(tree, prefix=()):
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, prefix + (key,))
        else:
            yield prefix + (key,), value


LEAVES = list(_leaves(default_tree()))


def _as_yaml(path, cut, value):
    """`path` written with its first `cut` segments as nested keys and the rest dotted."""
    nested, dotted_tail = path[:cut], ".".join(path[cut:])
    lines = ["parameters:"] + [f"{'  ' * (i + 1)}{key}:" for i, key in enumerate(nested)]
    lines.append(f"{'  ' * (len(nested) + 1)}{dotted_tail}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LEAVES), st.data())
def test_nested_and_dotted_spellings_give_the_same_override(leaf, data):
    path, value = leaf
    cut = data.draw(st.integers(min_value=0, max_value=len(path) - 1))
    parsed, lines = parse_yaml(_as_yaml(path, cut, value), "s.yaml")
    ((got_path, got_value, _, line),) = flatten_overrides(parsed["parameters"], "s.yaml", lines)
    assert got_path == path and got_value == value and line == cut + 2


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([p for p, _ in LEAVES if len(p) > 1]), st.data())
def test_one_parameter_written_both_ways_is_refused(path, data):
    cut = data.draw(st.integers(min_value=1, max_value=len(path) - 1))
    text = (
        f"parameters:\n  {'.'.join(path)}: 0.1\n  {'.'.join(path[:cut])}:\n    {'.'.join(path[cut:])}: 0.2\n"
    )
    parsed, lines = parse_yaml(text, "s.yaml")
    with pytest.raises(InputError, match="is set twice \\(also set at line 2\\)"):
        flatten_overrides(parsed["parameters"], "s.yaml", lines)


def test_the_same_path_from_two_sources_is_an_override_not_a_repeat():
    p = build_parameters([(("opinion", "loss"), 0.3, "s.yaml", 4), (("opinion", "loss"), 0.5, "--set", None)])
    assert p.opinion.loss == 0.5


def test_a_tuple_from_the_python_api_is_a_list():
    p = build_parameters([(("mechanisms", "gsomia", "members"), ("ROK", "JPN"), "settings", None)])
    assert p.mechanisms["gsomia"].members == ["ROK", "JPN"]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("opinion.loss", float),
        ("mechanisms.gsomia.notice_period", int),
        ("mechanisms.gsomia.members", list),
        ("mechanisms.gsomia.status", str),
        ("events.summit.dispute", float),  # left out of the defaults, inside an open section
        ("utility.hold.economy.exposure_prc", float),
        ("trust", None),  # a section
        ("trust.nope", None),
    ],
)
def test_value_type_is_the_schemas_type(path, kind):
    assert value_type(tuple(path.split("."))) is kind
