"""The speed shortcuts of issue 8 change no result by a single bit.

`LogitPolicy.choose` and `coordination.solve` leave out options closed in every run,
and the coordination game stops at an exact fixed point; `choose` forms its cdf one
option at a time on (options, n); `utilities` computes a feature that several kinds
read once; `AssuredRounds` computes the assured features' fixed factors once per turn
(bench/README.md, Issue 8). Each is checked here against the plain computation it
replaces, bit for bit.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import bundled_path, compiled, make_state

from agents import coordination
from agents.policies import LogitPolicy, _scaled, choice_probabilities
from agents.utility import (
    ASSURED,
    FEATURES,
    AssuredFeature,
    AssuredRounds,
    assured_columns,
    partner_expectation,
    situation,
    utilities,
    utility_plan,
)
from sim.actions import open_in, open_options
from sim.actors import ALLIES, PRC
from sim.mechanisms import H, mechanism_hooks
from sim.model import TrilateralModel
from sim.params import parse_set_flag


def _full_menu_choice(utility, open_, draws, temperature):
    """The inverse-cdf draw over the whole menu, closed options included (before issue 8's shortcut)."""
    cdf = np.cumsum(np.exp(_scaled(utility, open_, temperature)), axis=1)
    return (cdf <= draws[:, None] * cdf[:, -1:]).sum(axis=1)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 40),
    k=st.integers(1, 30),
    t=st.sampled_from([0.05, 0.3, 2.0]),
    order=st.sampled_from("CF"),
)
def test_choose_equals_the_full_menu_draw(seed, n, k, t, order):
    """Also on Fortran-ordered arrays, the layout `utilities` and `open_options` give."""
    rng = np.random.default_rng(seed)
    utility = rng.normal(size=(n, k))
    open_ = rng.random((n, k)) < 0.6
    open_[:, rng.random(k) < 0.4] = False  # some options closed in every run
    open_[:, rng.integers(k)] = True  # as `hold`: one option always open
    draws = rng.random(n)
    draws[0] = 0.0  # the lowest draw
    laid = np.asfortranarray if order == "F" else np.ascontiguousarray
    got = LogitPolicy().choose(1, laid(utility), laid(open_), draws, t)
    np.testing.assert_array_equal(got, _full_menu_choice(utility, open_, draws, t))
    assert open_[np.arange(n), got].all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.sampled_from([5, 2047, 2048, 3000, 10_000]), k=st.integers(1, 12))
def test_exp_rows_equal_numpys_exp(seed, n, k):
    """Rows mostly closed go the sparse way, the others whole: the same bits as one np.exp,
    -inf, underflowing exponents (slow lanes), NaN and a wrong `closed` hint included."""
    from agents.policies import exp_rows

    rng = np.random.default_rng(seed)
    scaled = -rng.exponential(5.0, size=(k, n))
    scaled[rng.random((k, n)) < 0.01] = -800.0  # underflows to 0 (a slow lane too)
    share_closed = rng.choice([0.0, 0.05, 0.6, 0.99, 1.0], size=k)
    closed = rng.random((k, n)) < share_closed[:, None]
    scaled[closed] = -np.inf
    scaled[0, rng.integers(n)] = np.nan  # a run with nothing open gives NaN exponents
    hint = closed if seed % 2 else rng.random((k, n)) < 0.5  # the hint only picks the path
    want = np.exp(scaled)
    got = exp_rows(scaled.copy(), hint)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("k", [254, 255, 256, 400])
def test_choose_counts_past_the_uint8_range(k):
    """`choose` counts the options below the draw in uint8 under 256 options, in int64 above."""
    rng = np.random.default_rng(k)
    n = 500
    utility = rng.normal(size=(n, k)) * 0.01  # near-equal weights: the draws reach the last options
    open_ = np.ones((n, k), dtype=bool)
    draws = rng.random(n)
    draws[:3] = (0.0, 0.999999, 0.9999999999)
    got = LogitPolicy().choose(1, utility, open_, draws, 1.0)
    np.testing.assert_array_equal(got, _full_menu_choice(utility, open_, draws, 1.0))
    assert got.max() >= k - 3


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 30), k=st.integers(9, 60))
def test_choice_probabilities_on_fortran_arrays_equal_the_row_sums_in_c_order(seed, n, k):
    """numpy sums a C-ordered row pairwise and a Fortran-ordered one option by option;
    the probabilities (recorded in the history) must be the C-ordered ones whatever the layout."""
    rng = np.random.default_rng(seed)
    utility = rng.normal(size=(n, k)) * 3.0
    open_ = rng.random((n, k)) < 0.7
    open_[:, 0] = True
    weights = np.exp(_scaled(utility, open_, 0.3))
    want = weights / weights.sum(axis=1, keepdims=True)  # C order: the plain computation
    got = choice_probabilities(np.asfortranarray(utility), np.asfortranarray(open_), 0.3)
    assert got.tobytes() == want.tobytes()


def test_utilities_and_menus_keep_each_options_runs_contiguous():
    """The layout the shortcuts rely on: (n, options) views of (options, n) arrays, same values."""
    x, plan, c = _played_situation()
    u = utilities(x, plan, c)
    assert u.shape == (x.state.n, len(c.options)) and u.T.flags.c_contiguous
    open_ = open_in(c.options, c.params, x.state)
    assert open_.T.flags.c_contiguous


def test_solve_gives_the_same_bits_on_either_layout_of_the_menus():
    x, plan, c = _played_situation()
    open_ = open_in(c.options, c.params, x.state)
    _, u_f, sigma_f = coordination.solve(x, plan, c, np.asfortranarray(open_))
    _, u_c, sigma_c = coordination.solve(x, plan, c, np.ascontiguousarray(open_))
    assert u_f.tobytes() == u_c.tobytes() and sigma_f.tobytes() == sigma_c.tobytes()


def _solve_every_round(x, plan, c, open_):
    """The coordination game with all its rounds over the whole menu (no shortcut)."""
    rules = c.params.assurance
    base = utilities(x, plan, c, assured=False)
    sigma = np.ones(x.partners_join.shape)
    cols, _ = assured_columns(x, plan, c)
    everything = np.ones_like(open_)  # a menu open everywhere keeps every column in `_Logit`
    logits = {a: coordination._Logit(a, np.where(open_, base, -np.inf), everything, cols, c) for a in ALLIES}
    for k in range(rules.rounds):
        x = dataclasses.replace(x, partners_join=partner_expectation(x.state.trust, sigma, x.weights))
        _, assured = assured_columns(x, plan, c)
        response = sigma.copy()
        for a, logit in logits.items():
            response[:, a] = logit.answering_probability(assured)
        sigma = response if k == 0 else (1.0 - rules.damping) * sigma + rules.damping * response
    x = dataclasses.replace(x, partners_join=partner_expectation(x.state.trust, sigma, x.weights))
    cols, assured = assured_columns(x, plan, c)
    base[:, cols] += assured
    return base, sigma


def test_solve_equals_every_round_over_the_whole_menu():
    """Leaving out closed options and stopping at a repeated sigma change nothing, to the bit.

    The reference marks closed options with utility -inf in a menu open everywhere,
    so `_Logit` keeps every column, and it plays all the rounds. With tolerance 0 the
    rounds stop only at an exact fixed point (the default tolerance's early stop is
    tested in tests/test_coordination.py).
    """
    c = compiled({"assurance.tolerance": 0.0})
    crisis = np.linspace(0.0, 0.95, 24)
    state = make_state(n=24, crisis=crisis, pressure=np.array([[0, 0.4, 0, 0]] * 24))
    view = situation(state, mechanism_hooks(state, c), c)
    open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
    assert (~open_.any(axis=0)).any(), "the shortcut must have a column to leave out"
    plan = utility_plan(c)
    _, utility, sigma = coordination.solve(view, plan, c, open_)
    want_utility, want_sigma = _solve_every_round(view, plan, c, open_)
    assert sigma.tobytes() == want_sigma.tobytes()
    assert utility.tobytes() == want_utility.tobytes()


@functools.cache
def _played_situation(runs: int = 200, turns: int = 5):
    """A Taiwan ensemble's situation after a few turns: varied trust, threat, crisis, hooks."""
    model = TrilateralModel(
        bundled_path("taiwan_strait"),
        seeds=np.arange(runs),
        overrides=[parse_set_flag("assurance.tolerance=0")],  # stop only at an exact fixed point
        keep_history=False,
        collect=False,
    )
    for _ in range(turns):
        model.step()
    c = model.compiled
    return situation(model.state, mechanism_hooks(model.state, c), c), model.plan, c


def _plain_utilities(x, plan, c, assured=True):
    """`utilities` as before issue 8's shortcut: every kind computes its own features."""
    total = np.zeros((x.state.n, len(c.options)))
    for kp in plan:
        per_actor = np.zeros((x.state.n, kp.actors[0].size))
        for feature, coef in kp.actor_features + (kp.assured_features if assured else []):
            per_actor += coef[None] * FEATURES[feature](x, kp.actors, c)
        block = per_actor[:, kp.spread] + kp.crowding[None]
        for feature, coef in kp.option_features:
            block += coef[None] * FEATURES[feature](x, kp.group, c)
        total[:, kp.idx] = block
    return total


@pytest.mark.parametrize("assured", [False, True])
def test_utilities_equal_each_kind_computing_its_own_features(assured):
    x, plan, c = _played_situation()
    assert utilities(x, plan, c, assured).tobytes() == _plain_utilities(x, plan, c, assured).tobytes()


#: The assured features as written whole before they were split into a fixed factor
#: and its completion (main at 7dc18c6): the split must compute the same bits.
_WHOLE = {
    "assured_stake": lambda x, g, c: (
        x.stake[g[0]][None]
        * x.state.crisis[:, None]
        * x.state.threat[:, g[0], PRC]
        * x.partners_join[:, g[0]]
    ),
    "joint_answer": lambda x, g, c: x.state.crisis[:, None] * x.partners_join[:, g[0]],
    "readiness": lambda x, g, c: (
        x.state.crisis[:, None] * x.hooks.actor[:, H["coordination"], g[0]] * x.partners_join[:, g[0]]
    ),
    "left_exposed": lambda x, g, c: x.state.exposure[:, g[0], PRC] * (1.0 - x.partners_join[:, g[0]]),
    "partners_join": lambda x, g, c: x.partners_join[:, g[0]],
}


@pytest.mark.parametrize("feature", sorted(_WHOLE))
def test_an_assured_feature_split_equals_its_whole_expression(feature):
    x, plan, c = _played_situation()
    assert feature in ASSURED and isinstance(FEATURES[feature], AssuredFeature)
    rng = np.random.default_rng(3)
    x = dataclasses.replace(x, partners_join=rng.random(x.partners_join.shape))
    for g in {kp.actors[0].tobytes(): kp.actors for kp in plan}.values():
        assert FEATURES[feature](x, g, c).tobytes() == _WHOLE[feature](x, g, c).tobytes()


def test_assured_rounds_equal_assured_columns_at_each_rounds_expectations():
    """Fixed factors computed once per turn give each round's plain `assured_columns`, to the bit."""
    x, plan, c = _played_situation()
    rounds = AssuredRounds(x, plan, c)
    rng = np.random.default_rng(5)
    sigmas = [
        np.ones(x.partners_join.shape),
        rng.random(x.partners_join.shape),
        np.zeros(x.partners_join.shape),
    ]
    for sigma in sigmas:
        joined = partner_expectation(x.state.trust, sigma)
        cols, got = rounds.columns(joined)
        want_cols, want = assured_columns(dataclasses.replace(x, partners_join=joined), plan, c)
        np.testing.assert_array_equal(cols, want_cols)
        assert np.ascontiguousarray(got).tobytes() == want.tobytes()
    assert got.shape == want.shape and got.any()


def test_solve_on_a_played_ensemble_equals_every_round_over_the_whole_menu():
    """The whole coordination game, shortcuts and all, on a played ensemble's varied state."""
    x, plan, c = _played_situation()
    state = x.state
    open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
    _, utility, sigma = coordination.solve(x, plan, c, open_)
    want_utility, want_sigma = _solve_every_round(x, plan, c, open_)
    assert sigma.tobytes() == want_sigma.tobytes()
    assert utility.tobytes() == want_utility.tobytes()


def test_assured_rounds_evaluate_a_plain_assured_feature_whole(monkeypatch):
    """An assured feature written as a plain function (no fixed factor) is evaluated whole each round."""
    import agents.utility as utility

    monkeypatch.setitem(utility.FEATURES, "left_exposed", _WHOLE["left_exposed"])
    x, plan, c = _played_situation()
    rounds = AssuredRounds(x, plan, c)
    assert not any(feature == "left_exposed" for feature, _ in rounds.fixed)
    joined = partner_expectation(x.state.trust, np.random.default_rng(7).random(x.partners_join.shape))
    _, got = rounds.columns(joined)
    _, want = assured_columns(dataclasses.replace(x, partners_join=joined), plan, c)
    assert np.ascontiguousarray(got).tobytes() == want.tobytes()


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    rows=st.integers(0, 300),
    events=st.sampled_from([1, 3, 8, 9, 30, 64, 65, 80]),
    density=st.sampled_from([0.0, 0.05, 0.5]),
)
def test_event_labels_equal_each_rows_own_join(seed, rows, events, density):
    """The per-turn table's ``events`` labels (patterns hashed, labels taken by Arrow) are each row's join."""
    from sim.turns import _event_labels

    rng = np.random.default_rng(seed)
    fired = rng.random((rows, events)) < density
    ids = [f"event_{k}" for k in range(events)]
    want = [", ".join(e for e, on in zip(ids, row, strict=True) if on) for row in fired]
    got = _event_labels(fired, ids)
    assert got.type == pa.string() and got.to_pylist() == want


def test_move_labels_equal_each_codes_word():
    """The cached dictionaries give each code its own word (repeated words merged)."""
    from sim.turns import _labels

    dictionary = ["hold", "invest gsomia", "hold", "press ROK", "coordinate"]
    codes = np.array([0, 2, 1, 4, 3, 3, 0])
    for _ in range(2):  # the second call reads the cache
        got = _labels(codes, dictionary)
        assert got.to_pylist() == [dictionary[c] for c in codes]
        assert got.dictionary.to_pylist() == sorted(set(dictionary))


def _plain_hooks(state, c):
    """`mechanism_hooks` before the shortcut: every hook summed and added, zero or not."""
    from sim.mechanisms import HOOKS, Hooks, member_sets
    from sim.vocab import ACTIVE

    live = state.strength * (state.status == ACTIVE)
    n, n_a = state.n, c.members.shape[1]
    raw = np.zeros((n, len(HOOKS), n_a))
    repair = {h: np.zeros((n, n_a, n_a)) for h in (H["trust_repair"], H["opinion_repair"])}
    for ms, actors in member_sets(c):
        pair = np.ix_(actors, actors)
        for h in range(len(HOOKS)):
            total = np.zeros(n)
            for m in ms:
                if c.effects[m, h] != 0.0:
                    total += live[:, m] * c.effects[m, h]
            raw[:, h, actors] += total[:, None]
            if h in repair:
                repair[h][:, pair[0], pair[1]] = repair[h][:, pair[0], pair[1]] + total[:, None, None]
    for target in repair.values():
        target[:, np.arange(n_a), np.arange(n_a)] = 0.0
    return Hooks(1.0 - np.exp(-raw), repair[H["trust_repair"]], repair[H["opinion_repair"]])


def test_mechanism_hooks_skipping_zero_effects_equal_the_plain_sums():
    x, _, c = _played_situation()
    from sim.mechanisms import member_sets

    hooks = range(c.effects.shape[1])
    skipped = [(ms, h) for ms, _ in member_sets(c) for h in hooks if not c.effects[ms, h].any()]
    assert skipped, "the shortcut must have a hook to skip"
    got, want = mechanism_hooks(x.state, c), _plain_hooks(x.state, c)
    for name in ("actor", "trust_repair", "opinion_repair"):
        assert getattr(got, name).tobytes() == getattr(want, name).tobytes()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    sizes=st.lists(st.integers(0, 40), min_size=0, max_size=4),
    null_share=st.sampled_from([0.0, 0.3]),
    offset=st.integers(0, 9),
)
def test_summary_floats_equal_pyarrows_to_numpy(seed, sizes, null_share, offset):
    """The summary reads the index from its buffers (to_numpy imports pandas): the same values,
    nulls as NaN, on chunked, sliced (offset) and empty columns."""
    from sim.batch.summary import _floats

    rng = np.random.default_rng(seed)
    chunks = []
    for size in sizes:
        values = rng.normal(size=size + offset) * 50.0
        mask = rng.random(size + offset) < null_share
        chunks.append(pa.array(values, mask=mask, type=pa.float64()).slice(offset))
    column = pa.chunked_array(chunks, type=pa.float64())
    got = _floats(column)
    want = column.to_numpy(zero_copy_only=False)
    assert got.dtype == want.dtype == np.float64
    assert got.tobytes() == want.tobytes()


def test_the_sweep_summary_imports_no_pandas(tmp_path):
    """Reading a sweep's runs for the summary must not import pandas (about 0.3 s of CPU)."""
    import subprocess
    import sys
    from pathlib import Path

    import pyarrow.parquet as pq

    pq.write_table(pa.table({"index": [50.0, 60.0, None]}), tmp_path / "runs.parquet")
    code = (
        "import sys; from sim.batch.summary import summarise; "
        f"rows = summarise({str(tmp_path)!r}); "
        "print(rows[0]['n'], 'pandas' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout
    assert out.split() == ["3", "False"]
