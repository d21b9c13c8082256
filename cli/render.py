"""Rich rendering of a played run: header, legend, starting state, turns, scorecard.

Nothing is ever cut: a table that does not fit the console's width is re-laid out
(side-by-side tables are stacked, a table too wide even alone is printed as one
wrapped line per row), and every column folds rather than truncates. The words
and causes come from `sim.narrative`, so the transcript and ``--json`` tell the
same story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sim.actors import ACTORS, CAPITAL
from sim.narrative import SCALES, choice, state_before, turn_story, verdict, verdict_scale, why
from sim.score_fields import MECHANISM_SCORES
from sim.scoring import INDEX_COMPONENTS
from sim.vocab import MECHANISMS, STATUSES

if TYPE_CHECKING:
    import numpy as np

    from sim.model import TrilateralModel
    from sim.results import RunResult
    from sim.state import State

_STATUS_STYLE = {"active": "green", "suspended": "yellow", "ended": "red"}

#: How much each turn shows: ``normal`` (moves, trust, mechanisms, story) or ``full``
#: (also opinion, threat perception, exposure and resolve after every turn).
DETAILS = ("normal", "full")

#: The views shown with ``--detail full`` (and for the start and the end of every run).
VIEWS = (
    ("opinion", "Public opinion (row of column; 0.5 neutral)"),
    ("threat", "Threat perception (row of column)"),
    ("exposure", "Economic exposure (row's trade share with column)"),
)


# -- layout -----------------------------------------------------------------------------------
def _table(title: str | None = None) -> Table:
    return Table(title=title, title_justify="left", box=None, pad_edge=False, collapse_padding=True)


def _measure(console: Console, renderable: RenderableType) -> Measurement:
    """Narrowest (longest word) and natural widths, not clamped to the console's width."""
    return Measurement.get(console, console.options.update_width(100_000), renderable)


def _as_lines(table: Table, skip_empty: bool = False) -> Group:
    """A table as one wrapped line per row: 'first cell: header value, header value'."""
    heads = [str(c.header) for c in table.columns]
    cells = [list(c._cells) for c in table.columns]  # noqa: SLF001  (rich keeps cells per column)
    parts: list[RenderableType] = []
    if table.title:
        parts.append(Text(str(table.title), style="italic"))
    for r in range(table.row_count):
        line = Text()
        line.append_text(Text.from_markup(cells[0][r]) if isinstance(cells[0][r], str) else cells[0][r])
        rest = []
        for h, col in zip(heads[1:], cells[1:], strict=True):
            cell = col[r]
            text = Text.from_markup(cell) if isinstance(cell, str) else cell.copy()
            if skip_empty and not text.plain:
                continue
            rest.append(Text(f"{h} ", style="dim") + text if h not in ("", "value") else text)
        if rest:
            line.append(": ")
            line.append_text(Text(", ").join(rest))
        parts.append(line)
    return Group(*parts)


def fit(console: Console, table: Table, skip_empty: bool = False) -> RenderableType:
    """The table if it fits the console unwrapped, else the table as wrapped lines.

    ``skip_empty`` leaves out a row's empty cells in the wrapped form ("turn ," says nothing).
    """
    if _measure(console, table).maximum <= console.width:
        return table
    return _as_lines(table, skip_empty)


def side_by_side(console: Console, *renderables: RenderableType) -> RenderableType:
    """Renderables next to each other when they fit the width together, else stacked."""
    need = sum(_measure(console, r).maximum for r in renderables) + 4 * (len(renderables) - 1)
    if need <= console.width:
        grid = Table.grid(padding=(0, 4))
        grid.add_row(*renderables)
        return grid
    return Group(*(fit(console, r) if isinstance(r, Table) else r for r in renderables))


# -- pieces -----------------------------------------------------------------------------------
def _survived(value: bool | None) -> Text:
    """Yes, no, or "not tested" for a mechanism never active in the run."""
    if value is None:
        return Text("not tested", style="dim")
    return Text("yes", style="green") if value else Text("no", style="red")


def _level(value: float, change: float | None) -> Text:
    """A level with an arrow and colour for its change (blank if under 0.005 or unknown)."""
    if change is None or abs(change) < 0.005:
        return Text(f"{value:.2f} ")
    return Text(f"{value:.2f}{'▲' if change > 0 else '▼'}", style="green" if change > 0 else "red")


def matrix_table(title: str, now: np.ndarray, before: np.ndarray | None) -> Table:
    """A holder -> object matrix (4 x 4) with each entry's change since ``before``."""
    table = _table(title)
    table.add_column("", no_wrap=True)
    for code in ACTORS:
        table.add_column(code, justify="right", no_wrap=True)
    for i, row in enumerate(ACTORS):
        cells: list[Text | str] = [row]
        for j in range(len(ACTORS)):
            if i == j:
                cells.append(Text("·", style="dim"))
                continue
            cells.append(_level(now[i, j], None if before is None else now[i, j] - before[i, j]))
        table.add_row(*cells)
    return table


def trust_table(now: State, before: State | None, run: int = 0) -> Table:
    """The directed trust matrix, with its changes."""
    return matrix_table("Trust (row → column)", now.trust[run], None if before is None else before.trust[run])


def mechanism_table(now: State, before: State | None, run: int = 0, short: bool = False) -> Table:
    """Each mechanism's status and strength (``short``: status as one letter, see the legend)."""
    table = _table("Mechanisms" + (" (status: A active, S suspended, E ended)" if short else ""))
    table.add_column("mechanism", overflow="fold")
    table.add_column("st" if short else "status", overflow="fold")
    table.add_column("strength", justify="right", no_wrap=True)
    for k, name in enumerate(MECHANISMS):
        status = STATUSES[now.status[run, k]]
        s = now.strength[run, k]
        change = None if before is None else s - before.strength[run, k]
        label = status[0].upper() if short else status
        table.add_row(name, Text(label, style=_STATUS_STYLE[status]), _level(s, change))
    return table


def _mechanisms(console: Console, now: State, before: State | None, run: int) -> Table:
    """The mechanism table, with one-letter statuses when the full one would wrap a name."""
    full = mechanism_table(now, before, run)
    natural = _measure(console, full).maximum
    return full if natural <= console.width else mechanism_table(now, before, run, True)


def views_block(console: Console, now: State, before: State | None, run: int = 0) -> RenderableType:
    """Opinion, threat perception and exposure matrices, and resolve."""
    tables = [
        matrix_table(title, getattr(now, name)[run], None if before is None else getattr(before, name)[run])
        for name, title in VIEWS
    ]
    resolve = _table("Resolve (willingness to bear costs)")
    for code in ACTORS:
        resolve.add_column(code, justify="right", no_wrap=True)
    resolve.add_row(
        *(
            _level(
                now.resolve[run, a], None if before is None else now.resolve[run, a] - before.resolve[run, a]
            )
            for a in range(len(ACTORS))
        )
    )
    rows: list[RenderableType] = []
    for pair in (tables[0:2], [tables[2], resolve]):
        rows.append(side_by_side(console, *pair))
    return Group(*rows)


def state_line(console: Console, st: State, run: int, index: float | None = None) -> Text:
    """'cohesion 58.7/100  crisis 0.43  dispute 0.34  index so far 75.2/100' (one per line if narrow)."""
    items = [
        f"cohesion {st.cohesion[run]:.1f}/100",
        f"crisis {st.crisis[run]:.2f}",
        f"dispute {st.dispute[run]:.2f}",
    ]
    if index is not None:
        items.append(f"index so far {index:.1f}/100")
    one = "  ".join(items)
    return Text(one if len(one) <= console.width else "\n".join(items))


def header(console: Console, result: RunResult, run: int = 0) -> None:
    """Title, the record that reproduces the run, the description and the scales."""
    from sim.provenance import header_lines

    m = result.model
    sc = m.script
    console.rule(style="bold")
    console.print(
        Text(f"{sc.title}", style="bold")
        + Text(f"  (seed {int(m.seeds[run])}, {sc.turns} turns of {sc.turn_length})")
    )
    for line in header_lines(result.provenance(run)):
        console.print(Text(line, style="dim"), highlight=False)
    console.print(sc.description.strip(), highlight=False)
    console.print(Text(SCALES, style="italic"), highlight=False)


def render_start(console: Console, model: TrilateralModel, run: int = 0) -> None:
    """The world before turn 1: the reference for turn 1's arrows."""
    st = model.start
    console.rule("Before turn 1", style="bold")
    console.print(state_line(console, st, run), highlight=False)
    console.print(side_by_side(console, trust_table(st, None, run), _mechanisms(console, st, None, run)))
    console.print(views_block(console, st, None, run))


def _actions(console: Console, model: TrilateralModel, index: int, run: int) -> RenderableType:
    rec = model.history[index]
    parts: list[RenderableType] = [Text("Moves, and why", style="italic")]
    for a, code in enumerate(ACTORS):
        c = choice(model, rec, run, a)
        line = Text(f"{CAPITAL[code]}: ", style="bold")
        line.append(c["action"])
        if c["unlikely"]:
            line.append("  (an unlikely pick)", style="bold yellow")
        parts.append(line)
        parts.append(Padding(Text(why(model, rec, run, a), style="dim"), (0, 0, 0, 2), expand=False))
    return Group(*parts)


def render_turn(
    console: Console, model: TrilateralModel, index: int, run: int = 0, detail: str = "normal"
) -> None:
    """Print one turn: briefing, injects and their briefings, moves and why, state, story."""
    rec = model.history[index]
    before = state_before(model, index)
    sc = model.script
    console.rule(f"Turn {rec.turn} of {sc.turns}", style="bold")
    console.print(state_line(console, rec.state, run, float(rec.index[run])), highlight=False)
    if rec.turn in sc.briefings:
        console.print(Text(sc.briefings[rec.turn].strip(), style="italic"), highlight=False)
    for e, on in zip(sc.events, rec.fired[run], strict=True):
        if not on:
            continue
        line = Text("⚡ ", style="bold yellow")
        line.append(e.headline, style="bold")
        line.append(f"  [{e.kind}, {e.source}→{'/'.join(e.targets)}, magnitude {e.magnitude:g}]", style="dim")
        console.print(line, highlight=False)
        console.print(Padding(Text(e.briefing.strip()), (0, 0, 0, 2), expand=False), highlight=False)
    console.print(_actions(console, model, index, run), highlight=False)
    console.print(
        side_by_side(
            console, trust_table(rec.state, before, run), _mechanisms(console, rec.state, before, run)
        )
    )
    if detail == "full":
        console.print(views_block(console, rec.state, before, run))
    for sentence in turn_story(model, index, run):
        console.print(Text("• " + sentence), highlight=False)


def render_scorecard(console: Console, result: RunResult, run: int = 0) -> None:
    """Print the scorecard: the index with its breakdown, rates with counts, mechanism resilience."""
    card = result.scorecard_dict(run)
    m = result.model
    index = card["resilience_index"]
    console.rule("Scorecard", style="bold")
    console.print(Text(f"Resilience index {index:.1f} / 100 — {verdict(index)}", style="bold"))
    console.print(Text(f"Verdicts: {verdict_scale()}.", style="dim"))
    breakdown = _table("What makes up the index")
    for col in ("component", "value", "points"):
        breakdown.add_column(col, justify="left" if col == "component" else "right", overflow="fold")
    for c in INDEX_COMPONENTS:
        row = card["breakdown"][c]
        if row["component"] is None:
            breakdown.add_row(c.replace("_", " "), "not tested", "—")
        else:
            breakdown.add_row(c.replace("_", " "), f"{row['component']:.2f}", f"{row['points']:.1f}")
    console.print(fit(console, breakdown))

    counts = card["counts"]

    def rate(x: float | None, key: str, unit: str) -> str:
        k = counts[key]
        if x is None:
            return f"not tested (no {unit})"
        if isinstance(k["hits"], int):
            return f"{100 * x:.0f}% ({k['hits']} of {k['of']} {unit})"
        # Wedge success is an expected count (each episode credited with the probability
        # that the attempt caused the split, Crawford): say so, or "1.30 of 5" reads as a typo.
        return f"{100 * x:.0f}% (an expected {k['hits']:.2f} of {k['of']} {unit})"

    rates = _table("Rates")
    rates.add_column("measure", overflow="fold")
    rates.add_column("value", justify="right", overflow="fold")
    rates.add_row("mean cohesion", f"{card['cohesion_mean']:.1f} / 100")
    rates.add_row(
        "coordinated-response rate",
        rate(card["coordinated_response_rate"], "coordinated_response", "crisis turns"),
    )
    rates.add_row(
        "Beijing's wedge success", rate(card["wedge_success_rate"], "wedge_success", "wedge episodes")
    )
    rates.add_row(
        "Beijing's coercion success",
        rate(card["coercion_success_rate"], "coercion_success", "coercion episodes"),
    )
    console.print(fit(console, rates))
    mech = _table("Mechanism resilience")
    for col in ("mechanism", *(f.label for f in MECHANISM_SCORES)):
        mech.add_column(col, justify="left" if col == "mechanism" else "right", overflow="fold")
    for name, row in card["mechanisms"].items():
        rec = "—" if row["recovery_time"] is None else f"{row['recovery_time']:.0f} turns"
        mech.add_row(
            name,
            f"{100 * row['time_active']:.0f}%",
            _survived(row["survived"]),
            rec,
            f"{row['final_strength']:.2f}",
        )
    console.print(fit(console, mech))
    # The footnote is the score registry's own definitions, so the two cannot drift apart.
    notes = "; ".join(f"{f.label}: {f.meaning}" for f in MECHANISM_SCORES)
    console.print(Text(notes.replace(" (NaN)", "") + ".", style="dim"))
    console.rule("At the end, against the start", style="bold")
    last = m.history[-1].state
    console.print(
        side_by_side(console, trust_table(last, m.start, run), _mechanisms(console, last, m.start, run))
    )
    console.print(views_block(console, last, m.start, run))


def render_run(console: Console, result: RunResult, run: int = 0, detail: str = "normal") -> None:
    """The whole transcript of one run."""
    header(console, result, run)
    render_start(console, result.model, run)
    for i in range(len(result.model.history)):
        render_turn(console, result.model, i, run, detail)
    render_scorecard(console, result, run)
