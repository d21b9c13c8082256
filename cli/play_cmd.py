"""`play`: a student plays one country in the terminal; the engine plays the others.

run.py play [SCENARIO] --as ROK [--difficulty easy|normal|hard] [--seed N] [--resume]

A student game is a session with one human seat (`sim.session`): the same log,
replay and lock. Each turn shows the briefing, the student's position and a menu
whose hints come from the model; `why`, `hint N`, `undo`, `save`, `help` and
`quit` cost no turn. At the end: the score, the percentile among AI-played runs,
the three moments that mattered most, which recommendations would have helped,
and ``debrief.md``. The line mode is meant for screen readers as much as for pipes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.common import EXIT_BAD_INPUT, console, input_errors, program, report
from sim.actors import ACTORS
from sim.errors import InputError
from sim.limits import AI_RUNS_MAX
from sim.session.log import DEFAULT_DIR, session_ref

app = typer.Typer()


# -- the command --------------------------------------------------------------------------------
def _bundled() -> list[tuple[str, str, str]]:
    """(name, title, first sentence of the description) of each bundled scenario."""
    from sim.scenario import SCENARIO_DIR, load_scenario

    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        sc = load_scenario(path).scenario
        # the first sentence: a period after a lower-case letter or digit ("U.S. missile" goes on)
        first = re.split(r"(?<=[a-z0-9)])\.\s", " ".join(sc.description.split()), maxsplit=1)[0]
        first = first.rstrip(".") + "."
        out.append((path.stem, sc.title, first))
    return out


def _ask(prompt: str) -> str:
    try:
        line = console.input(Text(prompt)).strip()
    except (EOFError, KeyboardInterrupt):
        console.print()
        raise typer.Exit(1) from None
    if not sys.stdin.isatty():
        console.print(line, markup=False, highlight=False)
    return line


def _choose_scenario() -> str:
    scenarios = _bundled()
    table = Table(title="Scenarios", title_justify="left", box=None, pad_edge=False)
    table.add_column("#", justify="right", style="bold")
    table.add_column("scenario", overflow="fold")
    for k, (name, title, line) in enumerate(scenarios, start=1):
        table.add_row(str(k), Text(f"{title} ({name})\n", style="bold") + Text(line))
    console.print(table)
    names = [s[0] for s in scenarios]
    while True:
        answer = _ask(f"Scenario (1-{len(scenarios)}): ")
        if answer.isdigit() and 1 <= int(answer) <= len(scenarios):
            return scenarios[int(answer) - 1][0]
        if answer in names:
            return answer
        _again(
            InputError.one(
                "SCENARIO", f"choose 1 to {len(scenarios)} or a name: {', '.join(names)}", value=answer
            )
        )


def _choose_seat() -> str:
    """Ask which country the student plays (``--as`` not given)."""
    while True:
        seat = _ask(f"Play as ({', '.join(ACTORS)}): ").strip().upper()
        if seat in ACTORS:
            return seat
        _again(InputError.one("--as", f"choose one of {', '.join(ACTORS)}", value=seat))


def _again(problem: InputError) -> None:
    """At a terminal, say what was wrong and let the student answer again.

    A typo once ended the program. From a pipe or a script, stop with exit 2 as for
    any bad input.
    """
    if not sys.stdin.isatty():
        raise problem
    report(problem)


def _latest(parent: Path) -> str:
    """The name of the most recently played unfinished student game under ``parent``."""
    from sim.session.log import LOG_NAME

    games = []
    for log in parent.glob(f"*/{LOG_NAME}"):
        try:
            header = json.loads(log.read_text(encoding="utf-8").split("\n", 1)[0])
        except (OSError, ValueError):
            continue
        if isinstance(header, dict) and "play" in header:
            games.append((log.stat().st_mtime, log.parent.name))
    if not games:
        raise InputError.one(str(parent), f"holds no student game to resume; start one with {program()} play")
    return max(games)[1]


@app.command()
def play(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file or bundled name; omit it for a menu.")
    ] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Your country: USA, ROK, JPN or PRC.")] = None,
    difficulty: Annotated[
        str,
        typer.Option(
            help="How shrewdly the other governments play: easy, normal or hard (easy and hard "
            "first try each playbook in trial runs, a few seconds)."
        ),
    ] = "normal",
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Seed of the game.")] = 0,
    resume: Annotated[bool, typer.Option("--resume", help="Pick up a saved game.")] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="The game's name (default: from its settings).")
    ] = None,
    parent: Annotated[
        Path, typer.Option("--dir", help="Folder of the games.", file_okay=False)
    ] = DEFAULT_DIR,
    ai_runs: Annotated[
        int, typer.Option("--ai-runs", min=10, max=AI_RUNS_MAX, help="AI-played runs for your percentile.")
    ] = 1000,
) -> None:
    """Play one country in a scenario; the engine plays the others. Learn why at the end."""
    from sim.session.session import Session, session_folder
    from sim.session.tutor import LEVELS, difficulty_playbook, difficulty_settings

    with input_errors():
        if difficulty not in LEVELS:
            raise InputError.one("--difficulty", f"choose {', '.join(LEVELS)}", value=difficulty)
        if resume:
            if name is None and scenario is not None and as_ is not None:
                name = f"{Path(scenario).stem}-{as_.upper()}-{difficulty}-s{seed}"
            name = name or _latest(parent)
            session = Session.open(session_folder(name, parent))
            play_ = session.state.header.get("play")
            if not play_:
                session.close()
                raise InputError.one(
                    name,
                    "is a facilitated session, not a student game; use "
                    f"{program()} session play {session_ref(name, parent)}",
                )
            seat = play_["as"]
        else:
            if scenario is None:
                scenario = _choose_scenario()
            seat = _choose_seat() if as_ is None else as_.strip().upper()
            if seat not in ACTORS:
                raise InputError.one("--as", f"choose one of {', '.join(ACTORS)}", value=as_)
            name = name or f"{Path(scenario).stem}-{seat}-{difficulty}-s{seed}"
            folder = session_folder(name, parent)
            if (folder / "session.jsonl").exists():
                raise InputError.one(
                    str(folder),
                    f"already holds a game; resume it with {program()} play --resume --name "
                    f"{session_ref(name, parent)}, "
                    "or start another with a different --seed or --name",
                )
            session = Session.create(
                folder,
                scenario,
                [seat],
                seed=seed,
                settings=difficulty_settings(difficulty, seat, scenario),
                # the trials are cached: naming the playbook costs no second round of runs
                extra={
                    "play": {
                        "as": seat,
                        "difficulty": difficulty,
                        "playbook": difficulty_playbook(difficulty, seat, scenario),
                    }
                },
            )
    try:
        from cli.play_loop import StudentLoop

        loop = StudentLoop(session, console, name, seat, ai_runs=ai_runs, runs=200)
        loop.resume = f"{program()} play --resume --name {session_ref(name, parent)}"
        loop.run()
    except InputError as exc:
        report(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        session.close()
