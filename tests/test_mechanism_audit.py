"""sim/mechanism_audit.py: losses classified by cause; the audit over an ensemble."""

from __future__ import annotations

import numpy as np
from support import event, loaded, make_scenario, play

from agents.policies import ScriptedPolicy
from sim.mechanism_audit import LOSS_CAUSES, audit, classify_losses
from sim.vocab import ACTIVE, ENDED, MECHANISMS, SUSPENDED

A, S, E = ACTIVE, SUSPENDED, ENDED


def test_each_loss_has_exactly_one_cause_in_order():
    # four mechanisms, one run: event beats choice beats lapse (the one rule left)
    before = np.array([[A, A, A, A]])
    after = np.array([[S, E, S, A]])
    hit = np.array([[True, False, False, True]])
    chosen = np.array([[True, True, False, False]])
    out = classify_losses(before, after, hit, chosen)
    assert LOSS_CAUSES == ("event", "chosen", "lapse")  # no distrust rule any more
    assert out["event"].tolist() == [[True, False, False, False]]
    assert out["chosen"].tolist() == [[False, True, False, False]]
    assert out["lapse"].tolist() == [[False, False, True, False]]
    total = sum(out[k].astype(int) for k in LOSS_CAUSES)
    assert total.tolist() == [[1, 1, 1, 0]]  # the last stayed active: no loss


def test_a_suspended_mechanism_that_ends_is_not_a_new_loss():
    out = classify_losses(
        np.array([[S]]),
        np.array([[E]]),
        np.zeros((1, 1), bool),
        np.zeros((1, 1), bool),
    )
    assert not any(v.any() for v in out.values())


def test_audit_counts_a_chosen_suspension_and_an_event_ending():
    gsomia = MECHANISMS.index("gsomia")
    sc = make_scenario(
        [
            event(
                "agreement_unravels",
                source="ROK",
                targets=["JPN"],
                turn=2,
                mechanism="acsa",
                mechanism_effect="end",
            )
        ],
        turns=3,
    )
    model = loaded(sc)
    seoul = ScriptedPolicy({1: model_option(model, "ROK", "suspend gsomia")})
    m = play(model, np.arange(20), policies={"ROK": seoul})
    a = audit(m)
    assert a.lost_by["chosen"][gsomia] == 1.0 and a.lost[gsomia] == 1.0
    # acsa starts suspended in the 2021 world: ending it is no loss of an active mechanism
    assert a.lost[MECHANISMS.index("acsa")] == 0.0 and a.ended[MECHANISMS.index("acsa")] == 1.0


def test_audit_counts_a_notice_that_runs_out_as_chosen():
    gsomia = MECHANISMS.index("gsomia")
    model = loaded(make_scenario([], turns=5))
    seoul = ScriptedPolicy({1: model_option(model, "ROK", "notice gsomia")})
    tokyo = ScriptedPolicy({t: model_option(model, "JPN", "hold") for t in range(1, 6)})
    m = play(model, np.arange(10), policies={"ROK": seoul, "JPN": tokyo})
    a = audit(m)
    # notice in turn 1, 3 months' notice: ended at the end of turn 4, unless Seoul withdrew it
    withdrew = np.array(
        [
            any(m.compiled.options.label(int(r.outcome.choices[k, 1])) == "restore gsomia" for r in m.history)
            for k in range(10)
        ]
    )
    assert a.lost_by["chosen"][gsomia] == a.ended[gsomia] == 1.0 - withdrew.mean()
    assert a.lost_by["lapse"][gsomia] == 0.0


def model_option(loaded_scenario, actor: str, label: str) -> int:
    from sim.actors import INDEX
    from sim.compiled import compile_parameters

    opts = compile_parameters(loaded_scenario.parameters).options
    return opts.find(INDEX[actor], label) - opts.slices[INDEX[actor]].start


# -- the theory scenarios that ask whether governments create a mechanism (issue 8) --------
CREATION = {
    "gsomia_2016": ("gsomia",),
    "camp_david_2023": (
        "crisis_consultation",
        "contingency_planning",
        "china_dialogue",
        "technology_partnership",
    ),
}


def _theory(name: str):
    from sim.model import TrilateralModel
    from sim.scenario import SCENARIO_DIR

    return TrilateralModel(str(SCENARIO_DIR / "theory" / f"{name}.yaml"), seeds=np.arange(200), collect=False)


def test_creation_scenarios_state_conditions_not_outcomes():
    """No event of these files touches a mechanism; the measured ones start not in force."""
    for name, measured in CREATION.items():
        model = _theory(name)
        assert all(e.mechanism is None and e.mechanism_effect is None for e in model.script.events), name
        for mech in measured:
            m = MECHANISMS.index(mech)
            assert (model.start.status[:, m] == SUSPENDED).all() and (model.start.strength[:, m] == 0).all()


def test_governments_create_the_mechanisms_by_choice_in_some_runs_not_all():
    """GSOMIA in 2016, the trilateral institutions in 2023: created by the members' restores."""
    for name, measured in CREATION.items():
        model = _theory(name)
        while model.running:
            model.step()
        a = audit(model)
        for mech in measured:
            m = MECHANISMS.index(mech)
            assert a.gained_by_choice[m] == a.gained[m], (name, mech)  # no event activated it
            assert 0.2 <= a.gained_by_choice[m] < 0.95, (name, mech, a.gained_by_choice[m])
