"""sim/yamlio.py: YAML with line numbers, and clear errors for bad files."""

from __future__ import annotations

import pytest

from sim.errors import InputError
from sim.yamlio import dotted, line_of, load_yaml, parse_yaml

NESTED = """\
title: x
events:
  - kind: a
    targets: [ROK, JPN]
  - kind: b
    when:
      metric: crisis
      above: 0.5
parameters:
  trust:
    loss: 0.4
"""


def problem_of(fn, *args):
    with pytest.raises(InputError) as info:
        fn(*args)
    assert len(info.value.problems) >= 1
    return info.value


def test_lines_of_nested_fields():
    data, lines = parse_yaml(NESTED, "f.yaml")
    assert data["events"][1]["when"]["above"] == 0.5
    assert lines[("title",)] == 1
    assert lines[("events", 0, "kind")] == 3
    assert lines[("events", 0, "targets", 1)] == 4
    assert lines[("events", 1, "when", "metric")] == 7
    assert lines[("events", 1, "when", "above")] == 8
    assert lines[("parameters", "trust", "loss")] == 11


def test_line_of_falls_back_to_the_nearest_ancestor():
    _, lines = parse_yaml(NESTED, "f.yaml")
    assert line_of(lines, ("events", 1, "when", "below")) == lines[("events", 1, "when")]
    assert line_of(lines, ("events", 7, "turn")) == lines[("events",)]
    assert line_of({}, ("a",)) is None


def test_dotted_paths():
    assert dotted(("events", 2, "turn")) == "events[2].turn"
    assert dotted(("parameters", "trust", "loss")) == "parameters.trust.loss"
    assert dotted(()) == ""


def test_duplicate_keys_are_an_error_with_their_line():
    err = problem_of(parse_yaml, "a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    (p,) = err.problems
    assert p.line == 4 and p.path == "b.c"
    assert str(err).startswith("f.yaml:4:") and "appears twice" in str(err)


def test_every_duplicate_is_reported():
    err = problem_of(parse_yaml, "a: 1\na: 2\nb: 1\nb: 2\n", "f.yaml")
    assert [p.line for p in err.problems] == [2, 4]


def test_merge_keys_and_anchors_are_fine():
    data, _ = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert data["other"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text", ["", "   \n\n", "\t\n"])
def test_empty_file(tmp_path, text):
    f = tmp_path / "empty.yaml"
    f.write_text(text)
    err = problem_of(load_yaml, f)
    assert str(err) == f"{f}: is empty; expected a YAML mapping"


def test_comment_only_file(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("# nothing here\n")
    assert "holds no YAML document" in str(problem_of(load_yaml, f))


def test_directory(tmp_path):
    err = problem_of(load_yaml, tmp_path)
    assert str(err) == f"{tmp_path}: is a directory, not a YAML file"


def test_missing_file(tmp_path):
    f = tmp_path / "nope.yaml"
    assert str(problem_of(load_yaml, f)) == f"{f}: no such file"


def test_non_utf8_file(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes("title: Caf\xe9\n".encode("latin-1"))
    text = str(problem_of(load_yaml, f))
    assert text.startswith(f"{f}:") and "not UTF-8" in text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [1, 2\nb: 3\n", 2),
        ("a: 1\n  b: 2\n", 2),
        ("a: 1\n---\nb: 2\n", 2),
        ("a:\n\t- 1\n", 2),
        ("key: 'unterminated\n", 2),
    ],
)
def test_malformed_yaml_names_file_and_line(tmp_path, text, line):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    err = problem_of(load_yaml, f)
    assert str(err).startswith(f"{f}:{line}: is not valid YAML")


def test_unhashable_key_is_an_input_error():
    with pytest.raises(InputError, match=r"f\.yaml:1: a mapping key must be a plain word or number"):
        parse_yaml("? [a, b]\n: 1\n", "f.yaml")


def test_recursive_alias_is_an_input_error():
    with pytest.raises(InputError, match=r"f\.yaml:1: a\[0\]: an alias refers to the value that contains it"):
        parse_yaml("a: &x [*x]\n", "f.yaml")


def test_absurdly_deep_nesting_is_an_input_error():
    with pytest.raises(InputError, match="nested too deeply"):
        parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml")
