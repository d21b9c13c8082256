"""The report's charts as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

import numpy as np

from sim.actors import ACTORS, ALLY_PAIRS, CAPITAL
from sim.model import Snapshot
from sim.vocab import MECHANISMS

_STATUS_COLOURS = ("#2e7d32", "#f9a825", "#c62828")  # active, suspended, ended
_DPI = 110


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def trust_chart(snapshots: list[Snapshot], rulings: list[int]) -> bytes:
    """Trust among the three allies after each turn (turn 0 is the start).

    Args:
        snapshots: The session's snapshot at the end of each turn, from turn 0.
        rulings: Turns whose outcome a facilitator overrode (marked on the chart).
    """
    from matplotlib.figure import Figure

    turns = np.arange(len(snapshots))
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    styles = ("-", "--")
    colours = {(0, 1): "#1565c0", (1, 0): "#1565c0", (0, 2): "#6a1b9a", (2, 0): "#6a1b9a"}
    colours |= {(1, 2): "#c62828", (2, 1): "#c62828"}
    for i, j in ALLY_PAIRS:
        values = [float(s.state.trust[0, i, j]) for s in snapshots]
        ax.plot(
            turns,
            values,
            styles[int(i > j)],
            color=colours[(i, j)],
            marker="o",
            markersize=3,
            label=f"{CAPITAL[ACTORS[i]]} → {CAPITAL[ACTORS[j]]}",
        )
    for k, t in enumerate(sorted(set(rulings))):
        ax.axvline(
            t, color="grey", linestyle=":", linewidth=1, label="facilitator ruling" if k == 0 else None
        )
    ax.set_xlabel("turn (0 = start)")
    ax.set_ylabel("trust (0–1)")
    ax.set_ylim(0, 1)
    ax.set_xticks(turns)
    ax.set_title("Trust among the allies")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    return _png(fig)


def mechanism_chart(snapshots: list[Snapshot]) -> bytes:
    """Each mechanism's status (colour) and strength (bar height) after each turn."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    n_t = len(snapshots)
    fig = Figure(figsize=(7.5, 0.32 * len(MECHANISMS) + 1.2))
    ax = fig.add_subplot()
    for t, snap in enumerate(snapshots):
        for k in range(len(MECHANISMS)):
            status = int(snap.state.status[0, k])
            strength = float(snap.state.strength[0, k])
            y = len(MECHANISMS) - 1 - k
            ax.add_patch(Rectangle((t - 0.45, y - 0.4), 0.9, 0.8, color=_STATUS_COLOURS[status], alpha=0.18))
            ax.add_patch(Rectangle((t - 0.45, y - 0.4), 0.9, 0.8 * strength, color=_STATUS_COLOURS[status]))
    ax.set_xlim(-0.6, n_t - 0.4)
    ax.set_ylim(-0.6, len(MECHANISMS) - 0.4)
    ax.set_yticks(range(len(MECHANISMS)))
    ax.set_yticklabels([m.replace("_", " ") for m in reversed(MECHANISMS)], fontsize=8)
    ax.set_xticks(range(n_t))
    ax.set_xlabel("turn (0 = start); bar height = strength")
    ax.set_title("Mechanism timeline")
    ax.legend(
        handles=[
            Patch(color=c, label=s)
            for c, s in zip(_STATUS_COLOURS, ("active", "suspended", "ended"), strict=True)
        ],
        fontsize=7,
        ncol=3,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        frameon=False,
    )
    return _png(fig)


def percentile_chart(ai: np.ndarray, teams: float, pct: float) -> bytes:
    """The AI-played runs' index as a histogram, with the teams' result marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.add_subplot()
    ax.hist(ai, bins=np.linspace(0, 100, 41), color="#90a4ae", edgecolor="white")
    ax.axvline(teams, color="#c62828", linewidth=2, label=f"the teams: {teams:.1f} (percentile {pct:.0f})")
    ax.set_xlabel("resilience index at the same turn")
    ax.set_ylabel("AI-played runs")
    ax.set_title(f"The teams' result among {ai.size:,} AI-played runs from the same start")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _png(fig)
