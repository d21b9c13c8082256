"""`session …`: facilitated war-game sessions that lose nothing.

run.py session new SCENARIO --name NAME --human USA,ROK,JPN [--seed N] [--set …] [--dir DIR]
run.py session play NAME          the turn loop (resumes where it stopped)
run.py session forecast NAME      1,000 AI-played continuations from the current turn
run.py session report NAME        the after-action report (Markdown or one HTML file)
run.py session export NAME        the log and the run as tidy Parquet and CSV tables
run.py session list / show NAME
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, err_console, input_errors, program
from sim.errors import InputError
from sim.limits import AI_RUNS_MAX
from sim.session.log import DEFAULT_DIR, session_ref

app = typer.Typer(
    name="session",
    help="Facilitated war-game sessions: human teams and the AI, an append-only log, reports.",
    no_args_is_help=True,
)

DirOption = Annotated[Path, typer.Option("--dir", help="Folder that holds the sessions.", file_okay=False)]
NameArg = Annotated[str, typer.Argument(help="The session's name.")]
DropOption = Annotated[
    bool,
    typer.Option(
        "--drop-bad-tail", help="Drop a damaged last record (one being written when the session died)."
    ),
]


@contextmanager
def session_errors(hint: str = "") -> Iterator[None]:
    """`input_errors`, and a file the system refuses as one clear paragraph (exit 2).

    A read-only session folder, a path too long for the file system, a full disk or a
    file where a folder should be is not a bug: it is said in one paragraph, with the
    file, the system's reason and what to do, never as an internal error.
    """
    with input_errors():
        try:
            yield
        except OSError as exc:
            raise _os_error(exc, hint) from None


def _os_error(exc: OSError, hint: str = "") -> InputError:
    where = str(exc.filename or "the session folder")
    if len(where) > 120:  # a path too long to use is too long to print whole
        where = where[:40] + "…" + where[-60:]
    return InputError.one(
        where,
        f"{exc.strerror or exc}. Nothing saved before this was lost: every record already in the "
        "log is still there. Check the folder's permissions, free space and path length"
        + (f"; {hint}" if hint else ""),
    )


def _check_out(check: Callable[[Path], None], out: Path, hint: str) -> None:
    """Run a `sim.files` check on ``--out``; its refusal as bad input naming the path."""
    try:
        check(out)
    except OSError as exc:
        raise InputError.one(str(exc.filename or out), f"{exc.strerror}; {hint}") from None


def _folder(name: str, parent: Path) -> Path:
    from sim.session.session import session_folder

    return session_folder(name, parent)


def _state(name: str, parent: Path, drop_bad_tail: bool = False):
    from sim.session.session import load_state

    return load_state(_folder(name, parent), drop_bad_tail=drop_bad_tail)


@app.command()
def new(
    scenario: Annotated[str, typer.Argument(help="Scenario file, or a bundled name such as taiwan_strait.")],
    name: Annotated[str, typer.Option("--name", help="The session's name (its folder under --dir).")],
    human: Annotated[str, typer.Option("--human", help="Teams played by people, e.g. USA,ROK,JPN.")],
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Seed of the session's run.")] = 0,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override a parameter: PATH=VALUE (repeatable).")
    ] = None,
    parent: DirOption = DEFAULT_DIR,
) -> None:
    """Create a session: its folder, and its log's first record."""
    with session_errors("or create the session elsewhere with --dir"):
        from sim.session.session import Session

        humans = [h.strip().upper() for h in human.split(",") if h.strip()]
        folder = _folder(name, parent)
        session = Session.create(folder, scenario, humans, seed=seed, settings=list(set_ or []))
    session.close()
    st = session.state
    console.print(
        f"Created session {name} in {folder}: {st.model.script.title}, {st.model.script.turns} turns, "
        f"seed {seed}; human teams {', '.join(st.humans())}; "
        f"AI {', '.join(a for a in st.seats if a not in st.humans()) or 'none'}.\n"
        f"Teams may submit decisions as {folder}/decisions/turn-01/TEAM.yaml.\n"
        f"Next: {program()} session play {session_ref(name, parent)}",
        highlight=False,
    )


@app.command()
def play(name: NameArg, parent: DirOption = DEFAULT_DIR, drop_bad_tail: DropOption = False) -> None:
    """Run the turn loop: briefings, decisions, adjudication, debriefs (resumes where it stopped)."""
    hint = "play needs a session folder it can write; `session show` and `session report --out` read it"
    with session_errors(hint):
        from sim.session.session import Session

        session = Session.open(_folder(name, parent), drop_bad_tail=drop_bad_tail)
    from cli.session_play import Loop

    ref = session_ref(name, parent)
    with session_errors(hint + f"; `session play {ref}` resumes from the last saved record"):
        try:
            Loop(session, console, name, ref).run()
        except KeyboardInterrupt:
            session.quit()  # rebuilds the state from the log first (Ctrl-C may have torn it)
            console.print(f"\nStopped. Resume with: {program()} session play {ref}", highlight=False)
        finally:
            session.close()


@app.command()
def forecast(
    name: NameArg,
    runs: Annotated[int, typer.Option(min=1, max=AI_RUNS_MAX, help="Number of continuations.")] = 1000,
    parent: DirOption = DEFAULT_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    """From the current state: AI-played continuations, and what they say about the end."""
    import time

    import numpy as np

    with session_errors():
        state = _state(name, parent)
    if state.finished and not as_json:
        console.print(
            f"The exercise is over (all {state.model.script.turns} turns played): its final resilience "
            f"index is {float(state.model.index_so_far()[0]):.1f}. Nothing is left to forecast; "
            f"`session report {name}` places the result among AI-played runs.",
            highlight=False,
        )
        return
    from sim.session.analysis import forecast as make_forecast

    t0 = time.perf_counter()
    f = make_forecast(state, runs)
    seconds = time.perf_counter() - t0
    coordinated = f.coordinated[~np.isnan(f.coordinated)]
    if as_json:
        doc = {
            "session": name,
            "from_turn": f.from_turn,
            "turns": f.turns,
            "runs": f.runs,
            "index": {
                "mean": float(f.index.mean()),
                "p5": float(np.percentile(f.index, 5)),
                "p50": float(np.percentile(f.index, 50)),
                "p95": float(np.percentile(f.index, 95)),
            },
            "survival": f.survival,
            "active_at_end": f.active_at_end,
            "coordinated_response_rate": float(coordinated.mean()) if coordinated.size else None,
            "any_coordinated_response": float(f.any_coordinated.mean()),
        }
        typer.echo(json.dumps(doc, indent=2))
        return
    _print_forecast(f, coordinated, seconds)


def _bar(share: float, width: int = 24) -> str:
    full = share * width
    return "█" * int(full) + ("▌" if full - int(full) >= 0.5 else "")


def _print_forecast(f, coordinated, seconds: float) -> None:
    import numpy as np

    from sim.narrative import verdict

    console.print(
        f"[bold]Forecast[/]: {f.runs:,} AI-played continuations from the end of turn {f.from_turn} "
        f"of {f.turns} ({seconds:.2f} s)",
        highlight=False,
    )
    p5, p50, p95 = np.percentile(f.index, [5, 50, 95])
    console.print(
        f"Final resilience index: median {p50:.1f} ({verdict(p50)}), 90% of runs in {p5:.1f}–{p95:.1f}",
        highlight=False,
    )
    edges = np.arange(0, 101, 10)
    counts, _ = np.histogram(np.clip(f.index, 0, 99.999), bins=edges)
    for lo, c in zip(edges[:-1], counts, strict=True):
        if c or lo >= np.floor(f.index.min() / 10) * 10 and lo <= f.index.max():
            share = c / f.runs
            bar = _bar(c / counts.max())
            console.print(f"  {lo:3.0f}–{lo + 10:<3.0f} {bar:<25}{100 * share:5.1f}%", highlight=False)
    console.print("[bold]Chance each mechanism survives[/] (not ended; active at the end)")
    for m, p in sorted(f.survival.items(), key=lambda kv: kv[1]):
        console.print(f"  {m:<23}{_bar(p, 20):<21}{100 * p:5.1f}%  active {100 * f.active_at_end[m]:5.1f}%")
    if coordinated.size:
        console.print(
            f"[bold]Coordinated response[/]: the allies answer together in {100 * coordinated.mean():.0f}% "
            f"of the remaining crisis turns (runs with a crisis turn: {coordinated.size:,}); at least once "
            f"in {100 * f.any_coordinated.mean():.0f}% of runs",
            highlight=False,
        )
    else:
        console.print("[bold]Coordinated response[/]: no crisis turn remains in any run", highlight=False)


@app.command()
def report(
    name: NameArg,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "html",
    runs: Annotated[
        int, typer.Option(min=10, max=AI_RUNS_MAX, help="AI-played runs for the percentile.")
    ] = 1000,
    parent: DirOption = DEFAULT_DIR,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write (default: in the session folder).")
    ] = None,
) -> None:
    """Write the after-action report: objectives, observations, improvement plan, timeline, charts."""
    from sim.files import check_writable_file

    with input_errors():
        if fmt not in ("md", "html"):
            raise InputError.one("--format", "must be md or html", value=fmt)
    with input_errors():
        if out is not None:  # before the measuring, which takes tens of seconds
            _check_out(check_writable_file, out, "--out takes a file, e.g. --out reports/ex1.html")
    with session_errors():
        state = _state(name, parent)
        if state.model.turn == 0:  # scores, turning points and a percentile need a played turn
            raise InputError.one(
                str(_folder(name, parent)),
                "no turn has been played yet, so there is nothing to report (no scores, turning "
                "points or percentile). Play at least one turn first: "
                f"{program()} session play {session_ref(name, parent)}",
            )
    from sim.files import atomic_write_text
    from sim.session.report import build_report, to_html, to_markdown

    folder = _folder(name, parent)
    # The percentile and the mechanism comparison take tens of seconds: say what is being
    # measured (on stderr, animated only on a terminal) rather than sit silent.
    with err_console.status("Measuring the report", spinner="line") as status:
        data = build_report(
            state, runs=runs, progress=lambda what: status.update(f"Measuring {what}", spinner="line")
        )
    target = out or folder / f"report.{fmt}"
    with session_errors("write the report elsewhere with --out FILE"):
        if fmt == "html":
            atomic_write_text(target, to_html(data))
        else:
            from sim.files import atomic_write_bytes

            for stem, png in data.charts.items():
                atomic_write_bytes(target.parent / f"{target.stem}-{stem}.png", png)
            atomic_write_text(target, to_markdown(data, image_prefix=f"{target.stem}-"))
    console.print(f"Wrote {target}", highlight=False, markup=False)


@app.command()
def export(
    name: NameArg,
    parent: DirOption = DEFAULT_DIR,
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write (default: NAME/export).")] = None,
) -> None:
    """Write the log and the run as tidy tables, Parquet and CSV, for analysts."""
    from sim.files import check_writable_folder

    with input_errors():
        if out is not None:
            _check_out(check_writable_folder, out, "--out takes a folder, e.g. --out exports/ex1")
    with session_errors():
        state = _state(name, parent)
    from sim.session.export import write_tables

    target = out or _folder(name, parent) / "export"
    with session_errors("write the tables elsewhere with --out FOLDER"):
        written = write_tables(state, target)
    console.print(
        f"Wrote {len(written)} tables to {target}: {', '.join(written)} (.parquet and .csv)", highlight=False
    )


@app.command("list")
def list_(parent: DirOption = DEFAULT_DIR) -> None:
    """List the sessions in the sessions folder."""
    from rich.table import Table
    from rich.text import Text

    from sim.session.lock import lock_state
    from sim.session.log import LOG_NAME

    with session_errors():
        folders = sorted(p.parent for p in parent.glob(f"*/{LOG_NAME}")) if parent.is_dir() else []
    if not folders:
        console.print(
            f"No sessions in {parent}. Create one with: "
            f"{program()} session new SCENARIO --name NAME --human ROK"
        )
        return
    table = Table(box=None, pad_edge=False)
    for col in ("session", "scenario", "turn", "human teams", "records", "last", "lock"):
        table.add_column(col)
    damaged: list[str] = []
    for folder in folders:
        try:  # a damaged session is listed, and said below the table, never fatal
            records = _records(folder)
            head = records[0]
            turn = sum(1 for r in records if r["type"] == "adjudicate") - sum(
                1 for r in records if r["type"] == "undo"
            )
            row = [
                head["scenario"]["name"],
                str(turn),
                ",".join(head["humans"]),
                str(len(records)),
                records[-1].get("time", head.get("created", ""))[:16].replace("T", " "),
            ]
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            damaged.append(f"{folder.name}: {first}")
            row = ["[red]unreadable (below)[/]", "", "", "", ""]
        table.add_row(folder.name, *row, lock_state(folder).split(" (")[0].split(",")[0])
    from cli.render import fit

    # Too wide for the terminal (a student game's name is about 30 characters): one
    # line per session, never a name cut to "economic_coer…" that cannot be typed back.
    console.print(fit(console, table, skip_empty=True))
    for line in damaged:
        console.print(Text(line, style="red"))


def _records(folder: Path) -> list:
    from sim.session.session import read_records

    return read_records(folder)


@app.command()
def show(
    name: NameArg, parent: DirOption = DEFAULT_DIR, last: Annotated[int, typer.Option(min=0)] = 10
) -> None:
    """Show a session: scenario, seats, turn, drafts, lock, and its last records."""
    with session_errors():
        state = _state(name, parent)
    from sim.session.lock import lock_state
    from sim.session.report import describe_record
    from sim.session.state import one_line

    folder = _folder(name, parent)
    h = state.header
    m = state.model
    console.print(
        f"[bold]{name}[/]: {m.script.title} "
        f"({h['scenario']['name']}, sha256 {h['scenario']['sha256'][:12]}…)",
        highlight=False,
    )
    console.print(
        f"seed {state.seed}; settings {', '.join(h['settings']) or 'none'}; "
        f"engine {h['engine']}; created {h['created']}",
        highlight=False,
    )
    status = "over" if state.finished else f"turn {state.open_turn} being decided"
    # Before turn 1 there is no index yet (the model reports 0, which would read as a rout).
    index = f"index so far {float(m.index_so_far()[0]):.1f}" if m.turn else "no index yet"
    console.print(f"turns played {m.turn} of {m.script.turns} ({status}); {index}", highlight=False)
    console.print("seats: " + ", ".join(f"{a} {s}" for a, s in state.seats.items()), highlight=False)
    if state.drafts:
        console.print(
            "drafts: " + "; ".join(f"{a}: {d.option}" for a, d in state.drafts.items()), highlight=False
        )
    console.print(f"lock: {lock_state(folder)}", highlight=False, markup=False)
    console.print(
        f"records: {len(state.records)}; the last {min(last, len(state.records))}:", highlight=False
    )
    for r in state.records[-last:] if last else []:
        # markup=False: rationales and headlines are people's text ("[/red]" is not a style)
        console.print(
            f"  #{r['seq']} turn {r.get('turn', 0)}: {one_line(describe_record(r))}",
            highlight=False,
            markup=False,
        )
