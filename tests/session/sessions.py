"""Helpers for the session tests: a small scenario and a scripted session."""

from __future__ import annotations

from pathlib import Path

from support import SMALL

from sim.session.session import Session

SCENARIO = str(SMALL)


def scripted(folder: Path, *, close: bool = True) -> Session:
    """A session on the small scenario that uses every kind of record."""
    s = Session.create(folder, SCENARIO, ["ROK", "JPN"], seed=3, settings=["opinion.loss=0.4"])
    s.decide("ROK", "coordinate", "stand with the allies")
    s.decide("JPN", "hold", "wait and see")
    s.decide("JPN", "joint statement", "changed our mind")  # a revised draft
    s.adjudicate()
    s.override({"trust.ROK.JPN": 0.5, "status.gsomia": "suspended"}, "the summit went well")
    s.inject(
        {"kind": "missile_test", "targets": ["JPN"], "magnitude": 0.5, "headline": "Missile over Hokkaido"}
    )
    s.seat("JPN", "ai")
    s.decide("ROK", "hedge", "protect trade")
    s.adjudicate()
    s.undo()
    s.decide("ROK", "repair JPN", "mend fences")
    s.adjudicate()
    s.seat("JPN", "human")
    s.quit()
    if close:
        s.close()
    return s
