#!/usr/bin/env python3
"""Print the mechanism audit (sim/mechanism_audit.py) over the bundled and theory scenarios.

    python tests/audit_mechanisms.py [runs] [scenario.yaml ...]
                                  # default 1000 runs; every bundled and theory scenario

One markdown table per scenario: for each mechanism, the share of runs in which it
was ever active, gained (created or restored; by members' choice), lost, and what
caused the losses. MODEL.md §5.5 quotes its output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from sim.mechanism_audit import LOSS_CAUSES, audit  # noqa: E402
from sim.model import TrilateralModel  # noqa: E402
from sim.scenario import SCENARIO_DIR  # noqa: E402
from sim.vocab import MECHANISMS  # noqa: E402


def main(argv: list[str]) -> int:
    """Play each scenario's ensemble and print its table."""
    runs = int(argv[0]) if argv else 1000
    files = [Path(a).resolve() for a in argv[1:]]
    files = files or sorted(SCENARIO_DIR.glob("*.yaml")) + sorted((SCENARIO_DIR / "theory").glob("*.yaml"))
    for path in files:
        model = TrilateralModel(str(path), seeds=np.arange(runs), collect=False)
        while model.running:
            model.step()
        a = audit(model)
        print(f"\n{path.relative_to(SCENARIO_DIR.parent)} ({runs} runs, {model.script.turns} turns)\n")
        head = [
            "mechanism",
            "ever active",
            "gained",
            "by choice",
            "lost",
            *LOSS_CAUSES,
            "ended",
            "active at end",
        ]
        print("| " + " | ".join(head) + " |")
        print("|" + " --- |" * len(head))
        for m, name in enumerate(MECHANISMS):
            cells = [a.ever_active[m], a.gained[m], a.gained_by_choice[m], a.lost[m]]
            cells += [a.lost_by[k][m] for k in LOSS_CAUSES] + [a.ended[m], a.active_at_end[m]]
            print(f"| `{name}` | " + " | ".join(f"{100 * x:.0f}%" for x in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
