"""The simulation as a Mesa model whose state carries a leading run axis.

An interactive session is an ensemble of one; a sweep chunk is an ensemble of
thousands. Either way::

    model = TrilateralModel("taiwan_strait", rng=7)
    while model.running:
        model.step()
    model.scores.index        # shape (1,)

Each turn: events fire and apply, every agent chooses (simultaneously, from the
same state), `adjudicate` resolves the moves, and the turn is scored.

A run is a value: `TrilateralModel.snapshot` hands back the whole end-of-turn state
(state arrays, scoring tallies, turn, seeds) as a frozen `Snapshot`, and
`TrilateralModel.from_snapshot` builds a model that continues from one, alone or
repeated along the run axis. ``play_turn(given={"ROK": 3})`` plays some actors' moves as
given (a human team's), and `inject` and `override` are the facilitator's hands on
the same engine. Randomness is counter-based, so a continued run draws exactly the
numbers the uninterrupted run would have drawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Literal

import mesa
import numpy as np

from agents import coordination
from agents.countries import COUNTRIES, Country
from agents.policies import Policy, choice_probabilities
from agents.utility import situation, utility_plan, utility_terms
from sim import events as ev
from sim import rng as draws_for
from sim import wedge
from sim.actions import attributed_moves, open_in
from sim.actors import ACTORS, INDEX
from sim.adjudication import Outcome, adjudicate
from sim.compiled import compile_parameters
from sim.mechanisms import Hooks, mechanism_hooks
from sim.params import Override
from sim.rulings import Value, apply_ruling
from sim.scenario import Event, LoadedScenario, load_scenario
from sim.scoring import Episodes, Scorecard, Tallies, cohesion, index_breakdown, scorecard
from sim.state import State, initial_state
from sim.turns import snapshot as turn_snapshot
from sim.vocab import ACTIVE

#: A given move: an index into the actor's menu, an option label such as
#: ``"repair JPN"``, or one menu index per run.
Move = int | str | np.ndarray


@dataclass(frozen=True)
class TurnRecord:
    """What one turn did, per run (arrays have a leading run axis).

    Attributes:
        turn: Turn number, from 1.
        fired: Events that fired, shape (n, events).
        outcome: The adjudicated moves.
        terms: Utility terms of each actor's chosen option, shape (n, actors, terms).
        probability: Probability the policy gave each chosen option, shape (n, actors).
        state: The state after the turn.
        runner_up: The open option the actor rated highest after its choice (global
            index, -1 when nothing else was open), shape (n, actors).
        runner_up_terms: Its utility terms, shape (n, actors, terms).
        runner_up_probability: The probability the policy gave it, shape (n, actors).
        margin: Utility of the choice minus the runner-up's (negative when the logit
            draw took a worse option; NaN without a runner-up), shape (n, actors).
        index: The resilience index of the turns played so far, shape (n,).
        after_events: The state the actors chose in (after the turn's injects, before
            the moves), for explanations of what the moves did.
    """

    turn: int
    fired: np.ndarray
    outcome: Outcome
    terms: np.ndarray
    probability: np.ndarray
    state: State
    runner_up: np.ndarray
    runner_up_terms: np.ndarray
    runner_up_probability: np.ndarray
    margin: np.ndarray
    index: np.ndarray
    after_events: State


@dataclass(frozen=True)
class Snapshot:
    """A run's (or an ensemble's) whole state at the end of a turn, as a value.

    Everything a model needs to continue exactly as if it had never stopped: the
    state arrays, the scoring tallies, the turn number, the seeds, the events
    injected so far and, optionally, the turn records. Arrays have a leading run
    axis (the tallies a leading turn axis, then runs); they are private copies.

    Attributes:
        turn: Turns played (0: before turn 1).
        seeds: Seed of each run, shape (n,).
        state: The state after ``turn``.
        start: The world before turn 1.
        cohesion: Cohesion after each turn played, shape (turn, n).
        status: Mechanism status after each turn played, shape (turn, n, mechanisms).
        initial_status: Status before turn 1, shape (n, mechanisms).
        live_strength: Sum over the turns played of strength x (status == active),
            shape (n, mechanisms) (the index's mechanism component).
        crisis_turns: Crisis turns so far, shape (n,).
        coordinated_turns: Crisis turns answered together so far, shape (n,).
        coercion: Beijing's coercion episodes so far.
        wedge: Beijing's wedge episodes so far.
        responding: Who answered together on the last turn, shape (n, actors)
            (needed to rescore that turn after a facilitator's ruling).
        injected: Events injected into the scenario so far, in order.
        history: The turn records, when the model kept them (empty otherwise).
        scenario_sha256: Hash of the scenario text the run plays.
    """

    turn: int
    seeds: np.ndarray
    state: State
    start: State
    cohesion: np.ndarray
    status: np.ndarray
    initial_status: np.ndarray
    live_strength: np.ndarray
    crisis_turns: np.ndarray
    coordinated_turns: np.ndarray
    coercion: Episodes
    wedge: Episodes
    responding: np.ndarray
    injected: tuple[Event, ...] = ()
    history: tuple[TurnRecord, ...] = ()
    scenario_sha256: str = ""

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return int(self.seeds.size)

    def digest(self) -> str:
        """SHA-256 of every array's bytes (state and tallies): equal digests, equal runs.

        The turn records are left out: they follow from the rest.
        """
        h = hashlib.sha256(f"turn={self.turn};".encode())
        arrays = [self.seeds, self.cohesion, self.status, self.initial_status, self.live_strength]
        arrays += [self.crisis_turns]
        arrays += [self.coordinated_turns, self.responding]
        arrays += [getattr(st, f.name) for st in (self.state, self.start) for f in fields(st)]
        arrays += [getattr(e, f.name) for e in (self.coercion, self.wedge) for f in fields(e)]
        for a in arrays:
            a = np.ascontiguousarray(a)
            h.update(f"{a.dtype.str}{a.shape};".encode())
            h.update(a.tobytes())
        for e in self.injected:
            h.update(e.model_dump_json().encode())
        return h.hexdigest()

    def with_events(self, events: Sequence[Event]) -> Snapshot:
        """This snapshot with more injected events, not yet fired.

        E.g. a session's injects added to its start, so that runs from the start meet
        them on their turns.
        """
        k = len(events)
        if not k:
            return self
        return replace(
            self,
            state=self.state.evolve(fired=_pad_fired(self.state.fired, k)),
            start=self.start.evolve(fired=_pad_fired(self.start.fired, k)),
            injected=(*self.injected, *events),
            history=tuple(replace(r, fired=_pad_fired(r.fired, k)) for r in self.history),
        )

    def repeat(self, runs: int) -> Snapshot:
        """This one-run snapshot repeated ``runs`` times along the run axis (same seed)."""
        if self.n_runs != 1:
            raise ValueError(f"only a one-run snapshot can be repeated; this one has {self.n_runs} runs")
        return Snapshot(
            turn=self.turn,
            seeds=np.repeat(self.seeds, runs),
            state=_repeat_state(self.state, runs),
            start=_repeat_state(self.start, runs),
            cohesion=np.repeat(self.cohesion, runs, axis=1),
            status=np.repeat(self.status, runs, axis=1),
            initial_status=np.repeat(self.initial_status, runs, axis=0),
            live_strength=np.repeat(self.live_strength, runs, axis=0),
            crisis_turns=np.repeat(self.crisis_turns, runs),
            coordinated_turns=np.repeat(self.coordinated_turns, runs),
            coercion=_repeat_episodes(self.coercion, runs),
            wedge=_repeat_episodes(self.wedge, runs),
            responding=np.repeat(self.responding, runs, axis=0),
            injected=self.injected,
            history=(),
            scenario_sha256=self.scenario_sha256,
        )


def _copy_state(s: State) -> State:
    return State(**{f.name: getattr(s, f.name).copy() for f in fields(s)})


def _repeat_state(s: State, runs: int) -> State:
    return State(**{f.name: np.repeat(getattr(s, f.name), runs, axis=0) for f in fields(s)})


def _repeat_episodes(e: Episodes, runs: int) -> Episodes:
    return Episodes(*(np.repeat(getattr(e, f.name), runs, axis=0) for f in fields(e)))


def _copy_episodes(e: Episodes) -> Episodes:
    return Episodes(*(getattr(e, f.name).copy() for f in fields(e)))


def _pad_fired(fired: np.ndarray, extra: int) -> np.ndarray:
    return np.concatenate([fired, np.zeros((fired.shape[0], extra), dtype=bool)], axis=1)


class TrilateralModel(mesa.Model):
    """Washington, Seoul, Tokyo and Beijing playing a scenario, for one or many runs."""

    def __init__(
        self,
        scenario: str | Path | LoadedScenario = "taiwan_strait",
        *,
        rng: int | None = None,
        seeds: Sequence[int] | np.ndarray | None = None,
        overrides: list[Override] | None = None,
        policies: dict[str, Policy] | None = None,
        keep_history: bool = True,
        collect: bool = True,
        trace: bool = False,
    ) -> None:
        """Build the model.

        Args:
            scenario: A loaded scenario, a scenario file, or a bundled scenario's name.
            rng: Seed of a single run (what `mesa.batch_run` passes).
            seeds: Seeds of an ensemble of runs (overrides ``rng``). Run k's results
                depend only on the scenario, its parameters and ``seeds[k]``.
            overrides: Parameter overrides ``(path, value, source, line)``.
            policies: Decision policy per actor code (default: the logit AI).
            keep_history: Keep every turn's full record (for narrative and tables).
            collect: Record cohesion and index in the Mesa DataCollector each turn.
            trace: Keep a compact per-turn trace (`sim.turns.snapshot`: the
                columns of the per-turn table) in ``self.trace``, for sweeps.
        """
        if seeds is None:
            seed = int(rng) if rng is not None else int(np.random.SeedSequence().entropy % (2**31))
            seeds = [seed]
        self.seeds = np.asarray(seeds, dtype=np.int64).reshape(-1)
        if self.seeds.size == 0:
            raise ValueError("an ensemble needs at least one seed")
        super().__init__(rng=int(self.seeds[0]))
        if isinstance(scenario, LoadedScenario):
            self.loaded = scenario.with_overrides(overrides or [])
        else:
            self.loaded = load_scenario(scenario, overrides)
        # The scenario file's content. Not `self.scenario`: mesa 3.5 reserves that name.
        self.script = self.loaded.scenario
        self.compiled = compile_parameters(self.loaded.parameters, self.script.turn_months)
        self.plan = utility_plan(self.compiled)
        self.turn = 0
        # Moves given by `play_turn`, read by `step` during that one call (mesa 3.5 wraps
        # `step` in a method that takes no arguments).
        self._pending: tuple[Mapping[str, Move], str] | None = None
        self.state: State = initial_state(self.compiled, self.seeds.size, len(self.script.events))
        self.keep_history = keep_history
        self.history: list[TurnRecord] = []
        self.trace: list[dict[str, np.ndarray]] | None = [] if trace else None
        self.scores: Scorecard | None = None
        # Start from the world's own cohesion, so Beijing's first move reads a real value.
        no_one = np.zeros((self.seeds.size, len(ACTORS)), dtype=bool)
        self.state = self.state.evolve(cohesion=cohesion(self.state, no_one, self.compiled.params))
        self.start: State = self.state  # the world before turn 1, for measures of change
        policies = policies or {}
        self.countries: dict[str, Country] = {
            cls.code: cls(self, policies.get(cls.code)) for cls in COUNTRIES
        }
        n, n_m = self.seeds.size, self.state.strength.shape[1]
        self._cohesion: list[np.ndarray] = []
        self._status: list[np.ndarray] = []
        self._counts = {k: np.zeros(n) for k in ("crisis", "coordinated")}
        self._coercion = Episodes.none(n, len(ACTORS))
        self._wedge = Episodes.none(n, len(ACTORS))
        self._initial_status = self.state.status.copy()
        self._responding = np.zeros((n, len(ACTORS)), dtype=bool)
        self._injected: list[Event] = []
        self._live_strength = np.zeros((n, n_m))
        self._divisive = wedge.divisive_events(self.script, self.compiled)
        self._split = wedge.split_options(self.compiled.options)
        self._n_m = n_m
        self.datacollector: mesa.DataCollector | None = None
        if collect:
            self.datacollector = mesa.DataCollector(
                model_reporters={
                    "cohesion": lambda m: float(m.state.cohesion.mean()),
                    "resilience_index": lambda m: float(m.index_so_far().mean()),
                }
            )
            # No row for the starting world: mesa.batch_run reads row `steps - 1` as the
            # final one, so row k must hold turn k + 1.

    @property
    def n_runs(self) -> int:
        """Number of runs in the ensemble."""
        return int(self.seeds.size)

    def play_turn(
        self,
        given: Mapping[str, Move] | None = None,
        *,
        if_closed: Literal["error", "ai"] = "error",
    ) -> None:
        """Play one turn for every run, with some actors' moves taken as given.

        Goes through `step` (and so through Mesa's own step wrapper, which in mesa 3.5
        accepts no arguments and counts ``steps``): the moves wait on the model for the
        length of that one call.

        Args:
            given: Moves taken as given for some actors, by actor code: an index into
                the actor's menu, an option label (``"repair JPN"``), or one menu
                index per run. The other actors decide as usual; their random draws
                do not depend on who was given a move.
            if_closed: What to do where a given move is not open this turn: raise
                ``ValueError`` (``"error"``, nothing is changed) or let the actor's
                policy choose in that run (``"ai"``).

        Raises:
            ValueError: an unknown actor or option, or a closed move with
                ``if_closed="error"``.
        """
        given = given or {}
        if given:
            # Refuse a bad move before Mesa's step starts: mesa 3.5 drops its schedule
            # when a step raises, and the next step would silently do nothing.
            if if_closed == "error":
                open_ = self.preview()[1]
            else:  # closed moves go to the AI: only names and shapes can be wrong
                open_ = np.ones((self.n_runs, len(self.compiled.options)), dtype=bool)
            self._given_moves(given, open_, if_closed)
        self._pending = (given, if_closed)
        try:
            self.step()
        finally:
            self._pending = None

    def step(self) -> None:
        """Play one turn for every run (Mesa's step; `play_turn` gives some moves).

        Raises:
            ValueError: the run is over, or a given move is unknown or closed (see
                `play_turn`).
        """
        given, if_closed = self._pending or ({}, "error")
        if not self.running:
            raise ValueError(f"the run is over: all {self.script.turns} turns are played")
        turn, c = self.turn + 1, self.compiled
        before, before_hooks = self.state, mechanism_hooks(self.state, c)
        state, signals, hooks, fired, view, utility, open_ = self._before_moves(turn, before_hooks)
        moves = self._given_moves(given, open_, if_closed)
        columns = []
        for code in ACTORS:
            move = moves.get(code)
            if move is None or (if_closed == "ai" and not open_[np.arange(self.n_runs), move].all()):
                auto = self.countries[code].decide(utility, open_, turn)
                move = auto if move is None else np.where(open_[np.arange(self.n_runs), move], move, auto)
            columns.append(move)
        choices = np.stack(columns, axis=1)
        self.turn = turn

        after_events = state
        wedged, caused = self._wedge_attempts(
            turn, before, before_hooks, state, hooks, fired, utility, open_, choices, set(moves)
        )
        state, outcome = adjudicate(state, choices, signals, hooks, c)
        state = state.evolve(cohesion=cohesion(state, outcome.responding, c.params))
        self.state = state
        self._responding = outcome.responding
        self._tally(outcome, wedged, caused)
        if self.keep_history:
            terms = utility_terms(view, c)
            self.history.append(
                self._record(turn, fired, outcome, terms, utility, open_, state, after_events)
            )
        if turn >= self.script.turns:
            self.running = False
            self.scores = self._score()
        if self.trace is not None:
            index = self.scores.index if self.scores is not None else self.index_so_far()
            self.trace.append(turn_snapshot(fired, outcome.choices, outcome.coordinated, index, state))
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _before_moves(self, turn: int, hooks: Hooks | None = None) -> tuple:
        """This turn up to the moves: events fired and applied, the situation, the menus.

        ``hooks`` are the current state's mechanism hooks when the caller has them
        (`step` does), so they are not summed twice (speed; bench/README.md, Issue 8).
        """
        c, state = self.compiled, self.state
        if hooks is None:
            hooks = mechanism_hooks(state, c)
        fired = ev.fire(self.script, state, turn, self.seeds)
        state, signals = ev.apply_events(self.script, state, fired, c, hooks)
        if ev.touches_mechanisms(self.script, fired):
            hooks = mechanism_hooks(state, c)  # an inject suspended or revived one
        open_ = open_in(c.options, c.params, state)
        # Read each turn: a facilitator may inject events or override parameters mid-run.
        open_ = attributed_moves(c.options, open_, *ev.attribution(self.script, c), fired)
        view, utility, _ = coordination.solve(situation(state, hooks, c), self.plan, c, open_)
        return state, signals, hooks, fired, view, utility, open_

    def preview(self) -> tuple[np.ndarray, np.ndarray]:
        """What the next turn holds before anyone moves (nothing is changed).

        Returns:
            The events that will fire, shape (n, events), and the options open to
            the actors once they have, shape (n, options).
        """
        if not self.running:
            raise ValueError(f"the run is over: all {self.script.turns} turns are played")
        _, _, _, fired, _, _, open_ = self._before_moves(self.turn + 1)
        return fired, open_

    def _given_moves(
        self, given: Mapping[str, Move], open_: np.ndarray, if_closed: str
    ) -> dict[str, np.ndarray]:
        """Given moves as global option indexes per run, checked against the menus."""
        opts = self.compiled.options
        out: dict[str, np.ndarray] = {}
        for code, move in given.items():
            if code not in INDEX:
                raise ValueError(f"unknown actor {code!r}; the actors are {', '.join(ACTORS)}")
            menu = opts.slices[INDEX[code]]
            if isinstance(move, str):
                o = opts.find(INDEX[code], move)
                if o is None:
                    labels = ", ".join(opts.label(k) for k in range(menu.start, menu.stop))
                    raise ValueError(f"{move!r} is not on {code}'s menu: {labels}")
                local = np.full(self.n_runs, o - menu.start)
            else:
                local = np.broadcast_to(np.asarray(move, dtype=np.int64), (self.n_runs,))
            size = menu.stop - menu.start
            if ((local < 0) | (local >= size)).any():
                raise ValueError(f"{code}'s menu has options 0 to {size - 1}; got {move!r}")
            glob = menu.start + local
            closed = ~open_[np.arange(self.n_runs), glob]
            if closed.any() and if_closed == "error":
                run = int(np.flatnonzero(closed)[0])
                shut = opts.label(int(glob[run]))
                can = ", ".join(opts.label(k) for k in range(menu.start, menu.stop) if open_[run, k])
                raise ValueError(f"{code} cannot {shut!r} this turn (run {run}); open: {can}")
            out[code] = glob
        return out

    # -- a run as a value ---------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The whole end-of-turn state as a frozen value (private copies of the arrays)."""
        n, n_m = self.n_runs, self._n_m
        return Snapshot(
            turn=self.turn,
            seeds=self.seeds.copy(),
            state=_copy_state(self.state),
            start=_copy_state(self.start),
            cohesion=np.stack(self._cohesion) if self._cohesion else np.zeros((0, n)),
            status=np.stack(self._status) if self._status else np.zeros((0, n, n_m), dtype=np.int8),
            initial_status=self._initial_status.copy(),
            live_strength=self._live_strength.copy(),
            crisis_turns=self._counts["crisis"].copy(),
            coordinated_turns=self._counts["coordinated"].copy(),
            coercion=_copy_episodes(self._coercion),
            wedge=_copy_episodes(self._wedge),
            responding=self._responding.copy(),
            injected=tuple(self._injected),
            history=tuple(self.history) if self.keep_history else (),
            scenario_sha256=self.loaded.sha256,
        )

    @classmethod
    def from_snapshot(
        cls,
        snapshot: Snapshot,
        scenario: str | Path | LoadedScenario,
        *,
        runs: int | None = None,
        seeds: Sequence[int] | np.ndarray | None = None,
        overrides: list[Override] | None = None,
        policies: dict[str, Policy] | None = None,
        keep_history: bool = True,
        collect: bool = False,
        trace: bool = False,
    ) -> TrilateralModel:
        """A model that continues from ``snapshot`` as if it had never stopped.

        Args:
            snapshot: Where to start (from `snapshot`).
            scenario: The scenario the snapshot's run plays (events injected into it
                are in the snapshot). Parameter overrides may differ: a snapshot can
                continue under other parameters.
            runs: Repeat a one-run snapshot this many times along the run axis (an
                ensemble of continuations). Default: the snapshot's own runs.
            seeds: Seeds of the continuations, one per run (default: the snapshot's
                seeds, repeated). The same seed as the snapshot continues the same run.
            overrides: Parameter overrides ``(path, value, source, line)``.
            policies: Decision policy per actor code.
            keep_history: Keep turn records (the snapshot's own are kept when the
                runs are the snapshot's).
            collect: Record the Mesa DataCollector from here on.
            trace: Keep the compact per-turn trace from here on.

        Raises:
            ValueError: the snapshot does not fit the scenario, or the runs or seeds
                do not fit the snapshot.
        """
        snap = snapshot
        if runs is not None and runs != snap.n_runs:
            snap = snap.repeat(runs)
        n = snap.n_runs
        seed_array = snap.seeds if seeds is None else np.asarray(seeds, dtype=np.int64).reshape(-1)
        if seed_array.size != n:
            raise ValueError(f"{seed_array.size} seeds given for {n} runs")
        model = cls(
            scenario,
            seeds=seed_array,
            overrides=overrides,
            policies=policies,
            keep_history=keep_history,
            collect=collect,
            trace=trace,
        )
        if snap.scenario_sha256 and model.loaded.sha256 and snap.scenario_sha256 != model.loaded.sha256:
            raise ValueError("the snapshot was taken from another scenario (its text differs)")
        if snap.injected:
            model._add_events(snap.injected)
        if snap.state.fired.shape[1] != len(model.script.events):
            raise ValueError(
                f"the snapshot has {snap.state.fired.shape[1]} events; "
                f"the scenario has {len(model.script.events)}"
            )
        model._restore(snap)
        return model

    def _restore(self, snap: Snapshot) -> None:
        self.turn = snap.turn
        self.state = _copy_state(snap.state)
        self.start = _copy_state(snap.start)
        self._cohesion = list(snap.cohesion.copy())
        self._status = list(snap.status.copy())
        self._initial_status = snap.initial_status.copy()
        self._live_strength = snap.live_strength.copy()
        self._counts = {"crisis": snap.crisis_turns.copy(), "coordinated": snap.coordinated_turns.copy()}
        self._coercion = _copy_episodes(snap.coercion)
        self._wedge = _copy_episodes(snap.wedge)
        self._responding = snap.responding.copy()
        same_runs = np.array_equal(snap.seeds, self.seeds)
        self.history = list(snap.history) if self.keep_history and same_runs else []
        self.running = self.turn < self.script.turns
        self.scores = None if self.running else self._score()
        self.steps = self.turn

    # -- the facilitator's hands --------------------------------------------------------------
    def inject(self, events: Sequence[Event]) -> None:
        """Add ad-hoc events to the scenario; they fire on their turn like any scheduled event.

        Appended after the scenario's own events, so the draws of every other event
        (keyed by its position) are unchanged.

        Args:
            events: Scheduled events (no ``when`` or ``chance``) for the next turn.

        Raises:
            ValueError: an event that is not scheduled for the next turn, or an id
                already in use.
        """
        events = list(events)
        ids = set(self.script.event_ids())
        for e in events:
            if not e.scheduled:
                raise ValueError("an injected event fires on its turn: give it no 'when' or 'chance'")
            if e.turn != self.turn + 1:
                raise ValueError(f"an injected event fires on the next turn ({self.turn + 1}), not {e.turn}")
            if e.id is None or e.id in ids:
                raise ValueError(f"an injected event needs an id not yet used; got {e.id!r}")
            ids.add(e.id)
        self._add_events(events)

    def _add_events(self, events: Sequence[Event]) -> None:
        if not events:
            return
        briefings = dict(self.script.briefings)
        for e in events:
            briefings.setdefault(e.turn, e.briefing)
        self.script = self.script.model_copy(
            update={"events": [*self.script.events, *events], "briefings": briefings}
        )
        k = len(events)
        self.state = self.state.evolve(fired=_pad_fired(self.state.fired, k))
        self.start = self.start.evolve(fired=_pad_fired(self.start.fired, k))
        self.history = [replace(r, fired=_pad_fired(r.fired, k)) for r in self.history]
        self._injected.extend(events)
        self._divisive = wedge.divisive_events(self.script, self.compiled)

    def override(self, ruling: Mapping[str, Value]) -> dict[str, Value]:
        """Replace parts of the last turn's adjudicated outcome with a facilitator's ruling.

        The turn is rescored with the ruled state (its cohesion and mechanism
        statuses), and the next turn starts from it.

        Args:
            ruling: New values by path, e.g. ``{"trust.ROK.JPN": 0.4,
                "status.gsomia": "active"}`` (see `sim.rulings`).

        Returns:
            The engine's own values at those paths, for the record.

        Raises:
            ValueError: before turn 1, or a bad path or value.
        """
        if self.turn == 0:
            raise ValueError("there is no adjudicated turn to override yet")
        state, engine = apply_ruling(self.state, ruling)
        state = state.evolve(cohesion=cohesion(state, self._responding, self.compiled.params))
        # The ruled state replaces the engine's in the last turn's live strength.
        engine_live = self.state.strength * (self.state.status == ACTIVE)
        self._live_strength = self._live_strength - engine_live + state.strength * (state.status == ACTIVE)
        self.state = state
        self._cohesion[-1] = state.cohesion
        self._status[-1] = state.status
        if self.history:
            self.history[-1] = replace(self.history[-1], state=state)
        if not self.running:
            self.scores = self._score()
        return engine

    def _wedge_attempts(
        self,
        turn: int,
        before: State,
        before_hooks: Hooks,
        state: State,
        hooks: Hooks,
        fired: np.ndarray,
        utility: np.ndarray,
        open_: np.ndarray,
        choices: np.ndarray,
        given: set[str],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Allies under a wedge attempt this turn, and the probability it caused their split.

        The counterfactual (`sim.wedge`) is computed only for the runs in which an
        attempted ally split: the same turn without this turn's divisive events and without the standing
        offers. An actor whose move was given (a human team's) is not attributed a
        success: its choice was not the policy's.
        """
        c = self.compiled
        attempted, provoked = wedge.attempts(state, fired, self._divisive, self.script, c.params)
        caused = np.zeros(attempted.shape)
        # Only a split can be caused: the counterfactual is needed where an attempted
        # ally split, which keeps its cost to a small share of the runs.
        needed = (attempted & self._split[choices]).any(axis=1)
        if not needed.any():
            return attempted, caused
        rows = np.flatnonzero(needed)
        if provoked[rows].any():
            kept = fired[rows] & ~self._divisive[None]
            alt_before = before.take(rows)
            alt, _ = ev.apply_events(self.script, alt_before, kept, c, wedge.take_hooks(before_hooks, rows))
            alt_hooks = mechanism_hooks(alt, c)
        else:
            alt, alt_hooks = state.take(rows), wedge.take_hooks(hooks, rows)
        alt = wedge.without_attempts(alt, attempted[rows])
        open_without = open_in(c.options, c.params, alt)
        # The counterfactual turn is played as the real one: its coordination game solved too.
        _, utility_without, _ = coordination.solve(situation(alt, alt_hooks, c), self.plan, c, open_without)
        decisions = [
            None
            if country.code in given
            else wedge.Decision(
                country.policy,
                country.menu,
                float(c.temperature[country.index]),
                draws_for.uniforms(self.seeds[rows], turn, country.index, draws_for.DECISION),
            )
            for country in (self.countries[code] for code in ACTORS)
        ]
        caused[rows] = wedge.caused_splits(
            turn,
            attempted[rows],
            choices[rows],
            self._split,
            utility[rows],
            open_[rows],
            utility_without,
            open_without,
            decisions,
        )
        return attempted, caused

    def _tally(self, o: Outcome, wedged: np.ndarray, caused: np.ndarray) -> None:
        k = self._counts
        k["crisis"] += o.crisis_turn
        k["coordinated"] += o.coordinated & o.crisis_turn
        self._coercion = self._coercion.advance(o.coerced, o.conceded)
        self._wedge = self._wedge.advance(wedged, caused)
        self._cohesion.append(self.state.cohesion)
        self._status.append(self.state.status)
        self._live_strength = self._live_strength + self.state.strength * (self.state.status == ACTIVE)

    def _record(
        self,
        turn: int,
        fired: np.ndarray,
        outcome: Outcome,
        terms: np.ndarray,
        utility: np.ndarray,
        open_: np.ndarray,
        state: State,
        after_events: State,
    ) -> TurnRecord:
        rows = np.arange(self.n_runs)
        shape = (self.n_runs, len(ACTORS))
        chosen_terms = np.stack([terms[rows, outcome.choices[:, a]] for a in range(len(ACTORS))], axis=1)
        prob, second, second_prob, margin = (
            np.empty(shape),
            np.full(shape, -1),
            np.zeros(shape),
            np.empty(shape),
        )
        for a, code in enumerate(ACTORS):
            menu = self.countries[code].menu
            p = choice_probabilities(utility[:, menu], open_[:, menu], float(self.compiled.temperature[a]))
            chosen = outcome.choices[:, a] - menu.start
            prob[:, a] = p[rows, chosen]
            # The runner-up: the best open option other than the one taken.
            others = np.where(open_[:, menu], utility[:, menu], -np.inf)
            others[rows, chosen] = -np.inf
            best = others.argmax(axis=1)
            has = np.isfinite(others[rows, best])
            second[:, a] = np.where(has, best + menu.start, -1)
            second_prob[:, a] = np.where(has, p[rows, best], 0.0)
            margin[:, a] = np.where(has, utility[rows, outcome.choices[:, a]] - others[rows, best], np.nan)
        second_terms = np.where(
            (second >= 0)[..., None],
            np.stack([terms[rows, np.maximum(second[:, a], 0)] for a in range(len(ACTORS))], axis=1),
            0.0,
        )
        return TurnRecord(
            turn,
            fired,
            outcome,
            chosen_terms,
            prob,
            state,
            second,
            second_terms,
            second_prob,
            margin,
            self.index_so_far(),
            after_events,
        )

    def tallies(self) -> Tallies:
        """The per-run counts behind the scores so far (crisis turns, episodes, ...)."""
        return self._tallies()

    def _tallies(self) -> Tallies:
        k = self._counts
        return Tallies(
            cohesion=np.stack(self._cohesion) if self._cohesion else self.state.cohesion[None],
            status=np.stack(self._status) if self._status else self.state.status[None],
            initial_status=self._initial_status,
            strength=self.state.strength,
            live_strength=self._live_strength,
            crisis_turns=k["crisis"],
            coordinated_turns=k["coordinated"],
            coercion=self._coercion,
            wedge=self._wedge,
        )

    def _score(self) -> Scorecard:
        return scorecard(self._tallies(), self.compiled.params)

    def scorecard_so_far(self) -> Scorecard:
        """The scorecard of the turns played so far (the final one once the run is over)."""
        return self.scores if self.scores is not None else self._score()

    def index_so_far(self) -> np.ndarray:
        """The resilience index of the turns played so far, per run (0 before turn 1)."""
        if self.turn == 0:
            return np.zeros(self.n_runs)
        return index_breakdown(self._tallies(), self.compiled.params)[2]
