"""Adjudication's speed shortcuts change no result by a single bit (bench/README.md, sitting L).

The signal functions add a move's signal only in the runs that made the move
(`sim.adjudication._movers`), and kind sets are looked up in tables instead of
`np.isin`. Each is compared here with the dense form it replaced (copied below as it
was), bit for bit, on random moves over the whole menu and random signals.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import compiled

from sim import adjudication as adj
from sim.actions import DEFECTION_KINDS, EXIT_KINDS, HOSTILE_KINDS, RESPONSE_KINDS, K
from sim.actors import ACTORS, ALLIES, PARTNER_PAIRS, PATRON
from sim.events import Signals

N_A = len(ACTORS)


def _dense_mechanism_signals(s, p, kind, mech, c):
    t = p.trust
    for j in ALLIES:
        for verb, coef, bucket in (
            (K["notice"], t.suspension, s.trust_bad),
            (K["restore"], t.investment, s.trust_good),
        ):
            acted = kind[:, j] == verb
            if not acted.any():
                continue
            fellows = c.co_members[np.where(acted, mech[:, j], 0), :, j]
            bucket[:, :, j] += coef * fellows * acted[:, None]


def _dense_alliance_signals(s, p, kind, target, mech, responding, military, c):
    t, o = p.trust, p.opinion
    hedged = kind == K["hedge"]
    for i in ALLIES:
        for j in ALLIES:
            if i != j:
                untested = ~(military & responding[:, i])
                s.trust_bad[:, i, j] += t.hedging * (hedged[:, j] & untested)
    n_a = kind.shape[1]
    for j in range(n_a):
        for u in range(n_a):
            if u == j:
                continue
            hit = (kind[:, j] == K["retaliate"]) & (target[:, j] == u)
            s.trust_bad[:, u, j] += t.retaliation * hit
            s.opinion_bad[:, u, j] += o.retaliation * hit
            mend = (kind[:, j] == K["repair"]) & (target[:, j] == u)
            s.trust_good[:, u, j] += t.repair * mend
            s.opinion_good[:, u, j] += o.repair * mend
        for verb, coef, bucket in (
            (K["suspend"], t.suspension, s.trust_bad),
            (K["invest"], t.investment, s.trust_good),
        ):
            acted = kind[:, j] == verb
            if not acted.any():
                continue
            fellows = c.co_members[np.where(acted, mech[:, j], 0), :, j]
            bucket[:, :, j] += coef * fellows * acted[:, None]
    brokered = kind[:, PATRON] == K["broker"]
    for i, j in PARTNER_PAIRS:
        s.trust_good[:, i, j] += t.broker * brokered


def _dense_measures(signals, p, kind, target, mech, c):
    t = p.trust
    out = signals.measured.copy()
    n_a = kind.shape[1]
    for j in range(n_a):
        for i in range(n_a):
            if i != j:
                out[:, i, j] += t.retaliation * ((kind[:, j] == K["retaliate"]) & (target[:, j] == i))
        walked = np.isin(kind[:, j], EXIT_KINDS)
        if walked.any():
            m = np.where(walked, mech[:, j], 0)
            fellows = c.co_members[m, :, j]
            measure = 1.0 - c.mech["salience"][m]
            out[:, :, j] += t.suspension * fellows * (walked * measure)[:, None]
    idx = np.arange(n_a)
    out[:, idx, idx] = 0.0
    return out


def _random_turn(seed: int, n: int):
    """Moves drawn over each actor's whole menu, and signals as the events leave them.

    The signals are sums from +0.0 of non-negative amounts (`Signals.add`), a third of
    them exactly 0.
    """
    c = compiled()
    rng = np.random.default_rng(seed)
    choices = np.stack([rng.integers(sl.start, sl.stop, size=n) for sl in c.options.slices], axis=1)
    opts = c.options
    kind, target, mech = opts.kind[choices], opts.target[choices], opts.mechanism[choices]
    arrays = []
    for _ in range(5):
        amounts = rng.exponential(0.3, size=(n, N_A, N_A)) * (rng.random((n, N_A, N_A)) > 1 / 3)
        arrays.append(np.zeros((n, N_A, N_A)) + amounts)
    signals = Signals(*arrays)
    responding = rng.random((n, N_A)) < 0.5
    military = rng.random(n) < 0.5
    return c, kind, target, mech, signals, responding, military


def _same(a: Signals, b: Signals) -> None:
    for name in ("trust_good", "trust_bad", "opinion_good", "opinion_bad", "measured"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 300))
def test_signals_in_the_movers_runs_equal_the_dense_sums(seed, n):
    c, kind, target, mech, signals, responding, military = _random_turn(seed, n)
    p = c.params
    defecting = adj._DEFECTION[kind]
    conceded = kind == K["concede"]
    got, want = signals.copy(), signals.copy()
    assert (
        adj._measures(got, p, kind, target, mech, c).tobytes()
        == _dense_measures(want, p, kind, target, mech, c).tobytes()
    )
    adj._alliance_signals(got, p, kind, target, mech, responding, defecting, conceded, military, c)
    _dense_alliance_signals(want, p, kind, target, mech, responding, military, c)
    _same(got, want)
    adj._mechanism_signals(got, p, kind, mech, c)
    _dense_mechanism_signals(want, p, kind, mech, c)
    _same(got, want)


def test_the_random_moves_make_every_signalled_move():
    """The comparison above is not vacuous: each signalled verb is drawn, by each actor that has it."""
    _, kind, target, *_ = _random_turn(0, 300)
    for verb in ("hedge", "retaliate", "repair", "suspend", "invest", "notice", "restore"):
        for j in ALLIES:
            assert (kind[:, j] == K[verb]).any(), (verb, j)
    assert (kind[:, PATRON] == K["broker"]).any()


@pytest.mark.parametrize(
    "table, kinds",
    [
        (adj._RESPONSE, RESPONSE_KINDS),
        (adj._DEFECTION, DEFECTION_KINDS),
        (adj._EXIT, EXIT_KINDS),
        (adj._HOSTILE, HOSTILE_KINDS),
    ],
)
def test_kind_tables_equal_isin(table, kinds):
    kind = np.arange(len(K)).repeat(3).reshape(-1, 3)
    assert np.array_equal(table[kind], np.isin(kind, kinds))


def test_members_mean_by_membership_group_equals_the_sum_over_every_actor():
    """`_members_mean` sums members only; the plain form adds value x 0 for the others."""
    from support import bundled_path

    from sim.mechanisms import _members_mean, mechanism_hooks
    from sim.model import TrilateralModel

    model = TrilateralModel(
        bundled_path("taiwan_strait"), seeds=np.arange(200), keep_history=False, collect=False
    )
    for _ in range(4):
        model.step()
    c = model.compiled
    shield = mechanism_hooks(model.state, c).of("spillover_shield")
    assert (shield > 0).any()
    plain = np.zeros((shield.shape[0], c.members.shape[0]))
    for a in range(c.members.shape[1]):
        plain += shield[:, a : a + 1] * c.members[None, :, a]
    plain /= c.members.sum(axis=1)
    assert _members_mean(shield, c).tobytes() == plain.tobytes()
