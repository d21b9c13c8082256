"""The action-kind registry: every kind of move, declared once (issue 8, "one place per concept").

Each entry says who may take the kind (by role), what it targets, when it is open (a
named rule that `sim.actions` implements), which classes it belongs to (answers a
crisis, defects, breaks ranks, exits a mechanism...), the verb phrase the narrative
uses and a one-line note on its trade-off. The menus (`sim.actions.build_options`),
their openness (`sim.actions.open_options`), the kind classes, the narrative's verbs
and the wedge measure's break-ranks set all read this list; `sim.vocab.ACTION_KINDS`
is its names in declaration order, which is also the kind index (`sim.actions.K`).
A kind's utility coefficients stay data, keyed by its name, in
`sim/data/parameters.yaml` (`utility:`); its effects are adjudicated in
`sim.adjudication`, which looks kinds up through `K`.

Adding a kind is one `ActionKindSpec` here (plus its coefficients and its effect).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from sim.actors import ACTORS, ALLIES, CHALLENGER, PARTNER_OF, PARTNERS, PATRON

Role = Literal["everyone", "allies", "patron", "partners", "challenger"]
ROLES: tuple[str, ...] = get_args(Role)

#: What an option of the kind is aimed at, per acting actor:
#: none; each partner; every other actor; the challenger and (for a partner) its
#: partner; each mechanism the actor belongs to; each partner about each pressable
#: mechanism or (no mechanism) about its relationship with the other partner.
Targets = Literal[
    "none", "partners", "others", "challenger_or_partner", "own_mechanism", "pressable_or_relationship"
]
TARGETS: tuple[str, ...] = get_args(Targets)

#: The named openness rules; `sim.actions.OPEN_RULES` implements each one.
OpenRule = Literal[
    "always",
    "coerced",
    "retaliation",
    "military_crisis",
    "in_force",
    "in_force_unnoticed",
    "liftable",
    "subject_alive",
]
OPEN_RULES: tuple[str, ...] = get_args(OpenRule)

#: Classes of kinds the dynamics and the measures read:
#: response: answers a crisis together; defection: an ally breaks ranks toward the
#: challenger; exit: a member walks away from a mechanism; breaks_ranks: counts as a
#: split for the wedge measure; hostile: aimed against its target (breaks ranks when
#: the target is an ally).
KindClass = Literal["response", "defection", "exit", "breaks_ranks", "hostile"]
KIND_CLASSES: tuple[str, ...] = get_args(KindClass)

#: Event channels an actor's own event can raise, which rule out a kind for it that turn.
Contradiction = Literal["crisis"]
CONTRADICTIONS: tuple[str, ...] = get_args(Contradiction)


#: Longest `about` line: shown indented in a terminal of 80 columns.
ABOUT_WIDTH = 76


#: State channels (and the threshold of the same name) that say a target is already
#: under a campaign of this kind (`sim.base_rates`: Beijing's quiet-time campaigns).
Campaign = Literal["", "pressure", "inducement"]
CAMPAIGNS: tuple[str, ...] = get_args(Campaign)


class RegistryError(ValueError):
    """A registry entry is malformed; the message names the entry, the field and what is allowed."""


def _check(name: str, fieldname: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RegistryError(
            f"action kind {name!r}: field {fieldname!r} is {value!r}; allowed: {', '.join(allowed)}"
        )


@dataclass(frozen=True)
class ActionKindSpec:
    """One kind of move.

    Attributes:
        name: The kind's name (snake_case); the key of its coefficients in
            parameters.yaml `utility:`.
        who: Role that may take it.
        targets: What its options aim at (see `Targets`).
        opens: Named openness rule (see `OPEN_RULES`).
        menu: Position in an actor's menu: options are listed by ascending `menu`, then
            by target; ties keep declaration order.
        classes: The kind classes it belongs to.
        contradicted_by: Channels whose rise by the actor's own event this turn rules
            the kind out (issue 8, "one Beijing").
        verb: Verb phrase for prose, with ``{target}`` (a capital) and ``{mechanism}``;
            empty: the option's label.
        verb_relationship: For a kind aimed at a mechanism or a relationship, the verb
            phrase when the option is about the relationship; ``{partner}`` is the
            target's partner.
        about: One line on what the move trades off, for players.
        campaign: For a campaign kind whose quiet-time rate is grounded in the record
            (`sim.base_rates`), the state channel and threshold that say a target is
            already under it; empty otherwise.
    """

    name: str
    who: Role
    targets: Targets
    opens: OpenRule
    menu: int
    about: str
    classes: frozenset[str] = field(default_factory=frozenset)
    contradicted_by: tuple[str, ...] = ()
    verb: str = ""
    verb_relationship: str = ""
    campaign: Campaign = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier() or self.name != self.name.lower():
            raise RegistryError(f"action kind name {self.name!r}: must be a snake_case identifier")
        _check(self.name, "who", self.who, ROLES)
        _check(self.name, "targets", self.targets, TARGETS)
        _check(self.name, "opens", self.opens, OPEN_RULES)
        for c in self.classes:
            _check(self.name, "classes", c, KIND_CLASSES)
        _check(self.name, "campaign", self.campaign, CAMPAIGNS)
        for c in self.contradicted_by:
            _check(self.name, "contradicted_by", c, CONTRADICTIONS)
        if not isinstance(self.menu, int) or isinstance(self.menu, bool) or self.menu < 0:
            raise RegistryError(
                f"action kind {self.name!r}: field 'menu' is {self.menu!r}; allowed: an integer >= 0"
            )
        if not self.about.strip() or len(self.about) > ABOUT_WIDTH:
            raise RegistryError(
                f"action kind {self.name!r}: field 'about' is {self.about!r}; give one line on its "
                f"trade-off, at most {ABOUT_WIDTH} characters (it is shown indented at 80 columns)"
            )

    def takers(self) -> tuple[int, ...]:
        """The actors (indices into `sim.actors.ACTORS`) that may take this kind."""
        return ROLE_MEMBERS[self.who]


#: The actors each role names.
ROLE_MEMBERS: dict[str, tuple[int, ...]] = {
    "everyone": tuple(range(len(ACTORS))),
    "allies": ALLIES,
    "patron": (PATRON,),
    "partners": PARTNERS,
    "challenger": (CHALLENGER,),
}


def targets_of(spec: ActionKindSpec, actor: int) -> tuple[int, ...]:
    """Target actors of ``spec`` for ``actor`` (-1: none), for the target rules aimed at actors.

    Raises:
        RegistryError: for ``own_mechanism``, whose targets are mechanisms.
    """
    if spec.targets == "none":
        return (-1,)
    if spec.targets in ("partners", "pressable_or_relationship"):
        return PARTNERS
    if spec.targets == "others":
        return tuple(t for t in range(len(ACTORS)) if t != actor)
    if spec.targets == "challenger_or_partner":
        # Beijing for everyone; between the partner pair, each other (tit for tat).
        return (CHALLENGER, PARTNER_OF[actor]) if actor in PARTNER_OF else (CHALLENGER,)
    raise RegistryError(f"action kind {spec.name!r}: targets {spec.targets!r} are mechanisms, not actors")


_S = frozenset

#: The registry, in kind-index order (the order of `sim.vocab.ACTION_KINDS`).
ACTION_KIND_SPECS: tuple[ActionKindSpec, ...] = (
    ActionKindSpec(
        name="hold",
        who="everyone",
        targets="none",
        opens="always",
        menu=0,
        about="wait: no cost, but a crisis left unanswered weighs on security",
    ),
    ActionKindSpec(
        name="coordinate",
        who="allies",
        targets="none",
        opens="always",
        menu=1,
        classes=_S({"response"}),
        about="answer militarily: most security if partners join; costs trade with Beijing",
    ),
    ActionKindSpec(
        name="joint_statement",
        who="allies",
        targets="none",
        opens="always",
        menu=2,
        classes=_S({"response"}),
        verb="issue a joint statement",
        about="answer in words: cheaper than coordinating, and less security",
    ),
    ActionKindSpec(
        name="hedge",
        who="allies",
        targets="none",
        opens="always",
        menu=3,
        classes=_S({"defection", "breaks_ranks"}),
        about="lean toward Beijing: eases trade and its pull, costs Washington's trust",
    ),
    ActionKindSpec(
        name="concede",
        who="allies",
        targets="none",
        opens="coerced",
        menu=4,
        classes=_S({"defection", "breaks_ranks"}),
        about="give Beijing what its coercion asks: ends the pain, breaks ranks",
    ),
    ActionKindSpec(
        name="retaliate",
        who="allies",
        targets="challenger_or_partner",
        opens="retaliation",
        menu=11,
        classes=_S({"hostile"}),
        verb="retaliate against {target}",
        about="hit back: answers a grievance, costs trade and the target's opinion",
    ),
    ActionKindSpec(
        name="repair",
        who="allies",
        targets="others",
        opens="always",
        menu=12,
        verb="repair relations with {target}",
        about="mend a relationship: warms the target, unpopular at home",
    ),
    ActionKindSpec(
        name="broker",
        who="patron",
        targets="none",
        opens="always",
        menu=9,
        verb="broker between Seoul and Tokyo",
        about="mediate between Seoul and Tokyo: cools their rift, costs attention",
    ),
    ActionKindSpec(
        name="invest",
        who="allies",
        targets="own_mechanism",
        opens="in_force",
        menu=13,
        verb="invest in {mechanism}",
        about="strengthen a mechanism in force: security and members' trust, some cost",
    ),
    ActionKindSpec(
        name="suspend",
        who="allies",
        targets="own_mechanism",
        opens="in_force",
        menu=14,
        classes=_S({"exit", "breaks_ranks"}),
        verb="suspend {mechanism}",
        about="hold a mechanism in abeyance: plays to a dispute, loses its security",
    ),
    ActionKindSpec(
        name="coerce",
        who="challenger",
        targets="partners",
        opens="always",
        menu=7,
        verb="coerce {target}",
        campaign="pressure",
        about="squeeze an ally's trade: may win a concession, costs Beijing's trade",
    ),
    ActionKindSpec(
        name="induce",
        who="challenger",
        targets="partners",
        opens="always",
        menu=8,
        verb="offer {target} an inducement",
        campaign="inducement",
        about="offer an ally a reward for breaking ranks: the wedge by carrot",
    ),
    ActionKindSpec(
        name="military_pressure",
        who="challenger",
        targets="none",
        opens="always",
        menu=5,
        verb="apply military pressure",
        about="raise the military crisis: pleases home, may unite the allies",
    ),
    ActionKindSpec(
        name="de_escalate",
        who="challenger",
        targets="none",
        opens="military_crisis",
        menu=6,
        contradicted_by=("crisis",),
        about="step back from a military crisis: wise against united allies",
    ),
    ActionKindSpec(
        name="notice",
        who="allies",
        targets="own_mechanism",
        opens="in_force_unnoticed",
        menu=15,
        classes=_S({"exit", "breaks_ranks"}),
        verb="give notice to end {mechanism}",
        about="give notice to end an agreement: ends after the notice period",
    ),
    ActionKindSpec(
        name="restore",
        who="allies",
        targets="own_mechanism",
        opens="liftable",
        menu=16,
        verb="restore {mechanism}",
        about="lift one's hold or withdraw one's notice: regains the mechanism's value",
    ),
    ActionKindSpec(
        name="press",
        who="patron",
        targets="pressable_or_relationship",
        opens="subject_alive",
        menu=10,
        verb="press {target} about {mechanism}",
        verb_relationship="press {target} to mend relations with {partner}",
        about="press a partner about a mechanism or its rift: enters its choice",
    ),
)


def check_registry(specs: tuple[ActionKindSpec, ...]) -> None:
    """Whole-registry checks: unique names, and no two kinds sharing a menu position.

    Raises:
        RegistryError: naming the clashing entries.
    """
    seen: dict[str, int] = {}
    for i, s in enumerate(specs):
        if not isinstance(s, ActionKindSpec):
            raise RegistryError(f"action kind registry entry {i}: {s!r} is not an ActionKindSpec")
        if s.name in seen:
            raise RegistryError(f"action kind {s.name!r} is declared twice (entries {seen[s.name]} and {i})")
        seen[s.name] = i
    for a in range(len(ACTORS)):
        ranks: dict[int, str] = {}
        for s in specs:
            if a in s.takers():
                if s.menu in ranks:
                    raise RegistryError(
                        f"action kinds {ranks[s.menu]!r} and {s.name!r} share menu position {s.menu} "
                        f"in {ACTORS[a]}'s menu; give each its own"
                    )
                ranks[s.menu] = s.name


check_registry(ACTION_KIND_SPECS)

#: Each kind's spec by name.
SPEC: dict[str, ActionKindSpec] = {s.name: s for s in ACTION_KIND_SPECS}


def kinds_in(cls: str, specs: tuple[ActionKindSpec, ...] = ACTION_KIND_SPECS) -> tuple[str, ...]:
    """Names of the kinds in class ``cls``, in declaration order.

    Raises:
        RegistryError: if ``cls`` is not a declared class.
    """
    _check("(query)", "classes", cls, KIND_CLASSES)
    return tuple(s.name for s in specs if cls in s.classes)
