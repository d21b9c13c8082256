"""The model's fixed vocabulary: mechanisms, event kinds, action kinds, utility terms.

Scenario and parameter files are checked against these names, and the state arrays
use their order.
"""

from typing import Literal, get_args

from sim.kinds import ACTION_KIND_SPECS

MechanismId = Literal[
    "trilateral_exercises",
    "contingency_planning",
    "joint_statements",
    "gsomia",
    "acsa",
    "shuttle_diplomacy",
    "technology_partnership",
    "history_dialogue",
    "people_exchange",
    "crisis_consultation",
    "china_dialogue",
]
MECHANISMS: tuple[str, ...] = get_args(MechanismId)

Status = Literal["active", "suspended", "ended"]
STATUSES: tuple[str, ...] = get_args(Status)
ACTIVE, SUSPENDED, ENDED = range(3)

Hook = Literal[
    "coordination",
    "deterrence",
    "coercion_shield",
    "wedge_shield",
    "dispute_damping",
    "spillover_shield",
    "trust_repair",
    "opinion_repair",
    "threat_alignment",
    "consultation",
]
HOOKS: tuple[str, ...] = get_args(Hook)

EventKind = Literal[
    "military_drill",
    "blockade",
    "missile_test",
    "adiz_incursion",
    "joint_air_patrol",
    "tourism_ban",
    "export_ban",
    "boycott",
    "wedge_inducement",
    "joint_criticism_invitation",
    "court_ruling",
    "agreement_unravels",
    "territorial_incident",
    "allied_export_controls",
    "leadership_change",
    "us_demand",
    "summit",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)

Channel = Literal[
    "crisis",
    "dispute",
    "dispute_if_taken",
    "pressure",
    "inducement",
    "demand",
    "threat",
    "trust_to_source",
    "opinion_to_source",
    "trust_among",
    "opinion_among",
    "resolve",
    "cost",
]
CHANNELS: tuple[str, ...] = get_args(Channel)

#: Action kinds, declared with their menus, rules and prose in `sim.kinds` (the registry);
#: this is their names in kind-index order.
ACTION_KINDS: tuple[str, ...] = tuple(spec.name for spec in ACTION_KIND_SPECS)
ActionKind = Literal[ACTION_KINDS]  # type: ignore[valid-type]

Theatre = Literal["taiwan", "peninsula", "territory", "trade"]
THEATRES: tuple[str, ...] = get_args(Theatre)

Term = Literal["security", "economy", "autonomy", "approval", "alliance"]
TERMS: tuple[str, ...] = get_args(Term)

Feature = Literal[
    "one",
    "crisis",
    "threat_prc",
    "exposure_prc",
    "opinion_prc",
    "opinion_allies",
    "trust_usa",
    "resolve",
    "demand",
    "dispute_heat",
    "coordination",
    "readiness",
    "crisis_threat",
    "dispute",
    "coercion_pain",
    "fatigue",
    "wedge_pull",
    "threat_target",
    "target_exposure",
    "opinion_target",
    "grievance_target",
    "ally_trust_target",
    "target_is_ally",
    "distrust_target",
    "allies_rift",
    "mechanism_security",
    "opinion_members",
    "member_trust",
    "mechanism_gap",
    "target_trust_usa",
    "target_demand",
    "target_exposure_prc",
    "own_exposure_target",
    "target_concession_odds",
    "target_rift",
    "target_wedge_odds",
    "allied_cohesion",
    "crisis_cohesion",
    "assured_stake",
    "left_exposed",
    "partners_join",
    "joint_answer",
    "expected_support",
    "support_need",
    "urged_mechanism",
    "urged_partner",
    "target_urged",
    "press_stake",
    "press_rift",
    "mechanism_repair",
    "exposed_dispute",
    # Beijing's aims (agents/utility.py, BEIJING_AIMS)
    "concession_prize",
    "bullying",
    "target_goodwill",
]
FEATURES: tuple[str, ...] = get_args(Feature)
