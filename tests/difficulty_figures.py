#!/usr/bin/env python3
"""The difficulty figures of README.md (Students): the AI in the student's seat, per level.

    python tests/difficulty_figures.py [RUNS]      # default 1000 runs per level

For each bundled scenario and seat: the playbooks easy and hard pick
(sim/data/difficulty.yaml), the mean final score of RUNS AI-played runs with the AI in
the seat (seeds 1 ... RUNS, the comparison runs of a game played with --seed 0), and the
paired differences easy - normal and normal - hard with their 95% intervals.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from sim.session.analysis import mean_interval, run_seeds  # noqa: E402
from sim.session.tutor import LEVELS, difficulty_playbook, level_scores  # noqa: E402

SCENARIOS = ("taiwan_strait", "wedge_driving", "economic_coercion")
SEATS = ("ROK", "JPN", "USA", "PRC")


def main(runs: int) -> None:
    """Print one line per scenario and seat."""
    seeds = run_seeds(0, runs)
    print(f"{'scenario':18} seat  {'easy plays':16} {'hard plays':16} easy / normal / hard", end="")
    print("   easy-normal [95%]      normal-hard [95%]")
    for scenario in SCENARIOS:
        for seat in SEATS:
            books = [difficulty_playbook(level, seat, scenario) or "-" for level in ("easy", "hard")]
            easy, normal, hard = (level_scores(scenario, seat, level, seeds) for level in LEVELS)
            gaps = []
            for a, b in ((easy, normal), (normal, hard)):
                m, lo, hi = mean_interval(a - b)
                gaps.append(f"{m:+5.1f} [{lo:+.1f}, {hi:+.1f}]")
            print(
                f"{scenario:18} {seat:4}  {books[0]:16} {books[1]:16} "
                f"{easy.mean():5.1f} / {normal.mean():5.1f} / {hard.mean():5.1f}   {'  '.join(gaps)}",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
