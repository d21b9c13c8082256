"""The turn loop of a student game (`run.py play`): one human seat, hints, why, a debrief.

Kept apart from `cli.play_cmd` so that ``--help`` does not import the engine.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cli.common import program
from cli.session_play import Loop, Quit
from sim.actors import CAPITAL, INDEX
from sim.narrative import signed
from sim.session.tutor import difficulty_label

HELP = """\
Commands (none of them costs a turn):
  a number or an option   play it this turn (e.g. 2, or: repair JPN)
  hint N                  option N's trade-offs in detail
  why                     what drove the other actors' last moves
  position                your position again
  sources                 where the scenario's facts come from
  undo                    take back the last turn (logged: the game
                          becomes practice)
  save                    check that the game is saved (it is, after
                          every turn)
  help, ?                 this list
  quit                    stop; `run.py play --resume` picks up
In the menu: "for you" is the option's strongest pull in your
government's utility (weighted by its preferences); "score" is how it
moves your score by the end of next turn against the menu's average
(40 model runs); "then" is a reaction by another actor that it makes
likelier, with its chance (and its usual chance); * marks the AI's
favourite in your seat."""

WORDS = ("hint", "why", "position", "sources", "undo", "save", "help", "?", "quit", "exit")


class StudentLoop(Loop):
    """The turn loop of a student game: one human seat, hints, why, and a debrief."""

    def __init__(self, session, console: Console, name: str, seat: str, ai_runs: int, runs: int) -> None:
        """Play ``session`` as ``seat``; ``ai_runs`` AI-played runs and ``runs`` seeds for the debrief."""
        super().__init__(session, console, name)
        self.seat = seat
        self.ai_runs = ai_runs
        self.runs = runs
        self.hints: dict[int, list] = {}
        self.resume = f"{program()} play --resume --name {name}"

    def error(self, message: str) -> None:
        """Say what was wrong (wrapped to the terminal: a student's screen may be narrow)."""
        self.console.print(Text("✗ " + message, style="red"))

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> None:
        """Play until the student quits or the input ends; Ctrl-C offers to save."""
        st = self.s.state
        sc = st.model.script
        self.console.rule(f"[bold]{sc.title}[/]")
        level = difficulty_label(st.header)
        self.console.print(
            f"You are {CAPITAL[self.seat]} ({self.seat}); the engine plays the others. "
            f"Difficulty {level}, seed {st.seed}, turn {st.open_turn} of {sc.turns}. "
            "Type help for the commands; none of them costs a turn.",
            highlight=False,
        )
        if st.model.turn == 0:
            self.console.print(Text(" ".join(sc.description.split()), style="italic"))
        while True:
            try:
                self.cycle()
            except Quit:
                self.s.quit()
                self.console.print(f"Saved. Resume with: {self.resume}", highlight=False)
                return
            except KeyboardInterrupt:
                self.console.print()
                try:
                    answer = self.console.input(Text("Interrupted. Save and quit? [Y/n] ")).strip().lower()
                except (KeyboardInterrupt, EOFError):
                    answer = "y"
                if answer in ("", "y", "yes"):
                    self.s.quit()
                    self.console.print(f"Saved. Resume with: {self.resume}", highlight=False)
                    return
                self.reload()
                self.console.print("Back to the game.")
                self.shown_turn = -1

    def reload(self) -> None:
        """Rebuild the state from the log: an interrupt may have stopped a turn half-way in memory.

        The log itself is never half-written (appends hold off Ctrl-C), so what it
        replays to is exactly what was committed.
        """
        self.s.reload()
        self.hints = {}

    def new_turn(self) -> None:
        """What is shown once when a turn opens: briefing, sources, position, menu with hints."""
        self.briefing()
        self.console.print(
            Text(
                f"Facts in this briefing: the scenario's sources ({len(self.s.state.model.script.sources)}; "
                "type sources).",
                style="dim",
            )
        )
        self.show_position()
        self.show_menu()

    def prompt(self) -> None:
        """Read and act on one line: a move or a command."""
        line = self.ask(Text.assemble((self.seat, "bold"), " your move (number, option, or help): "))
        if not line:
            self.console.print("Type a number from the menu, or help.", highlight=False)
            return
        verb = line.split()[0].lower()
        if verb in WORDS:
            self.command(line)
            return
        self.move(line)

    def finished(self) -> None:
        """The game is over: the debrief (once), then undo or leave."""
        if self.shown_turn != self.s.state.open_turn:
            self.debrief()
            self.shown_turn = self.s.state.open_turn
        line = self.ask(Text("Game over: undo, why, or Enter to leave: "))
        if not line:
            raise Quit
        self.command(line)

    # -- showing ------------------------------------------------------------------------------
    def show_position(self) -> None:
        """The student's position: trust both ways, opinion, exposure, mechanisms, pressure."""
        from sim.session.tutor import position

        p = position(self.s.state, self.seat)
        table = Table(box=None, pad_edge=False)
        table.add_column("toward")
        for col in ("you trust", "trusts you", "opinion", "exposure"):
            table.add_column(col, justify="right")
        for code in p.trust_held:
            table.add_row(
                CAPITAL[code],
                f"{p.trust_held[code]:.2f}",
                f"{p.trust_in_you[code]:.2f}",
                f"{p.opinion[code]:.2f}",
                f"{100 * p.exposure[code]:.0f}%",
            )
        mech = ", ".join(
            f"{m.replace('_', ' ')} {s_:.2f}" + ("" if status == "active" else f" ({status})")
            for m, status, s_ in p.mechanisms
        )
        if self.seat == "PRC":  # Beijing is the one pressing: show what it has in force on each ally
            st = self.s.state.model.state
            on = ", ".join(
                f"{CAPITAL[c]} {st.pressure[0, INDEX[c]]:.2f}/{st.inducement[0, INDEX[c]]:.2f}"
                for c in ("USA", "ROK", "JPN")
            )
            levers = f"Your pressure/offers in force: {on}"
        else:
            levers = (
                f"Pressure from Beijing {p.pressure:.2f}, its offers {p.inducement:.2f}, "
                f"Washington's asks {p.demand:.2f}"
            )
        lines = Text(
            f"{levers}; crisis {p.crisis:.2f}, Seoul-Tokyo dispute {p.dispute:.2f}."
            f"\nMechanisms you belong to (strength): {mech or 'none'}."
        )
        self.console.print(
            Panel(Group(table, lines), title=f"Your position: {CAPITAL[self.seat]}", title_align="left")
        )

    def hints_now(self) -> list:
        """The open turn's option hints (computed once per turn)."""
        from sim.session.tutor import option_hints

        t = self.s.state.open_turn
        if t not in self.hints:
            self.hints = {t: option_hints(self.s.state, self.seat)}
        return self.hints[t]

    def show_menu(self) -> None:
        """The open options, each with its trade-offs from the model."""
        hints = self.hints_now()
        best = max(range(len(hints)), key=lambda k: hints[k].ai_chance)
        table = Table(box=None, pad_edge=False)
        table.add_column("#", justify="right", style="bold")
        table.add_column("option", overflow="fold")
        table.add_column("for you", overflow="fold")
        table.add_column("score", justify="right")
        table.add_column("then", overflow="fold")
        for k, h in enumerate(hints):
            pull = f"{h.terms[0][0]} {signed(h.terms[0][1], 2)}" if h.terms else "—"
            then = "; ".join(f"{r.actor} {r.option} {r.chance:.0%} ({r.usual:.0%})" for r in h.reactions[:1])
            table.add_row(
                f"{k + 1}{'*' if k == best else ''}", h.option, pull, signed(h.index_change, 1), then
            )
        self.console.print(
            Panel(table, title=f"Your options, turn {self.s.state.open_turn}", title_align="left")
        )

    def hint(self, args: list[str]) -> None:
        """``hint N``: one option's trade-offs in detail."""
        from sim.session.tutor import term_words

        hints = self.hints_now()
        if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= len(hints):
            raise ValueError(f"write: hint N, with N from 1 to {len(hints)}")
        h = hints[int(args[0]) - 1]
        lines = [f"{args[0]}. {h.option}"]
        if h.about:
            lines.append(f"  {h.about}")
        pulls = [f"  {term_words(t, self.seat)}: {signed(v, 3)}" for t, v in h.terms]
        lines += pulls or ["  no strong pull either way"]
        lines.append(f"  the AI in your seat would pick it {h.ai_chance:.0%} of the time")
        lines.append(f"  the allies' trust in you this turn: {signed(h.trust_in_you, 3)}")
        lines.append(
            f"  your score by the end of next turn: {signed(h.index_change, 1)} against the menu's average"
        )
        for r in h.reactions:
            lines.append(
                f"  then {CAPITAL[r.actor]} is likelier to {r.option}: {r.chance:.0%} (usually {r.usual:.0%})"
            )
        if not h.reactions:
            lines.append("  the others' next moves hardly depend on it")
        self.console.print("\n".join(lines), highlight=False)

    def sources(self) -> None:
        """The scenario's sources, numbered."""
        for k, s in enumerate(self.s.state.model.script.sources, start=1):
            self.console.print(f"[{k}] {' '.join(s.split())}", highlight=False)

    # -- acting -------------------------------------------------------------------------------
    def command(self, line: str) -> None:
        """Act on a command; none costs a turn."""
        from sim.session.tutor import why_lines

        words = line.split()
        verb, args = words[0].lower(), words[1:]
        try:
            if verb in ("help", "?"):
                self.console.print(HELP, highlight=False)
            elif verb in ("quit", "exit"):
                raise Quit
            elif verb == "why":
                for sentence in why_lines(self.s.state, self.seat):
                    self.console.print("• " + sentence, highlight=False)
            elif verb == "hint":
                self.hint(args)
            elif verb == "position":
                self.show_position()
            elif verb == "sources":
                self.sources()
            elif verb == "save":
                n = self.s.log.next_seq
                self.console.print(
                    f"Saved: all {n} records of this game are on disk ({self.s.folder / 'session.jsonl'}); "
                    f"resume any time with: {self.resume}",
                    highlight=False,
                )
            elif verb == "undo":
                rec = self.s.undo()
                self.done(f"turn {rec['turn']} taken back (logged; this game is now practice)")
                self.shown_turn = -1
            else:
                self.error(f"unknown command {verb!r}; type help")
        except ValueError as exc:
            self.error(str(exc))

    def move(self, line: str) -> None:
        """Play an option (by number or name), then show what happened."""
        from sim.narrative import turn_story
        from sim.session.analysis import headline
        from sim.session.tutor import score_of

        st = self.s.state
        labels = [h.option for h in self.hints_now()]
        choice = labels[int(line) - 1] if line.isdigit() and 1 <= int(line) <= len(labels) else line
        if line.isdigit() and choice == line:
            self.error(f"choose 1 to {len(labels)}, or type help")
            return
        if st.model.compiled.options.find(INDEX[self.seat], choice) is None:
            self.error(f"{choice!r} is not an option; type its number (1 to {len(labels)}), or help")
            return
        try:
            self.s.decide(self.seat, st.check_option(self.seat, choice), "")
            rec = self.s.adjudicate()
        except ValueError as exc:
            self.error(f"{exc}; or type help")
            return
        others = "; ".join(f"{CAPITAL[c]} {m['option']}" for c, m in rec["moves"].items() if c != self.seat)
        self.console.print(
            f"You chose {rec['moves'][self.seat]['option']}. The others: {others}.", highlight=False
        )
        story = headline(st) + [f"• {s}" for s in turn_story(st.model, len(st.model.history) - 1)]
        self.console.print(
            Panel("\n".join(story), title=f"Turn {rec['turn']}: what happened", title_align="left")
        )
        score = float(score_of(float(st.model.index_so_far()[0]), self.seat))
        self.console.print(
            f"Your score so far: {score:.1f} / 100. Type why to see what drove the others.", highlight=False
        )

    def debrief(self) -> None:
        """The end of the game: score and breakdown, percentile, moments, help; debrief.md."""
        from cli.render import render_scorecard
        from sim.results import RunResult
        from sim.session.student_report import debrief_lines, write_debrief
        from sim.session.tutor import debrief

        st = self.s.state
        self.console.print("The game is over. Measuring it against the AI (a few seconds).", highlight=False)
        d = debrief(st, self.seat, ai_runs=self.ai_runs, runs=self.runs)
        render_scorecard(self.console, RunResult(st.model))
        if self.seat == "PRC":
            self.console.print(f"Your score as Beijing: 100 − index = {d.score:.1f}.", highlight=False)
        lines = debrief_lines(d)
        self.console.print(Panel("\n".join(lines["percentile"]), title="Against the AI", title_align="left"))
        self.console.print(
            Panel(
                "\n".join(f"{k}. {m}" for k, m in enumerate(lines["moments"], 1)) or "No turn played.",
                title="The three moments that mattered most",
                title_align="left",
            )
        )
        self.console.print(
            Panel(
                "\n".join(lines["helps"]), title="Which recommendations would have helped", title_align="left"
            )
        )
        path = write_debrief(self.s.folder, st, d)
        self.console.print(f"Written: {path} (keep it, or hand it in).", highlight=False)
