"""Issue 9, section 1: what the author wrote is what the engine reads.

Each example of the issue, and each kind it stands for, as a test: a file value or
a command-line value means what it looks like (numbers are numbers, a boolean is
not a number, one parameter written two ways is one parameter) or is refused with
file:line and how to write it instead, exit status 2.
"""

from __future__ import annotations

import pytest
from clihelp import invoke
from support import SMALL

from sim.errors import InputError
from sim.params import build_parameters, parse_set_flag
from sim.scenario import load_scenario

TEXT = SMALL.read_text()


def variant(tmp_path, old: str, new: str, name: str = "s.yaml"):
    """SMALL with one piece of text replaced; returns the file and the new text's line."""
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    f = tmp_path / name
    f.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if new.splitlines()[0] in row)
    return f, line


def refused(*args: object) -> str:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())  # rich may wrap: compare with spaces collapsed


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "y"])
def test_turns_yes_is_refused_not_read_as_1(tmp_path, word):
    f, line = variant(tmp_path, "turns: 4", f"turns: {word}")
    err = refused("validate", f)
    assert f"{f}:{line}: turns: got '{word}'; must be a whole number; '{word}' is read as a word" in err


def test_event_magnitude_yes_is_refused(tmp_path):
    f, line = variant(tmp_path, "magnitude: 0.8", "magnitude: yes")
    err = refused("validate", f)
    assert f"{f}:{line}: events[0].magnitude: got 'yes'; must be a number; 'yes' is read as a word" in err


@pytest.mark.parametrize(("old", "new"), [("turns: 4", "turns: true"), ("magnitude: 0.8", "magnitude: true")])
def test_a_boolean_is_not_a_number(tmp_path, old, new):
    f, line = variant(tmp_path, old, new)
    assert f"{f}:{line}:" in refused("validate", f)
    assert "is true/false, not a" in refused("validate", f)


def test_a_quoted_number_is_text_and_says_how_to_write_it(tmp_path):
    f, line = variant(tmp_path, "magnitude: 0.8", "magnitude: '0.8'")
    assert f"{f}:{line}: events[0].magnitude: got '0.8'; is text, not a number; write 0.8 without quotes" in (
        refused("validate", f)
    )


def test_a_float_turn_is_refused_with_the_whole_number_to_write(tmp_path):
    f, line = variant(tmp_path, "turns: 4", "turns: 4.0")
    assert f"{f}:{line}: turns: got 4.0; must be a whole number; write 4, not 4.0" in refused("validate", f)


def test_true_false_fields_take_true_or_false_only(tmp_path):
    f, line = variant(tmp_path, "repeat: true", "repeat: yes")
    assert f"{f}:{line}: events[1].repeat: got 'yes'; must be true or false; write true or false" in (
        refused("validate", f)
    )


def test_text_fields_refuse_numbers_and_say_to_quote(tmp_path):
    f, line = variant(tmp_path, "headline: Drills around Taiwan", "headline: 2024")
    assert f"{f}:{line}: events[0].headline: got 2024; must be text; to mean the text, put it in quotes" in (
        refused("validate", f)
    )


def test_a_quoted_turn_key_is_refused(tmp_path):
    f, line = variant(tmp_path, "  2: Beijing weighs", "  '2': Beijing weighs")
    assert f"{f}:{line}: briefings.2:" in refused("validate", f)


def test_yaml_1_1_words_as_text_are_kept_as_written(tmp_path):
    f, _ = variant(tmp_path, "headline: Drills around Taiwan", "headline: no")
    assert load_scenario(f).scenario.events[0].headline == "no"


def test_exponent_numbers_are_numbers_in_files(tmp_path):
    f, _ = variant(tmp_path, "magnitude: 0.8", "magnitude: 8e-1")
    assert load_scenario(f).scenario.events[0].magnitude == 0.8


def test_a_scenario_parameter_may_be_written_as_a_dotted_path(tmp_path):
    f, _ = variant(tmp_path, "      ROK:\n        JPN: 0.3", "      ROK.JPN: 3e-1")
    assert load_scenario(f).parameters.world.trust["ROK"]["JPN"] == 0.3


def test_one_parameter_written_two_ways_is_refused_with_both_lines(tmp_path):
    f, line = variant(
        tmp_path, "parameters:\n", "parameters:\n  opinion.loss: 0.3\n  opinion:\n    loss: 0.4\n"
    )
    err = refused("validate", f)
    want = f"{f}:{line + 3}: parameters.opinion.loss: got 0.4; is set twice (also set at line {line + 1})"
    assert want in err


# --- command-line values: the same rules ---


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("world.trust.ROK.JPN=yes", "parameters.world.trust.ROK.JPN: got 'yes'; must be a number"),
        ("opinion.loss=off", "parameters.opinion.loss: got 'off'; must be a number"),
        ("opinion.loss=true", "parameters.opinion.loss: got True; is true/false, not a number"),
        ("opinion.loss='0.3'", "opinion.loss: got '0.3'; is text, not a number; write 0.3 without quotes"),
        # YAML reads nan and inf as words; the message once said "write nan without quotes".
        ("opinion.loss=nan", "opinion.loss: got 'nan'; must be a finite number (not nan or infinity)"),
        ("opinion.loss=-inf", "opinion.loss: got '-inf'; must be a finite number (not nan or infinity)"),
        ("mechanisms.gsomia.notice_period=inf", "got 'inf'; must be a finite whole number (not nan or"),
        (
            "mechanisms.gsomia.notice_period=2.0",
            "notice_period: got 2.0; must be a whole number; write 2, not 2.0",
        ),
    ],
)
def test_run_set_refuses_what_is_not_a_number(flag, words):
    err = refused("run", SMALL, "--set", flag)
    assert f"--set: parameters.{flag.split('=')[0]}: got" in err and words in err


def test_set_reads_exponents_as_numbers():
    path, value, _, _ = parse_set_flag("opinion.loss=1e-1")
    assert value == 0.1 and build_parameters([(path, value, "--set", None)]).opinion.loss == 0.1


def test_the_same_set_flag_twice_is_refused():
    err = refused("run", SMALL, "--set", "opinion.loss=0.3", "--set", "opinion.loss =0.4")
    assert "--set: parameters.opinion.loss: got 0.4; is set twice by --set; keep one" in err


def test_numpy_scalars_from_the_python_api_are_numbers():
    np = pytest.importorskip("numpy")
    params = build_parameters([(("opinion", "loss"), np.float32(0.25), "settings", None)])
    assert params.opinion.loss == 0.25


def test_python_api_booleans_are_not_numbers_either():
    with pytest.raises(InputError, match="is true/false, not a number"):
        build_parameters([(("opinion", "loss"), True, "settings", None)])
