"""Scenario files: YAML read into pydantic models, with errors that name file and line."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.actors import ActorName
from sim.episodes import check_dependence, check_validation_file
from sim.errors import MISSING, FieldError, InputError, Problem
from sim.expectations import Expectations
from sim.params import Override, Parameters, build_parameters, flatten_overrides
from sim.validation import explain
from sim.vocab import EventKind, MechanismId, Status
from sim.yamlio import Path_, dotted, line_of, parse_yaml, read_text

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SCHEMA_FILE = SCENARIO_DIR / "scenario.schema.json"
MAX_TURNS = 60

Turn = Annotated[int, Field(ge=1, le=MAX_TURNS)]


class Strict(BaseModel):
    """Base for scenario models: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Metric = Literal[
    "trust",
    "opinion",
    "threat",
    "crisis",
    "dispute",
    "pressure",
    "mechanism_strength",
    "mechanism_status",
]


class Condition(Strict):
    """A test on the state at the start of a turn, evaluated per run.

    Examples: ``{metric: trust, of: ROK, toward: JPN, below: 0.25}``,
    ``{metric: crisis, above: 0.5}``, ``{metric: mechanism_status, mechanism: gsomia, status: suspended}``.
    """

    metric: Metric
    of: ActorName | None = Field(
        None, description="holder of the view (trust, opinion, threat) or the pressured actor"
    )
    toward: ActorName | None = Field(None, description="object of the view (trust, opinion, threat)")
    mechanism: MechanismId | None = None
    below: float | None = Field(None, ge=0.0, le=1.0)
    above: float | None = Field(None, ge=0.0, le=1.0)
    status: Status | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> Condition:
        needs = {
            "trust": ("of", "toward"),
            "opinion": ("of", "toward"),
            "threat": ("of", "toward"),
            "pressure": ("of",),
            "mechanism_strength": ("mechanism",),
            "mechanism_status": ("mechanism", "status"),
        }.get(self.metric, ())
        missing = [f for f in needs if getattr(self, f) is None]
        if missing:
            raise FieldError(missing[0], f"is required for metric '{self.metric}'")
        if self.of is not None and self.of == self.toward:
            raise FieldError("toward", "'of' and 'toward' must be different actors")
        if self.metric != "mechanism_status" and (self.below is None) == (self.above is None):
            raise FieldError("metric", "give exactly one of 'below' or 'above'")
        return self


class Event(Strict):
    """An inject: what happens, to whom, when, and the briefing text players read."""

    id: str | None = Field(None, description="short name; defaults to kind and position")
    kind: EventKind
    headline: str = Field(min_length=1)
    briefing: str = Field(min_length=1)
    turn: Turn = Field(description="turn it happens on; for `when`/`chance` events the first turn it may")
    until: Turn | None = Field(
        None, description="last turn a `when`/`chance` event may fire (default: the last turn)"
    )
    when: Condition | None = None
    chance: float | None = Field(None, ge=0.0, le=1.0, description="per-turn probability while allowed")
    repeat: bool = Field(False, description="may fire again on later turns (`when`/`chance` only)")
    source: ActorName = "PRC"
    targets: list[ActorName] = Field(min_length=1)
    magnitude: float = Field(ge=-1.0, le=1.0)
    mechanism: MechanismId | None = None
    mechanism_effect: Literal["suspend", "end", "weaken", "strengthen", "activate"] | None = None
    government: str | None = Field(
        None,
        description="for leadership_change: the incoming government of one target "
        "(sim/data/governments.yaml); its coded resolve replaces that target's, and the "
        "kind's resolve channel does not act",
    )
    dependence: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="for coercive measures: the targets' sourced dependence on what the measure cuts "
        "(e.g. 0.9 for rare earths in 2010); default: their trade exposure to the source",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.magnitude < 0 and self.kind != "leadership_change":
            raise FieldError("magnitude", "must be in [0, 1] (only leadership_change may be negative)")
        if (self.mechanism is None) != (self.mechanism_effect is None):
            missing = "mechanism" if self.mechanism is None else "mechanism_effect"
            raise FieldError(missing, "give 'mechanism' and 'mechanism_effect' together")
        if self.until is not None and self.until < self.turn:
            raise FieldError("until", f"is before turn ({self.turn})")
        if (self.until is not None or self.repeat) and self.when is None and self.chance is None:
            raise FieldError(
                "until" if self.until is not None else "repeat",
                "'until' and 'repeat' apply only to events with 'when' or 'chance'",
            )
        if len(set(self.targets)) != len(self.targets):
            raise FieldError("targets", "repeat an actor; name each once")
        if self.government is not None:
            _check_government(self)
        return self

    @property
    def scheduled(self) -> bool:
        """True when the event fires on its turn in every run."""
        return self.when is None and self.chance is None


def _check_government(event: Event) -> None:
    from sim.params import government_table

    table = government_table()
    if event.kind != "leadership_change":
        raise FieldError("government", "applies only to leadership_change events")
    seat = table.governments.get(event.government or "")
    if seat is None or seat.actor not in event.targets:
        known = ", ".join(g for t in event.targets for g in table.known(t))
        raise FieldError(
            "government", f"is not a government of a target ({', '.join(event.targets)}); known: {known}"
        )


class Scenario(Strict):
    """A scenario file."""

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    turns: Turn
    turn_length: str = Field(
        "1 month", description="'N days', 'N weeks' or 'N months'; rates are scaled to it"
    )
    briefings: dict[Turn, str] = Field(description="the situation briefing read at the start of each turn")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="overrides of the default parameters by path (see sim/data/*.yaml)",
    )
    events: list[Event] = Field(default_factory=list)
    expectations: Expectations | None = Field(
        None, description="outcomes an ensemble should show (see sim/expectations.py); run by `backtest`"
    )

    @field_validator("turn_length")
    @classmethod
    def _turn_length(cls, value: str) -> str:
        from sim.timescale import parse_turn_length

        parse_turn_length(value)  # a bad length raises with what is allowed
        return value

    @property
    def turn_months(self) -> float:
        """The turn length in months (`sim.timescale.parse_turn_length`)."""
        from sim.timescale import parse_turn_length

        return parse_turn_length(self.turn_length)

    @model_validator(mode="after")
    def _events_fit(self) -> Scenario:
        for i, event in enumerate(self.events):
            field = "until" if event.until is not None else "turn"
            last = event.until or event.turn
            if last > self.turns:
                raise FieldError(("events", i, field), f"is after the last turn ({self.turns})")
        for turn in self.briefings:
            if turn > self.turns:
                raise FieldError(("briefings", turn), f"is a briefing after the last turn ({self.turns})")
        missing = sorted({e.turn for e in self.events if e.scheduled} - set(self.briefings))
        if missing:
            raise FieldError("briefings", f"turns {missing} have events but no briefing")
        seen: set[str] = set()
        for i, event in enumerate(self.events):
            if event.id and event.id in seen:
                raise FieldError(("events", i, "id"), "is used twice; event ids must be unique")
            seen.add(event.id or "")
        for i, check in enumerate(self.expectations.checks if self.expectations else []):
            where = ("expectations", "checks", i)
            for field in ("from_turn", "by_turn", "at"):
                turn = getattr(check, field)
                if turn is not None and turn > self.turns:
                    raise FieldError((*where, field), f"is after the last turn ({self.turns})")
            if check.event is not None and check.event not in self.event_ids():
                known = ", ".join(self.event_ids()) or "none"
                raise FieldError((*where, "event"), f"names no event of this scenario; its events: {known}")
        return self

    def event_ids(self) -> list[str]:
        """Each event's id, defaulting to ``kind#position``."""
        return [e.id or f"{e.kind}#{i}" for i, e in enumerate(self.events)]


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with its effective parameters."""

    path: str
    scenario: Scenario
    parameters: Parameters
    sha256: str
    text: str
    #: The overrides applied on top of the file's own ``parameters:`` block (e.g.
    #: ``--set``), in order; kept so that adding more keeps these.
    overrides: tuple[Override, ...] = ()

    def with_overrides(self, overrides: list[Override]) -> LoadedScenario:
        """The same scenario with extra parameter overrides after the ones it has.

        Earlier overrides are kept: ``load_scenario(f, a).with_overrides(b)`` equals
        ``load_scenario(f, a + b)``.
        """
        if not overrides:
            return self
        combined = [*self.overrides, *overrides]
        if not self.text:  # built in memory, with no file text to parse again
            return replace(self, parameters=build_parameters(combined), overrides=tuple(combined))
        return parse_scenario(self.text, self.path, combined, path=self.path)

    @property
    def name(self) -> str:
        """The file's stem, e.g. ``taiwan_strait``."""
        return Path(self.path).stem


def resolve_path(name_or_path: str | Path) -> Path:
    """Accept a path, or the name of a bundled scenario (``taiwan_strait``)."""
    p = Path(name_or_path)
    if p.exists() or p.suffix:
        return p
    bundled = SCENARIO_DIR / f"{name_or_path}.yaml"
    return bundled if bundled.exists() else p


def load_scenario(path: str | Path, overrides: list[Override] | None = None) -> LoadedScenario:
    """Read, validate and parameterise a scenario file.

    Args:
        path: A scenario file, or the name of a bundled one.
        overrides: Extra ``(path, value, source, line)`` parameter overrides applied
            after the scenario's own (e.g. from ``--set``).

    Returns:
        The scenario and its effective parameters.

    Raises:
        InputError: every problem found, each with file, line, field path and value.
    """
    p = resolve_path(path)
    if not p.exists():
        raise InputError.one(str(path), not_found(str(path)))
    return parse_scenario(read_text(p), str(path), overrides, path=str(p))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, as `resolve_path` accepts them (``history/thaad_2016``)."""
    return sorted(str(f.relative_to(SCENARIO_DIR).with_suffix("")) for f in SCENARIO_DIR.rglob("*.yaml"))


def not_found(name: str) -> str:
    """The message for a missing scenario: 'no such file', with the nearest names (difflib).

    The nearest bundled names for a bare name, the nearest files beside it for a path.
    """
    p = Path(name)
    names = bundled_names()
    if p.suffix and p.parent.is_dir() and p.parent.resolve() != SCENARIO_DIR:
        near = [str(p.parent / f.name) for f in p.parent.glob(f"*{p.suffix}")]
        guesses = difflib.get_close_matches(name, near, n=3, cutoff=0.6)
    else:
        wanted = str(p.with_suffix("")) if p.suffix in (".yaml", ".yml") else name
        wanted = wanted.removeprefix("scenarios/")
        by_stem = {Path(n).name: n for n in names}
        guesses = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        guesses += [by_stem[g] for g in difflib.get_close_matches(Path(wanted).name, list(by_stem), n=3)]
        guesses = list(dict.fromkeys(guesses))[:3]
    missing = "no such file" if p.suffix else "no such file or bundled scenario"
    if guesses:
        return f"{missing}; did you mean {' or '.join(guesses)}?"
    return f"{missing}; the bundled scenarios are {', '.join(names)}"


def parse_scenario(
    text: str, source: str, overrides: list[Override] | None = None, path: str | None = None
) -> LoadedScenario:
    """Validate and parameterise scenario text; see `load_scenario`.

    Args:
        text: The YAML text.
        source: How errors name the text (usually its file name).
        overrides: Extra parameter overrides.
        path: The file it came from, if any.
    """
    data, lines = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise InputError.one(
            source, f"expected a mapping of scenario fields, got a {type(data).__name__}", line=1
        )
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        raise InputError(_problems(exc, source, lines, data)) from None
    own = flatten_overrides(scenario.parameters, source, lines, ("parameters",))
    check_validation_file(scenario, own, source, lines)
    parameters = build_parameters(own + list(overrides or []))
    check_dependence(scenario, parameters, source, lines)
    _check_actions(scenario, parameters, source, lines)
    return LoadedScenario(
        path=path or source,
        scenario=scenario,
        parameters=parameters,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        overrides=tuple(overrides or ()),
    )


def _problems(exc: ValidationError, source: str, lines: dict[Path_, int], data: Any) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc: Path_ = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc = loc + cause.field
        # pydantic puts union and literal branch names into loc; keep only real keys
        names_a_key = err["type"] in ("missing", "extra_forbidden") or isinstance(cause, FieldError)
        loc = _real_path(loc, data, names_a_key)
        value = err.get("input")
        if err["type"] == "missing" or isinstance(value, dict | list):
            value = MISSING  # a whole mapping says nothing; the message names the problem
        if isinstance(cause, FieldError):
            value = _at(data, loc)
        message = explain(err)
        problems.append(Problem(source, line_of(lines, loc), dotted(loc), value, message))
    return problems


def _check_actions(scenario: Scenario, parameters: Parameters, source: str, lines: dict[Path_, int]) -> None:
    """Action labels in expectations must be on the actor's menu."""
    from sim.actions import build_options
    from sim.actors import INDEX

    checks = scenario.expectations.checks if scenario.expectations else []
    wanted = [(i, c) for i, c in enumerate(checks) if c.action is not None]
    if not wanted:
        return
    options = build_options(parameters)
    problems = []
    for i, check in wanted:
        actor = INDEX[check.actor]
        if options.find(actor, check.action) is None:
            menu = options.slices[actor]
            labels = ", ".join(options.label(o) for o in range(menu.start, menu.stop))
            path = ("expectations", "checks", i, "action")
            problems.append(
                Problem(
                    source,
                    line_of(lines, path),
                    dotted(path),
                    check.action,
                    f"is not on {check.actor}'s menu: {labels}",
                )
            )
    if problems:
        raise InputError(problems)


def _at(data: Any, path: Path_) -> Any:
    """The value at ``path`` in the raw data (MISSING where there is none)."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def _real_path(loc: Path_, data: Any, names_a_key: bool = True) -> Path_:
    """The keys and indexes of ``loc`` that exist in ``data``, and a missing last key.

    pydantic also puts the names of union branches, literals and tags in a location
    (``vary.x.range.hi``); a name that is not in the data is one, unless it is the
    last and the error is about a key (``names_a_key``: missing, unknown, or named by
    a `FieldError`).
    """
    out: list[str | int] = []
    node = data
    last = len(loc) - 1
    for at, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isdigit() and int(part) in node:
            out.append(int(part))
            node = node[int(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and isinstance(part, str)
            and at == last
            and names_a_key
            and out[-1:] != [part]
        ):
            out.append(part)  # a missing key: name it
            node = None
    return tuple(out)
