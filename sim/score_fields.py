"""The scores a run reports, listed once.

Every reader of a run's scores takes the names from here: the scorecard's fields
(`sim.scoring.Scorecard`), the runs table and the sweep's parquet columns
(`sim.results.RunResult.runs_table`), the JSON scorecard, the expectation metrics a
scenario may check (`sim.expectations.SCORE_MEASURES`) and the rendered scorecard.
A new score is one entry here and its computation in `sim.scoring`.

No imports beyond the standard library: the expectations language reads this module
while a scenario is validated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["points", "level", "share", "flag", "turns", "strength"]


@dataclass(frozen=True)
class ScoreField:
    """One reported score.

    Attributes:
        name: The `Scorecard` attribute, runs-table column, JSON key and expectation
            metric (per-mechanism scores: the column is ``<mechanism>_<name>``).
        label: Short label for tables.
        unit: How to read and show it: ``points`` (0-100 index), ``level`` (0-100),
            ``share`` (0-1, shown as %; NaN is "not tested"), ``flag`` (1/0, NaN "not
            tested"), ``turns``, ``strength`` (0-1).
        meaning: One line for help texts and column descriptions.
    """

    name: str
    label: str
    unit: Unit
    meaning: str


#: The per-run scores (one number per run), in display order. The index comes first.
RUN_SCORES: tuple[ScoreField, ...] = (
    ScoreField("index", "resilience index", "points", "the 0-100 resilience index (MODEL.md §8.3)"),
    ScoreField("cohesion_mean", "mean cohesion", "level", "mean over turns of the 0-100 cohesion index"),
    ScoreField(
        "coordinated_response_rate",
        "coordinated-response rate",
        "share",
        "crisis turns in which the three allies answered together / crisis turns",
    ),
    ScoreField(
        "wedge_success_rate",
        "Beijing's wedge success",
        "share",
        "wedge episodes won, by the probability the attempt caused a split (Crawford) / episodes",
    ),
    ScoreField(
        "coercion_success_rate",
        "Beijing's coercion success",
        "share",
        "coercion episodes in which the target conceded / episodes",
    ),
)

#: The per-mechanism scores (one number per run and mechanism).
MECHANISM_SCORES: tuple[ScoreField, ...] = (
    ScoreField("time_active", "active", "share", "share of turns the mechanism was active"),
    ScoreField(
        "survived",
        "survived",
        "flag",
        "not ended by the last turn (a suspended one survived, even one suspended from turn 1); "
        '"not tested" (NaN) if never active, at the start or after any turn',
    ),
    ScoreField(
        "recovery_time",
        "recovery",
        "turns",
        "turns from its first suspension to its return (— never suspended or never back)",
    ),
    ScoreField("final_strength", "strength", "strength", "strength after the last turn"),
)

#: The resilience index's components, in order (`sim.scoring.index_breakdown`).
INDEX_COMPONENTS: tuple[str, ...] = (
    "cohesion",
    "mechanisms",
    "coordinated_response",
    "wedge_resistance",
    "coercion_resistance",
)

#: Names of the per-run scores, for the expectation metrics.
RUN_SCORE_NAMES: tuple[str, ...] = tuple(f.name for f in RUN_SCORES)


def points_column(component: str) -> str:
    """The runs-table column of an index component's points, e.g. ``points_cohesion``."""
    return f"points_{component}"


def mechanism_column(mechanism: str, score: str) -> str:
    """The runs-table column of a per-mechanism score, e.g. ``gsomia_time_active``."""
    return f"{mechanism}_{score}"
