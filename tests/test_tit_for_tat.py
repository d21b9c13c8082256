"""Tit-for-tat between allies (issue 8): Seoul can answer Tokyo's measure in kind, rarely in quiet times.

theory/tit_for_tat.yaml scripts a court ruling (turn 2) and Tokyo's export controls
against Seoul (turn 4), the 2018-19 sequence; theory/quiet_dispute.yaml the ruling
and a textbook row with no measure by either government. Seoul's retaliation is its
AI's choice in both. The memory of Tokyo's measure (``state.grievance``) is read
from the next turn, so the window is turns 5-8.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from sim.actions import K
from sim.actors import JPN, ROK
from sim.model import TrilateralModel
from sim.params import parse_path
from sim.scenario import SCENARIO_DIR

RUNS = 300
WINDOW = slice(4, 8)  # turns 5-8


@cache
def seoul_retaliates(name: str, grievance: float | None = None) -> np.ndarray:
    """Per run and turn, whether Seoul retaliated against Tokyo, shape (runs, turns)."""
    overrides = []
    if grievance is not None:
        path = "utility.retaliate.approval.grievance_target"
        overrides = [(parse_path(path), grievance, "test", None)]
    model = TrilateralModel(
        SCENARIO_DIR / "theory" / f"{name}.yaml",
        seeds=np.arange(RUNS),
        overrides=overrides,
        keep_history=False,
        collect=False,
        trace=True,
    )
    while model.running:
        model.step()
    opts = model.compiled.options
    return np.stack(
        [
            (opts.kind[s["choices"][:, ROK]] == K["retaliate"]) & (opts.target[s["choices"][:, ROK]] == JPN)
            for s in model.trace
        ],
        axis=1,
    )


def share(hits: np.ndarray) -> float:
    return float(hits[:, WINDOW].any(axis=1).mean())


def test_seoul_answers_tokyos_measure_in_some_runs():
    """A retaliation by Seoul after Tokyo's export controls is possible: > 0 share, and not the norm."""
    provoked = share(seoul_retaliates("tit_for_tat"))
    assert 0.03 <= provoked <= 0.5


def test_seoul_retaliates_more_after_a_measure_than_in_a_quiet_dispute():
    """The same window with no measure by Tokyo: rarer (a ruling is no government's measure)."""
    quiet = share(seoul_retaliates("quiet_dispute"))
    assert quiet < 0.05
    assert share(seoul_retaliates("tit_for_tat")) > quiet + 0.03


def test_the_grievance_carries_the_answer():
    """Without the grievance term Seoul answers less: it is what Tokyo did that moves it."""
    with_memory = share(seoul_retaliates("tit_for_tat"))
    without = share(seoul_retaliates("tit_for_tat", grievance=0.0))
    assert without < with_memory - 0.03
