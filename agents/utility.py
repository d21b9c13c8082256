"""The decision model's inputs: features of the situation and utility terms per option.

Each action kind's utility terms (security, economy, autonomy, approval, alliance)
are linear in a few features; the coefficients are data (``utility:`` in
``sim/data/parameters.yaml``). This module defines the features, in one table:
each is a function of the state seen by the acting actor ``a`` about its option's
target actor ``t`` or mechanism ``m``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from sim.actions import SECURITY_HOOKS
from sim.actors import ACTORS, ALLIES, CHALLENGER, PARTNER_OF, PARTNER_PAIRS, PARTNERS, PATRON, partner_pair
from sim.compiled import Compiled
from sim.mechanisms import H, Hooks, member_sets
from sim.state import State
from sim.vocab import SUSPENDED

#: Each actor's Asian partner whose trust decides a wedge (Washington: both).
_PARTNER = {a: (PARTNER_OF[a],) if a in PARTNER_OF else PARTNERS for a in range(len(ACTORS))}


@dataclass(frozen=True)
class Situation:
    """What the features read: the state, the mechanisms' hooks and derived views.

    Attributes:
        state: The state after this turn's events.
        hooks: Mechanism effects this turn.
        partner_trust: Trust in the Asian partner, shape (n, actors).
        opinion_allies: Mean opinion of the other allies, shape (n, actors).
        security_value: Per mechanism, its coordination + deterrence coefficients.
        members_trust: Actor's mean trust in its fellow members of each mechanism,
            shape (n, actors, mechanisms).
        members_opinion: The same for public opinion.
        stake: Each actor's stake in the scenario's theatre, shape (actors,).
        partners_join: Each actor's expected probability that its partners join a
            common answer, shape (n, actors) (`agents.coordination`); before the
            coordination game is solved, each partner's trust alone.
        weights: Each actor's weights on its partners, shape (actors, actors)
            (`partner_weights`).
        support: Each actor's expected support, shape (n, actors): the weighted sum
            over its partners of how far it counts on their backing when it holds firm
            (`counted_on`), what breaking ranks puts at risk.
    """

    state: State
    hooks: Hooks
    partner_trust: np.ndarray
    opinion_allies: np.ndarray
    security_value: np.ndarray
    members_trust: np.ndarray
    members_opinion: np.ndarray
    stake: np.ndarray
    partners_join: np.ndarray
    weights: np.ndarray
    support: np.ndarray


def theatre_stakes(compiled: Compiled) -> np.ndarray:
    """Each actor's stake in the scenario's theatre (``assurance.stakes``), shape (actors,)."""
    a = compiled.params.assurance
    return np.array([a.stakes.get(code, {}).get(a.theatre, 0.0) for code in ACTORS])


def situation(state: State, hooks: Hooks, compiled: Compiled) -> Situation:
    """Derive the shared views the features need."""
    n_a = state.trust.shape[1]
    partner_trust = np.stack([state.trust[:, a, list(_PARTNER[a])].mean(axis=1) for a in range(n_a)], axis=1)
    opinion_allies = np.stack(
        [state.opinion[:, a, [b for b in ALLIES if b != a]].mean(axis=1) for a in range(n_a)],
        axis=1,
    )
    security_value = sum(compiled.effects[:, H[h]] for h in SECURITY_HOOKS)
    weights = partner_weights(compiled.params.assurance.patron_weight, n_a)
    return Situation(
        state,
        hooks,
        partner_trust,
        opinion_allies,
        security_value,
        _fellow_mean(state.trust, compiled),
        _fellow_mean(state.opinion, compiled),
        theatre_stakes(compiled),
        partner_expectation(state.trust, None, weights),
        weights,
        partner_expectation(counted_on(state.trust, hooks.of("consultation")), None, weights),
    )


def partner_weights(patron_weight: float, n_actors: int = len(ACTORS)) -> np.ndarray:
    """Each ally's weights on its fellow allies in its expectations, shape (actors, actors).

    Seoul and Tokyo weigh their patron's backing by ``patron_weight`` and each
    other's by the rest: the alliance security dilemma turns on abandonment by the
    patron (Snyder, *World Politics* 36:4, 1984; Cha 1999). Washington weighs its two
    allies equally. Rows sum to 1 for the allies; Beijing's row is 0.

    Args:
        patron_weight: ``assurance.patron_weight``, in [0, 1].
        n_actors: Size of the actor axis.
    """
    w = np.zeros((n_actors, n_actors))
    for i in ALLIES:
        partners = [j for j in ALLIES if j != i]
        if i in PARTNER_OF and PATRON in partners:
            w[i, PATRON] = patron_weight
            w[i, PARTNER_OF[i]] = 1.0 - patron_weight
        else:
            w[i, partners] = 1.0 / len(partners)
    return w


def counted_on(trust: np.ndarray, consultation: np.ndarray) -> np.ndarray:
    """How far each actor counts on each other actor to stand with it, shape (n, actors, actors).

    Trust T_ij (i's belief that j stands with it, Kydd 2005), raised by i's
    consultation hook c_i: T_ij + c_i (1 - T_ij). In an assurance game, talk before
    play is self-committing: a partner who says it will join, and is better off
    joining if the others do, is believed (Farrell and Rabin, *J. Econ. Perspectives*
    10:3, 1996), and two-way communication moves play to the payoff-dominant
    equilibrium (Cooper, DeJong, Forsythe and Ross, *QJE* 107:2, 1992). So a
    consultation mechanism lets members count on each other beyond their belief
    about each other's type, in whatever they do together.

    Args:
        trust: Trust matrix, shape (n, actors, actors).
        consultation: The consultation hook per actor, shape (n, actors), in [0, 1).
    """
    return trust + consultation[:, :, None] * (1.0 - trust)


def partner_expectation(
    counted: np.ndarray, respond: np.ndarray | None, weights: np.ndarray | None = None
) -> np.ndarray:
    """P_i: i's expected probability that its fellow allies join a common answer.

    P_i = sum over allies j != i of w_ij x counted_ij x respond_j: j joins with the
    probability its current strategy gives, discounted by how far i counts on j to
    stand with it (its trust, raised by consultation: `counted_on`; Kydd 2005), and
    weighted by `partner_weights`. With ``respond`` = 1 it is i's expected support,
    what a defection puts at risk. Beijing's entry is 0.

    Args:
        counted: How far each actor counts on each other, shape (n, actors, actors)
            (trust itself without consultation).
        respond: Each actor's probability of answering (coordinate or statement),
            shape (n, actors); None: every partner answers (respond = 1, whose
            product, x 1.0, is exact and so is left out; speed).
        weights: `partner_weights`, shape (actors, actors); default: equal weights.

    Returns:
        Shape (n, actors).
    """
    n_a = counted.shape[1]
    if weights is None:
        weights = partner_weights(0.5, n_a)  # every ally's partners weighed equally
    out = np.zeros((counted.shape[0], n_a))
    for i in ALLIES:
        for j in ALLIES:
            if j != i:
                weighed = weights[i, j] * counted[:, i, j]
                out[:, i] += weighed if respond is None else weighed * respond[:, j]
    return out


def _fellow_mean(matrix: np.ndarray, compiled: Compiled) -> np.ndarray:
    """Mean of each actor's view of its fellow members, per mechanism, shape (n, actors, M).

    Laid out (actors, M, n) underneath: each (actor, mechanism)'s runs contiguous, so
    a member's mean is written to its mechanisms' rows, and the features gather each
    option's runs contiguously (speed; the values are the same, and they are only
    read elementwise).
    """
    out = np.zeros((matrix.shape[1], compiled.members.shape[0], matrix.shape[0]))
    for ms, actors in member_sets(compiled):
        for a in actors:
            others = [b for b in actors if b != a]
            total = np.zeros(matrix.shape[0])
            for b in others:
                total += matrix[:, a, b]
            out[a, ms] = total / max(len(others), 1)
    return out.transpose(2, 0, 1)


Group = tuple[np.ndarray, np.ndarray, np.ndarray]  # actor, target, mechanism per option
FeatureFn = Callable[[Situation, Group, Compiled], np.ndarray]


def _per_actor(values: np.ndarray, a: np.ndarray) -> np.ndarray:
    return values[:, a]


def _pair(matrix: np.ndarray, a: np.ndarray, t: np.ndarray) -> np.ndarray:
    return matrix[:, a, t]


def _member_of(ids: np.ndarray, members: tuple[int, ...]) -> np.ndarray:
    """``np.isin(ids, members)`` for an option group's few actor indices.

    The same booleans; `np.isin` costs tens of microseconds a call in its own
    overhead, and the features call it hundreds of times a turn (speed,
    bench/README.md sitting L).
    """
    return (np.asarray(ids)[..., None] == np.asarray(members)).any(axis=-1)


def _per_option(per_actor: Callable[[np.ndarray], np.ndarray], a: np.ndarray) -> np.ndarray:
    """``per_actor(a)``, computed once per actor and spread over the options, shape (n, k).

    ``per_actor`` maps actor indices (j,) to values (n, j), each column a function of
    its own actor only; so each option's column is the same operations on the same
    numbers as its actor's column: the same bits, computed on four columns instead
    of one per option (speed, bench/README.md sitting L).
    """
    return per_actor(_EVERY_ACTOR)[:, a]


_EVERY_ACTOR = np.arange(len(ACTORS))


def _danger(x: Situation, a: np.ndarray) -> np.ndarray:
    """Crisis + the actor's threat perception of Beijing, per option's actor, shape (n, k).

    What a mechanism's security value is weighed by (times 0.5: their mean). Computed
    per actor (`_per_option`): the same sums as at each option.
    """
    return _per_option(lambda actors: x.state.crisis[:, None] + x.state.threat[:, actors, CHALLENGER], a)


#: Each actor's Asian partner, or the actor itself when it has none (an index to read
#: a pair that is then masked out).
_PARTNER_OR_SELF = np.array([PARTNER_OF.get(a, a) for a in range(len(ACTORS))])


# -- Retaliation: what the target did to the actor, against what the alliance is worth now --
def _grievance(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """What the target did to the actor: its recent measures (the tit-for-tat memory).

    ``grievance[a, t]`` (bad evidence from t's retaliation, its suspension of a shared
    mechanism and the events attributed to it, fading each turn; unbounded), plus
    Beijing's coercive pressure in force when the target is Beijing. The standing
    dispute level is not a grievance against anyone in particular.
    """
    a, t, _ = g
    s = x.state
    return _pair(s.grievance, a, t) * (t >= 0) + s.pressure[:, a] * (t == CHALLENGER)


def _support_need(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """How much the actor needs its Asian partner's backing: the share the patron leaves uncovered.

    For a partner target (Seoul -> Tokyo, Tokyo -> Seoul): the partner's weight in the
    actor's expected support (1 - ``assurance.patron_weight``, `partner_weights`) x
    (1 - T_a,patron), the actor's doubt that the patron stands with it (its belief about
    the patron's type; a consultation forum's assurance, which `counted_on` adds to
    expected support, is not read here: it covers the partner too). The partner's support is worth more
    when the patron's is doubtful: fear of abandonment by the patron draws the two
    partners together, and a firm patron lets them quarrel (Cha, *Alignment Despite
    Antagonism*, 1999; Snyder 1984). For a mechanism option, the same when the
    mechanism joins Seoul and Tokyo (investing in it is investing in the partner).
    0 for any other target or mechanism.
    """
    a, t, m = g
    joins_them = (c.seoul_tokyo[np.maximum(m, 0)] > 0) & (m >= 0)  # a mechanism joining Seoul and Tokyo
    partner = partner_pair(a, t) | (joins_them & _member_of(a, PARTNERS))
    doubt = _per_option(lambda actors: 1.0 - x.state.trust[:, actors, PATRON], a)
    return ((1.0 - x.weights[a, PATRON]) * partner)[None] * doubt


def _ally_trust(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """How far the actor counts on the target as an ally (trust), 0 for Beijing."""
    a, t, _ = g
    return _pair(x.state.trust, a, t) * _member_of(t, ALLIES)[None]


def _hook(name: str) -> FeatureFn:
    return lambda x, g, c: x.hooks.actor[:, H[name], g[0]]


# --- Beijing's aims (issue 8, "one Beijing"; MODEL.md §6.4) --------------------------
# Features that Beijing's coerce option reads, each named for the aim it serves. The
# option's target t is Seoul or Tokyo (`sim.actions.build_options`).


def _concession_prize(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """Win concessions (Izumikawa 2013): what coercing t can win, times the odds t gives way.

    An issue at stake between Beijing and t, min(1, d_t + c): Washington's standing ask
    of t (THAAD) or a military crisis t might stay out of; in quiet times neither, so
    coercion has nothing to win. The odds are `target_concession_odds`: exposure gives
    leverage, resolve and the coercion shield take it away.
    """
    t = g[1]
    s = x.state
    issue = np.minimum(1.0, s.demand[:, t] + s.crisis[:, None])
    return (
        issue
        * s.exposure[:, t, CHALLENGER]
        * (1.0 - s.resolve[:, t])
        * (1.0 - x.hooks.actor[:, H["coercion_shield"], t])
    )


def _bullying(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """Split the allies (Crawford 2011): pressure already on t's Asian partner.

    Coercing one ally while the other is under pressure too is uniform pressure, which
    pushes the two together rather than splitting them; 0 for a target with no Asian
    partner.
    """
    t = g[1]
    first, second = PARTNERS
    partner = np.where(t == first, second, np.where(t == second, first, 0))
    return x.state.pressure[:, partner] * _member_of(t, PARTNERS)[None]


BEIJING_AIMS: dict[str, FeatureFn] = {
    "concession_prize": _concession_prize,
    "bullying": _bullying,
    # The reputational cost of coercion: the goodwill toward China that it spends in
    # the target's public (THAAD: Korean opinion of China fell, facts.md §1-2).
    "target_goodwill": lambda x, g, c: x.state.opinion[:, g[1], CHALLENGER],
}
# --- end of Beijing's aims ---------------------------------------------------------


class AssuredFeature:
    """A feature that reads ``partners_join``, written as a fixed factor and its completion.

    ``feature(x, g, c) = finish(fixed(x, g, c), x.partners_join[:, g[0]])``: the fixed
    factor reads only what stays put while the coordination game's rounds move
    ``partners_join`` (the state, the hooks, the stakes), so `AssuredRounds` computes
    it once per turn. Evaluated this way, a round's value is the one the whole
    expression gives, to the bit (the same operations on the same numbers, in the
    same order; speed, bench/README.md, Issue 8).

    Attributes:
        fixed: The factor independent of ``partners_join``, shape (n, k) or (n, 1),
            or None when the feature is a function of ``partners_join`` alone.
        finish: (fixed factor, ``partners_join`` of the group's actors) -> the feature.
    """

    def __init__(
        self,
        fixed: FeatureFn | None,
        finish: Callable[[np.ndarray | None, np.ndarray], np.ndarray],
    ) -> None:
        self.fixed = fixed
        self.finish = finish

    def __call__(self, x: Situation, g: Group, c: Compiled) -> np.ndarray:
        """The feature at ``x.partners_join``, shape (n, k)."""
        fixed = None if self.fixed is None else self.fixed(x, g, c)
        return self.finish(fixed, x.partners_join[:, g[0]])


FEATURES: dict[str, FeatureFn] = {
    "one": lambda x, g, c: np.ones((x.state.n, len(g[0]))),
    "crisis": lambda x, g, c: np.repeat(x.state.crisis[:, None], len(g[0]), axis=1),
    "threat_prc": lambda x, g, c: x.state.threat[:, g[0], CHALLENGER],
    "exposure_prc": lambda x, g, c: x.state.exposure[:, g[0], CHALLENGER],
    "opinion_prc": lambda x, g, c: x.state.opinion[:, g[0], CHALLENGER],
    "opinion_allies": lambda x, g, c: x.opinion_allies[:, g[0]],
    "trust_usa": lambda x, g, c: x.state.trust[:, g[0], PATRON],
    "resolve": lambda x, g, c: x.state.resolve[:, g[0]],
    "demand": lambda x, g, c: x.state.demand[:, g[0]],
    "dispute_heat": lambda x, g, c: x.state.dispute[:, None] * _member_of(g[0], PARTNERS)[None],
    "coordination": _hook("coordination"),
    "crisis_threat": lambda x, g, c: x.state.crisis[:, None] * x.state.threat[:, g[0], CHALLENGER],
    "dispute": lambda x, g, c: np.repeat(x.state.dispute[:, None], len(g[0]), axis=1),
    "coercion_pain": lambda x, g, c: (
        x.state.pressure[:, g[0]]
        * x.state.exposure[:, g[0], CHALLENGER]
        * x.state.leverage[:, g[0]]
        * (1.0 - x.hooks.actor[:, H["coercion_shield"], g[0]])
    ),
    # Cost borne so far wears down a government, the faster the weaker its resolve.
    "fatigue": lambda x, g, c: -np.expm1(-x.state.cost[:, g[0]]) * (1.0 - x.state.resolve[:, g[0]]),
    # An offer's pull, whatever the partners do; trust acts through partners_join.
    "wedge_pull": lambda x, g, c: (
        x.state.inducement[:, g[0]] * (1.0 - x.hooks.actor[:, H["wedge_shield"], g[0]])
    ),
    # The assurance game (§6.6): the theatre's stake in a crisis, as far as the source
    # threatens, counts only as far as the partners are expected to join ...
    "assured_stake": AssuredFeature(
        lambda x, g, c: x.stake[g[0]][None] * x.state.crisis[:, None] * x.state.threat[:, g[0], CHALLENGER],
        lambda fixed, p: fixed * p,
    ),
    # ... so does the value of a joint answer to a crisis: a common military answer (or
    # statement) is worth what it is only if the partners are expected to join it; an
    # answer given alone keeps only what standing alone is worth (its other terms) ...
    "joint_answer": AssuredFeature(lambda x, g, c: x.state.crisis[:, None], lambda fixed, p: fixed * p),
    # ... and the joint readiness the mechanisms build (their coordination hook), which
    # is realised only in a joint answer ...
    "readiness": AssuredFeature(
        lambda x, g, c: x.state.crisis[:, None] * x.hooks.actor[:, H["coordination"], g[0]],
        lambda fixed, p: fixed * p,
    ),
    # ... and standing out alone exposes a government to Beijing's retaliation.
    "left_exposed": AssuredFeature(
        lambda x, g, c: x.state.exposure[:, g[0], CHALLENGER], lambda fixed, p: fixed * (1.0 - p)
    ),
    # ... and what answering is worth to an alliance is what the partners are expected to return.
    "partners_join": AssuredFeature(None, lambda fixed, p: p),
    # What breaking ranks puts at risk: the support the actor expects of its partners
    # (`partner_expectation` at respond = 1), whatever the turn (Snyder 1984: defection
    # risks abandonment).
    "expected_support": lambda x, g, c: x.support[:, g[0]],
    "threat_target": lambda x, g, c: _pair(x.state.threat, g[0], g[1]),
    "target_exposure": lambda x, g, c: _pair(x.state.exposure, g[0], g[1]),
    "opinion_target": lambda x, g, c: _pair(x.state.opinion, g[0], g[1]),
    "grievance_target": _grievance,
    "ally_trust_target": _ally_trust,
    "support_need": _support_need,
    "target_is_ally": lambda x, g, c: np.repeat(
        _member_of(g[1], ALLIES)[None].astype(float), x.state.n, axis=0
    ),
    "distrust_target": lambda x, g, c: 1.0 - _pair(x.state.trust, g[0], g[1]),
    "allies_rift": lambda x, g, c: np.repeat(
        (1.0 - 0.5 * sum(x.state.trust[:, i, j] for i, j in PARTNER_PAIRS))[:, None],
        len(g[0]),
        axis=1,
    ),
    "mechanism_security": lambda x, g, c: x.security_value[g[2]][None] * 0.5 * _danger(x, g[0]),
    "opinion_members": lambda x, g, c: x.members_opinion[:, g[0], g[2]],
    "member_trust": lambda x, g, c: x.members_trust[:, g[0], g[2]],
    "mechanism_gap": lambda x, g, c: 1.0 - x.state.strength[:, g[2]],
    "target_trust_usa": lambda x, g, c: x.state.trust[:, g[1], PATRON],
    "target_demand": lambda x, g, c: x.state.demand[:, g[1]],
    "target_exposure_prc": lambda x, g, c: x.state.exposure[:, g[1], CHALLENGER],
    "own_exposure_target": lambda x, g, c: _pair(x.state.exposure, g[0], g[1]),
    "target_concession_odds": lambda x, g, c: (
        x.state.exposure[:, g[1], CHALLENGER]
        * (1.0 - x.state.resolve[:, g[1]])
        * (1.0 - x.hooks.actor[:, H["coercion_shield"], g[1]])
    ),
    "target_rift": lambda x, g, c: 1.0 - x.partner_trust[:, g[1]],
    "target_wedge_odds": lambda x, g, c: (
        x.state.trust[:, g[1], CHALLENGER] * (1.0 - x.hooks.actor[:, H["wedge_shield"], g[1]])
    ),
    "allied_cohesion": lambda x, g, c: np.repeat(x.state.cohesion[:, None] / 100.0, len(g[0]), axis=1),
    "crisis_cohesion": lambda x, g, c: np.repeat(
        (x.state.crisis * x.state.cohesion / 100.0)[:, None], len(g[0]), axis=1
    ),
    **BEIJING_AIMS,
}


# -- governments' decisions about mechanisms, and Washington's pressure (MODEL.md §6.3) --------
def _urged_mechanism(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """Washington's pressure on the actor about the option's mechanism (0 without one)."""
    a, _, m = g
    if (m >= 0).all():  # the mechanism kinds' options: no mask needed
        return x.state.urged[:, a, m]
    return x.state.urged[:, a, np.maximum(m, 0)] * (m >= 0)[None]


def _urged_partner(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """Washington's pressure on the actor about its relationship, toward its Asian partner only."""
    a, t, _ = g
    partner = partner_pair(a, t)
    return x.state.urged[:, a, -1] * partner[None]


def _target_urged(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """The pressure already on a press option's partner and subject (a relationship: the last column)."""
    _, t, m = g
    return x.state.urged[:, t, m]  # m = -1 reads the relationship column


def _press_stake(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """What pressing partner t about mechanism m can save.

    Its security value (as in ``mechanism_security``) x how far t is from keeping it
    going: 1 while it is suspended or t's notice of termination is pending, else
    1 - strength.
    """
    a, t, m = g
    about = m >= 0
    mm = np.maximum(m, 0)
    s = x.state
    gave_notice = ((s.noticed_by[:, mm] >> t.astype(np.int8)) & 1) != 0
    at_risk = np.where((s.status[:, mm] == SUSPENDED) | gave_notice, 1.0, 1.0 - s.strength[:, mm])
    value = x.security_value[mm][None] * 0.5 * _danger(x, a)
    return value * at_risk * about[None]


def _press_rift(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """For a press about the relationship (no mechanism): the partner's distrust of its partner."""
    _, t, m = g
    return (1.0 - x.partner_trust[:, t]) * (m < 0)[None]


#: The hooks by which a mechanism mends a troubled relationship.
_MENDING = ("dispute_damping", "spillover_shield", "trust_repair", "opinion_repair")


def _mechanism_repair(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """What the option's mechanism can mend.

    The sum of its mending effects (`_MENDING`) x the actor's distrust of its fellow
    members (1 - ``member_trust``): shuttle diplomacy and a history dialogue are worth
    most when relations are worst (paper §IV.2 recommends them for that reason).
    """
    a, _, m = g
    mending = c.effects[:, [H[h] for h in _MENDING]].sum(axis=1)
    return mending[m][None] * (1.0 - x.members_trust[:, a, m])


def _exposed_dispute(x: Situation, g: Group, c: Compiled) -> np.ndarray:
    """How far the Seoul-Tokyo dispute reaches the option's mechanism at home.

    ``mechanisms.<m>.salience`` x (D + G) for Seoul and Tokyo, 0 for the others,
    with G the actor's grievance against its Asian partner: the dispute as a public
    sees it, its standing heat D and the partner's recent measures, read linearly as
    retaliation reads them (``grievance_target``). Walking away from a
    mechanism the publics see as the two governments' own dealings (a history
    agreement, a leaders' joint appearance) is a visible gesture in a dispute, and
    keeping it up a visible concession; intelligence sharing or drills are not on
    the public's mind (the selective spill-over of Dokdo 2021, facts.md §2).
    """
    a, _, m = g
    s = x.state

    def heat(actors: np.ndarray) -> np.ndarray:
        grievance = s.grievance[:, actors, _PARTNER_OR_SELF[actors]] * _member_of(actors, PARTNERS)[None]
        return s.dispute[:, None] + grievance

    return _per_option(heat, a) * (c.mech["salience"][m] * _member_of(a, PARTNERS))[None]


MECHANISM_FEATURES: dict[str, FeatureFn] = {
    "exposed_dispute": _exposed_dispute,
    "mechanism_repair": _mechanism_repair,
    "urged_mechanism": _urged_mechanism,
    "urged_partner": _urged_partner,
    "target_urged": _target_urged,
    "press_stake": _press_stake,
    "press_rift": _press_rift,
}
FEATURES.update(MECHANISM_FEATURES)

#: Features whose value depends only on the acting actor, not on the option's target
#: or mechanism: a kind's options that share an actor share them, so they are
#: computed once per actor and spread over its options.
ACTOR_LEVEL = frozenset(
    {
        "one", "crisis", "threat_prc", "exposure_prc", "opinion_prc", "opinion_allies", "trust_usa",
        "resolve", "demand", "dispute_heat", "coordination", "readiness", "crisis_threat", "dispute",
        "coercion_pain", "fatigue",
        "wedge_pull", "allies_rift", "allied_cohesion", "crisis_cohesion", "assured_stake", "left_exposed",
        "partners_join", "joint_answer", "expected_support",
    }
)  # fmt: skip

#: Features that read the partners' expected joining: recomputed in each round of the
#: coordination game (`agents.coordination`), the rest once per turn.
ASSURED = frozenset({"assured_stake", "left_exposed", "partners_join", "joint_answer", "readiness"})


@dataclass(frozen=True)
class KindPlan:
    """How to compute one action kind's utilities: its options and weighted features.

    Attributes:
        idx: Global option numbers of this kind.
        group: (actor, target, mechanism) of those options.
        actors: The distinct acting actors, as a group of their own.
        spread: For each option, its actor's position in ``actors``.
        actor_features: (feature, coefficient per distinct actor) for `ACTOR_LEVEL`
            features; a coefficient is the sum over terms of preference weight x
            utility coefficient.
        option_features: (feature, coefficient per option) for the others.
        assured_features: (feature, coefficient per distinct actor) for the `ASSURED`
            features, left out of ``actor_features``.
        crowding: Per option, -temperature x ln(number of options of this kind on
            the actor's menu), so that a kind with many targets (invest in any of
            eleven mechanisms) is not chosen more often just for having many.
    """

    idx: np.ndarray
    group: Group
    actors: Group
    spread: np.ndarray
    actor_features: list[tuple[str, np.ndarray]]
    option_features: list[tuple[str, np.ndarray]]
    crowding: np.ndarray
    assured_features: list[tuple[str, np.ndarray]]


def utility_plan(compiled: Compiled) -> list[KindPlan]:
    """Fold preferences into the utility coefficients once per model."""
    opts = compiled.options
    plans = []
    for kind, entries in compiled.utility.items():
        idx = np.flatnonzero(opts.kind == kind)
        if idx.size == 0 or not entries:
            continue
        actor = opts.actor[idx]
        w = compiled.weights[actor]  # (options, terms)
        folded: dict[str, np.ndarray] = {}
        for term, feature, coef in entries:
            folded[feature] = folded.get(feature, 0.0) + coef * w[:, term]
        distinct, first, spread = np.unique(actor, return_index=True, return_inverse=True)
        none = np.full(distinct.size, -1)
        plans.append(
            KindPlan(
                idx=idx,
                group=(actor, opts.target[idx], opts.mechanism[idx]),
                actors=(distinct, none, none),
                spread=spread,
                actor_features=[
                    (f, c[first]) for f, c in folded.items() if f in ACTOR_LEVEL and f not in ASSURED
                ],
                option_features=[(f, c) for f, c in folded.items() if f not in ACTOR_LEVEL],
                crowding=-compiled.temperature[actor] * np.log([np.count_nonzero(actor == a) for a in actor]),
                assured_features=[(f, c[first]) for f, c in folded.items() if f in ASSURED],
            )
        )
    return plans


def utilities(x: Situation, plan: list[KindPlan], compiled: Compiled, assured: bool = True) -> np.ndarray:
    """Preference-weighted utility of every option, shape (n, options).

    The sum runs in a fixed order, so a run's utilities (and so its choices) do not
    depend on how many runs share the arrays. The result is the transpose of an
    (options, n) array (Fortran order): each option's runs are contiguous, which is
    how the coordination game and the policies read them, and the sums here run on
    long rows (speed; the same operations on the same numbers, so the same bits).

    Args:
        x: The situation.
        plan: From `utility_plan`.
        compiled: Tables.
        assured: Include the `ASSURED` features (at ``x.partners_join``); without
            them, the part of utility that the coordination game does not move.
    """
    n = x.state.n
    feature_at = _features_once(x, compiled)
    total = np.zeros((len(compiled.options), n))
    for kp in plan:
        per_actor = np.zeros((kp.actors[0].size, n))
        for feature, coef in kp.actor_features:
            per_actor += coef[:, None] * feature_at(feature, kp.actors)
        if assured:
            for feature, coef in kp.assured_features:
                per_actor += coef[:, None] * feature_at(feature, kp.actors)
        block = per_actor[kp.spread]
        block += kp.crowding[:, None]
        for feature, coef in kp.option_features:
            block += coef[:, None] * feature_at(feature, kp.group)
        total[kp.idx] = block
    return total.T


def _features_once(x: Situation, compiled: Compiled) -> Callable[[str, Group], np.ndarray]:
    """``FEATURES[feature](x, g, compiled).T`` as a contiguous array, computed once per feature and options.

    Several kinds read a feature at the same options (the four mechanism kinds'
    options are the same (actor, target, mechanism) triples; most kinds' actors are
    the three allies): the same function of the same numbers gives the same values,
    so they are computed once and shared (speed, bench/README.md, Issue 8). They are
    laid out (options, n) for `utilities`. The values are read only, never written.
    """
    values: dict[tuple[str, bytes, ...], np.ndarray] = {}
    keys: dict[int, tuple[bytes, ...]] = {}  # a group's content by identity (plans reuse their groups)

    def feature_at(feature: str, g: Group) -> np.ndarray:
        content = keys.get(id(g))
        if content is None:
            content = keys[id(g)] = tuple(np.ascontiguousarray(part).tobytes() for part in g)
        key = (feature, *content)
        value = values.get(key)
        if value is None:
            value = values[key] = np.ascontiguousarray(FEATURES[feature](x, g, compiled).T)
        return value

    return feature_at


def assured_columns(x: Situation, plan: list[KindPlan], compiled: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """The `ASSURED` features' part of utility, for the options that have one.

    ``utilities(x, plan, compiled)`` equals ``utilities(..., assured=False)`` with
    these values added at these options.

    Returns:
        The options' global numbers, shape (k,), and their assured utility, shape (n, k).
    """
    idx, blocks = [], []
    for kp in plan:
        if not kp.assured_features:
            continue
        per_actor = np.zeros((x.state.n, kp.actors[0].size))
        for feature, coef in kp.assured_features:
            per_actor += coef[None] * FEATURES[feature](x, kp.actors, compiled)
        idx.append(kp.idx)
        blocks.append(per_actor[:, kp.spread])
    if not idx:
        return np.zeros(0, dtype=np.int64), np.zeros((x.state.n, 0))
    return np.concatenate(idx), np.concatenate(blocks, axis=1)


class AssuredRounds:
    """`assured_columns` for one turn's coordination game, its fixed factors computed once.

    ``AssuredRounds(x, plan, c).columns(p)`` equals ``assured_columns(x', plan, c)``
    with ``x'`` = ``x`` at ``partners_join = p``, to the bit: each `AssuredFeature`'s
    fixed factor is computed once per turn and each round only completes it; a
    feature that several kinds read is computed once per round; the work runs on
    (actors, n) arrays, whose long inner axis numpy loops over fastest. Every value
    is the same operations on the same numbers in the same order as the plain
    computation (tests/test_exact_shortcuts.py; speed, bench/README.md, Issue 8).
    """

    def __init__(self, x: Situation, plan: list[KindPlan], compiled: Compiled) -> None:
        self.x, self.compiled = x, compiled
        self.kinds = [kp for kp in plan if kp.assured_features]
        self.cols = np.concatenate([kp.idx for kp in self.kinds] or [np.zeros(0, dtype=np.int64)])
        self.fixed: dict[tuple[str, bytes], np.ndarray | None] = {}
        # Per kind, what each round reads: its rows of the result, its actors, whether
        # its options are its actors in order (no spreading), and its terms.
        self.steps: list[tuple[slice, Group, bytes, bool, np.ndarray, list]] = []
        start = 0
        for kp in self.kinds:
            actors = kp.actors[0]
            terms = []
            for feature, coef in kp.assured_features:
                fn, key = FEATURES[feature], (feature, actors.tobytes())
                if isinstance(fn, AssuredFeature) and key not in self.fixed:
                    fixed = None if fn.fixed is None else fn.fixed(x, kp.actors, compiled)
                    self.fixed[key] = None if fixed is None else np.ascontiguousarray(fixed.T)
                terms.append((key, feature, coef[:, None]))
            in_order = np.array_equal(kp.spread, np.arange(actors.size))
            rows = slice(start, start + kp.idx.size)
            self.steps.append((rows, kp.actors, actors.tobytes(), in_order, kp.spread, terms))
            start += kp.idx.size

    def columns(self, partners_join: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The options' global numbers, shape (k,), and their assured utility, shape (n, k).

        Args:
            partners_join: The expectations of this round, shape (n, actors).
        """
        n = partners_join.shape[0]
        out = np.zeros((self.cols.size, n))
        joined, gathered = partners_join.T, {}
        values: dict[tuple[str, bytes], np.ndarray] = {}
        for rows, group, actors_key, in_order, spread, terms in self.steps:
            actors = group[0]
            # Accumulated in place in the result when no spreading is needed (zeros either way).
            per_actor = out[rows] if in_order else np.zeros((actors.size, n))
            for key, feature, coef in terms:
                value = values.get(key)
                if value is None:
                    if key in self.fixed:
                        if actors_key not in gathered:
                            gathered[actors_key] = joined[actors]
                        value = FEATURES[feature].finish(self.fixed[key], gathered[actors_key])
                    else:  # a plain feature function: evaluated whole, at these expectations
                        x = replace(self.x, partners_join=partners_join)
                        value = FEATURES[feature](x, group, self.compiled).T
                    values[key] = value
                per_actor += coef * value
            if not in_order:
                out[rows] = per_actor[spread]
        # (n, k) as a view of the (k, n) array: each option's values stay contiguous.
        return self.cols, out.T


def utility_terms(x: Situation, compiled: Compiled) -> np.ndarray:
    """Every option's unweighted utility terms, shape (n, options, terms).

    Used to explain choices; decisions use `utilities`.
    """
    opts = compiled.options
    terms = np.zeros((x.state.n, len(opts), compiled.weights.shape[1]))
    for kind, entries in compiled.utility.items():
        idx = np.flatnonzero(opts.kind == kind)
        if idx.size == 0:
            continue
        group = (opts.actor[idx], opts.target[idx], opts.mechanism[idx])
        for term, feature, coef in entries:
            terms[:, idx, term] += coef * FEATURES[feature](x, group, compiled)
    return terms
