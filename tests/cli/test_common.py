"""cli/common.py: input errors become a message and exit status 2."""

from __future__ import annotations

import pytest
import typer

from cli.common import EXIT_BAD_INPUT, input_errors, parse_sets
from sim.errors import InputError


def test_input_errors_exit_2_and_print_every_problem(capsys):
    with pytest.raises(typer.Exit) as info, input_errors():
        raise InputError.one("f.yaml", "is empty")
    assert info.value.exit_code == EXIT_BAD_INPUT == 2
    assert "error: f.yaml: is empty" in capsys.readouterr().err


def test_other_errors_pass_through():
    with pytest.raises(KeyError), input_errors():
        raise KeyError("x")


def test_parse_sets():
    assert parse_sets(None) == []
    assert parse_sets(["trust.loss=0.3", "trust.gain=0.1"]) == [
        (("trust", "loss"), 0.3, "--set", None),
        (("trust", "gain"), 0.1, "--set", None),
    ]
    with pytest.raises(InputError):
        parse_sets(["trust.loss"])
