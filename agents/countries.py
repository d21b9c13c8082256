"""The four actors as Mesa agents.

An agent owns its decision policy and reads its row of the model's state arrays;
the model holds the arrays (with a leading run axis) so that an ensemble of runs
steps at once.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import mesa
import numpy as np

from agents.policies import LogitPolicy, Policy
from sim import rng
from sim.actors import CAPITAL, INDEX

if TYPE_CHECKING:
    from sim.compiled import Compiled


class Host(Protocol):
    """What an agent reads of its model (`sim.model.TrilateralModel`).

    Declared structurally so that this module does not import the model, which
    imports it to build the agents.
    """

    seeds: np.ndarray
    compiled: Compiled


class _IdCounters(weakref.WeakKeyDictionary):
    """Per-model agent-id counters that do not keep finished models alive.

    mesa 3.3 counts ids in ``Agent._ids``, a class-level dict keyed by the model
    itself, so every model ever built stays in memory; a sweep worker building
    hundreds of models would grow by its whole state each time.
    """

    def __getitem__(self, model: Any) -> Any:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


class Country(mesa.Agent):
    """A government: its preferences live in the parameters, its choices in `decide`."""

    code: ClassVar[str] = ""
    _ids = _IdCounters()

    def __init__(self, model: Host, policy: Policy | None = None) -> None:
        """Create the agent for ``model`` with a decision policy (the AI by default)."""
        super().__init__(model)
        self.index: int = INDEX[self.code]
        self.policy: Policy = policy or LogitPolicy()

    @property
    def capital(self) -> str:
        """The capital's name, for prose."""
        return CAPITAL[self.code]

    @property
    def menu(self) -> slice:
        """This actor's slice of the model's option table."""
        return self.model.compiled.options.slices[self.index]

    def decide(self, utility: np.ndarray, open_: np.ndarray, turn: int) -> np.ndarray:
        """Choose one option per run.

        Args:
            utility: Utility of every option in the model, shape (n, options).
            open_: Openness of every option, shape (n, options).
            turn: The turn being decided.

        Returns:
            Global option index per run, shape (n,).
        """
        menu = self.menu
        draws = rng.uniforms(self.model.seeds, turn, self.index, rng.DECISION)
        temperature = float(self.model.compiled.temperature[self.index])
        local = self.policy.choose(turn, utility[:, menu], open_[:, menu], draws, temperature)
        return menu.start + local


class Washington(Country):
    """The United States."""

    code = "USA"


class Seoul(Country):
    """The Republic of Korea."""

    code = "ROK"


class Tokyo(Country):
    """Japan."""

    code = "JPN"


class Beijing(Country):
    """The People's Republic of China."""

    code = "PRC"


COUNTRIES: tuple[type[Country], ...] = (Washington, Seoul, Tokyo, Beijing)
