"""sim/actions.py: the option table and which options are open."""

from __future__ import annotations

import numpy as np
import pytest
from support import compiled, make_state, option

from sim.actions import K, build_options, open_in, open_options, pressable
from sim.actors import ACTORS, ALLIES, INDEX, PRC, USA
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

N_M = len(MECHANISMS)


def menu(actor: str) -> list[str]:
    opts = compiled().options
    s = opts.slices[INDEX[actor]]
    return [opts.label(o) for o in range(s.start, s.stop)]


def is_open(state, actor: str, label: str, c=None) -> np.ndarray:
    c = c or compiled()
    return open_in(c.options, c.params, state)[:, option(c, actor, label)]


def test_slices_are_contiguous_cover_every_option_and_belong_to_their_actor():
    opts = compiled().options
    assert opts.slices[0].start == 0 and opts.slices[-1].stop == len(opts)
    for a, s in enumerate(opts.slices):
        assert np.all(opts.actor[s] == a)
        if a:
            assert s.start == opts.slices[a - 1].stop


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_has_hold_and_labels_are_unique(actor):
    labels = menu(actor)
    assert "hold" in labels
    assert len(labels) == len(set(labels))


def test_menus_have_the_actions_of_the_brief():
    usa, rok, prc = set(menu("USA")), set(menu("ROK")), set(menu("PRC"))
    for label in ("coordinate", "joint statement", "hedge", "concede", "retaliate PRC", "repair JPN"):
        assert label in rok
    assert "retaliate JPN" in rok and "retaliate ROK" not in usa
    assert "broker" in usa and "broker" not in rok
    assert {"coerce ROK", "coerce JPN", "induce ROK", "induce JPN", "military pressure"} <= prc
    assert compiled().options.find(INDEX["PRC"], "de_escalate") is not None
    assert all(
        label.split()[-1] in ("USA", "ROK", "JPN") for label in prc if label.startswith(("coerce", "induce"))
    )
    assert not {label for label in prc if label.startswith(("invest", "suspend", "concede"))}


def test_invest_and_suspend_options_follow_membership():
    assert "invest gsomia" in menu("ROK") and "invest gsomia" not in menu("USA")
    assert "suspend trilateral_exercises" in menu("USA")
    for kind in ("invest", "suspend", "notice", "restore"):
        assert sum(label.startswith(kind + " ") for label in menu("ROK")) == N_M
        assert sum(label.startswith(kind + " ") for label in menu("USA")) == 6
    c = compiled({"mechanisms.gsomia.members": ["USA", "ROK", "JPN"]})
    opts = c.options
    assert opts.find(INDEX["USA"], "invest gsomia") is not None


def test_find_is_the_inverse_of_label():
    opts = compiled().options
    for o in range(len(opts)):
        assert opts.find(int(opts.actor[o]), opts.label(o)) == o
    assert opts.find(INDEX["ROK"], "Invest  GSOMIA") == opts.find(INDEX["ROK"], "invest gsomia")
    assert opts.find(INDEX["ROK"], "launch rockets") is None


def test_concede_only_open_under_pressure():
    th = compiled().params.thresholds.pressure
    state = make_state(n=2, pressure=np.array([[0, th, 0, 0], [0, th / 2, 0, 0]]))
    np.testing.assert_array_equal(is_open(state, "ROK", "concede"), [True, False])
    np.testing.assert_array_equal(is_open(state, "JPN", "concede"), [False, False])
    np.testing.assert_array_equal(is_open(state, "ROK", "retaliate PRC"), [True, False])


def test_retaliation_against_beijing_opens_in_a_crisis():
    th = compiled().params.thresholds.crisis
    state = make_state(n=2, crisis=np.array([th, th / 2]))
    np.testing.assert_array_equal(is_open(state, "USA", "retaliate PRC"), [True, False])


def test_de_escalation_only_open_in_a_military_crisis():
    th = compiled().params.thresholds.crisis
    state = make_state(n=2, crisis=np.array([th, th / 2]))
    np.testing.assert_array_equal(is_open(state, "PRC", "de_escalate"), [True, False])
    np.testing.assert_array_equal(is_open(state, "PRC", "military pressure"), [True, True])


def test_retaliation_between_seoul_and_tokyo_needs_dispute_heat():
    th = compiled().params.thresholds.dispute
    state = make_state(n=2, dispute=np.array([th, th / 2]))
    np.testing.assert_array_equal(is_open(state, "ROK", "retaliate JPN"), [True, False])
    np.testing.assert_array_equal(is_open(state, "JPN", "retaliate ROK"), [True, False])


def test_invest_suspend_and_notice_only_for_a_mechanism_in_force():
    k = MECHANISMS.index("gsomia")
    status = np.zeros((3, N_M), dtype=np.int8)
    status[:, k] = [ACTIVE, SUSPENDED, ENDED]
    state = make_state(n=3, status=status)
    for label in ("suspend gsomia", "invest gsomia", "notice gsomia"):
        np.testing.assert_array_equal(is_open(state, "ROK", label), [True, False, False])


ROK_BIT, JPN_BIT = 1 << INDEX["ROK"], 1 << INDEX["JPN"]


def test_restore_lifts_ones_own_hold_or_revives_one_nobody_holds():
    """Runs: active; suspended held by nobody (lapsed); held by Seoul; held by Tokyo;
    held by both; ended."""
    k = MECHANISMS.index("gsomia")
    status = np.zeros((6, N_M), dtype=np.int8)
    status[:, k] = [ACTIVE, SUSPENDED, SUSPENDED, SUSPENDED, SUSPENDED, ENDED]
    held = np.zeros((6, N_M), dtype=np.int8)
    held[:, k] = [0, 0, ROK_BIT, JPN_BIT, ROK_BIT | JPN_BIT, 0]
    state = make_state(n=6, status=status, held_by=held)
    np.testing.assert_array_equal(
        is_open(state, "ROK", "restore gsomia"), [False, True, True, False, True, False]
    )
    np.testing.assert_array_equal(
        is_open(state, "JPN", "restore gsomia"), [False, True, False, True, True, False]
    )


def test_a_notice_closes_further_notice_and_opens_its_withdrawal_to_its_giver_only():
    k = MECHANISMS.index("gsomia")
    noticed = np.zeros((1, N_M), dtype=np.int8)
    noticed[0, k] = ROK_BIT
    state = make_state(noticed_by=noticed)
    assert not is_open(state, "ROK", "notice gsomia")[0] and is_open(state, "ROK", "restore gsomia")[0]
    assert is_open(state, "JPN", "notice gsomia")[0] and not is_open(state, "JPN", "restore gsomia")[0]
    assert is_open(state, "ROK", "suspend gsomia")[0]  # still in force during the notice


def test_washington_presses_partners_about_seoul_tokyo_mechanisms_and_their_relationship():
    c = compiled()
    names = [MECHANISMS[m] for m in pressable(c.params)]
    assert names == ["gsomia", "acsa"]  # the Seoul-Tokyo security mechanisms
    assert "press ROK shuttle_diplomacy" not in menu("USA")  # the relationship press covers it
    usa = menu("USA")
    assert "press ROK gsomia" in usa and "press JPN acsa" in usa
    assert "press ROK" in usa and "press JPN" in usa
    assert "press ROK trilateral_exercises" not in usa  # Washington is a member: it invests itself
    assert not any(label.startswith("press") for label in menu("ROK") + menu("PRC"))
    status = np.zeros((2, N_M), dtype=np.int8)
    status[:, MECHANISMS.index("gsomia")] = [ACTIVE, ENDED]
    state = make_state(n=2, status=status)
    np.testing.assert_array_equal(is_open(state, "USA", "press ROK gsomia"), [True, False])
    np.testing.assert_array_equal(is_open(state, "USA", "press ROK"), [True, True])


def test_plain_options_are_always_open():
    c = compiled()
    state = make_state(n=1, crisis=0.0, dispute=0.0, status=np.full(N_M, ENDED, dtype=np.int8))
    mask = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)[0]
    for o in range(len(c.options)):
        if c.options.kind[o] in (
            K["hold"],
            K["coordinate"],
            K["hedge"],
            K["repair"],
            K["coerce"],
            K["induce"],
        ):
            assert mask[o], c.options.label(o)
    assert not mask[option(c, "ROK", "concede")]
    for a in ALLIES + (PRC,):
        assert mask[option(c, ACTORS[a], "hold")]


def test_build_options_is_deterministic():
    p = compiled().params
    a, b = build_options(p), build_options(p)
    for name in ("actor", "kind", "target", "mechanism"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_an_escalation_attributed_to_beijing_closes_its_de_escalation_in_that_run_only():
    """One Beijing: the drill it is the source of is its move; it cannot also step back."""
    from sim.actions import attributed_moves
    from sim.vocab import CHANNELS

    c = compiled()
    opts = c.options
    open_ = np.ones((3, len(opts)), dtype=bool)
    sources = np.array([PRC, USA])
    raises = np.zeros((2, len(CHANNELS)), dtype=bool)
    raises[0, CHANNELS.index("crisis")] = True  # Beijing's drill
    raises[1, CHANNELS.index("crisis")] = True  # an escalation attributed to Washington
    fired = np.array([[True, False], [False, False], [False, True]])
    out = attributed_moves(opts, open_, sources, raises, fired)
    de = option(c, "PRC", "de-escalate")
    assert not out[0, de] and out[1, de] and out[2, de]
    assert out[0].sum() == len(opts) - 1  # nothing else closed
    assert open_.all()  # the input is not modified
