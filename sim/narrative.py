"""Plain-language account of a run: what happened each turn and why.

Built from the turn records of one run; the text transcript (`cli.render`) and the
JSON document (`sim.results`) both read it, so they tell the same story: each
actor's choice with its weighted utility terms, the runner-up and the margin; the
causes of trust moves and of mechanism status changes; the scales; the verdict
words with their thresholds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.actions import DEFECTION_KINDS, K
from sim.actors import ACTORS, ALLIES, ALLY_PAIRS, CAPITAL, CHALLENGER, PARTNER_OF, PARTNERS, PATRON
from sim.vocab import (
    ACTIVE,
    CHANNELS,
    ENDED,
    EVENT_KINDS,
    MECHANISMS,
    STATUSES,
    TERMS,
)

if TYPE_CHECKING:
    from sim.actions import Options
    from sim.model import TrilateralModel, TurnRecord
    from sim.state import State

#: Trust moves smaller than this are not worth a sentence.
NOTABLE_TRUST_CHANGE = 0.02

#: A choice the policy gave less than this probability is flagged as an unlikely pick.
UNLIKELY = 0.05

#: The scales of every number the transcript shows (printed once, as a legend).
SCALES = (
    "Scales: cohesion and the resilience index run 0-100; crisis, dispute, trust, opinion, "
    "threat, exposure, resolve and mechanism strength run 0-1 (opinion 0.5 is neutral). "
    "▲/▼ mark a rise/fall of at least 0.005 since the turn before. "
    "A move's terms are its preference-weighted utility (security, economy, autonomy, "
    "approval, alliance); p is the probability the actor's logit choice gave it."
)

#: Verdict words for the resilience index, each with the lowest index it needs.
VERDICTS: tuple[tuple[float, str], ...] = (
    (75.0, "resilient"),
    (55.0, "strained but holding"),
    (35.0, "fragile"),
    (0.0, "broken"),
)


def verdict(index: float) -> str:
    """A word for the resilience index (thresholds in `VERDICTS`)."""
    return next(word for low, word in VERDICTS if index >= low)


def verdict_scale() -> str:
    """The verdict words with their thresholds, e.g. 'resilient >= 75, ..., broken < 35'."""
    parts = [f"{word} >= {low:g}" for low, word in VERDICTS[:-1]]
    return ", ".join(parts) + f", {VERDICTS[-1][1]} < {VERDICTS[-2][0]:g}"


def state_before(model: TrilateralModel, index: int) -> State:
    """The state a turn's changes are measured from: the end of the turn before.

    That is the previous record's state, the start for turn 1, and, for the first
    record of a model resumed mid-run without its earlier records, the state the
    moves were made in (the same trust and views; injects may have moved mechanisms).
    """
    if index > 0:
        return model.history[index - 1].state
    rec = model.history[index]
    return model.start if rec.turn == 1 else rec.after_events


# -- choices ----------------------------------------------------------------------------------
def weighted_terms(model: TrilateralModel, terms: np.ndarray, actor: int) -> dict[str, float]:
    """Utility terms times the actor's preference weights, by term name."""
    w = model.compiled.weights[actor]
    return {t: float(terms[k] * w[k]) for k, t in enumerate(TERMS)}


def reasons(model: TrilateralModel, record: TurnRecord, run: int, actor: int) -> list[tuple[str, float]]:
    """The preference-weighted utility terms behind an actor's choice, largest first."""
    weighted = weighted_terms(model, record.terms[run, actor], actor)
    pairs = [(t, v) for t, v in weighted.items() if abs(v) >= 0.005]
    return sorted(pairs, key=lambda p: -abs(p[1]))


def choice(model: TrilateralModel, record: TurnRecord, run: int, actor: int) -> dict[str, Any]:
    """An actor's move and why, as data: terms, probability, runner-up, margin, unlikely.

    ``margin`` is the utility of the move minus the runner-up's (the best other open
    option); it is negative when the logit draw took the worse of the two.
    """
    opts = model.compiled.options
    p = float(record.probability[run, actor])
    out: dict[str, Any] = {
        "action": opts.label(int(record.outcome.choices[run, actor])),
        "probability": p,
        "terms": weighted_terms(model, record.terms[run, actor], actor),
        "unlikely": p < UNLIKELY,
        "runner_up": None,
        "margin": None,
    }
    second = int(record.runner_up[run, actor])
    if second >= 0:
        out["runner_up"] = {
            "action": opts.label(second),
            "probability": float(record.runner_up_probability[run, actor]),
            "terms": weighted_terms(model, record.runner_up_terms[run, actor], actor),
        }
        out["margin"] = float(record.margin[run, actor])
    return out


def why(model: TrilateralModel, record: TurnRecord, run: int, actor: int, top: int = 3) -> str:
    """One line: 'security +0.21, economy -0.05 (p=0.62); next best hold (p=0.30, utility 0.080 lower)'.

    When the logit draw took the worse option, the other one is the AI's favourite:
    '...; not drawn: the AI's favourite de-escalate (p=0.53, utility 0.040 higher)'.
    """
    c = choice(model, record, run, actor)
    parts = [f"{t} {v:+.2f}" for t, v in reasons(model, record, run, actor)[:top]] or ["no strong pull"]
    line = f"{', '.join(parts)} (p={c['probability']:.2f})"
    if c["unlikely"]:
        line += f" UNLIKELY PICK (p < {UNLIKELY:g})"
    second = c["runner_up"]
    if second is None:
        return line + "; nothing else was open"
    margin = c["margin"]
    # "runner-up" misreads when the draw took the worse option: then the other one is
    # the AI's favourite, not drawn, and may well have the higher probability.
    taken_best = margin >= 0
    gap = f"utility {abs(margin):.3f} {'lower' if taken_best else 'higher'}"
    # The term on which the two differ most: what the choice was really about.
    diff = {t: c["terms"][t] - second["terms"][t] for t in c["terms"]}
    term = max(diff, key=lambda t: abs(diff[t]))
    if abs(diff[term]) >= 0.005:
        gap += f"; this move {'leads' if diff[term] > 0 else 'trails'} on {term} by {abs(diff[term]):.2f}"
    other = f"{second['action']} (p={second['probability']:.2f}, {gap})"
    return f"{line}; " + (f"next best {other}" if taken_best else f"not drawn: the AI's favourite {other}")


# -- causes -----------------------------------------------------------------------------------
def _fired(model: TrilateralModel, record: TurnRecord, run: int) -> list[Any]:
    return [e for e, on in zip(model.script.events, record.fired[run], strict=True) if on]


def trust_causes(model: TrilateralModel, index: int, run: int, i: int, j: int) -> list[str]:
    """The turn's facts that move i's trust in j, in the direction it moved.

    They mirror the signals of `sim.adjudication` (solidarity and abandonment in a
    crisis, concession, retaliation, repair, brokering, joining or leaving shared
    mechanisms, Beijing's coercion and offers, the Seoul-Tokyo dispute) and the
    injects' trust channels (`sim.events`); standing trust-building mechanisms and
    the quasi-alliance pull are named when nothing else this turn explains the move.
    """
    rec = model.history[index]
    before = state_before(model, index)
    rose = rec.state.trust[run, i, j] >= before.trust[run, i, j]
    o, c = rec.outcome, model.compiled
    kind, target, mech = (
        c.options.kind[o.choices[run]],
        c.options.target[o.choices[run]],
        c.options.mechanism[o.choices[run]],
    )
    ci, cj = CAPITAL[ACTORS[i]], CAPITAL[ACTORS[j]]
    chose_in = rec.after_events  # the state the moves were made in
    military = chose_in.crisis[run] >= c.params.thresholds.crisis
    good: list[str] = []
    bad: list[str] = []
    if military and o.responding[run, i] and o.responding[run, j]:
        good.append(f"{ci} and {cj} answered the military crisis together")
    if military and o.responding[run, i] and np.isin(kind[j], DEFECTION_KINDS):
        bad.append(f"{cj} stood aside in the military crisis")
    if o.conceded[run, j]:
        bad.append(f"{cj} conceded to Beijing")
    if kind[j] == K["retaliate"] and target[j] == i:
        bad.append(f"{cj} retaliated against {ci}")
    if kind[j] == K["repair"] and target[j] == i:
        good.append(f"{cj} moved to repair relations")
    if mech[j] >= 0 and c.co_members[mech[j], i, j]:
        name = MECHANISMS[mech[j]].replace("_", " ")
        if kind[j] == K["invest"]:
            good.append(f"{cj} invested in {name}")
        elif kind[j] == K["suspend"]:
            bad.append(f"{cj} suspended {name}")
        elif kind[j] == K["notice"]:
            bad.append(f"{cj} gave notice to end {name}")
        elif kind[j] == K["restore"]:
            good.append(f"{cj} restored {name}")
    if {i, j} == set(PARTNERS):
        first, second = (_capital(a) for a in PARTNERS)
        if kind[PATRON] == K["broker"]:
            good.append(f"{_capital(PATRON)} brokered between {first} and {second}")
        for a in PARTNERS:  # an offer to side with Beijing against the partner, taken
            if kind[a] == K["hedge"] and chose_in.offer_heat[run, a] >= 0.005:
                bad.append(f"{_capital(a)} took {_capital(CHALLENGER)}'s invitation against its partner")
        if chose_in.dispute[run] >= 0.005:
            bad.append(f"the {first}-{second} dispute (heat {chose_in.dispute[run]:.2f})")
        both = min(chose_in.pressure[run, i], chose_in.pressure[run, j])
        if c.params.trust.bullying_solidarity > 0 and both >= 0.005:  # 0 by default since issue 8
            good.append(f"both were under {_capital(CHALLENGER)}'s pressure")
    if j == CHALLENGER and i in ALLIES:
        if chose_in.pressure[run, i] >= 0.005:
            bad.append(f"Beijing's coercion (pressure {chose_in.pressure[run, i]:.2f})")
        if kind[i] == K["hedge"] and chose_in.inducement[run, i] >= 0.005:
            good.append(f"{ci} took Beijing's offer")
    for e in _fired(model, rec, run):
        src, tgt = ACTORS.index(e.source), [ACTORS.index(t) for t in e.targets]
        coef = c.event_coef[EVENT_KINDS.index(e.kind)]
        channel = "trust_to_source" if j == src else "trust_among" if j in tgt else None
        signal = coef[CHANNELS.index(channel)] * e.magnitude if i in tgt and channel else 0.0
        if signal:
            (good if signal > 0 else bad).append(f"the inject '{e.headline}'")
    causes = good if rose else bad
    if causes:
        return causes
    if rose:
        return ["standing trust-building mechanisms and the allies' shared fear of abandonment"]
    return ["the quasi-alliance's friction and eroding goodwill"]


def status_cause(model: TrilateralModel, index: int, run: int, k: int) -> str:
    """Why mechanism k's status changed this turn (`sim.mechanisms.step_mechanisms`' rules)."""
    rec = model.history[index]
    before = state_before(model, index)
    new = int(rec.state.status[run, k])
    c = model.compiled
    o = rec.outcome
    for e in _fired(model, rec, run):
        if e.mechanism == MECHANISMS[k] and e.mechanism_effect in ("suspend", "end", "activate"):
            return f"the inject '{e.headline}'"

    def movers(verb: int) -> str:
        who = [
            CAPITAL[ACTORS[a]]
            for a in ALLIES
            if c.options.mechanism[o.choices[run, a]] == k and c.options.kind[o.choices[run, a]] == verb
        ]
        return " and ".join(who)

    strength = float(rec.state.strength[run, k])
    if new == ACTIVE:
        return f"{movers(K['restore']) or 'its members'} restored it"
    if new == ENDED:
        noticed = int(before.noticed_by[run, k])
        who = " and ".join(CAPITAL[ACTORS[a]] for a in ALLIES if noticed >> a & 1) or "a member"
        return f"{who}'s notice of termination ran out ({int(c.mech['notice_period'][k])} turns)"
    if movers(K["suspend"]):
        return f"{movers(K['suspend'])} suspended it"
    if strength < c.mech["lapse_below"][k]:
        return f"it grew too weak to function (strength {strength:.3f} < {c.mech['lapse_below'][k]:.3f})"
    return "its members' moves and its strength"


def shown_change(before: float, after: float, digits: int) -> float:
    """The change between two values as they are shown, rounded to ``digits`` places.

    So that "45.8 → 45.7 (-0.1)" adds up: the change of the unrounded values once read
    "(-0.2)" there (24 of 60 headlines on the small scenario), and a trust line read
    "rose 0.04 to 0.66" beside a table showing 0.61 before. Never ``-0.0``. Shared by the
    run narrative and the session's headline and report.
    """
    return round(round(after, digits) - round(before, digits), digits) + 0.0


def signed(value: float, digits: int) -> str:
    """``value`` with its sign to ``digits`` places; one that rounds to zero is ``+0.0``.

    Python writes ``f"{-0.0004:+.3f}"`` as ``-0.000``: a reader takes that for a loss.
    """
    return f"{round(value, digits) + 0.0:+.{digits}f}"


# -- the story --------------------------------------------------------------------------------
def turn_story(model: TrilateralModel, index: int, run: int = 0) -> list[str]:
    """Sentences about turn ``index`` (0-based into the history) of one run."""
    rec = model.history[index]
    before = state_before(model, index)
    opts = model.compiled.options
    out = []
    kinds = opts.kind[rec.outcome.choices[run]]
    targets = opts.target[rec.outcome.choices[run]]
    out.append(f"Beijing chose to {_verb(opts, int(rec.outcome.choices[run, CHALLENGER]))}.")
    if rec.outcome.crisis_turn[run]:
        if rec.outcome.coordinated[run]:
            out.append("The three allies answered together: a coordinated response.")
        else:
            apart = [CAPITAL[ACTORS[a]] for a in range(3) if not rec.outcome.responding[run, a]]
            out.append(f"No coordinated response: {', '.join(apart)} did not join.")
    for a in range(3):
        if rec.outcome.conceded[run, a]:
            out.append(
                f"{CAPITAL[ACTORS[a]]} conceded to Beijing's pressure "
                f"({rec.state.pressure[run, a]:.2f} left after relief): {why(model, rec, run, a)}."
            )
        if rec.outcome.wedge_split[run, a]:
            out.append(f"Beijing's wedge worked on {CAPITAL[ACTORS[a]]}, which broke ranks.")
        if kinds[a] == K["retaliate"] and targets[a] >= 0:
            out.append(f"{CAPITAL[ACTORS[a]]} retaliated against {CAPITAL[ACTORS[targets[a]]]}.")
    for i, j in ALLY_PAIRS:
        d = rec.state.trust[run, i, j] - before.trust[run, i, j]
        if abs(d) >= NOTABLE_TRUST_CHANGE:
            verb = "rose" if d > 0 else "fell"
            # The change of the values as the trust table shows them, so the line adds up.
            shown = shown_change(float(before.trust[run, i, j]), float(rec.state.trust[run, i, j]), 2)
            out.append(
                f"Trust {CAPITAL[ACTORS[i]]}→{CAPITAL[ACTORS[j]]} {verb} {abs(shown):.2f} "
                f"to {rec.state.trust[run, i, j]:.2f}: {'; '.join(trust_causes(model, index, run, i, j))}."
            )
    old, new = before.status[run], rec.state.status[run]
    for k in range(len(MECHANISMS)):
        if old[k] != new[k]:
            out.append(
                f"{MECHANISMS[k].replace('_', ' ')} is now {STATUSES[new[k]]} (was {STATUSES[old[k]]}): "
                f"{status_cause(model, index, run, k)}."
            )
    return out


def _verb(opts: Options, o: int) -> str:
    """An option as a verb phrase for prose: 'offer Seoul an inducement'."""
    spec = opts.specs[opts.kind[o]]
    target = CAPITAL[ACTORS[opts.target[o]]] if opts.target[o] >= 0 else ""
    mechanism = MECHANISMS[opts.mechanism[o]].replace("_", " ") if opts.mechanism[o] >= 0 else ""
    if spec.verb_relationship and not mechanism:
        partner = CAPITAL[ACTORS[PARTNER_OF[int(opts.target[o])]]]
        return spec.verb_relationship.format(target=target, partner=partner)
    return (spec.verb or opts.label(o)).format(target=target, mechanism=mechanism)


def _capital(actor: int) -> str:
    """An actor index as its capital, for prose: ``0`` -> ``"Washington"``."""
    return CAPITAL[ACTORS[actor]]
