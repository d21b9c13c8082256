"""The after-action report, in the shape exercise planners know.

Exercise overview (scenario, teams, settings); objectives with a performance rating
each; observations (strengths, areas for improvement); an improvement plan; then
the evidence: the timeline of every record (decisions with rationales, injects,
overrides beside the engine's own result, undos, seat changes), charts of trust and
of the mechanisms, the final scores with their breakdown, the turning points, the
teams' percentile among AI-played runs from the same start, and which mechanisms
would most have helped. One `ReportData` is written as Markdown or as a single
self-contained HTML file (charts embedded as base64 PNG).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.actors import CAPITAL
from sim.model import TrilateralModel
from sim.narrative import shown_change, signed, verdict
from sim.scoring import INDEX_COMPONENTS
from sim.session import analysis as an
from sim.session.log import Record
from sim.session.state import HUMAN, SessionState

#: Performance ratings (the HSEEP scale) by the objective's score in [0, 1]: at least
#: the first number earns the rating. A presentation choice, stated in the report.
RATINGS = (
    (0.75, "P", "performed without challenges"),
    (0.5, "S", "performed with some challenges"),
    (0.25, "M", "performed with major challenges"),
    (0.0, "U", "unable to be performed"),
)

OBJECTIVES = {
    "coordinated_response": "Answer military crises and coercion together (coordinated-response rate)",
    # The index's mechanism component: strength while active, averaged over the turns and
    # the mechanisms ever active (sim/scoring.py, mechanism_component); not time active.
    "mechanisms": "Keep the cooperation mechanisms strong and in force (mean strength while active)",
    "cohesion": "Hold the allies together (mean cohesion)",
    "wedge_resistance": "Resist Beijing's wedge (share of inducements that did not split the allies)",
    "coercion_resistance": "Resist Beijing's coercion (share of coercion episodes without concession)",
}

SECTIONS = (
    ("overview", "Exercise overview"),
    ("objectives", "Objectives"),
    ("observations", "Observations"),
    ("improvement-plan", "Improvement plan"),
    ("scores", "Final scores"),
    ("charts", "Trust and mechanisms over time"),
    ("turning-points", "Turning points"),
    ("percentile", "The teams' result among AI-played runs"),
    ("mechanisms-helped", "Which mechanisms would most have helped"),
    ("timeline", "Timeline"),
)


def rating(score: float | None) -> tuple[str, str]:
    """The rating letter and its meaning for a score in [0, 1] (None: not tested)."""
    if score is None or np.isnan(score):
        return "—", "not tested in this exercise"
    for floor, letter, meaning in RATINGS:
        if score >= floor:
            return letter, meaning
    return RATINGS[-1][1], RATINGS[-1][2]


def describe_record(r: Record) -> str:
    """One line saying what a record did."""
    kind = r["type"]
    if kind == "header":
        teams = ", ".join(r["humans"])
        return f"session created: {r['scenario']['title']}, seed {r['seed']}, human teams {teams}"
    if kind == "decision":
        src = "" if r.get("source") == "prompt" else f" (from {r['source']})"
        why = f": “{r['rationale']}”" if r.get("rationale") else ""
        return f"{r['actor']} decided {r['option']}{src}{why}"
    if kind == "inject":
        e = r["event"]
        return (
            f"inject: {e['headline']} [{e['kind']}, {e.get('source', 'PRC')}→{'/'.join(e['targets'])}, "
            f"magnitude {e['magnitude']:g}]"
        )
    if kind == "adjudicate":
        moves = "; ".join(
            f"{code} {m['option']}{'' if m['by'] == HUMAN else ' (AI)'}" for code, m in r["moves"].items()
        )
        return f"adjudicated: {moves}; cohesion {r['cohesion']:.1f}, index so far {r['index_so_far']:.1f}"
    if kind == "override":
        parts = [f"{p} = {_fmt(v)} (engine: {_fmt(r['engine'][p])})" for p, v in r["ruling"].items()]
        return f"override: {'; '.join(parts)}. Reason: “{r['reason']}”"
    if kind == "undo":
        return f"undo: turn {r['turn']} taken back"
    if kind == "seat":
        return f"{r['actor']}'s seat handed to {'the AI' if r['to'] == 'ai' else 'a human team'}"
    if kind == "quit":
        return "play stopped"
    return kind


def _fmt(v: Any) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def undone_records(records: list[Record]) -> set[int]:
    """Numbers of the records whose effect a later undo took back.

    Undoing turn t takes back everything of turn t (its injects, decisions,
    adjudication, overrides) and the drafts and injects already made for turn t+1.
    Seat changes and quits are not undone.
    """
    live: list[Record] = []
    out: set[int] = set()
    for r in records:
        if r["type"] == "undo":
            t = r["turn"]
            for x in live:
                if x["type"] in ("decision", "inject", "adjudicate", "override") and x["turn"] >= t:
                    out.add(x["seq"])
            live = [x for x in live if x["seq"] not in out]
        elif r["type"] != "header":
            live.append(r)
    return out


@dataclass
class ReportData:
    """Everything the report says, ready to be written as Markdown or HTML."""

    name: str
    header: Record
    title: str
    description: str
    turns_played: int
    turns: int
    finished: bool
    seats: dict[str, str]
    teams: list[str]
    objectives: list[tuple[str, str, str, str]]
    strengths: list[str]
    improvements: list[str]
    plan: list[tuple[str, str, str, str]]
    card: dict[str, Any]
    turning: list[an.TurningPoint]
    teams_index: float
    percentile: float
    ai: np.ndarray
    gains: list[an.Gain]
    boost: float
    timeline: list[tuple[int, str, int, str, str, bool]]
    counts: dict[str, int]
    charts: dict[str, bytes] = field(default_factory=dict)
    #: Facilitator rulings in force (not undone): the teams' result rests partly on them.
    rulings: int = 0


def build_report(
    state: SessionState,
    runs: int = 1000,
    gain_runs: int = 200,
    boost: float = 0.25,
    progress: Callable[[str], None] | None = None,
) -> ReportData:
    """Measure and gather everything the after-action report says about a session.

    Args:
        state: The session, replayed.
        runs: AI-played runs for the percentile.
        gain_runs: Runs per mechanism for what a stronger mechanism would have changed.
        boost: Strength added to a mechanism from the start in that comparison.
        progress: Called with a short description before each slow stage (the
            command shows it while it waits); None: silent.
    """
    say = progress or (lambda _: None)
    from sim.results import RunResult
    from sim.session.charts import mechanism_chart, percentile_chart, trust_chart

    m = state.model
    scored = TrilateralModel.from_snapshot(m.snapshot(), state.loaded)
    scored.scores = scored.scorecard_so_far()  # an unfinished session is scored on the turns played
    card = RunResult(scored).scorecard_dict()
    records = state.records
    undone = undone_records(records)

    objectives = []
    for comp, text in OBJECTIVES.items():
        value = card["breakdown"][comp]["component"]
        letter, meaning = rating(value)
        shown = "not tested" if value is None else f"{100 * value:.0f}%"
        objectives.append((text, shown, letter, meaning))

    say(f"{runs:,} AI-played runs for the percentile")
    ai = an.ai_indexes(state, runs)
    teams = an.teams_index(state)
    pct = an.percentile(teams, ai)
    say(f"what stronger mechanisms would have changed ({gain_runs:,} runs each)")
    gains = an.mechanism_gains(state, runs=gain_runs, boost=boost)
    say("the turning points")
    turning = an.turning_points(state)
    strengths, improvements = _observations(state, card, turning, records, undone)
    plan = []
    members = state.loaded.parameters.mechanisms
    for g in gains:
        if g.low > 0 and len(plan) < 3:
            plan.append(
                (
                    f"{g.mechanism.replace('_', ' ')}: the teams would have done better with it stronger",
                    f"Strengthen {g.mechanism.replace('_', ' ')} before a crisis "
                    f"(+{boost:g} strength from the start)",
                    ", ".join(members[g.mechanism].members),
                    f"{signed(g.mean, 1)} index points (95% CI {signed(g.low, 1)} to {signed(g.high, 1)})",
                )
            )
    timeline = [
        (
            r["seq"],
            r.get("time", r.get("created", "")),
            int(r.get("turn", 0)),
            r["type"],
            describe_record(r),
            r["seq"] in undone,
        )
        for r in records
    ]
    counts = {
        k: sum(1 for r in records if r["type"] == k)
        for k in ("decision", "inject", "override", "undo", "seat")
    }
    rulings = [r["turn"] for r in records if r["type"] == "override" and r["seq"] not in undone]
    data = ReportData(
        name=state.header.get("name", ""),
        header=state.header,
        title=m.script.title,
        description=m.script.description.strip(),
        turns_played=m.turn,
        turns=m.script.turns,
        finished=state.finished,
        seats=dict(state.seats),
        teams=list(state.header["humans"]),
        objectives=objectives,
        strengths=strengths,
        improvements=improvements,
        plan=plan,
        card=card,
        turning=turning,
        teams_index=teams,
        percentile=pct,
        ai=ai,
        gains=gains,
        boost=boost,
        timeline=timeline,
        counts=counts,
        rulings=len(rulings),
    )
    say("the charts")
    data.charts = {
        "trust": trust_chart(state.snapshots, rulings),
        "mechanisms": mechanism_chart(state.snapshots),
        "percentile": percentile_chart(ai, teams, pct),
    }
    return data


def _observations(
    state: SessionState,
    card: dict[str, Any],
    turning: list[an.TurningPoint],
    records: list[Record],
    undone: set[int],
) -> tuple[list[str], list[str]]:
    strengths, improvements = [], []
    for comp, text in OBJECTIVES.items():
        value = card["breakdown"][comp]["component"]
        letter, _ = rating(value)
        if letter == "P":
            strengths.append(f"{text}: {100 * value:.0f}%.")
        elif letter in ("M", "U"):
            improvements.append(f"{text}: only {100 * value:.0f}%.")
    m = state.model
    for k, name in enumerate(card["mechanisms"]):
        for t, rec in enumerate(m.history):
            before = (m.history[t - 1].state if t else m.start).status[0, k]
            status = int(rec.state.status[0, k])
            if status != before:
                word = ("restored", "suspended", "ended")[status]
                line = f"{name.replace('_', ' ')} was {word} on turn {rec.turn}."
                (strengths if status == 0 else improvements).append(line)
    for p in turning[:2]:
        improvements.append(
            f"Turn {p.turn}: trust {CAPITAL[p.holder]}→{CAPITAL[p.toward]} "
            f"fell {abs(shown_change(p.before, p.after, 2)):.2f} "
            f"({p.before:.2f} → {p.after:.2f})."
        )
    kept = [r for r in records if r["seq"] not in undone]
    n_over = sum(1 for r in kept if r["type"] == "override")
    if n_over:
        improvements.append(
            f"The facilitator overrode the engine {n_over} time(s): the result rests partly on those rulings."
        )
    n_undo = sum(1 for r in records if r["type"] == "undo")
    if n_undo:
        improvements.append(f"{n_undo} turn(s) were undone and replayed; the timeline shows both versions.")
    return strengths, improvements


# -- Markdown ---------------------------------------------------------------------------------


def to_markdown(d: ReportData, image_prefix: str = "report-") -> str:
    """The report as Markdown (charts as PNG files beside it, named ``image_prefix + name``)."""
    h = d.header
    out = [f"# After-action report: {d.title}", ""]
    out += _md_overview(d, h)
    out += ["## Objectives", "", "| objective | result | rating |", "| --- | ---: | --- |"]
    out += [f"| {o} | {v} | {r} ({meaning}) |" for o, v, r, meaning in d.objectives]
    out += ["", _rating_note(), "", "## Observations", "", "**Strengths**", ""]
    out += [f"- {s}" for s in d.strengths] or ["- none stood out"]
    out += ["", "**Areas for improvement**", ""]
    out += [f"- {s}" for s in d.improvements] or ["- none stood out"]
    out += ["", "## Improvement plan", ""]
    if d.plan:
        out += ["| issue | corrective action | responsible | expected gain |", "| --- | --- | --- | --- |"]
        out += [f"| {a} | {b} | {c} | {g} |" for a, b, c, g in d.plan]
    else:
        out += ["No mechanism, strengthened alone, would have raised the index beyond its uncertainty."]
    out += ["", f"## {scores_title(d)}", ""] + _md_scores(d)
    out += ["", "## Trust and mechanisms over time", ""]
    out += [
        f"![Trust among the allies]({image_prefix}trust.png)",
        "",
        f"![Mechanism timeline]({image_prefix}mechanisms.png)",
    ]
    out += ["", "## Turning points", ""]
    out += [_turning_line(p, _md_text) for p in d.turning] or ["Trust between the allies never fell."]
    out += ["", "## The teams' result among AI-played runs", "", _percentile_text(d), ""]
    out += [f"![Percentile]({image_prefix}percentile.png)", ""]
    out += ["## Which mechanisms would most have helped", "", _gains_intro(d), ""]
    out += ["| mechanism | index gain | 95% interval |", "| --- | ---: | --- |"]
    out += [
        f"| {g.mechanism.replace('_', ' ')} | {signed(g.mean, 2)} | "
        f"{signed(g.low, 2)} to {signed(g.high, 2)} |"
        for g in d.gains
    ]
    out += ["", "## Timeline", "", "| # | time | turn | what | |", "| ---: | --- | ---: | --- | --- |"]
    for seq, time, turn, _, text, u in d.timeline:
        when = time[:19].replace("T", " ")
        out.append(f"| {seq} | {when} | {turn} | {_md_cell(text)} | {'undone' if u else ''} |")
    return "\n".join(out) + "\n"


def _md_text(text: str) -> str:
    """Typed text (a headline, a rationale, a reason) as Markdown text, not HTML.

    ``<`` and ``&`` would let text typed in the room be read as HTML by a Markdown
    viewer (``<script>`` once passed through as typed; the HTML report escapes it).
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str) -> str:
    """Typed text as one Markdown table cell: `_md_text`, and a ``|`` would end the cell."""
    return _md_text(text).replace("|", "/")


def _md_overview(d: ReportData, h: Record) -> list[str]:
    seats = ", ".join(f"{CAPITAL[a]} ({a}): {'team' if s == HUMAN else 'AI'}" for a, s in d.seats.items())
    return [
        "## Exercise overview",
        "",
        d.description,
        "",
        f"- Session: {d.name}; scenario {h['scenario']['name']} (sha256 {h['scenario']['sha256'][:16]}…)",
        f"- Seed {h['seed']}; settings: {', '.join(h['settings']) or 'none'}; engine {h['engine']}; "
        f"created {h['created'].replace('T', ' ')}",
        f"- Teams at the start: {', '.join(d.teams)}; seats now: {seats}",
        f"- Turns played: {d.turns_played} of {d.turns}{'' if d.finished else ' (exercise not finished)'}",
        f"- Records: {len(d.timeline)} ({', '.join(f'{k}s {v}' for k, v in d.counts.items())})",
        "",
    ]


def scores_title(d: ReportData) -> str:
    """'Final scores', or 'Scores after turn 3 of 12' for an unfinished exercise."""
    return "Final scores" if d.finished else f"Scores after turn {d.turns_played} of {d.turns}"


def _rating_note() -> str:
    return (
        "Ratings: "
        + "; ".join(f"{letter} = {meaning} (≥ {100 * f:.0f}%)" for f, letter, meaning in RATINGS)
        + "."
    )


def _md_scores(d: ReportData) -> list[str]:
    c = d.card
    idx = c["resilience_index"]
    out = [
        f"Resilience index **{idx:.1f} / 100** — {verdict(idx)}.",
        "",
        "| component | value | points |",
        "| --- | ---: | ---: |",
    ]
    for comp in INDEX_COMPONENTS:
        b = c["breakdown"][comp]
        value = "not tested" if b["component"] is None else f"{b['component']:.2f}"
        out.append(f"| {comp.replace('_', ' ')} | {value} | {b['points']:.1f} |")
    out += ["", "| mechanism | active | survived | strength |", "| --- | ---: | --- | ---: |"]
    for name, mm in c["mechanisms"].items():
        survived = _survived(mm["survived"])
        active = f"{100 * mm['time_active']:.0f}%"
        out.append(f"| {name.replace('_', ' ')} | {active} | {survived} | {mm['final_strength']:.2f} |")
    return out


def _survived(value: bool | None) -> str:
    """Yes, no, or "not tested" for a mechanism never active (as the run's scorecard says)."""
    return "not tested" if value is None else ("yes" if value else "no")


def _turning_line(p: an.TurningPoint, text: Callable[[str], str] = str) -> str:
    """A turning point as a Markdown list item; ``text`` escapes what people typed (headlines)."""
    moves = ", ".join(f"{a} {o}" for a, o in p.moves.items())
    events = "; ".join(text(e) for e in p.events) or "no inject"
    return (
        f"- **Turn {p.turn}**: trust {CAPITAL[p.holder]}→{CAPITAL[p.toward]} "
        f"fell {abs(shown_change(p.before, p.after, 2)):.2f} "
        f"({p.before:.2f} → {p.after:.2f}). Injects: {events}. Moves: {moves}. "
        + " ".join(text(line) for line in p.story)
    )


def _percentile_text(d: ReportData) -> str:
    p5, p50, p95 = np.percentile(d.ai, [5, 50, 95])
    return (
        f"The teams' resilience index after turn {d.turns_played} is {d.teams_index:.1f}: percentile "
        f"{d.percentile:.0f} among {d.ai.size:,} runs from the same start "
        "(same scenario, settings and injects) "
        f"with the AI in every seat (their median {p50:.1f}; 90% between {p5:.1f} and {p95:.1f})."
        + (
            f" The teams' result includes {d.rulings} facilitator ruling(s); the AI-played runs have none."
            if d.rulings
            else ""
        )
    )


def _gains_intro(d: ReportData) -> str:
    return (
        f"The teams' own decisions replayed with one mechanism strengthened from the start (+{d.boost:g} "
        "strength, active), the other seats played by the AI over the same seeds, paired with the same runs "
        "without the change; the gain in the index with its 95% interval. Overrides are not replayed."
    )


# -- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}
tr.undone td{color:#888;text-decoration:line-through}img{max-width:100%;height:auto}
.rating{font-weight:bold}.note{color:#555;font-size:.85rem}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(
    head: list[str], rows: list[list[Any]], numeric: tuple[int, ...] = (), classes: list[str] | None = None
) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for k, row in enumerate(rows):
        cls = f' class="{classes[k]}"' if classes and classes[k] else ""
        cells = "".join(f"<td{' class=n' if i in numeric else ''}>{_e(c)}</td>" for i, c in enumerate(row))
        out.append(f"<tr{cls}>{cells}</tr>")
    return "".join(out) + "</tbody></table>"


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def to_html(d: ReportData) -> str:
    """The report as one self-contained HTML file (no external resource of any kind)."""
    h = d.header
    parts: dict[str, str] = {}
    parts["overview"] = (
        "<p>"
        + _e(d.description)
        + "</p><ul>"
        + "".join(f"<li>{_e(x[2:])}</li>" for x in _md_overview(d, h)[4:-1])
        + "</ul>"
    )
    parts["objectives"] = (
        _table(["objective", "result", "rating"], [[o, v, f"{r} ({m})"] for o, v, r, m in d.objectives], (1,))
        + f'<p class="note">{_e(_rating_note())}</p>'
    )
    parts["observations"] = (
        "<h3>Strengths</h3><ul>"
        + "".join(f"<li>{_e(s)}</li>" for s in d.strengths or ["none stood out"])
        + "</ul>"
        "<h3>Areas for improvement</h3><ul>"
        + "".join(f"<li>{_e(s)}</li>" for s in d.improvements or ["none stood out"])
        + "</ul>"
    )
    parts["improvement-plan"] = (
        _table(["issue", "corrective action", "responsible", "expected gain"], [list(p) for p in d.plan])
        if d.plan
        else "<p>No mechanism, strengthened alone, would have raised the index beyond its uncertainty.</p>"
    )
    c = d.card
    idx = c["resilience_index"]
    parts["scores"] = (
        f"<p>Resilience index <strong>{idx:.1f} / 100</strong> — {_e(verdict(idx))}.</p>"
        + _table(
            ["component", "value", "points"],
            [
                [
                    k.replace("_", " "),
                    "not tested" if b["component"] is None else f"{b['component']:.2f}",
                    f"{b['points']:.1f}",
                ]
                for k, b in c["breakdown"].items()
            ],
            (1, 2),
        )
        + _table(
            ["mechanism", "active", "survived", "strength"],
            [
                [
                    n.replace("_", " "),
                    f"{100 * mm['time_active']:.0f}%",
                    _survived(mm["survived"]),
                    f"{mm['final_strength']:.2f}",
                ]
                for n, mm in c["mechanisms"].items()
            ],
            (1, 3),
        )
    )
    parts["charts"] = _img(d.charts["trust"], "Trust among the allies") + _img(
        d.charts["mechanisms"], "Mechanism timeline"
    )
    parts["turning-points"] = (
        "<ul>"
        + "".join(f"<li>{_e(_turning_line(p)[2:].replace('**', ''))}</li>" for p in d.turning)
        + "</ul>"
        if d.turning
        else "<p>Trust between the allies never fell.</p>"
    )
    parts["percentile"] = f"<p>{_e(_percentile_text(d))}</p>" + _img(d.charts["percentile"], "Percentile")
    parts["mechanisms-helped"] = f"<p>{_e(_gains_intro(d))}</p>" + _table(
        ["mechanism", "index gain", "95% interval"],
        [
            [
                g.mechanism.replace("_", " "),
                signed(g.mean, 2),
                f"{signed(g.low, 2)} to {signed(g.high, 2)}",
            ]
            for g in d.gains
        ],
        (1,),
    )
    parts["timeline"] = _table(
        ["#", "time (UTC)", "turn", "what", ""],
        [[seq, t[11:19], turn, text, "undone" if u else ""] for seq, t, turn, _, text, u in d.timeline],
        (0, 2),
        ["undone" if u else "" for *_, u in d.timeline],
    )
    titles = dict(SECTIONS) | {"scores": scores_title(d)}
    body = "".join(
        f'<section id="{sid}"><h2>{_e(titles[sid])}</h2>{parts[sid]}</section>' for sid, _ in SECTIONS
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>After-action report: {_e(d.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>After-action report: {_e(d.title)}</h1>{body}</body></html>\n"
    )
