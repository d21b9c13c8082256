"""Parameters as data: the schema of the defaults, and overrides by path.

The defaults live in ``sim/data/world.yaml`` (the starting world, under ``world``)
and ``sim/data/parameters.yaml`` (every coefficient). A scenario's ``parameters:``
block, a ``--set PATH=VALUE`` flag and a sweep all change values by the same dotted
path, e.g. ``opinion.loss`` or ``world.trust.ROK.JPN``.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from sim.actors import ACTORS, ActorName
from sim.errors import InputError, Problem
from sim.timescale import RATE_KINDS, matching_paths
from sim.validation import explain
from sim.vocab import CHANNELS, ActionKind, EventKind, Feature, Hook, MechanismId, Status, Term, Theatre
from sim.yamlio import Path_, dotted, line_of, load_yaml, parse_value

DATA_DIR = Path(__file__).parent / "data"
WORLD_FILE = DATA_DIR / "world.yaml"
PARAMETERS_FILE = DATA_DIR / "parameters.yaml"
GOVERNMENTS_FILE = DATA_DIR / "governments.yaml"

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
Signed = Annotated[float, Field(ge=-10.0, le=10.0, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base for every parameter model: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


ActorMatrix = dict[ActorName, dict[ActorName, Unit]]


class Government(Strict):
    """One government in the resolve table (governments.yaml), with its coding's source."""

    actor: ActorName
    leader: str = Field(min_length=1)
    term: str = Field(min_length=1)
    line: Annotated[int, Field(ge=-1, le=1)]
    source: str = Field(min_length=1)


class ResolveRule(Strict):
    """resolve = base + step x line + great_power_bonus x (actor is a great power)."""

    base: Unit
    step: Unit
    great_power_bonus: Unit
    great_powers: list[ActorName]


class GovernmentTable(Strict):
    """governments.yaml: the one coding rule and every government it is applied to."""

    rule: ResolveRule
    governments: dict[str, Government]

    def resolve(self, government: str) -> float:
        """The coded resolve of a government, clipped to [0, 1].

        Raises:
            KeyError: for a government not in the table.
        """
        g = self.governments[government]
        r = self.rule
        return min(
            max(r.base + r.step * g.line + r.great_power_bonus * (g.actor in r.great_powers), 0.0), 1.0
        )

    def known(self, actor: str) -> list[str]:
        """The governments of one actor's seat, in file order."""
        return [k for k, g in self.governments.items() if g.actor == actor]


@cache
def government_table() -> GovernmentTable:
    """The validated resolve table (sim/data/governments.yaml)."""
    data, _ = load_yaml(GOVERNMENTS_FILE)
    return GovernmentTable.model_validate(data, strict=True)


def _known_government(government: str) -> str:
    table = government_table()
    if government not in table.governments:
        raise ValueError(f"is not in {GOVERNMENTS_FILE.name}; known: {', '.join(table.governments)}")
    return government


class World(Strict):
    """The starting world: views each actor holds of the others, and tension levels."""

    trust: ActorMatrix
    opinion: ActorMatrix
    threat: ActorMatrix
    exposure: ActorMatrix
    governments: dict[ActorName, Annotated[str, AfterValidator(_known_government)]]
    resolve: dict[ActorName, Unit]
    crisis: Unit
    dispute: Unit

    @model_validator(mode="after")
    def _complete(self) -> World:
        for name in ("trust", "opinion", "threat", "exposure"):
            matrix = getattr(self, name)
            for holder in ACTORS:
                want = {a for a in ACTORS if a != holder}
                have = set(matrix.get(holder, {}))
                if have != want:
                    raise ValueError(
                        f"{name}.{holder} must give a value for each of "
                        f"{', '.join(sorted(want))} (has: {', '.join(sorted(have)) or 'none'})"
                    )
        if set(self.resolve) != set(ACTORS):
            raise ValueError(f"resolve must give a value for each of {', '.join(ACTORS)}")
        table = government_table()
        for actor, government in self.governments.items():
            if table.governments[government].actor != actor:
                raise ValueError(
                    f"governments.{actor}: {government!r} is not a government of {actor} in "
                    f"{GOVERNMENTS_FILE.name}; known: {', '.join(table.known(actor))}"
                )
        if set(self.governments) != set(ACTORS):
            raise ValueError(f"governments must name who governs each of {', '.join(ACTORS)}")
        return self


class Preferences(Strict):
    """Weights over the five utility terms."""

    security: NonNeg
    economy: NonNeg
    autonomy: NonNeg
    approval: NonNeg
    alliance: NonNeg


class ActorParams(Strict):
    """An actor's decision parameters."""

    preferences: Preferences
    temperature: Annotated[float, Field(ge=0.001, le=10.0)]


#: A move's probability for a type of partner: never 0 or 1, so no move is proof.
Likelihood = Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)]


class TrustParams(Strict):
    """Coefficients of the trust update (MODEL.md, Trust; `sim.belief`)."""

    answer_if_trustworthy: Likelihood
    answer_if_untrustworthy: Likelihood
    defect_if_trustworthy: Likelihood
    defect_if_untrustworthy: Likelihood
    friendly_if_trustworthy: Likelihood
    friendly_if_untrustworthy: Likelihood
    hostile_if_trustworthy: Likelihood
    hostile_if_untrustworthy: Likelihood
    type_change: Annotated[float, Field(ge=0.0, le=0.5, allow_inf_nan=False)]
    retaliation: NonNeg
    repair: NonNeg
    broker: NonNeg
    suspension: NonNeg
    investment: NonNeg
    coercion_resentment: NonNeg
    inducement_warmth: NonNeg
    bullying_solidarity: NonNeg
    dispute_erosion: NonNeg
    dispute_ties: NonNeg
    dispute_chill: Unit
    hedging: NonNeg
    quasi_alliance_fear: NonNeg
    quasi_alliance_friction: NonNeg
    quasi_alliance_anchor: Unit

    @model_validator(mode="after")
    def _room_for_other_moves(self) -> TrustParams:
        """Each type's answer and defection leave room for any other move."""
        for kind in ("trustworthy", "untrustworthy"):
            total = getattr(self, f"answer_if_{kind}") + getattr(self, f"defect_if_{kind}")
            if total >= 1.0:
                raise ValueError(
                    f"answer_if_{kind} + defect_if_{kind} must be below 1 (the rest is any other move); "
                    f"got {total:g}"
                )
        return self


class OpinionParams(Strict):
    """Coefficients of the public-opinion update (MODEL.md, Opinion)."""

    gain: Unit
    loss: Unit
    dispute: NonNeg
    coercion: NonNeg
    retaliation: NonNeg
    repair: NonNeg


class TensionParams(Strict):
    """Coefficients of the tension levels (MODEL.md, Tension)."""

    crisis_decay: Unit
    pressure_decay: Unit
    inducement_decay: Unit
    dispute_decay: Unit
    grievance_decay: Unit
    demand_decay: Unit
    military_pressure: Unit
    de_escalation: Unit
    coercion: Unit
    inducement: Unit
    concession_relief: Unit
    retaliation_heat: Unit
    repair_cooling: Unit
    coordinated_deterrence: Unit
    threat_from_crisis: Unit
    threat_from_coercion: Unit
    threat_relaxation: Unit
    diversification: Unit
    coercion_cost: NonNeg
    retaliation_cost: NonNeg


class Thresholds(Strict):
    """Levels that open options or count a turn as a crisis."""

    pressure: Unit
    crisis: Unit
    dispute: Unit
    inducement: Unit


class Mechanism(Strict):
    """A cooperation mechanism: its members, starting state and dynamics."""

    title: str
    members: list[ActorName] = Field(min_length=1)
    strength: Unit
    status: Status
    decay: Unit
    invest_gain: Unit
    stress: NonNeg
    lapse_below: Unit
    concession_stress: Unit
    notice_period: Annotated[int, Field(ge=1, le=1000)]
    salience: Unit
    effects: dict[Hook, NonNeg]


class MechanismRules(Strict):
    """Rules shared by all mechanisms."""

    suspended_decay: Unit
    spillover: NonNeg
    press: Unit
    press_decay: Unit


#: An event kind's effect per unit of magnitude on each channel; the channels are
#: `sim.vocab.CHANNELS`, listed once there (each defaults to 0).
EventEffect = create_model(
    "EventEffect",
    __base__=Strict,
    __doc__="An event kind's effect per unit of magnitude on each channel (sim.vocab.CHANNELS).",
    **{channel: (Signed, 0.0) for channel in CHANNELS},
)


class Weights(Strict):
    """Non-negative weights of a weighted mean: at least one must be positive."""

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if not any(getattr(self, name) > 0 for name in type(self).model_fields):
            raise ValueError("at least one weight must be above 0")
        return self


class CohesionWeights(Weights):
    """Weights of the per-turn cohesion index."""

    trust: NonNeg
    mechanisms: NonNeg
    alignment: NonNeg
    coordination: NonNeg


class IndexWeights(Weights):
    """Weights of the 0-100 resilience index."""

    cohesion: NonNeg
    mechanisms: NonNeg
    coordinated_response: NonNeg
    wedge_resistance: NonNeg
    coercion_resistance: NonNeg


class Scoring(Strict):
    """Score weights."""

    cohesion: CohesionWeights
    index: IndexWeights


class Assurance(Strict):
    """The coordination game's solver and the allies' stakes (MODEL.md, §6.6)."""

    rounds: Annotated[int, Field(ge=0, le=1000)]
    damping: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)]
    tolerance: Annotated[float, Field(ge=0.0, le=0.1, allow_inf_nan=False)]
    theatre: Theatre
    stakes: dict[ActorName, dict[Theatre, Unit]]
    patron_weight: Unit


class Parameters(Strict):
    """Every coefficient of the model, plus the starting world."""

    world: World
    actors: dict[ActorName, ActorParams]
    trust: TrustParams
    opinion: OpinionParams
    tension: TensionParams
    thresholds: Thresholds
    mechanisms: dict[MechanismId, Mechanism]
    mechanism_rules: MechanismRules
    events: dict[EventKind, EventEffect]
    utility: dict[ActionKind, dict[Term, dict[Feature, Signed]]]
    assurance: Assurance
    scoring: Scoring


@cache
def _default_files() -> tuple[dict[str, Any], dict[str, Any]]:
    world, _ = load_yaml(WORLD_FILE)
    rest, _ = load_yaml(PARAMETERS_FILE)
    rates = rest.pop("per_month", {})
    _code_resolve(world, set())
    return {"world": world, **rest}, rates


def _code_resolve(world: Any, kept: set[str]) -> None:
    """Fill ``world["resolve"]`` from who governs, by the one rule of governments.yaml.

    Args:
        world: The world tree (mutated).
        kept: Actors whose resolve was set explicitly (``--set``, a sweep): left alone.
    """
    if not isinstance(world, dict) or not isinstance(world.get("governments"), dict):
        return
    table = government_table()
    resolve = world.setdefault("resolve", {})
    if not isinstance(resolve, dict):
        return
    for actor, government in world["governments"].items():
        if actor not in kept and isinstance(government, str) and government in table.governments:
            resolve[actor] = table.resolve(government)


def _default_tree() -> dict[str, Any]:
    return _default_files()[0]


@cache
def rate_declarations() -> dict[str, str]:
    """Which coefficients are per-month rates, and of what kind.

    Read from ``per_month:`` in parameters.yaml: dotted path pattern (``*`` for any
    key) to ``share``, ``amount`` or ``months``; see `sim.timescale`.

    Raises:
        ValueError: if a pattern names no parameter, or is declared twice.
    """
    out: dict[str, str] = {}
    tree = _default_tree()
    for kind, patterns in _default_files()[1].items():
        if kind not in RATE_KINDS:
            raise ValueError(
                f"{PARAMETERS_FILE}: per_month.{kind}: unknown kind; allowed: {', '.join(RATE_KINDS)}"
            )
        for pattern in patterns:
            if pattern in out:
                raise ValueError(f"{PARAMETERS_FILE}: per_month: {pattern} is declared twice")
            if not matching_paths(tree, tuple(pattern.split("."))):
                raise ValueError(f"{PARAMETERS_FILE}: per_month: {pattern} names no parameter")
            out[pattern] = kind
    return out


def default_tree() -> dict[str, Any]:
    """A fresh, mutable copy of the default parameter tree (plain dicts and lists)."""
    return copy.deepcopy(_default_tree())


def default_parameters() -> Parameters:
    """The validated default parameters."""
    return build_parameters([])


def parse_path(text: str) -> tuple[str, ...]:
    """Split a dotted parameter path (``opinion.loss``); `build_parameters` refuses empty segments."""
    return tuple(part.strip() for part in text.strip().split("."))


#: Sections whose entries the defaults may leave out (an event kind's unused channels,
#: a mechanism's unused effects, utility terms and features): a path may add one.
_OPEN_SECTIONS = (
    ("events", "*"),
    ("mechanisms", "*", "effects"),
    ("utility",),
    ("utility", "*"),
    ("utility", "*", "*"),
)


def _open(section: tuple[str, ...]) -> bool:
    return any(
        len(p) == len(section) and all(a in ("*", b) for a, b in zip(p, section, strict=True))
        for p in _OPEN_SECTIONS
    )


@cache
def _default_values() -> dict[str, Any]:
    return default_parameters().model_dump()


def value_type(path: tuple[str, ...]) -> type | None:
    """The type the schema gives the value at ``path``: float, int, str, list or bool.

    Read from the validated defaults, so a number written ``1`` in the data files is
    still a float. A path the defaults leave out inside an open section (an event
    kind's channel, a mechanism's effect, a utility term) is a number.

    Returns:
        The type, or None for an unknown path or a whole section.
    """
    node: Any = _default_values()
    for depth, key in enumerate(path):
        if not isinstance(node, dict):
            return None
        if key not in node:
            return float if _open(path[:depth]) else None
        node = node[key]
    return None if isinstance(node, dict) else type(node)


def set_path(tree: dict[str, Any], path: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """Find where ``path`` lives in ``tree``.

    Missing entries are created inside the open sections (`_OPEN_SECTIONS`); the
    schema then decides whether their names are allowed.

    Returns:
        The mapping that holds the last key, and that key.

    Raises:
        KeyError: with a message naming the first unknown segment and what is allowed.
    """
    node: Any = tree
    for depth, key in enumerate(path):
        where = ".".join(path[:depth]) or "the top level"
        if not isinstance(node, dict):
            raise KeyError(f"'{'.'.join(path[:depth])}' holds a single value, not a section")
        if key not in node:
            if not _open(path[:depth]):
                allowed = ", ".join(str(k) for k in node) or "nothing"
                raise KeyError(f"no parameter '{key}' under {where}; allowed there: {allowed}")
            if depth < len(path) - 1:
                node[key] = {}  # validation then checks the new name against the schema
        if depth == len(path) - 1:
            return node, key
        node = node[key]
    raise KeyError("the parameter path is empty")


Override = tuple[tuple[str, ...], Any, str, int | None]
"""(path, value, source, line): one override and where it came from."""


def flatten_overrides(
    block: Any, source: str, lines: dict[Path_, int], prefix: Path_ = ("parameters",)
) -> list[Override]:
    """Turn a ``parameters:`` mapping into leaf overrides with their lines.

    A key may be a name or a dotted path, so ``opinion: {loss: 0.4}`` and
    ``opinion.loss: 0.4`` are the same override; writing one parameter twice, in
    either form, is refused. A leaf is any non-mapping value, so a whole list (e.g.
    mechanism members) is replaced at once.

    Args:
        block: The mapping (``scenario.parameters``, a sweep file's ``parameters``).
        source: The file it came from.
        lines: The file's line map (`sim.yamlio.load_yaml`).
        prefix: Where ``block`` sits in the file.

    Raises:
        InputError: naming each parameter written twice, with both lines.
    """
    out: list[Override] = []
    seen: dict[tuple[str, ...], int | None] = {}
    problems: list[Problem] = []

    def walk(node: Any, at: Path_, path: tuple[str, ...]) -> None:
        if isinstance(node, dict) and (node or not path):
            for key, value in node.items():
                walk(value, at + (key,), path + parse_path(str(key)))
            return
        line = line_of(lines, at)
        if path in seen:
            earlier = f" (also set at line {seen[path]})" if seen[path] else ""
            problems.append(
                Problem(
                    source,
                    line,
                    "parameters." + ".".join(path),
                    node,
                    f"is set twice{earlier}; 'a.b: x' and 'a: {{b: x}}' name the same parameter, keep one",
                )
            )
        seen[path] = line
        out.append((path, node, source, line))

    walk(block, prefix, ())
    if problems:
        raise InputError(problems)
    return out


def build_parameters(overrides: list[Override]) -> Parameters:
    """Apply overrides to the defaults and validate the result.

    Args:
        overrides: (path, value, source, line) tuples, applied in order.

    Returns:
        The validated parameters.

    Raises:
        InputError: naming each bad path or value, its source and line.
    """
    tree = default_tree()
    origin: dict[tuple[str, ...], tuple[str, int | None]] = {}
    problems: list[Problem] = []
    given: set[tuple[tuple[str, ...], str]] = set()
    for path, value, source, line in overrides:
        label = ".".join(path)
        if isinstance(value, np.generic):  # a numpy scalar from the Python API: its Python value
            value = value.item()
        elif isinstance(value, tuple):  # ("ROK", "JPN") from the Python API is a list
            value = list(value)
        if any(not part for part in path):
            problems.append(Problem(source, line, f"parameters.{label}", value, "has an empty segment"))
            continue
        if (path, source) in given:
            problems.append(
                Problem(source, line, f"parameters.{label}", value, f"is set twice by {source}; keep one")
            )
            continue
        given.add((path, source))
        try:
            holder, key = set_path(tree, path)
        except KeyError as exc:
            problems.append(Problem(source, line, f"parameters.{label}", value, exc.args[0]))
            continue
        if isinstance(holder.get(key), dict) and not isinstance(value, dict):
            allowed = ", ".join(str(k) for k in holder[key])
            problems.append(
                Problem(
                    source,
                    line,
                    f"parameters.{label}",
                    value,
                    f"is a section, not a value; set one of its keys: {allowed}",
                )
            )
            continue
        if path[:2] == ("world", "governments") and len(path) == 3:
            seat = government_table().governments.get(value) if isinstance(value, str) else None
            if seat is not None and seat.actor != path[2]:
                known = ", ".join(government_table().known(path[2]))
                problems.append(
                    Problem(
                        source,
                        line,
                        f"parameters.{label}",
                        value,
                        f"governs {seat.actor}, not {path[2]}; known for {path[2]}: {known}",
                    )
                )
                continue
        holder[key] = value
        origin[path] = (source, line)
    if problems:
        raise InputError(problems)
    # Resolve follows who governs, unless a value was set explicitly for a what-if.
    kept = (
        set(ACTORS)
        if ("world", "resolve") in origin
        else {p[2] for p in origin if p[:2] == ("world", "resolve")}
    )
    _code_resolve(tree.get("world"), kept)
    try:
        return Parameters.model_validate(tree, strict=True)
    except ValidationError as exc:
        raise InputError(_problems_from(exc, origin)) from None


def _problems_from(
    exc: ValidationError, origin: dict[tuple[str, ...], tuple[str, int | None]]
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        shown = tuple(p for p in err["loc"] if p != "[key]")  # list indexes stay ints: members[1]
        loc = tuple(str(p) for p in shown)
        source, line = str(PARAMETERS_FILE), None
        for cut in range(len(loc), 0, -1):
            if loc[:cut] in origin:
                source, line = origin[loc[:cut]]
                break
        value = err.get("input")
        problems.append(Problem(source, line, "parameters." + dotted(shown), value, explain(err)))
    return problems


def parse_set_flag(text: str) -> Override:
    """Parse one ``--set PATH=VALUE`` flag.

    The value is read by the same rules as a scenario file (`sim.yamlio.parse_value`):
    ``0.3``, ``1e-1``, ``suspended``, ``[ROK, JPN]``; ``yes`` is a word, not true.
    """
    if "=" not in text:
        raise InputError.one("--set", "expected PATH=VALUE, e.g. --set opinion.loss=0.4", value=text)
    path_text, _, raw = text.partition("=")
    path = parse_path(path_text)
    if any(not part for part in path):
        raise InputError.one("--set", "the parameter path has an empty segment", value=path_text)
    return (path, parse_value(raw, "--set", path=path_text.strip()), "--set", None)
