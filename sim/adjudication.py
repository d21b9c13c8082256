"""Adjudication: simultaneous moves resolved into the next state.

One pure function, `adjudicate`, takes the state after this turn's events, every
actor's choice in every run, and the events' trust signals, and returns the new
state with an `Outcome` (what happened, for scores and narrative).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.actions import DEFECTION_KINDS, EXIT_KINDS, HOSTILE_KINDS, RESPONSE_KINDS, K
from sim.actors import ALLIES, CHALLENGER, PARTNER_PAIRS, PARTNERS, PATRON
from sim.belief import belief_update, move_evidence, signal_evidence
from sim.compiled import Compiled
from sim.events import Signals, blend_leverage
from sim.heat import heat_up
from sim.mechanisms import Hooks, MechanismMoves, step_mechanisms, step_urging
from sim.params import Parameters
from sim.state import State
from sim.vocab import ACTIVE


def _kind_table(kinds: tuple[int, ...]) -> np.ndarray:
    """Membership of ``kinds`` as a table over every action kind, shape (kinds,).

    ``table[kind]`` equals ``np.isin(kind, kinds)`` and is one gather instead of a
    sort-based search (speed, bench/README.md sitting L).
    """
    table = np.zeros(len(K), dtype=bool)
    table[list(kinds)] = True
    return table


_RESPONSE, _DEFECTION, _EXIT, _HOSTILE = (
    _kind_table(kinds) for kinds in (RESPONSE_KINDS, DEFECTION_KINDS, EXIT_KINDS, HOSTILE_KINDS)
)


@dataclass(frozen=True)
class Outcome:
    """What the allies and Beijing did this turn, per run.

    Attributes:
        choices: Global option index per actor, shape (n, actors).
        crisis_turn: The allies faced a military crisis or coercion, shape (n,).
        coordinated: All three allies answered together, shape (n,).
        responding: Which actors coordinated or joined a statement, shape (n, actors).
        coerced: Actors under Beijing's pressure when they chose, shape (n, actors).
        conceded: Actors who conceded, shape (n, actors).
        wedge_target: Allies holding Beijing's inducement when they chose, shape (n, actors).
        wedge_split: Wedge targets who broke ranks, shape (n, actors).
    """

    choices: np.ndarray
    crisis_turn: np.ndarray
    coordinated: np.ndarray
    responding: np.ndarray
    coerced: np.ndarray
    conceded: np.ndarray
    wedge_target: np.ndarray
    wedge_split: np.ndarray


def bounded_update(
    level: np.ndarray, good: np.ndarray, bad: np.ndarray, gain: float, loss: float
) -> np.ndarray:
    """Move a [0, 1] level up by good evidence and down by bad, saturating.

    level + gain*(1-level)*(1-exp(-good)) - loss*level*(1-exp(-bad)) stays in [0, 1]
    for gain, loss in [0, 1]; loss > gain makes it slow to build and quick to lose.
    """
    up = gain * (1.0 - level) * -np.expm1(-good)
    down = loss * level * -np.expm1(-bad)
    return np.clip(level + up - down, 0.0, 1.0)


def bounded_update_over(
    level: np.ndarray, good: np.ndarray, bad: np.ndarray, gain: float, loss: float, months: float
) -> np.ndarray:
    """`bounded_update` for evidence arriving at a steady monthly rate, over ``months``.

    One month of evidence ``good``, ``bad`` (per month) moves the level by the affine
    map l -> u + (1 - u - d) l, with u = gain (1 - e^-good) and d = loss (1 - e^-bad),
    whose fixed point is l* = u / (u + d). Over ``months`` the gap to l* shrinks by
    (1 - u - d) ** months, so two half-month turns move the level exactly as one month
    does; with ``months`` = 1 it is `bounded_update` (up to rounding).

    Args:
        level: The level in [0, 1].
        good: Good evidence per month (the per-turn amount divided by ``months``).
        bad: Bad evidence per month.
        gain: Share of the gap to 1 closed by strong good evidence in a month.
        loss: Share of the level lost to strong bad evidence in a month.
        months: Turn length in months.
    """
    up = gain * -np.expm1(-good)
    down = loss * -np.expm1(-bad)
    moving = up + down
    fixed = np.where(moving > 0, up / np.where(moving > 0, moving, 1.0), level)
    kept = np.maximum(1.0 - moving, 0.0) ** months
    return np.clip(fixed + (level - fixed) * kept, 0.0, 1.0)


def _update_view(
    level: np.ndarray,
    signals: Signals,
    one_off: Signals | None,
    view: str,
    gain: float,
    loss: float,
    months: float,
) -> np.ndarray:
    """A bounded view (public opinion; trust is a belief, `sim.belief`) after this turn's evidence.

    With monthly turns, one `bounded_update` of all the evidence. With another turn
    length, the events' one-off evidence first, then the per-turn rest (scaled to the
    turn) as a steady monthly rate over the turn (`bounded_update_over`).
    """
    good, bad = getattr(signals, f"{view}_good"), getattr(signals, f"{view}_bad")
    if one_off is None:
        return bounded_update(level, good, bad, gain, loss)
    event_good, event_bad = getattr(one_off, f"{view}_good"), getattr(one_off, f"{view}_bad")
    after_events = bounded_update(level, event_good, event_bad, gain, loss)
    return bounded_update_over(
        after_events, (good - event_good) / months, (bad - event_bad) / months, gain, loss, months
    )


def adjudicate(
    state: State, choices: np.ndarray, signals: Signals, hooks: Hooks, compiled: Compiled
) -> tuple[State, Outcome]:
    """Resolve one turn of simultaneous moves.

    Args:
        state: State after this turn's events.
        choices: Global option index per actor, shape (n, actors).
        signals: Trust and opinion signals from this turn's events (extended here).
        hooks: Mechanism effects this turn.
        compiled: Parameter tables.

    Returns:
        The next state and the turn's outcome.
    """
    p = compiled.params
    opts = compiled.options
    n, n_a = choices.shape
    kind, target, mech = opts.kind[choices], opts.target[choices], opts.mechanism[choices]
    allies = list(ALLIES)

    responding = _RESPONSE[kind]
    responding[:, CHALLENGER] = False
    defecting = _DEFECTION[kind]
    conceded = kind == K["concede"]
    coerced = state.pressure >= p.thresholds.pressure
    coerced[:, CHALLENGER] = False
    military = state.crisis >= p.thresholds.crisis
    crisis_turn = military | coerced[:, allies].any(axis=1)
    coordinated = responding[:, allies].all(axis=1)
    wedge_target = state.inducement >= p.thresholds.inducement
    wedge_target[:, CHALLENGER] = False
    breaks_ranks = defecting | _EXIT[kind] | (_HOSTILE[kind] & (target != CHALLENGER))
    wedge_split = wedge_target & breaks_ranks

    # Events' signals are one-off; what follows (moves, standing conditions, mechanisms)
    # is per-turn evidence whose rates were scaled to the turn (sim/timescale.py).
    events = signals.copy()
    one_off = None if compiled.months == 1.0 else events
    measures = _measures(signals, p, kind, target, mech, compiled)  # before the moves' signals join
    # Standing together or apart under fire is what allies remember: a military crisis.
    _alliance_signals(signals, p, kind, target, mech, responding, defecting, conceded, military, compiled)
    _mechanism_signals(signals, p, kind, mech, compiled)
    _beijing_signals(signals, state, p, kind)
    signals.trust_good += hooks.trust_repair
    signals.opinion_good += hooks.opinion_repair
    # The moves' dispute heat, read by the Seoul-Tokyo signals and by the tensions: computed
    # once (speed, bench/README.md sitting L).
    damping = hooks.of("dispute_damping")[:, list(PARTNERS)].mean(axis=1)
    heat = _retaliation_heat(p, kind, target, damping), _taken_offer_heat(state, kind, damping)
    _seoul_tokyo_signals(signals, one_off, state, p, heat, hooks, compiled)

    eye = np.eye(n_a, dtype=bool)[None]
    # Trust is a belief (sim/belief.py): the events' news at once, then the turn's
    # conduct (the allies' moves, a month's conduct each, and the other signals).
    news = signal_evidence(events.trust_good, events.trust_bad, p.trust)
    conduct = compiled.months * move_evidence(
        responding, defecting, conceded, military, p.trust
    ) + signal_evidence(signals.trust_good - events.trust_good, signals.trust_bad - events.trust_bad, p.trust)
    trust = np.where(
        eye,
        1.0,
        belief_update(
            state.trust, compiled.world["trust"], news, conduct, p.trust.type_change, compiled.months
        ),
    )
    opinion = np.where(
        eye,
        1.0,
        _update_view(
            state.opinion, signals, one_off, "opinion", p.opinion.gain, p.opinion.loss, compiled.months
        ),
    )

    levels = _tensions(state, p, kind, target, conceded, responding, hooks, compiled, measures, damping, heat)
    moves = mechanism_moves(kind, mech, state.strength.shape)
    conceding = conceded[:, allies].astype(float) @ compiled.members[:, allies].T  # exact: 0/1 sums
    after_trust = state.evolve(trust=trust, dispute=levels["dispute"])
    mechanisms = step_mechanisms(after_trust, compiled, moves, conceding, hooks)
    urged = step_urging(state.urged, pressing(kind, target, mech, state.urged.shape), compiled)

    new_state = state.evolve(
        trust=trust,
        opinion=opinion,
        strength=mechanisms.strength,
        status=mechanisms.status,
        suspended_for=mechanisms.suspended_for,
        held_by=mechanisms.held_by,
        noticed_by=mechanisms.noticed_by,
        notice_left=mechanisms.notice_left,
        urged=urged,
        coordinated=coordinated,
        **levels,
    )
    outcome = Outcome(
        choices=choices,
        crisis_turn=crisis_turn,
        coordinated=coordinated,
        responding=responding,
        coerced=coerced,
        conceded=conceded,
        wedge_target=wedge_target,
        wedge_split=wedge_split,
    )
    return new_state, outcome


def mechanism_moves(kind: np.ndarray, mech: np.ndarray, shape: tuple[int, int]) -> MechanismMoves:
    """The allies' decisions about mechanisms, gathered per mechanism.

    Args:
        kind: Action kind per run and actor, shape (n, actors).
        mech: Target mechanism per run and actor (-1 none), shape (n, actors).
        shape: (n, mechanisms).

    Returns:
        Investing counts (an investment or a restore) and the bitmasks of members
        suspending, giving notice and restoring.
    """
    investing = np.zeros(shape)
    masks = {k: np.zeros(shape, dtype=np.int8) for k in (K["suspend"], K["notice"], K["restore"])}
    rows = np.arange(shape[0])
    for a in ALLIES:
        for verb in (K["invest"], K["restore"]):
            did = kind[:, a] == verb
            investing[rows[did], mech[did, a]] += 1.0
        for verb, mask in masks.items():
            did = kind[:, a] == verb
            mask[rows[did], mech[did, a]] |= np.int8(1 << a)
    return MechanismMoves(
        investing=investing,
        suspending=masks[K["suspend"]],
        noticing=masks[K["notice"]],
        restoring=masks[K["restore"]],
    )


def pressing(kind: np.ndarray, target: np.ndarray, mech: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Washington's press moves as counts, shape (n, actors, mechanisms + 1).

    Indexed by the pressed partner and the mechanism pressed about, or (last column)
    the relationship.
    """
    out = np.zeros(shape)
    did = np.flatnonzero(kind[:, PATRON] == K["press"])
    subject = np.where(mech[did, PATRON] >= 0, mech[did, PATRON], shape[2] - 1)
    out[did, target[did, PATRON], subject] = 1.0
    return out


def _mechanism_signals(
    s: Signals, p: Parameters, kind: np.ndarray, mech: np.ndarray, compiled: Compiled
) -> None:
    """Signals of a notice or a restore to the mover's fellow members.

    A notice of termination reads as a suspension (`trust.suspension`), a restore as
    an investment (`trust.investment`). Suspend and invest are signalled in
    `_alliance_signals`. Added in the movers' runs only (`_movers`).
    """
    t = p.trust
    for j in ALLIES:
        for verb, coef, bucket in (
            (K["notice"], t.suspension, s.trust_bad),
            (K["restore"], t.investment, s.trust_good),
        ):
            runs = _movers(kind, j, verb)
            bucket[runs, :, j] += coef * compiled.co_members[mech[runs, j], :, j]


def _movers(kind: np.ndarray, actor: int, verb: int) -> np.ndarray:
    """The runs in which ``actor`` chose an option of kind ``verb``, shape (k,).

    The signal functions add a move's signal in these runs only. Written densely, a
    signal is coef x (kind == verb) in every run: +0.0 (or -0.0) where the actor did
    something else, and adding a zero leaves a signal's bits as they were, since no
    signal is -0.0 (each is a sum that starts at +0.0, `Signals.zeros`, and is only
    ever added to before these functions run). So the result is the same bits, at
    the cost of a few short gathers instead of a pass over every run for each pair
    and verb (speed, bench/README.md sitting L; tests/test_exact_shortcuts.py
    compares each function with its dense form).
    """
    return np.flatnonzero(kind[:, actor] == verb)


def _alliance_signals(
    s: Signals,
    p: Parameters,
    kind: np.ndarray,
    target: np.ndarray,
    mech: np.ndarray,
    responding: np.ndarray,
    defecting: np.ndarray,
    conceded: np.ndarray,
    military: np.ndarray,
    compiled: Compiled,
) -> None:
    """Signals the actors' moves send to each other.

    Among the allies: solidarity when both answer a military crisis; abandonment when
    i answers it and j hedges or concedes; concession to Beijing on any turn; and a
    hedge toward Beijing outside that case (peacetime too, or when i did not answer)
    a smaller bad signal (``trust.hedging``, less diagnostic than a defection in a
    crisis, which is read through ``trust.defect_if_*``).
    """
    t = p.trust
    o = p.opinion
    # Standing with or apart from an ally is Bayesian evidence about it (sim/belief.py).
    # A hedge toward Beijing that no crisis tested (outside a military crisis, or when
    # i did not answer) is still a bad signal to the hedger's allies, smaller than the
    # defection evidence of a tested one (issue 8).
    # Each signal is added in the movers' runs only (`_movers`), in the same order per
    # pair as the dense form: hedging, then retaliation and repair, then suspension
    # and investment.
    untested = ~(military[:, None] & responding)  # (n, actors): i's answer untested
    for j in ALLIES:
        hedging = _movers(kind, j, K["hedge"])
        for i in ALLIES:
            if i != j:
                s.trust_bad[hedging[untested[hedging, i]], i, j] += t.hedging
    n_a = kind.shape[1]
    for j in range(n_a):
        for verb, trust_bucket, trust_coef, opinion_bucket, opinion_coef in (
            (K["retaliate"], s.trust_bad, t.retaliation, s.opinion_bad, o.retaliation),
            (K["repair"], s.trust_good, t.repair, s.opinion_good, o.repair),
        ):
            runs = _movers(kind, j, verb)
            aimed = target[runs, j]
            on = (aimed >= 0) & (aimed != j)  # the dense form's u: any other actor
            runs, aimed = runs[on], aimed[on]
            trust_bucket[runs, aimed, j] += trust_coef
            opinion_bucket[runs, aimed, j] += opinion_coef
        for verb, coef, bucket in (
            (K["suspend"], t.suspension, s.trust_bad),
            (K["invest"], t.investment, s.trust_good),
        ):
            runs = _movers(kind, j, verb)
            # i's entry: 1 if i is j's co-member in the mechanism j acted on.
            bucket[runs, :, j] += coef * compiled.co_members[mech[runs, j], :, j]
    brokered = _movers(kind, PATRON, K["broker"])
    for i, j in PARTNER_PAIRS:
        s.trust_good[brokered, i, j] += t.broker


def _beijing_signals(s: Signals, state: State, p: Parameters, kind: np.ndarray) -> None:
    """Coercion breeds resentment; taking an offer warms; bullying both unites them."""
    t, o = p.trust, p.opinion
    for a in ALLIES:
        felt = state.pressure[:, a]
        s.trust_bad[:, a, CHALLENGER] += t.coercion_resentment * felt
        s.opinion_bad[:, a, CHALLENGER] += o.coercion * felt
        took = kind[:, a] == K["hedge"]
        s.trust_good[:, a, CHALLENGER] += t.inducement_warmth * state.inducement[:, a] * took
    both = np.minimum(state.pressure[:, PARTNERS[0]], state.pressure[:, PARTNERS[1]])
    for i, j in PARTNER_PAIRS:
        s.trust_good[:, i, j] += t.bullying_solidarity * both


def _seoul_tokyo_signals(
    s: Signals,
    one_off: Signals | None,
    state: State,
    p: Parameters,
    heat: tuple[np.ndarray, np.ndarray],
    hooks: Hooks,
    compiled: Compiled,
) -> None:
    """Dispute news erodes Seoul-Tokyo trust and opinion; fear of abandonment pulls them together.

    What erodes is this turn's news (the events' heat in ``state.dispute_news``, the
    heat of the partners' retaliation against each other, and of an offer to side with
    Beijing against the partner that its target took, ``state.offer_heat``), not the
    standing level. The
    trust signal is ``trust.dispute_erosion`` x news x `sturdiness` (institutions absorb
    part of it); the opinion signal ``opinion.dispute`` x news. The standing level
    instead chills the governments' good evidence about each other (all of it: events,
    moves, mechanisms' repair, fear of abandonment), by 1 - ``trust.dispute_chill`` x D,
    D the level without this turn's news:
    a quiet but cold relationship stays cold, neither eroding nor thawing by itself.
    Called after every other good signal is in. With turns other than a month, the
    events' part is one-off evidence like the events' own signals. ``heat``: the moves'
    heat, `_retaliation_heat` and `_taken_offer_heat`.
    """
    t, o = p.trust, p.opinion
    retaliation, taken = heat
    kept = sturdiness(state, hooks, compiled, t.dispute_ties)
    in_usa = np.mean([state.trust[:, a, PATRON] for a in PARTNERS], axis=0)
    fear = np.maximum(t.quasi_alliance_anchor - in_usa, 0.0)
    friction = np.maximum(in_usa - t.quasi_alliance_anchor, 0.0)
    news = state.dispute_news + retaliation + taken
    # The level the pair carried into the turn, without this turn's news (`heat_up`
    # inverted): the news costs trust through erosion, not a second time through the chill.
    standing = np.clip(1.0 - (1.0 - state.dispute) * np.exp(state.dispute_news), 0.0, 1.0)
    chill = np.clip(1.0 - t.dispute_chill * standing, 0.0, 1.0)
    for i, j in PARTNER_PAIRS:
        s.trust_bad[:, i, j] += t.dispute_erosion * news * kept + t.quasi_alliance_friction * friction
        s.trust_good[:, i, j] += t.quasi_alliance_fear * fear
        s.trust_good[:, i, j] *= chill
        s.opinion_bad[:, i, j] += o.dispute * news
        if one_off is not None:
            one_off.trust_good[:, i, j] *= chill
            one_off.trust_bad[:, i, j] += t.dispute_erosion * state.dispute_news * kept
            one_off.opinion_bad[:, i, j] += o.dispute * state.dispute_news


def sturdiness(state: State, hooks: Hooks, compiled: Compiled, ties: float) -> np.ndarray:
    """Share of dispute news' bad trust signal that gets through, in (0, 1], shape (n,).

    (1 - shield) x exp(-ties x sum of the strengths of the mechanisms in force with
    both Seoul and Tokyo as members), with shield the partners' mean
    ``spillover_shield`` hook. A relationship held by more and stronger institutions
    takes less damage from the same news; the news itself was already damped by the
    ``dispute_damping`` hook where it arose (events, retaliation).

    Args:
        state: The state (mechanism strengths and statuses).
        hooks: This turn's mechanism effects.
        compiled: Tables (which mechanisms join Seoul and Tokyo).
        ties: ``trust.dispute_ties``: absorption per unit strength in force.
    """
    shield = hooks.of("spillover_shield")[:, list(PARTNERS)].mean(axis=1)
    live = state.strength * (state.status == ACTIVE)
    in_force = np.zeros(state.n)
    for m in np.flatnonzero(compiled.seoul_tokyo):  # a fixed order, not BLAS: run k alone = in an ensemble
        in_force += live[:, m]
    return (1.0 - shield) * np.exp(-ties * in_force)


def _retaliation_heat(p: Parameters, kind: np.ndarray, target: np.ndarray, damping: np.ndarray) -> np.ndarray:
    """Dispute heat of Seoul's and Tokyo's retaliation against each other this turn, shape (n,).

    ``damping``: the partners' mean ``dispute_damping`` hook, shape (n,).
    """
    spat = sum(((kind[:, i] == K["retaliate"]) & (target[:, i] == j)).astype(float) for i, j in PARTNER_PAIRS)
    return p.tension.retaliation_heat * spat * (1.0 - damping)


def _taken_offer_heat(state: State, kind: np.ndarray, damping: np.ndarray) -> np.ndarray:
    """Dispute heat of offers to side with Beijing against the partner taken this turn, shape (n,).

    An offer such as Beijing's 2013 invitation to criticise Tokyo jointly heats the
    dispute only if its target takes it (hedges toward Beijing in the turn it stands,
    ``state.offer_heat``), damped by the partners' ``dispute_damping`` (their mean,
    ``damping``, shape (n,)) like any heat.
    """
    taken = sum(state.offer_heat[:, a] * (kind[:, a] == K["hedge"]) for a in PARTNERS)
    return taken * (1.0 - damping)


def _measures(
    signals: Signals,
    p: Parameters,
    kind: np.ndarray,
    target: np.ndarray,
    mech: np.ndarray,
    compiled: Compiled,
) -> np.ndarray:
    """What each actor did to each other this turn, as the bad trust evidence it sent.

    ``out[:, i, j]``: the events' bad trust signals of i about j that are j's measures
    (``signals.measured``: an event attributed to j, such as export controls, or a
    clash between them, not a row i's own side started), plus
    ``trust.retaliation`` if j retaliated against i and ``trust.suspension`` x (1 -
    salience) if j suspended a mechanism i belongs to or gave notice on it (the
    mechanism's ``salience``: the share of the walk-out that is a gesture to j's own
    public rather than a measure against i). It feeds the tit-for-tat memory
    (``state.grievance``). Read before the moves' other signals are added.

    Returns:
        Shape (n, actors, actors).
    """
    t = p.trust
    out = signals.measured.copy()
    n_a = kind.shape[1]
    # In the movers' runs only (`_movers`; ``measured`` is a sum from +0.0 like the
    # signals), in the dense form's order per pair: retaliation, then the walk-out.
    for j in range(n_a):
        runs = _movers(kind, j, K["retaliate"])
        aimed = target[runs, j]
        on = (aimed >= 0) & (aimed != j)
        out[runs[on], aimed[on], j] += t.retaliation
        walked = np.flatnonzero(_EXIT[kind[:, j]])  # a suspension or a notice of termination
        m = mech[walked, j]
        fellows = compiled.co_members[m, :, j]
        # A walk-out is a measure against the partners only as far as it is not a
        # gesture to the home audience: out of a history agreement (salience 1)
        # it is all gesture, out of drills (0.1) nearly all measure.
        measure = 1.0 - compiled.mech["salience"][m]
        out[walked, :, j] += t.suspension * fellows * measure[:, None]
    idx = np.arange(n_a)
    out[:, idx, idx] = 0.0
    return out


def _tensions(
    state: State,
    p: Parameters,
    kind: np.ndarray,
    target: np.ndarray,
    conceded: np.ndarray,
    responding: np.ndarray,
    hooks: Hooks,
    compiled: Compiled,
    measures: np.ndarray,
    damping: np.ndarray,
    heat: tuple[np.ndarray, np.ndarray],
) -> dict[str, np.ndarray]:
    """Crisis, pressure, inducement, demand, dispute, grievance, threat, exposure and cost after the moves.

    ``measures`` (from `_measures`) is this turn's news for the tit-for-tat memory;
    ``damping`` the partners' mean ``dispute_damping`` hook and ``heat`` the moves' dispute
    heat (`_retaliation_heat`, `_taken_offer_heat`).
    """
    x = p.tension
    allies = list(ALLIES)
    deterrence = hooks.of("deterrence")[:, allies].mean(axis=1)
    coercion_shield = hooks.of("coercion_shield")
    wedge_shield = hooks.of("wedge_shield")
    beijing, aimed_at = kind[:, CHALLENGER], target[:, CHALLENGER]

    escalation = (
        x.military_pressure
        * (beijing == K["military_pressure"])
        * (1.0 - deterrence)
        * (1.0 - x.coordinated_deterrence * state.coordinated)
    )
    crisis = np.clip(
        state.crisis * (1.0 - x.crisis_decay) + escalation - x.de_escalation * (beijing == K["de_escalate"]),
        0.0,
        1.0,
    )

    pressure = state.pressure.copy()
    inducement = state.inducement.copy()
    threat = state.threat.copy()
    squeeze = np.zeros_like(pressure)
    for a in allies:
        squeeze[:, a] = (
            x.coercion * ((beijing == K["coerce"]) & (aimed_at == a)) * (1.0 - coercion_shield[:, a])
        )
        inducement[:, a] += (
            x.inducement * ((beijing == K["induce"]) & (aimed_at == a)) * (1.0 - wedge_shield[:, a])
        )
        # Coercion felt (scripted measures and Beijing's coerce action alike, as in the
        # resentment of `_beijing_signals`) raises the target's threat perception while it
        # lasts (Lowy 2021: 41% -> 63% of Australians under a year of measures).
        threat[:, a, CHALLENGER] += (
            x.threat_from_crisis * escalation + x.threat_from_coercion * state.pressure[:, a]
        )
    # Threat perceptions ease back toward their peacetime level between shocks.
    threat += x.threat_relaxation * (compiled.world["threat"][None] - threat)
    align = hooks.of("threat_alignment")
    mean_threat = threat[:, allies, CHALLENGER].mean(axis=1)
    for a in allies:
        threat[:, a, CHALLENGER] += align[:, a] * (mean_threat - threat[:, a, CHALLENGER])

    exposure = state.exposure.copy()
    cost = state.cost.copy()
    for a in allies:
        pain = (
            x.coercion_cost
            * state.pressure[:, a]
            * state.exposure[:, a, CHALLENGER]
            * state.leverage[:, a]
            * (1.0 - coercion_shield[:, a])
        )
        cost[:, a] += pain * ~conceded[:, a] + x.retaliation_cost * (kind[:, a] == K["retaliate"])
        cost[:, CHALLENGER] += x.coercion_cost * state.pressure[:, a] * state.exposure[:, CHALLENGER, a]
        exposure[:, a, CHALLENGER] *= 1.0 - x.diversification * state.pressure[:, a]
    kept = pressure * np.where(conceded, 1.0 - x.concession_relief, 1.0)
    # Beijing's coerce action squeezes trade at large: leverage 1 for its share.
    leverage = blend_leverage(kept, state.leverage, squeeze, 1.0)
    pressure = (kept + squeeze) * (1.0 - x.pressure_decay)
    inducement *= 1.0 - x.inducement_decay
    demand = state.demand * (1.0 - x.demand_decay) * ~responding

    first, second = PARTNERS
    mend = (
        ((kind[:, first] == K["repair"]) & (target[:, first] == second)).astype(float)
        + ((kind[:, second] == K["repair"]) & (target[:, second] == first))
        + (kind[:, PATRON] == K["broker"])
    )
    # The level fades, takes the retaliation's heat (with diminishing, never-zero
    # effect: no ceiling at which a provocation adds nothing), then cools by repair.
    faded = state.dispute * (1.0 - x.dispute_decay * (1.0 + damping))
    moves_heat = heat[0] + heat[1]
    dispute = heat_up(heat_up(faded, moves_heat), -x.repair_cooling * mend)
    # Tit-for-tat memory: this turn's measures join what is left of the earlier ones.
    grievance = state.grievance * (1.0 - x.grievance_decay) + measures
    return {
        "crisis": crisis,
        "pressure": np.clip(pressure, 0.0, 1.0),
        "leverage": leverage,
        "inducement": np.clip(inducement, 0.0, 1.0),
        "demand": demand,
        "dispute": dispute,
        "dispute_news": np.zeros_like(dispute),  # read this turn; the next turn's events start afresh
        "offer_heat": np.zeros_like(state.offer_heat),  # an offer to take sides stands for its turn only
        "grievance": grievance,
        "threat": np.clip(threat, 0.0, 1.0),
        "exposure": exposure,
        "cost": cost,
    }
