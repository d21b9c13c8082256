"""The end-of-game file of a student game: Markdown a student can keep or hand in."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.actors import ACTORS, CAPITAL, CHALLENGER
from sim.files import atomic_write_text
from sim.narrative import signed, verdict
from sim.results import RunResult
from sim.session.state import SessionState
from sim.session.tutor import Debrief

DEBRIEF_NAME = "debrief.md"


#: How the challenger's score reads: it gains as the allies come apart.
INVERTED = " (100 − the allies' resilience index: Beijing wants them divided)"


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ... ("1th percentile" was once printed)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def debrief_lines(d: Debrief) -> dict[str, list[str]]:
    """The debrief's sentences by section, shared by the terminal and the file."""
    who = CAPITAL[d.seat]
    lo, hi = np.percentile(d.ai, [5, 95])
    pct = [
        f"Your score {d.score:.1f} is at the {_ordinal(round(d.percentile))} percentile of {d.ai.size:,} "
        f"AI-played runs with the AI in {who}'s seat (their median {np.median(d.ai):.1f}, "
        f"90% of them between {lo:.1f} and {hi:.1f})."
    ]
    if d.practice:
        pct.append("This game had undos: it is marked as practice.")
    moments = []
    for m in d.moments:
        better = "higher" if m.change > 0 else "lower"
        # The AI draws its move by its odds in each run, so even where its favourite was
        # the student's own move, its other picks there move the score: say which.
        if m.ai_would == m.yours:
            ai = (
                f"the AI in your seat would also most often have chosen it ({m.ai_share:.0%} of "
                f"runs) but picked other moves in the rest. Letting the AI decide that turn"
            )
        else:
            ai = (
                f"the AI in your seat most often chose {m.ai_would!r} there ({m.ai_share:.0%} of "
                f"runs). Letting the AI decide that turn by its own odds"
            )
        moments.append(
            f"Turn {m.turn}: you chose {m.yours!r}; {ai} (your moves kept before and after) "
            f"would have left your final score {abs(m.change):.1f} points {better} on average "
            f"(95% interval {signed(m.low, 1)} to {signed(m.high, 1)})."
        )
    helped = [h for h in d.helps if h.helped][:3]
    helps = [
        f"{h.mechanism.replace('_', ' ')}: {signed(h.gain, 1)} points "
        f"(95% interval {signed(h.low, 1)} to {signed(h.high, 1)})"
        for h in helped
    ] or ["None of the mechanisms, strengthened, would clearly have raised your score."]
    helps.append(
        f"(Your own decisions replayed on {d.runs} seeds with that mechanism 0.25 stronger and "
        "active from the start, compared with the same seeds without it.)"
    )
    return {"percentile": pct, "moments": moments, "helps": helps}


def debrief_markdown(state: SessionState, d: Debrief) -> str:
    """The end-of-game Markdown: score and breakdown, percentile, moments, help, the record."""
    sc = state.model.script
    card = RunResult(state.model).scorecard_dict()
    d_lines = debrief_lines(d)
    out = [
        f"# {sc.title}: a game as {CAPITAL[d.seat]} ({d.seat})",
        "",
        f"Difficulty {d.difficulty}, seed {state.seed}, {state.model.turn} of {sc.turns} turns played"
        + (" — practice (undos)." if d.practice else "."),
        f"Session `{state.header['name']}` (engine {state.header['engine']}, scenario sha256 "
        f"{state.header['scenario']['sha256'][:12]}); its whole record is `session.jsonl` beside this file.",
        "",
        "## Final score",
        "",
        f"**{d.score:.1f} / 100**"
        + (INVERTED if d.seat == ACTORS[CHALLENGER] else "")
        + f"; resilience index {card['resilience_index']:.1f}, {verdict(card['resilience_index'])}.",
        "",
        "| component | value | points |",
        "| --- | ---: | ---: |",
    ]
    for name, row in card["breakdown"].items():
        value = "not tested" if row["component"] is None else f"{row['component']:.2f}"
        points = "—" if row["component"] is None else f"{row['points']:.1f}"
        out.append(f"| {name.replace('_', ' ')} | {value} | {points} |")
    out += ["", "## Against the AI", "", *d_lines["percentile"], ""]
    out += ["## The three moments that mattered most", ""]
    out += [f"{k}. {line}" for k, line in enumerate(d_lines["moments"], start=1)] or ["No turn played."]
    out += ["", "## Which of the paper's recommendations would have helped", ""]
    out += [f"- {line}" for line in d_lines["helps"][:-1]] + ["", d_lines["helps"][-1], ""]
    out += [
        "## The record",
        "",
        "| turn | what happened | your move | the others |",
        "| --- | --- | --- | --- |",
    ]
    for r in state.records[1:]:
        if r["type"] == "adjudicate":
            events = _events(state, r["turn"]) if r in state.played else "*(this turn was undone)*"
            others = ", ".join(f"{c} {m['option']}" for c, m in r["moves"].items() if c != d.seat)
            out.append(f"| {r['turn']} | {events} | {r['moves'][d.seat]['option']} | {others} |")
        elif r["type"] == "undo":
            out.append(f"| {r['turn']} | *undone* (back to the start of turn {r['turn']}) | | |")
    out += ["", f"Scenario sources: {'; '.join(' '.join(s.split()) for s in sc.sources)}", ""]
    return "\n".join(out)


def _events(state: SessionState, turn: int) -> str:
    """The headlines of events that fired on ``turn`` of the session's run (as it stands)."""
    model = state.model
    if turn > len(model.history):
        return "(undone)"
    rec = model.history[turn - 1]
    names = [e.headline for e, on in zip(model.script.events, rec.fired[0], strict=True) if on]
    return "; ".join(names) or "no inject"


def write_debrief(folder: Path, state: SessionState, d: Debrief) -> Path:
    """Write ``debrief.md`` in the game's folder (atomically) and return its path."""
    path = folder / DEBRIEF_NAME
    atomic_write_text(path, debrief_markdown(state, d))
    return path
