"""Rich rendering of a played run: turns, then the scorecard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sim.actors import ACTORS, CAPITAL
from sim.narrative import turn_story, verdict, why
from sim.scoring import INDEX_COMPONENTS
from sim.vocab import MECHANISMS, STATUSES

if TYPE_CHECKING:
    from sim.model import TrilateralModel
    from sim.results import RunResult

_STATUS_STYLE = {"active": "green", "suspended": "yellow", "ended": "red"}


def _level(value: float, change: float) -> Text:
    """A level with an arrow and colour for its change this turn (blank if under 0.005)."""
    if abs(change) < 0.005:
        return Text(f"{value:.2f} ")
    return Text(f"{value:.2f}{'▲' if change > 0 else '▼'}", style="green" if change > 0 else "red")


def trust_table(model: TrilateralModel, index: int, run: int = 0) -> Table:
    """The directed trust matrix after a turn, with the turn's changes."""
    rec = model.history[index]
    before = (model.history[index - 1].state if index else model.start).trust[run]
    table = Table(title="Trust (row → column)", title_justify="left", box=None, pad_edge=False)
    table.add_column("")
    for code in ACTORS:
        table.add_column(code, justify="right")
    for i, row in enumerate(ACTORS):
        cells: list[Text | str] = [row]
        for j in range(len(ACTORS)):
            if i == j:
                cells.append(Text("·", style="dim"))
                continue
            v = rec.state.trust[run, i, j]
            cells.append(_level(v, v - before[i, j]))
        table.add_row(*cells)
    return table


def mechanism_table(model: TrilateralModel, index: int, run: int = 0) -> Table:
    """Each mechanism's status and strength after a turn."""
    rec = model.history[index]
    before = (model.history[index - 1].state if index else model.start).strength[run]
    table = Table(title="Mechanisms", title_justify="left", box=None, pad_edge=False)
    for col, justify in (("mechanism", "left"), ("status", "left"), ("strength", "right")):
        table.add_column(col, justify=justify)
    for k, name in enumerate(MECHANISMS):
        status = STATUSES[rec.state.status[run, k]]
        s = rec.state.strength[run, k]
        table.add_row(name, Text(status, style=_STATUS_STYLE[status]), _level(s, s - before[k]))
    return table


def render_turn(console: Console, model: TrilateralModel, index: int, run: int = 0) -> None:
    """Print one turn: briefing, injects, actions and why, trust, mechanisms, story."""
    rec = model.history[index]
    sc = model.script
    opts = model.compiled.options
    parts: list = []
    if rec.turn in sc.briefings:
        parts.append(Text(sc.briefings[rec.turn].strip(), style="italic"))
    injects = [e for e, on in zip(sc.events, rec.fired[run], strict=True) if on]
    for e in injects:
        line = Text("⚡ ", style="bold yellow")
        line.append(e.headline, style="bold")
        line.append(f"  [{e.kind}, {e.source}→{'/'.join(e.targets)}, magnitude {e.magnitude:g}]", style="dim")
        parts.append(line)
    actions = Table(box=None, pad_edge=False)
    actions.add_column("actor", style="bold")
    actions.add_column("action")
    actions.add_column("why (weighted utility terms)", style="dim")
    for a, code in enumerate(ACTORS):
        o = int(rec.outcome.choices[run, a])
        actions.add_row(CAPITAL[code], opts.label(o), why(model, rec, run, a))
    parts.append(actions)
    grid = Table.grid(padding=(0, 4))
    grid.add_row(trust_table(model, index, run), mechanism_table(model, index, run))
    parts.append(grid)
    for sentence in turn_story(model, index, run):
        parts.append(Text("• " + sentence))
    st = rec.state
    title = (
        f"Turn {rec.turn}/{sc.turns}  cohesion {st.cohesion[run]:.1f}  "
        f"crisis {st.crisis[run]:.2f}  dispute {st.dispute[run]:.2f}"
    )
    console.print(Panel(Group(*parts), title=title, title_align="left"))


def render_scorecard(console: Console, result: RunResult, run: int = 0) -> None:
    """Print the scorecard: the index with its breakdown, rates, mechanism resilience."""
    card = result.scorecard_dict(run)
    index = card["resilience_index"]
    head = Text(f"Resilience index {index:.1f} / 100 — {verdict(index)}", style="bold")
    breakdown = Table(title="What makes up the index", title_justify="left", box=None)
    for col in ("component", "value", "points"):
        breakdown.add_column(col, justify="left" if col == "component" else "right")
    for c in INDEX_COMPONENTS:
        row = card["breakdown"][c]
        if row["component"] is None:
            breakdown.add_row(c.replace("_", " "), "not tested", "—")
        else:
            breakdown.add_row(c.replace("_", " "), f"{row['component']:.2f}", f"{row['points']:.1f}")

    def pct(x: float | None) -> str:
        return "not tested" if x is None else f"{100 * x:.0f}%"

    rates = Table(title="Rates", title_justify="left", box=None)
    rates.add_column("measure")
    rates.add_column("value", justify="right")
    rates.add_row("mean cohesion", f"{card['cohesion_mean']:.1f}")
    rates.add_row("coordinated-response rate", pct(card["coordinated_response_rate"]))
    rates.add_row("Beijing's wedge success", pct(card["wedge_success_rate"]))
    rates.add_row("Beijing's coercion success", pct(card["coercion_success_rate"]))
    mech = Table(title="Mechanism resilience", title_justify="left", box=None)
    for col in ("mechanism", "active", "survived", "recovery", "strength"):
        mech.add_column(col, justify="left" if col == "mechanism" else "right")
    for name, m in card["mechanisms"].items():
        rec = "—" if m["recovery_time"] is None else f"{m['recovery_time']:.0f}"
        mech.add_row(
            name,
            f"{100 * m['time_active']:.0f}%",
            Text("yes", style="green") if m["survived"] else Text("no", style="red"),
            rec,
            f"{m['final_strength']:.2f}",
        )
    console.print(Panel(Group(head, breakdown, rates, mech), title="Scorecard", title_align="left"))
