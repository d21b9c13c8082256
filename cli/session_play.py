"""`session play`: the facilitator's turn loop in the terminal.

Each turn: the briefing and the injects that will fire; each human team's decision,
typed at the prompt or read from ``decisions/turn-NN/TEAM.yaml``; who has and has not
decided; the AI's moves and the adjudication; a three-line headline, then the
detail. Commands at any prompt: inject, override, undo, seat, decide, status, help,
quit. Every action is in the log before the next prompt appears.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cli.common import program
from sim.actors import ACTORS, CAPITAL, INDEX
from sim.errors import InputError
from sim.rulings import ALLOWED, parse_ruling
from sim.session.decisions import decision_path, file_sha256, read_decision
from sim.session.session import Session
from sim.session.state import one_line
from sim.vocab import EVENT_KINDS

#: A folder name that means a turn, however spelled (``turn-1``, ``Turn_01``, ``turn3``).
TURN_FOLDER = re.compile(r"(?i)turn[-_ ]?0*(\d{1,4})")

HELP = """\
Commands (at any prompt):
  inject                  add an event to this turn (asks what, who, how big)
  override [PATH=VALUE…]  overrule the last turn's outcome, with a reason
  undo                    undo the last turn (logged; nothing is deleted)
  seat TEAM ai|human      hand a team's seat to the AI, or take it back
  decide TEAM             enter or change a team's decision at the prompt
  status                  who has decided; re-read the decision files
  help                    this list
  quit                    stop here; `session play NAME` resumes
At a team's prompt: an option's number or name, then a one-line rationale.
Teams may submit decisions/turn-NN/TEAM.yaml (action: …, rationale: …);
Enter alone re-reads those files and shows who has decided."""

COMMANDS = ("inject", "override", "undo", "seat", "decide", "status", "help", "?", "quit", "exit")


class Quit(Exception):
    """The facilitator quit (or the input ended)."""


class Loop:
    """The turn loop over an open session."""

    def __init__(self, session: Session, console: Console, name: str, ref: str | None = None) -> None:
        """Play ``session`` on ``console``; ``name`` is how the user calls it.

        ``ref`` is how a hint names it on a command line (``ex1 --dir DIR`` when the
        sessions are not in the default folder); ``name`` when None.
        """
        self.s = session
        self.console = console
        self.name = name
        self.ref = ref or name
        self.shown_turn = -1
        #: Decision files already refused, by path: their hash (so an error is shown once).
        self.refused: dict[Path, str] = {}
        #: (turn, team) whose menu has been shown (shown again on `decide` or `status`).
        self.menus: set[tuple[int, str]] = set()
        #: Files in a turn's decision folder that are not read, already mentioned.
        self.noted: set[Path] = set()

    # -- input --------------------------------------------------------------------------------
    def ask(self, prompt: str | Text) -> str:
        """One line from the user; the end of input is a quit.

        Piped input is echoed after its prompt, so a scripted exercise's transcript
        reads like a typed one (the terminal echoes what a person types).
        """
        try:
            line = self.console.input(prompt).strip()
        except EOFError:
            self.console.print()
            raise Quit from None
        if not sys.stdin.isatty():
            self.console.print(one_line(line), markup=False, highlight=False)
        return line

    def error(self, message: str) -> None:
        """Say what was wrong with what was typed; nothing was recorded."""
        self.console.print(Text("✗ " + message, style="red"))  # wrapped at words, not mid-word

    def done(self, message: str) -> None:
        """Confirm a recorded action."""
        self.console.print(Text("✓ " + message, style="green"))

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> None:
        """Play until the facilitator quits or the input ends."""
        st = self.s.state
        note = self.s.lock.stale_note()
        if note:
            self.console.print(Text("note: " + note, style="yellow"))
        sc = st.model.script
        self.console.rule(f"[bold]{sc.title}[/]")
        where = f"all {sc.turns} turns played" if st.finished else f"turn {st.open_turn} of {sc.turns}"
        self.console.print(
            f"Session {self.name}: seed {st.seed}, {where}; "
            f"human teams: {', '.join(st.humans()) or 'none'}. Type help for commands.",
            highlight=False,
        )
        try:
            while True:
                self.cycle()
        except Quit:
            self.s.quit()
            self.console.print(f"Stopped. Resume with: {program()} session play {self.ref}", highlight=False)

    def cycle(self) -> None:
        """One prompt: show what is new, then read and act on one line."""
        st = self.s.state
        if st.finished:
            self.finished()
            return
        if self.shown_turn != st.open_turn:
            self.new_turn()
            self.shown_turn = st.open_turn
        self.prompt()

    def new_turn(self) -> None:
        """What is shown once when a turn opens: the briefing."""
        self.briefing()

    def prompt(self) -> None:
        """Read the teams' decision files, show who is waiting, and act on one typed line."""
        st = self.s.state
        self.read_files()
        waiting = st.waiting_for()
        self.status()
        if waiting:
            self.team_prompt(waiting[0])
            return
        line = self.ask("[bold]All teams have decided.[/] Enter to adjudicate, or a command: ")
        if not line:
            self.adjudicate()
        else:
            self.command(line)

    def finished(self) -> None:
        """The exercise is over: the final scorecard, then undo, override or quit."""
        from cli.render import render_scorecard
        from sim.results import RunResult

        st = self.s.state
        if self.shown_turn != st.open_turn:
            render_scorecard(self.console, RunResult(st.model))
            self.console.print(
                f"The exercise is over. Next: {program()} session report {self.ref}", highlight=False
            )
            self.shown_turn = st.open_turn
        line = self.ask("Exercise over: undo, override, or Enter to leave: ")
        if line:
            self.command(line)
        else:
            raise Quit

    def briefing(self) -> None:
        """The open turn's briefing and the injects that will fire."""
        st = self.s.state
        sc = st.model.script
        t = st.open_turn
        parts: list = []
        if t in sc.briefings:
            parts.append(Text(sc.briefings[t].strip(), style="italic"))
        fired, _ = st.model.preview()
        for e, on in zip(sc.events, fired[0], strict=True):
            if on:
                line = Text("⚡ ", style="bold yellow")
                line.append(e.headline, style="bold")
                line.append(
                    f"  [{e.kind}, {e.source}→{'/'.join(e.targets)}, magnitude {e.magnitude:g}]", style="dim"
                )
                parts.append(line)
        if len(parts) == (1 if t in sc.briefings else 0):
            parts.append(Text("No inject this turn.", style="dim"))
        from rich.console import Group

        self.console.print(Panel(Group(*parts), title=f"Turn {t}/{sc.turns}: briefing", title_align="left"))

    def status(self) -> None:
        """Who has decided (and how) and who has not; which seats the AI holds."""
        st = self.s.state
        line = Text("Decisions: ")
        for code in st.humans():
            d = st.drafts.get(code)
            if d is None:
                line.append(f"{code} waiting", style="yellow")
            else:
                where = "file" if d.source != "prompt" else "prompt"
                line.append(f"{code} ✓ ({where})", style="green")
            line.append("  ")
        ai = [c for c in ACTORS if st.seats[c] == "ai"]
        line.append(f"AI: {', '.join(ai) or 'none'}", style="dim")
        self.console.print(line)

    def read_files(self) -> None:
        """Take each human team's decision file for the open turn if it is new and valid."""
        st = self.s.state
        for code in st.humans():
            path = decision_path(self.s.folder, st.open_turn, code)
            if not path.exists():
                continue
            sha = file_sha256(path)
            draft = st.drafts.get(code)
            # A file is taken once per version: a decision typed at the prompt after it
            # stands until the team changes the file (or the turn is undone).
            if sha in self.taken(code) or self.refused.get(path) == sha:
                continue
            rel = str(path.relative_to(self.s.folder))
            try:
                label, rationale = read_decision(path, str(path), st, code)
            except InputError as exc:
                self.refused[path] = sha
                for problem in exc.problems:
                    self.error(str(problem))
                kept = f"its earlier draft ({draft.option}) stays" if draft else "no decision yet"
                self.console.print(f"  {code}'s file was refused; {kept}.", highlight=False)
                continue
            self.s.decide(code, label, rationale, source=rel, sha256=sha)
            self.done(f"{code} decided from {rel}: {label}")
        self.note_strays()

    def note_strays(self) -> None:
        """Say once about each file in the turn's folder that is not read (a team's typo)."""
        st = self.s.state
        folder = decision_path(self.s.folder, st.open_turn, "TEAM").parent
        self.note_stray_folders(folder.parent, folder.name)
        if not folder.is_dir():
            return
        expected = {f"{c}.yaml" for c in st.humans()}
        for path in sorted(folder.iterdir()):
            if path.name in expected or path.name.startswith(".") or path in self.noted:
                continue
            self.noted.add(path)
            code = path.name.removesuffix(".yaml")
            if code in ACTORS and st.seats[code] == "ai":
                why = f"{CAPITAL[code]} is played by the AI (seat {code} human hands it to a team)"
            else:
                why = f"decision files are named exactly {', '.join(sorted(expected)) or 'TEAM.yaml'}"
            rel = path.relative_to(self.s.folder)
            self.console.print(Text(f"note: {rel} is not read: {why}", style="yellow"))

    def note_stray_folders(self, decisions: Path, expected: str) -> None:
        """Say once about what in ``decisions/`` is never read.

        A misnamed turn folder (``turn-1`` for ``turn-01`` once left a team waiting
        with no word), or a file outside any turn's folder.
        """
        if not decisions.is_dir():
            return
        for path in sorted(decisions.iterdir()):
            if path.name.startswith(".") or path in self.noted:
                continue
            if path.is_dir():
                turn = TURN_FOLDER.fullmatch(path.name)
                right = turn and decision_path(Path(), int(turn[1]), "T").parent.name
                if not right or path.name == right:
                    continue
                why = f"the folder for turn {int(turn[1])} is named {right} (this turn's: {expected})"
            else:
                why = f"a decision goes in its turn's folder, e.g. {expected}/{path.name}"
            self.noted.add(path)
            rel = path.relative_to(self.s.folder)
            self.console.print(Text(f"note: {rel} is not read: {why}", style="yellow"))

    def taken(self, code: str) -> set[str]:
        """Hashes of the team's decision files already taken for the open turn.

        Read from the log, so a resumed session knows them too; an undo, or the seat
        passing to the AI and back, lets the file be taken again.
        """
        st = self.s.state
        out: set[str] = set()
        for r in st.records:
            if r["type"] == "undo" or (r["type"] == "seat" and r.get("actor") == code):
                out.clear()
            elif r["type"] == "decision" and r.get("actor") == code and r.get("turn") == st.open_turn:
                out.add(r.get("sha256") or "")
        out.discard("")
        return out

    def menu_table(self, code: str) -> list[str]:
        """Show a team's open options, numbered; return them in that order."""
        can = self.s.state.open_options()[code]
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column(justify="right", style="bold")
        table.add_column()
        table.add_column(justify="right", style="bold")
        table.add_column()
        half = (len(can) + 1) // 2
        for k in range(half):
            right = [str(k + half + 1), can[k + half]] if k + half < len(can) else ["", ""]
            table.add_row(str(k + 1), can[k], *right)
        self.console.print(Panel(table, title=f"{CAPITAL[code]} ({code}): open options", title_align="left"))
        return can

    def team_prompt(self, code: str, show: bool = False) -> None:
        """Ask one team for its decision (or take a command); its menu the first time."""
        key = (self.s.state.open_turn, code)
        if show or key not in self.menus:
            can = self.menu_table(code)
            self.menus.add(key)
        else:
            can = self.s.state.open_options()[code]
        line = self.ask(f"[bold]{code}[/] choose a number or option (or a command): ")
        if not line or line.split()[0].lower() in COMMANDS:
            if line:
                self.command(line)
            return
        choice = can[int(line) - 1] if line.isdigit() and 1 <= int(line) <= len(can) else line
        if line.isdigit() and choice == line:
            self.error(f"choose 1 to {len(can)}")
            return
        # The open options are listed just above: point to them rather than print every
        # option of the menu (once 17 lines at 80 columns, closed ones among them).
        if self.s.state.model.compiled.options.find(INDEX[code], choice) is None:
            self.error(
                f"{choice!r} is not on {code}'s menu; type an option's number (1 to {len(can)}) "
                "or its name as listed above, or help for the commands"
            )
            return
        try:
            choice = self.s.state.check_option(code, choice)
        except ValueError:
            self.error(
                f"{code} cannot {choice!r} this turn: it is not among the {len(can)} open options above"
            )
            return
        rationale = self.ask(f"[bold]{code}[/] rationale (one line): ")
        try:
            record = self.s.decide(code, choice, rationale)
        except ValueError as exc:
            self.error(str(exc))
            return
        self.done(f"{code}: {record['option']}")

    # -- commands -----------------------------------------------------------------------------
    def command(self, line: str) -> None:
        """Act on one command line; a bad one is explained, never recorded."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.error(f"cannot read that line ({exc})")
            return
        verb, args = words[0].lower(), words[1:]
        try:
            if verb in ("help", "?"):
                self.console.print(HELP, highlight=False)
            elif verb in ("quit", "exit"):
                raise Quit
            elif verb == "status":
                self.shown_turn = -1
                self.menus.clear()
            elif verb == "undo":
                rec = self.s.undo()
                self.done(f"turn {rec['turn']} undone; back to the start of turn {self.s.state.open_turn}")
                self.shown_turn = -1
                self.menus.clear()
            elif verb == "seat":
                self.seat(args)
            elif verb == "decide":
                self.decide(args)
            elif verb == "inject":
                self.inject()
            elif verb == "override":
                self.override(args)
            else:
                self.error(f"unknown command {verb!r}; type help")
        except ValueError as exc:
            self.error(str(exc))

    def seat(self, args: list[str]) -> None:
        """``seat TEAM ai|human``."""
        if len(args) != 2:
            raise ValueError("write: seat TEAM ai|human, e.g. seat ROK ai")
        rec = self.s.seat(args[0].upper(), args[1].lower())
        who = "the AI" if rec["to"] == "ai" else "a human team"
        self.done(f"{CAPITAL[rec['actor']]}'s seat now goes to {who}")

    def decide(self, args: list[str]) -> None:
        """``decide TEAM``: enter or change a team's decision at the prompt."""
        if len(args) != 1 or args[0].upper() not in ACTORS:
            humans = ", ".join(self.s.state.humans())
            raise ValueError(
                f"write: decide TEAM, one of {humans}"
                if humans
                else "no team has a seat; seat TEAM human first"
            )
        code = args[0].upper()
        self._playing()
        if self.s.state.seats[code] != "human":
            raise ValueError(f"{code} is played by the AI; seat {code} human first")
        self.team_prompt(code, show=True)

    def inject(self) -> None:
        """Ask for an event's fields and add it to the open turn."""
        self._playing()
        self.console.print(f"Event kinds: {', '.join(EVENT_KINDS)}", highlight=False)
        # Each answer is checked as it is typed: a mistake stops here, before the next question.
        kind = self.ask("inject kind: ")
        if kind not in EVENT_KINDS:
            raise ValueError(f"no event kind {kind!r}; the kinds are listed above")
        source = self.ask("source actor [PRC]: ").upper() or "PRC"
        if source not in ACTORS:
            raise ValueError(f"no actor {source!r}; the actors are {', '.join(ACTORS)}")
        targets = [t.strip().upper() for t in self.ask("targets (e.g. ROK,JPN): ").split(",") if t.strip()]
        bad = [t for t in targets if t not in ACTORS]
        if bad or not targets:
            raise ValueError(
                f"targets are one or more of {', '.join(ACTORS)}, comma-separated; got {bad or 'none'}"
            )
        raw = self.ask("magnitude (0 to 1): ")
        try:
            magnitude = float(raw)
        except ValueError:
            raise ValueError(f"magnitude must be a number from 0 to 1; got {raw!r}") from None
        if not 0.0 <= magnitude <= 1.0:  # also refuses nan
            raise ValueError(f"magnitude must be a number from 0 to 1; got {raw!r}")
        headline = self.ask("headline: ")
        rec = self.s.inject(
            {"kind": kind, "source": source, "targets": targets, "magnitude": magnitude, "headline": headline}
        )
        self.done(f"inject for turn {rec['turn']}: {rec['event']['headline']}")
        self.shown_turn = -1

    def _playing(self) -> None:
        """Refuse, before asking anything, what only an exercise in progress can take."""
        st = self.s.state
        if st.finished:
            raise ValueError(
                f"the exercise is over (all {st.model.script.turns} turns played); undo to go back"
            )

    def override(self, args: list[str]) -> None:
        """Ask for a ruling and its reason and apply it to the last turn."""
        st = self.s.state
        if st.model.turn == 0:
            raise ValueError("there is no adjudicated turn to override yet")
        if not args:
            self.console.print(f"A ruling is PATH=VALUE …; PATH is {ALLOWED}.", highlight=False)
            args = shlex.split(self.ask("ruling: "))
        ruling = parse_ruling(args)
        reason = self.ask("reason for the ruling: ")
        rec = self.s.override(ruling, reason)
        for path, value in rec["ruling"].items():
            engine = rec["engine"][path]
            shown = f"{engine:.3f}" if isinstance(engine, float) else engine
            self.done(f"turn {rec['turn']}: {path} = {value} (the engine had {shown})")
        self.console.print(
            f"Resilience index so far: {float(st.model.index_so_far()[0]):.1f}", highlight=False
        )

    def adjudicate(self) -> None:
        """Play the turn, then the debrief: three-line headline, then the detail."""
        from cli.render import render_turn
        from sim.session.analysis import headline

        try:
            rec = self.s.adjudicate()
        except ValueError as exc:
            self.error(str(exc))
            return
        st = self.s.state
        ai = [f"{CAPITAL[c]} {m['option']}" for c, m in rec["moves"].items() if m["by"] == "ai"]
        if ai:
            self.console.print(f"The AI decided: {'; '.join(ai)}.", highlight=False)
        self.console.print(
            Panel(  # as text, not markup: injects' headlines are typed by people
                Text("\n".join(headline(st))), title=f"Turn {st.model.turn}: what changed", title_align="left"
            )
        )
        render_turn(self.console, st.model, len(st.model.history) - 1)
        self.console.print(
            f"Resilience index so far: {float(st.model.index_so_far()[0]):.1f}", highlight=False
        )
