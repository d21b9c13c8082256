"""Samplers propose points; they never run anything."""

from __future__ import annotations

import numpy as np
import pytest

from sim.batch.samplers import sample_points
from sim.batch.spec import Dimension, parse_vary
from sim.errors import InputError

A = Dimension("opinion.loss", lo=0.1, hi=0.5, steps=3)
B = Dimension("opinion.gain", values=(0.1, 0.2))
R = Dimension("opinion.gain", lo=0.0, hi=1.0, steps=2)


def test_grid_is_the_cartesian_product() -> None:
    pts = sample_points((A, B), "grid", None, 0, "t")
    assert len(pts) == 6
    assert {(p["opinion.loss"], p["opinion.gain"]) for p in pts} == {
        (x, y) for x in (0.1, 0.3, 0.5) for y in (0.1, 0.2)
    }


def test_no_dimension_is_one_point() -> None:
    assert sample_points((), "grid", None, 0, "t") == [{}]


@pytest.mark.parametrize("sampler", ["lhs", "random"])
def test_samples_stay_in_range_and_repeat_with_the_seed(sampler: str) -> None:
    pts = sample_points((A, R), sampler, 50, 7, "t")
    x = np.array([[p["opinion.loss"], p["opinion.gain"]] for p in pts])
    assert x.shape == (50, 2)
    assert (x[:, 0] >= 0.1).all() and (x[:, 0] <= 0.5).all() and (x[:, 1] >= 0).all() and (x[:, 1] <= 1).all()
    assert pts == sample_points((A, R), sampler, 50, 7, "t")
    assert pts != sample_points((A, R), sampler, 50, 8, "t")


def test_lhs_puts_one_point_in_each_stratum() -> None:
    pts = sample_points((A, R), "lhs", 20, 1, "t")
    unit = (np.array([p["opinion.loss"] for p in pts]) - 0.1) / 0.4
    assert sorted(np.floor(unit * 20).astype(int)) == list(range(20))


def test_sobol_follows_saltelli_sizes() -> None:
    pts = sample_points((A, R), "sobol", 8, 0, "t")
    assert len(pts) == 8 * (2 * 2 + 2)


def test_samplers_refuse_lists_and_need_points() -> None:
    with pytest.raises(InputError, match="LO:HI ranges"):
        sample_points((B,), "lhs", 5, 0, "t")
    with pytest.raises(InputError, match="--points"):
        sample_points((A,), "random", None, 0, "t")


@pytest.mark.parametrize(
    ("text", "lo", "hi", "steps", "values"),
    [
        ("a.b=0:1:3", 0.0, 1.0, 3, None),
        ("a.b=0.1:0.2", 0.1, 0.2, 5, None),
        ("a.b=1,2,x", None, None, None, (1, 2, "x")),
    ],
)
def test_parse_vary(text: str, lo: float, hi: float, steps: int, values: tuple) -> None:
    d = parse_vary(text)
    assert (d.path, d.lo, d.hi, d.steps, d.values) == ("a.b", lo, hi, steps, values)


@pytest.mark.parametrize("text", ["a.b", "a.b=", "a.b=x:1:3", "a.b=0:1:0", "a.b=1:0:3", "a.b=0:1:2:3"])
def test_parse_vary_refuses_bad_flags(text: str) -> None:
    with pytest.raises(InputError):
        parse_vary(text)
