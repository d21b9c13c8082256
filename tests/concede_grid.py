#!/usr/bin/env python3
"""The concede utility on a grid, judged on the concession checks only (MODEL.md, Validation).

    python tests/concede_grid.py RUNS POINTS_JSON

POINTS_JSON is a list of points, each a mapping of any of ``resolve``, ``pain``,
``fatigue``, ``es`` (concede's `autonomy.resolve`, `economy.coercion_pain`,
`economy.fatigue`, `alliance.expected_support`) to a value; the rest keep their
defaults. One point is one parameter set for every episode. For each point, one
JSON line: the point, its score (the smallest margin over the checks, in share units,
positive when all pass) and each check's value and bound.

The concession checks are every `concedes` check of the history episodes (Senkaku's
two, THAAD's two, Australia's) and THAAD's exercises after the three no's (the
concession's consequence, `concession_stress`). A point plays only the three
episodes those checks belong to, on the files' own seeds (a prefix of them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sim.params import parse_path  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.verdicts import backtest  # noqa: E402

EPISODES = ("senkaku_2010", "thaad_2016", "australia_2020")
PATHS = {
    "resolve": "utility.concede.autonomy.resolve",
    "pain": "utility.concede.economy.coercion_pain",
    "fatigue": "utility.concede.economy.fatigue",
    "es": "utility.concede.alliance.expected_support",
}


def is_concession_check(check: object) -> bool:
    """A `concedes` check, or a check on the trilateral exercises' status."""
    metric = getattr(check, "metric", None)
    return metric == "concedes" or getattr(check, "mechanism", None) == "trilateral_exercises"


def margin(value: float, bound: str) -> float:
    """Distance of a share from its bound on the passing side ('share <= 0.3' or '>=')."""
    limit = float(bound.split()[-1])
    return limit - value if "<=" in bound else value - limit


def evaluate(point: dict[str, float], runs: int) -> dict[str, object]:
    """Play the three episodes at one point and judge their concession checks."""
    overrides = [(parse_path(PATHS[k]), float(v), "concede grid", None) for k, v in point.items()]
    checks = []
    for name in EPISODES:
        loaded = load_scenario(ROOT / "scenarios" / "history" / f"{name}.yaml", overrides)
        for check, result in zip(loaded.scenario.expectations.checks, backtest(loaded, runs), strict=True):
            if is_concession_check(check):
                checks.append(
                    {"episode": name, "check": result.name, "value": result.value, "bound": result.bound}
                )
    score = min(margin(c["value"], c["bound"]) for c in checks)
    return {"point": point, "score": round(score, 4), "checks": checks}


def main(argv: list[str]) -> int:
    """Print one JSON line per point."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    runs, points = int(argv[0]), json.loads(argv[1])
    for point in points:
        print(json.dumps(evaluate(point, runs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
