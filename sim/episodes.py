"""Rules for validation files: observable inputs, and no scripted outcomes.

A scenario with `expectations:` tests the model only if its inputs are observables
and its events do not write what its checks measure.

Three rules, checked when such a file is loaded (each breach is an `InputError`
naming the file and line):

1. Under `parameters:` it sets only the observables declared in
   ``sim/data/observables.yaml`` (trade shares, polls, who governs, mechanisms in
   force...), never a coefficient or `world.resolve`.
2. A `leadership_change` names the incoming `government:`, so that resolve follows
   the one coding rule of ``sim/data/governments.yaml``.
3. No scripted event acts directly on a quantity the file's own checks measure: an
   event's `mechanism_effect` on a mechanism whose status or strength a check reads
   is refused, unless it fires after the last turn the check reads, or it puts the
   mechanism in force (`activate`, `strengthen`) before the first; a `government:`
   change is refused for an actor whose resolve a check reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

from sim.errors import InputError, Problem
from sim.params import DATA_DIR, Override, Parameters
from sim.timescale import matching_paths
from sim.yamlio import Path_, dotted, line_of, load_yaml

if TYPE_CHECKING:
    from sim.expectations import Check, Expectations


class Event(Protocol):
    """What these checks read of a scenario event (`sim.scenario.Event`).

    Declared structurally: `sim.scenario` calls this module while validating, so this
    module must not import it back.
    """

    id: str | None
    kind: str
    turn: int
    until: int | None
    government: str | None
    mechanism: str | None
    mechanism_effect: str | None
    dependence: float | None

    @property
    def scheduled(self) -> bool:
        """Whether the event fires on its turn unconditionally."""
        ...


class Scenario(Protocol):
    """What these checks read of a scenario (`sim.scenario.Scenario`)."""

    turns: int
    expectations: Expectations | None

    @property
    def events(self) -> Sequence[Event]:
        """The scenario's events, in file order."""
        ...


OBSERVABLES_FILE = DATA_DIR / "observables.yaml"
_CREATION = ("activate", "strengthen")


@cache
def observable_patterns() -> tuple[tuple[str, ...], ...]:
    """The path patterns a validation file may set (``observables.yaml``)."""
    data, _ = load_yaml(OBSERVABLES_FILE)
    return tuple(tuple(p.split(".")) for p in data["observables"])


def is_observable(path: tuple[str, ...]) -> bool:
    """Whether a parameter path is one a validation file may set."""
    tree: dict = {}
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if path:
        node[path[-1]] = 0
    return any(matching_paths(tree, pattern) == [path] for pattern in observable_patterns())


def check_validation_file(
    scenario: Scenario, own: list[Override], source: str, lines: dict[Path_, int]
) -> None:
    """Refuse a validation file that sets unobservables or scripts what it measures.

    Does nothing for a scenario without `expectations:`.

    Args:
        scenario: The validated scenario.
        own: Its own ``parameters:`` overrides, with their lines.
        source: How errors name the file.
        lines: Field path to line, from the YAML parse.

    Raises:
        InputError: one problem per breach, each with file, line, field and value.
    """
    if scenario.expectations is None:
        return
    problems: list[Problem] = []
    for path, value, _, line in own:
        if not is_observable(path):
            problems.append(
                Problem(
                    source,
                    line,
                    "parameters." + ".".join(path),
                    value,
                    "a file with expectations may set only observables (sim/data/observables.yaml: "
                    "trade shares, polls, who governs, mechanisms in force); resolve follows "
                    "`world.governments`, coefficients keep their defaults",
                )
            )
    checks = scenario.expectations.checks
    for i, event in enumerate(scenario.events):
        where: Path_ = ("events", i)
        if event.kind == "leadership_change" and event.government is None:
            problems.append(
                Problem(
                    source,
                    line_of(lines, where + ("kind",)),
                    dotted(where),
                    event.id or event.kind,
                    "a leadership_change in a file with expectations must name the incoming "
                    "`government:` (sim/data/governments.yaml), so resolve follows the coding rule",
                )
            )
        for check in checks:
            clash = acts_on(event, check, scenario.turns)
            if clash:
                problems.append(
                    Problem(
                        source,
                        line_of(lines, where + (clash,)),
                        dotted(where + (clash,)),
                        getattr(event, clash),
                        f"acts directly on what the check '{check.name}' measures; scripted events "
                        "may not write a file's own outcomes",
                    )
                )
    if problems:
        raise InputError(problems)


def _reads(check: Check, turns: int) -> tuple[int, int]:
    """The first and last turn whose state a check reads (0: the world before turn 1)."""
    if check.is_outcome:
        return check.from_turn, check.by_turn or turns
    last = check.at or turns
    return (0 if check.change else last), last


def acts_on(event: Event, check: Check, turns: int) -> str | None:
    """The event field that writes what ``check`` measures, or None."""
    first, last = _reads(check, turns)
    measures_mechanism = check.metric in ("mechanism_status", "strength") and check.mechanism is not None
    if event.mechanism is not None and measures_mechanism and event.mechanism == check.mechanism:
        after = event.turn > last and event.scheduled
        in_force_before = event.mechanism_effect in _CREATION and (event.until or event.turn) < first
        if not (after or in_force_before):
            return "mechanism_effect"
    if event.government is not None and check.metric == "resolve" and (event.until or event.turn) <= last:
        from sim.params import government_table

        if government_table().governments[event.government].actor == check.actor:
            return "government"
    return None


def check_dependence(
    scenario: Scenario, parameters: Parameters, source: str, lines: dict[Path_, int]
) -> None:
    """A `dependence:` belongs on a measure that adds pressure, against Beijing's target.

    Raises:
        InputError: naming the event's line, for a `dependence:` on an event kind whose
            `pressure` coefficient is 0 (it would weigh nothing).
    """
    problems = []
    for i, event in enumerate(scenario.events):
        if event.dependence is None:
            continue
        effect = parameters.events.get(event.kind)
        if effect is None or effect.pressure <= 0:
            squeezing = ", ".join(k for k, e in parameters.events.items() if e.pressure > 0)
            path: Path_ = ("events", i, "dependence")
            problems.append(
                Problem(
                    source,
                    line_of(lines, path),
                    dotted(path),
                    event.dependence,
                    f"applies only to measures that add pressure ({squeezing}); '{event.kind}' adds none",
                )
            )
    if problems:
        raise InputError(problems)
