"""The simulation as a Mesa model whose state carries a leading run axis.

An interactive session is an ensemble of one; a sweep chunk is an ensemble of
thousands. Either way::

    model = TrilateralModel("taiwan_strait", rng=7)
    while model.running:
        model.step()
    model.scores.index        # shape (1,)

Each turn: events fire and apply, every agent chooses (simultaneously, from the
same state), `adjudicate` resolves the moves, and the turn is scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mesa
import numpy as np

from agents.countries import COUNTRIES, Country
from agents.policies import Policy, choice_probabilities
from agents.utility import situation, utilities, utility_plan, utility_terms
from sim import events as ev
from sim.actions import open_options
from sim.actors import ACTORS
from sim.adjudication import Outcome, adjudicate
from sim.compiled import compile_parameters
from sim.mechanisms import mechanism_hooks
from sim.params import Override
from sim.scenario import LoadedScenario, load_scenario
from sim.scoring import Episodes, Scorecard, Tallies, cohesion, index_breakdown, scorecard
from sim.state import State, initial_state


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
    """

    turn: int
    fired: np.ndarray
    outcome: Outcome
    terms: np.ndarray
    probability: np.ndarray
    state: State


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
            trace: Keep a compact per-turn trace (cohesion, index so far, tensions,
                trust, mechanism strengths) in ``self.trace``, for sweeps.
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

    def step(self) -> None:
        """Play one turn for every run."""
        self.turn += 1
        turn, c, state = self.turn, self.compiled, self.state
        hooks = mechanism_hooks(state, c)
        fired = ev.fire(self.script, state, turn, self.seeds)
        state, signals = ev.apply_events(self.script, state, fired, c, hooks)
        if ev.touches_mechanisms(self.script, fired):
            hooks = mechanism_hooks(state, c)  # an inject suspended or revived one

        view = situation(state, hooks, c)
        utility = utilities(view, self.plan, c)
        open_ = open_options(c.options, c.params, state.crisis, state.dispute, state.pressure, state.status)
        choices = np.stack([self.countries[code].decide(utility, open_, turn) for code in ACTORS], axis=1)

        state, outcome = adjudicate(state, choices, signals, hooks, c)
        state = state.evolve(cohesion=cohesion(state, outcome.responding, c.params))
        self.state = state
        self._tally(outcome)
        if self.keep_history:
            terms = utility_terms(view, c)
            self.history.append(self._record(turn, fired, outcome, terms, utility, open_, state))
        if turn >= self.script.turns:
            self.running = False
            self.scores = self._score()
        if self.trace is not None:
            index = self.scores.index if self.scores is not None else self.index_so_far()
            self.trace.append(
                {
                    "cohesion": state.cohesion,
                    "index": index,
                    "crisis": state.crisis,
                    "dispute": state.dispute,
                    "trust": state.trust,
                    "strength": state.strength,
                }
            )
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _tally(self, o: Outcome) -> None:
        k = self._counts
        k["crisis"] += o.crisis_turn
        k["coordinated"] += o.coordinated & o.crisis_turn
        self._coercion = self._coercion.advance(o.coerced, o.conceded)
        self._wedge = self._wedge.advance(o.wedge_target, o.wedge_split)
        self._cohesion.append(self.state.cohesion)
        self._status.append(self.state.status)

    def _record(
        self,
        turn: int,
        fired: np.ndarray,
        outcome: Outcome,
        terms: np.ndarray,
        utility: np.ndarray,
        open_: np.ndarray,
        state: State,
    ) -> TurnRecord:
        rows = np.arange(self.n_runs)
        chosen_terms = np.stack([terms[rows, outcome.choices[:, a]] for a in range(len(ACTORS))], axis=1)
        prob = np.empty((self.n_runs, len(ACTORS)))
        for a, code in enumerate(ACTORS):
            menu = self.countries[code].menu
            p = choice_probabilities(utility[:, menu], open_[:, menu], float(self.compiled.temperature[a]))
            prob[:, a] = p[rows, outcome.choices[:, a] - menu.start]
        return TurnRecord(turn, fired, outcome, chosen_terms, prob, state)

    def _tallies(self) -> Tallies:
        k = self._counts
        return Tallies(
            cohesion=np.stack(self._cohesion) if self._cohesion else self.state.cohesion[None],
            status=np.stack(self._status) if self._status else self.state.status[None],
            initial_status=self._initial_status,
            strength=self.state.strength,
            crisis_turns=k["crisis"],
            coordinated_turns=k["coordinated"],
            coercion=self._coercion,
            wedge=self._wedge,
        )

    def _score(self) -> Scorecard:
        return scorecard(self._tallies(), self.compiled.params)

    def index_so_far(self) -> np.ndarray:
        """The resilience index of the turns played so far, per run (0 before turn 1)."""
        if self.turn == 0:
            return np.zeros(self.n_runs)
        return index_breakdown(self._tallies(), self.compiled.params)[2]
