"""sim/errors.py: how problems read."""

from __future__ import annotations

from sim.errors import MISSING, InputError, Problem


def test_problem_with_line_path_and_value():
    p = Problem("s.yaml", 12, "events[0].turn", 9, "must be <= 4")
    assert str(p) == "s.yaml:12: events[0].turn: got 9; must be <= 4"


def test_problem_without_line_path_or_value():
    assert str(Problem("s.yaml", None, "", MISSING, "no such file")) == "s.yaml: no such file"
    assert (
        str(Problem("--set", None, "opinion.loss", "", "the value is empty"))
        == "--set: opinion.loss: got ''; the value is empty"
    )
    assert str(Problem("s.yaml", 3, "title", MISSING, "is required")) == "s.yaml:3: title: is required"


def test_long_values_are_shortened():
    text = str(Problem("s.yaml", 1, "x", "y" * 200, "too long"))
    assert "..." in text and len(text) < 120


def test_input_error_lists_every_problem_one_per_line():
    err = InputError([Problem("a", 1, "x", 1, "bad"), Problem("b", 2, "y", 2, "worse")])
    assert str(err).splitlines() == ["a:1: x: got 1; bad", "b:2: y: got 2; worse"]
    one = InputError.one("f", "is empty")
    assert len(one.problems) == 1 and str(one) == "f: is empty"
    assert isinstance(one, Exception)
