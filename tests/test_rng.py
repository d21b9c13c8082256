"""sim/rng.py: counter-based uniform draws."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import rng

seed_lists = st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=50)


@settings(max_examples=40, deadline=None)
@given(seeds=seed_lists, turn=st.integers(0, 1000), slot=st.integers(0, 64), purpose=st.integers(0, 8))
def test_uniforms_are_in_the_half_open_unit_interval(seeds, turn, slot, purpose):
    u = rng.uniforms(np.array(seeds, dtype=np.int64), turn, slot, purpose)
    assert u.shape == (len(seeds),) and u.dtype == np.float64
    assert np.all((u >= 0.0) & (u < 1.0))


@settings(max_examples=40, deadline=None)
@given(seeds=seed_lists, turn=st.integers(0, 100), slot=st.integers(0, 10), data=st.data())
def test_a_draw_does_not_depend_on_the_array_it_is_in(seeds, turn, slot, data):
    arr = np.array(seeds, dtype=np.int64)
    together = rng.uniforms(arr, turn, slot, rng.DECISION)
    k = data.draw(st.integers(0, len(seeds) - 1))
    alone = rng.uniforms(arr[k : k + 1], turn, slot, rng.DECISION)
    assert together[k] == alone[0]
    # and not on the order of the others either
    perm = np.random.default_rng(0).permutation(len(seeds))
    np.testing.assert_array_equal(rng.uniforms(arr[perm], turn, slot, rng.DECISION), together[perm])


def test_uniforms_are_deterministic():
    seeds = np.arange(100)
    np.testing.assert_array_equal(
        rng.uniforms(seeds, 3, 1, rng.DECISION), rng.uniforms(seeds.copy(), 3, 1, rng.DECISION)
    )


def test_every_coordinate_changes_the_draw():
    seeds = np.arange(1000)
    base = rng.uniforms(seeds, 3, 1, rng.DECISION)
    for other in (
        rng.uniforms(seeds + 1, 3, 1, rng.DECISION),
        rng.uniforms(seeds, 4, 1, rng.DECISION),
        rng.uniforms(seeds, 3, 2, rng.DECISION),
        rng.uniforms(seeds, 3, 1, rng.EVENT_CHANCE),
    ):
        assert np.mean(other == base) < 0.01
    # swapping turn and slot must not give the same stream
    assert not np.array_equal(rng.uniforms(seeds, 1, 3, 1), rng.uniforms(seeds, 3, 1, 1))


def test_integer_dtype_does_not_matter():
    seeds = np.arange(50)
    np.testing.assert_array_equal(
        rng.uniforms(seeds.astype(np.int32), 2, 0, 1), rng.uniforms(seeds.astype(np.uint64), 2, 0, 1)
    )


def test_uniforms_look_uniform():
    u = rng.uniforms(np.arange(20000), 5, 2, rng.DECISION)
    assert abs(u.mean() - 0.5) < 0.01
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    assert counts.min() > 1800 and counts.max() < 2200
    # neighbouring seeds are not correlated
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.03
