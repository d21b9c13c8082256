"""sim/scenario.py: scenario files, validation and error messages."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CALM, SMALL, make_scenario

from sim.errors import InputError
from sim.scenario import SCENARIO_DIR, LoadedScenario, load_scenario, parse_scenario, resolve_path

# Line numbers below refer to this text (line 1 is `title:`).
GOOD = textwrap.dedent(
    """\
    title: A test
    description: For the tests.
    sources: [tests]
    turns: 3
    briefings:
      1: First.
    events:
      - id: e1
        kind: military_drill
        headline: Drills
        briefing: Drills begin.
        turn: 1
        targets: [USA, JPN]
        magnitude: 0.5
    """
)


SECOND_EVENT = textwrap.indent(
    "- id: e2\n  kind: summit\n  headline: h\n  briefing: b\n  turn: 1\n  targets: [ROK]\n  magnitude: 0.1\n",
    "  ",
)


def write(tmp_path, text, name="s.yaml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def load_error(path) -> str:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "Traceback" not in text
    return text


def test_good_file_loads_with_effective_parameters(tmp_path):
    f = write(tmp_path, GOOD + "parameters:\n  opinion:\n    loss: 0.5\n")
    ls = load_scenario(f)
    assert isinstance(ls, LoadedScenario)
    assert ls.scenario.turns == 3 and ls.parameters.opinion.loss == 0.5
    assert ls.name == "s" and len(ls.sha256) == 64 and ls.text.startswith("title")
    assert ls.scenario.event_ids() == ["e1"]


def test_extra_overrides_apply_after_the_scenario_own(tmp_path):
    f = write(tmp_path, GOOD + "parameters:\n  opinion:\n    loss: 0.5\n")
    ls = load_scenario(f, [(("opinion", "loss"), 0.7, "--set", None)])
    assert ls.parameters.opinion.loss == 0.7


def test_test_data_files_are_valid():
    assert load_scenario(SMALL).scenario.turns == 4
    assert load_scenario(CALM).scenario.events == []


def test_resolve_path_accepts_files_and_falls_back_to_the_given_name(tmp_path):
    assert resolve_path(SMALL) == SMALL
    assert resolve_path("no_such_scenario_xyz") == resolve_path("no_such_scenario_xyz.yaml").with_suffix("")
    for bundled in SCENARIO_DIR.glob("*.yaml"):
        assert resolve_path(bundled.stem) == bundled


def test_default_event_ids():
    sc = make_scenario(
        [
            {
                "kind": "summit",
                "headline": "h",
                "briefing": "b",
                "turn": 1,
                "targets": ["ROK"],
                "magnitude": 0.1,
                "id": "s",
            },
            {
                "kind": "summit",
                "headline": "h",
                "briefing": "b",
                "turn": 1,
                "targets": ["ROK"],
                "magnitude": 0.1,
            },
        ]
    )
    assert sc.event_ids() == ["s", "summit#1"]


# -- bad input: every case names file:line, the field path and the bad value -------------------


@pytest.mark.parametrize(
    ("edit", "line", "path", "value", "words"),
    [
        (lambda t: t + "colour: red\n", 15, "colour", "'red'", "unknown key"),
        (
            lambda t: t.replace("    magnitude: 0.5\n", "    magnitude: 0.5\n    colour: red\n"),
            15,
            "events[0].colour",
            "'red'",
            "unknown key",
        ),
        (lambda t: t.replace("magnitude: 0.5", "magnitude: 2.5"), 14, "events[0].magnitude", "2.5", "<= 1"),
        (lambda t: t.replace("turns: 3", "turns: 99"), 4, "turns", "99", "<= 60"),
        (lambda t: t.replace("turn: 1", "turn: 0"), 12, "events[0].turn", "0", ">= 1"),
        (
            lambda t: t.replace("targets: [USA, JPN]", "targets: [USA, RUS]"),
            13,
            "events[0].targets[1]",
            "'RUS'",
            "'PRC'",
        ),
        (
            lambda t: t.replace("    magnitude: 0.5\n", "    magnitude: 0.5\n    source: KOR\n"),
            15,
            "events[0].source",
            "'KOR'",
            "must be one of",
        ),
        (
            lambda t: t.replace("kind: military_drill", "kind: alien_invasion"),
            9,
            "events[0].kind",
            "'alien_invasion'",
            "summit",
        ),
        (
            lambda t: t.replace(
                "    magnitude: 0.5\n", "    magnitude: 0.5\n    mechanism: nato\n    mechanism_effect: end\n"
            ),
            15,
            "events[0].mechanism",
            "'nato'",
            "gsomia",
        ),
        (
            lambda t: t + "parameters:\n  mechanisms:\n    nato:\n      strength: 0.5\n",
            18,
            "parameters.mechanisms.nato.strength",
            "0.5",
            "gsomia",
        ),
        (
            lambda t: t + "parameters:\n  opinion:\n    loss: 1.5\n",
            17,
            "parameters.opinion.loss",
            "1.5",
            "<= 1",
        ),
        (
            lambda t: t + "parameters:\n  trust:\n    lose: 0.5\n",
            17,
            "parameters.trust.lose",
            "0.5",
            "allowed there: answer_if_trustworthy, answer_if_untrustworthy",
        ),
        (
            lambda t: t + "parameters:\n  world:\n    trust:\n      ROK:\n        JPN: -0.2\n",
            19,
            "parameters.world.trust.ROK.JPN",
            "-0.2",
            ">= 0",
        ),
        (
            lambda t: t + "parameters:\n  world:\n    trust:\n      ROK:\n        RUS: 0.2\n",
            19,
            "parameters.world.trust.ROK.RUS",
            "0.2",
            "no parameter 'RUS'",
        ),
        (
            lambda t: t.replace(
                "    turn: 1\n", "    turn: 1\n    when: {metric: trust, of: ROK, below: 0.3}\n"
            ),
            13,
            "events[0].when.toward",
            "",  # a missing field has no value to repeat; the message names the gap
            "is required for metric 'trust'",
        ),
    ],
    ids=[
        "unknown-top-key",
        "unknown-event-key",
        "magnitude-out-of-range",
        "turns-out-of-range",
        "turn-zero",
        "unknown-actor",
        "unknown-source",
        "unknown-event-kind",
        "unknown-mechanism-in-event",
        "unknown-mechanism-in-parameters",
        "parameter-out-of-range",
        "unknown-parameter",
        "world-value-out-of-range",
        "unknown-actor-in-world",
        "incomplete-condition",
    ],
)
def test_bad_scenario_error_names_file_line_path_and_value(tmp_path, edit, line, path, value, words):
    f = write(tmp_path, edit(GOOD))
    text = load_error(f)
    assert text.startswith(f"{f}:{line}:"), text
    assert f" {path}:" in text, text
    assert f"got {value}" in text if value else "got" not in text, text
    assert words in text, text


def test_missing_required_field(tmp_path):
    f = write(tmp_path, GOOD.replace("title: A test\n", ""))
    text = load_error(f)
    assert f"{f}:" in text and "title:" in text and "is required" in text


def test_every_problem_is_reported_at_once(tmp_path):
    f = write(
        tmp_path, GOOD.replace("turns: 3", "turns: 99").replace("magnitude: 0.5", "magnitude: 2") + "x: 1\n"
    )
    with pytest.raises(InputError) as info:
        load_scenario(f)
    assert {p.path for p in info.value.problems} == {"turns", "events[0].magnitude", "x"}


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: write(d, ""), "is empty"),
        (lambda d: write(d, "# just a comment\n"), "holds no YAML document"),
        (lambda d: d, "is a folder, not a file"),
        (lambda d: d / "missing.yaml", "no such file"),
        (lambda d: (d / "latin.yaml").write_bytes(b"title: caf\xe9\n") and d / "latin.yaml", "not UTF-8"),
        (lambda d: write(d, "- a\n- b\n"), "expected a mapping of scenario fields, got a list"),
    ],
    ids=["empty", "comment-only", "directory", "missing", "non-utf8", "not-a-mapping"],
)
def test_unreadable_files_name_the_file(tmp_path, make, words):
    path = make(tmp_path)
    text = load_error(path)
    assert text.startswith(str(path)), text
    assert words in text, text


def test_malformed_yaml_names_file_and_line(tmp_path):
    f = write(tmp_path, GOOD.replace("targets: [USA, JPN]", "targets: [USA, JPN"))
    text = load_error(f)
    assert text.startswith(f"{f}:14: is not valid YAML"), text


def test_duplicate_key_in_scenario(tmp_path):
    f = write(tmp_path, GOOD.replace("turns: 3", "turns: 3\nturns: 4"))
    text = load_error(f)
    assert text.startswith(f"{f}:5: turns: got 'turns'") and "twice" in text


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.replace("magnitude: 0.5", "magnitude: -0.5"), "only leadership_change may be negative"),
        (
            lambda t: t.replace("    turn: 1\n", "    turn: 1\n    repeat: true\n"),
            "'until' and 'repeat' apply only",
        ),
        (
            lambda t: t.replace("targets: [USA, JPN]", "targets: [USA, USA]"),
            "targets: got ['USA', 'USA']; repeat",
        ),
        (lambda t: t.replace("    turn: 1\n", "    turn: 1\n    mechanism: gsomia\n"), "together"),
        (lambda t: t.replace("    turn: 1\n", "    turn: 2\n"), "have events but no briefing"),
        (
            lambda t: t.replace("  1: First.\n", "  1: First.\n  9: Late.\n"),
            "briefings[9]: got 'Late.'; is a briefing after the last turn (3)",
        ),
        (
            lambda t: t + SECOND_EVENT.replace("id: e2", "id: e1"),
            "unique",
        ),
    ],
    ids=[
        "negative-magnitude",
        "repeat-without-trigger",
        "repeated-target",
        "mechanism-without-effect",
        "no-briefing",
        "late-briefing",
        "duplicate-id",
    ],
)
def test_cross_field_rules_are_enforced(tmp_path, edit, words):
    f = write(tmp_path, edit(GOOD))
    text = load_error(f)
    assert text.startswith(f"{f}:"), text
    assert words in text, text


def test_events_after_the_last_turn_are_refused(tmp_path):
    f = write(tmp_path, GOOD.replace("    turn: 1\n", "    turn: 5\n"))
    text = load_error(f)
    assert text.startswith(f"{f}:") and "after the last turn (3)" in text and "5" in text


@pytest.mark.parametrize(
    ("edit", "line", "path", "value"),
    [
        (lambda t: t.replace("    turn: 1\n", "    turn: 5\n"), 12, "events[0].turn", "5"),
        (
            lambda t: t.replace("    turn: 1\n", "    turn: 1\n    chance: 0.5\n    until: 9\n"),
            14,
            "events[0].until",
            "9",
        ),
    ],
    ids=["turn", "until"],
)
def test_events_after_the_last_turn_name_the_field_line_and_value(tmp_path, edit, line, path, value):
    f = write(tmp_path, edit(GOOD))
    text = load_error(f)
    assert text.startswith(f"{f}:{line}: {path}: got {value};"), text


# -- any scenario-shaped data: loaded, or refused with an InputError (issue 9) ---------------------

_KEYS = ["title", "description", "sources", "turns", "briefings", "parameters", "events", "expectations"]
_KEYS += ["kind", "headline", "briefing", "turn", "until", "when", "chance", "repeat", "targets"]
_KEYS += ["magnitude", "metric", "of", "toward", "below", "above", "trust", "loss", "world", "ROK"]
_KEYS += ["mechanism", "checks", "runs", 1, 2, None, True, 0.5, "opinion.loss", "mechanisms.gsomia.members"]
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 70),
    st.floats(),
    st.sampled_from(["ROK", "yes", "military_drill", "trust", "", "0.5"]),
    st.text(max_size=5),
)
_DOC = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_KEYS), _DOC, max_size=8), st.booleans())
def test_any_scenario_shaped_data_loads_or_is_refused_cleanly(fields, over_small):
    data = {**yaml.safe_load(SMALL.read_text()), **fields} if over_small else fields
    try:
        parse_scenario(yaml.safe_dump(data), "f.yaml")
    except InputError as exc:
        assert exc.problems and all(str(p).startswith("f.yaml") for p in exc.problems)


def test_with_overrides_keeps_the_overrides_already_applied() -> None:
    from support import overrides

    first = load_scenario("taiwan_strait", overrides({"opinion.loss": 0.45}))
    both = first.with_overrides(overrides({"opinion.gain": 0.07}))
    assert both.parameters.opinion.loss == 0.45  # kept, not dropped by the re-parse
    assert both.parameters.opinion.gain == 0.07
    at_once = load_scenario("taiwan_strait", overrides({"opinion.loss": 0.45, "opinion.gain": 0.07}))
    assert both.parameters == at_once.parameters
    assert [o[0] for o in both.overrides] == [("opinion", "loss"), ("opinion", "gain")]


def test_with_overrides_keeps_settings_of_a_scenario_built_in_memory() -> None:
    from support import loaded, overrides

    base = loaded(make_scenario(), {"opinion.loss": 0.45})
    both = base.with_overrides(overrides({"opinion.gain": 0.07}))
    assert (both.parameters.opinion.loss, both.parameters.opinion.gain) == (0.45, 0.07)
