"""The action-kind registry (sim/kinds.py): one place per kind."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sim import kinds
from sim.actions import (
    BREAKS_RANKS_KINDS,
    CONTRADICTED_BY,
    DEFECTION_KINDS,
    EXIT_KINDS,
    HOSTILE_KINDS,
    MECHANISM_KINDS,
    OPEN_RULES,
    RESPONSE_KINDS,
    K,
    build_options,
    open_options,
)
from sim.actors import ACTORS, CHALLENGER, JPN, PARTNERS, PATRON, PRC, ROK, USA
from sim.kinds import ACTION_KIND_SPECS, ActionKindSpec, RegistryError, check_registry, targets_of
from sim.narrative import _verb
from sim.params import default_parameters
from sim.vocab import ACTION_KINDS

ROOT = Path(__file__).resolve().parent.parent
NAMES = {s.name for s in ACTION_KIND_SPECS}


def _names(ids: tuple[int, ...]) -> set[str]:
    return {ACTION_KINDS[i] for i in ids}


def test_vocab_and_k_are_the_registry_in_order():
    assert ACTION_KINDS == tuple(s.name for s in ACTION_KIND_SPECS)
    assert K == {s.name: i for i, s in enumerate(ACTION_KIND_SPECS)}


def test_kind_classes_read_the_registry():
    assert _names(RESPONSE_KINDS) == {"coordinate", "joint_statement"}
    assert _names(DEFECTION_KINDS) == {"hedge", "concede"}
    assert _names(EXIT_KINDS) == {"suspend", "notice"}
    assert _names(BREAKS_RANKS_KINDS) == {"hedge", "concede", "suspend", "notice"}
    assert _names(HOSTILE_KINDS) == {"retaliate"}
    assert MECHANISM_KINDS == ("invest", "suspend", "notice", "restore")
    assert CONTRADICTED_BY == {"crisis": ("de_escalate",)}
    from sim.base_rates import CAMPAIGN_KINDS

    assert CAMPAIGN_KINDS == {"coerce": ("pressure", "pressure"), "induce": ("inducement", "inducement")}


def test_every_named_open_rule_is_implemented():
    assert set(OPEN_RULES) == set(kinds.OPEN_RULES) - {"always"}


def test_menus_follow_the_roles():
    opts = build_options(default_parameters())
    taken = {a: {ACTION_KINDS[k] for k in opts.kind[opts.slices[a]]} for a in range(len(ACTORS))}
    assert taken[CHALLENGER] == {"hold", "military_pressure", "de_escalate", "coerce", "induce"}
    assert {"broker", "press"} <= taken[PATRON]
    for p in PARTNERS:
        assert "broker" not in taken[p] and "press" not in taken[p]
    # retaliation: Beijing for everyone, and each partner against the other
    assert targets_of(kinds.SPEC["retaliate"], USA) == (PRC,)
    assert targets_of(kinds.SPEC["retaliate"], ROK) == (PRC, JPN)
    assert targets_of(kinds.SPEC["retaliate"], JPN) == (PRC, ROK)


def test_narrative_verbs_come_from_the_registry():
    opts = build_options(default_parameters())
    for o in range(len(opts)):
        spec = kinds.SPEC[ACTION_KINDS[opts.kind[o]]]
        phrase = _verb(opts, o)
        if not spec.verb and not spec.verb_relationship:
            assert phrase == opts.label(o)
    press_rel = next(o for o in range(len(opts)) if opts.kind[o] == K["press"] and opts.mechanism[o] < 0)
    assert _verb(opts, press_rel).startswith("press Seoul to mend relations with Tokyo")


def test_a_new_kind_is_one_entry():
    """A made-up kind declared once appears in the menus of its role, with its rule."""
    extra = ActionKindSpec(
        name="summit_call",
        who="partners",
        targets="others",
        opens="military_crisis",
        menu=99,
        classes=frozenset({"response"}),
        verb="call {target}",
        about="a leaders' call: cheap reassurance in a crisis",
    )
    specs = (*ACTION_KIND_SPECS, extra)
    check_registry(specs)
    params = default_parameters()
    base = build_options(params)
    opts = build_options(params, specs)
    new = len(ACTION_KIND_SPECS)
    assert kinds.kinds_in("response", specs)[-1] == "summit_call"
    for a in range(len(ACTORS)):
        mine = opts.kind[opts.slices[a]]
        got = opts.target[opts.slices[a]][mine == new]
        if a in PARTNERS:
            # last in the menu (menu=99), aimed at every other actor
            assert list(got) == [t for t in range(len(ACTORS)) if t != a]
            assert (mine[-len(got) :] == new).all()
            # the rest of the menu is unchanged
            assert np.array_equal(mine[: -len(got)], base.kind[base.slices[a]])
        else:
            assert got.size == 0
    # its openness follows its named rule (open only in a military crisis)
    n = 2
    status = np.zeros((n, len(params.mechanisms)), dtype=np.int64)
    crisis = np.array([0.0, 1.0])
    mask = open_options(opts, params, crisis, np.zeros(n), np.zeros((n, len(ACTORS))), status)
    cols = np.flatnonzero(opts.kind == new)
    assert not mask[0, cols].any() and mask[1, cols].all()
    # its label and verb phrase come from its entry
    assert opts.label(int(cols[0])) == "summit call USA"
    assert _verb(opts, int(cols[0])) == "call Washington"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"who": "everybody"}, ["'who'", "'everybody'", "patron"]),
        ({"targets": "mechanism"}, ["'targets'", "own_mechanism"]),
        ({"opens": "sometimes"}, ["'opens'", "military_crisis"]),
        ({"classes": frozenset({"defects"})}, ["'classes'", "defection"]),
        ({"contradicted_by": ("dispute",)}, ["'contradicted_by'", "crisis"]),
        ({"menu": -1}, ["'menu'", "integer"]),
        ({"about": "  "}, ["'about'", "trade-off"]),
        ({"about": "x" * 77}, ["'about'", "at most 76 characters"]),
        ({"name": "Summit-Call"}, ["snake_case"]),
        ({"campaign": "crisis"}, ["'campaign'", "inducement"]),
    ],
)
def test_bad_registry_data_gives_a_clear_error(change, words):
    good = dict(name="summit_call", who="partners", targets="none", opens="always", menu=99, about="x")
    with pytest.raises(RegistryError) as err:
        ActionKindSpec(**{**good, **change})
    for w in words:
        assert w in str(err.value)


def test_registry_clashes_are_named():
    hold = ACTION_KIND_SPECS[0]
    with pytest.raises(RegistryError, match="'hold' is declared twice"):
        check_registry((*ACTION_KIND_SPECS, hold))
    clash = dataclasses.replace(hold, name="wait", menu=ACTION_KIND_SPECS[1].menu)
    with pytest.raises(RegistryError, match="share menu position"):
        check_registry((*ACTION_KIND_SPECS, clash))


def _kind_literals(path: Path) -> list[tuple[int, str]]:
    """Kind-name string literals in ``path`` that are not a `K[...]` lookup.

    Allowed: ``K["name"]`` (an index lookup, which fails loudly if the kind leaves the
    registry), and the scenario vocabulary of mechanism effects, which shares the word
    "suspend" (compared with an ``...effect`` name, or declared as `mechanism_effect`).
    """
    tree = ast.parse(path.read_text())
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "K":
            allowed |= {id(c) for c in ast.walk(node.slice)}
        elif isinstance(node, ast.Compare) and "effect" in ast.unparse(node.left):
            allowed |= {id(c) for c in ast.walk(node)}
        elif isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "mechanism_effect":
            allowed |= {id(c) for c in ast.walk(node)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in NAMES and id(node) not in allowed
    ]


def test_the_registry_is_the_only_place_a_kind_is_named():
    files = sorted((ROOT / "sim").rglob("*.py")) + sorted((ROOT / "agents").rglob("*.py"))
    assert len(files) > 20
    found = {
        f"{f.relative_to(ROOT)}:{line}: {name}"
        for f in files
        if f.name != "kinds.py" or f.parent.name != "sim"
        for line, name in _kind_literals(f)
    }
    assert found == set()


def test_the_scan_would_catch_a_kind_named_elsewhere(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text(
        'X = ("hedge", "concede")\nY = K["hedge"]\nif e.mechanism_effect == "suspend":\n    pass\n'
    )
    assert _kind_literals(sample) == [(1, "hedge"), (1, "concede")]
