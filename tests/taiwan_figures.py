#!/usr/bin/env python3
"""The Taiwan Strait figures of issue 8 (MODEL.md, Validation): Seoul's crisis-turn choices.

    python tests/taiwan_figures.py [RUNS]      # default 1000 runs per arm

For the default world, Seoul's China exposure doubled (0.24 -> 0.48) and Seoul's trust
in Washington halved (0.77 -> 0.385): the share of crisis turns in which Seoul picks
each action kind, its answering share (coordinate or joint statement), the allies'
coordinated share, and how often Beijing de-escalates in a turn in which an
escalation attributed to it fires.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from sim.actions import K  # noqa: E402
from sim.actors import PRC, ROK  # noqa: E402
from sim.model import TrilateralModel  # noqa: E402
from sim.params import parse_set_flag  # noqa: E402
from sim.vocab import ACTION_KINDS, CHANNELS, EVENT_KINDS  # noqa: E402

ARMS = {
    "default": [],
    "exposure x2": ["world.exposure.ROK.PRC=0.48"],
    "trust in USA / 2": ["world.trust.ROK.USA=0.385"],
}


def figures(settings: list[str], runs: int) -> dict[str, object]:
    """Play the Taiwan scenario and count Seoul's and Beijing's crisis-turn moves."""
    model = TrilateralModel(
        "taiwan_strait", seeds=np.arange(runs), overrides=[parse_set_flag(s) for s in settings], collect=False
    )
    while model.running:
        model.step()
    opts, crisis = model.compiled.options, CHANNELS.index("crisis")
    escalations = [
        e
        for e, ev in enumerate(model.script.events)
        if ev.source == "PRC"
        and model.compiled.event_coef[EVENT_KINDS.index(ev.kind), crisis] * ev.magnitude > 0
    ]
    kinds: dict[str, int] = {}
    turns = answered = together = stepped_back = escalating = 0
    for record in model.history:
        hot = record.outcome.crisis_turn
        turns += int(hot.sum())
        for k in opts.kind[record.outcome.choices[hot, ROK]]:
            kinds[ACTION_KINDS[k]] = kinds.get(ACTION_KINDS[k], 0) + 1
        answered += int((record.outcome.responding[:, ROK] & hot).sum())
        together += int((record.outcome.coordinated & hot).sum())
        fired = record.fired[:, escalations].any(axis=1)
        escalating += int(fired.sum())
        stepped_back += int((fired & (opts.kind[record.outcome.choices[:, PRC]] == K["de_escalate"])).sum())
    shares = {k: round(v / turns, 3) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])}
    return {
        "Seoul's most frequent action": f"{next(iter(shares))} {max(shares.values()):.3f}",
        "Seoul answers": round(answered / turns, 3),
        "allies coordinated": round(together / turns, 3),
        "Beijing de-escalates while escalating": f"{stepped_back} of {escalating}",
        "Seoul's actions": shares,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for name, settings in ARMS.items():
        print(name, figures(settings, n))
