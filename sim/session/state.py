"""A session's state, changed only by records: the same code plays live and replays.

Every action a facilitator can take is a method that checks it, changes the state
and returns the record that says what happened; `SessionState.apply` takes such a
record (read back from the log) and does the same thing, checking that the result
matches what the record says (the state's digest after every turn and ruling). So a
replayed log gives exactly the live state, and a log that no longer replays to the
same state is refused rather than silently continued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.actors import ACTORS, CAPITAL, INDEX
from sim.errors import InputError
from sim.model import Snapshot, TrilateralModel
from sim.params import Override, parse_set_flag
from sim.rulings import Value, check_value
from sim.scenario import Event, LoadedScenario, parse_scenario
from sim.session.log import Record, engine_version, header_problem, now

HUMAN, AI = "human", "ai"
#: Record types and what each means, for `session show` and the report.
RECORD_TYPES = {
    "header": "the session was created",
    "decision": "a human team decided (or changed its draft)",
    "inject": "the facilitator added an event to the coming turn",
    "adjudicate": "the turn was adjudicated",
    "override": "the facilitator overrode the adjudicated outcome",
    "undo": "the last turn was undone",
    "seat": "a seat passed between a team and the AI",
    "quit": "play stopped (the session can be resumed)",
}


class ReplayError(InputError):
    """A log that cannot be replayed to the state it recorded."""


@dataclass(frozen=True)
class Draft:
    """A human team's decision for the open turn.

    Attributes:
        actor: Actor code.
        option: The option's label on the actor's menu, e.g. ``repair JPN``.
        rationale: The team's one-line reason.
        source: ``prompt``, or the decision file it came from (relative to the session).
        sha256: Hash of the decision file's text ("" for the prompt).
    """

    actor: str
    option: str
    rationale: str
    source: str
    sha256: str = ""


#: Control characters (C0, DEL, C1) and the bidirectional overrides: typed or submitted
#: text that would otherwise move the cursor, clear a projected screen or reverse
#: what follows when a rationale or headline is printed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """A team's or facilitator's text as one clean line: no control characters, spaces collapsed."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def settings_overrides(settings: list[str]) -> list[Override]:
    """The header's ``PATH=VALUE`` settings as parameter overrides."""
    return [parse_set_flag(s) for s in settings]


class SessionState:
    """The live state of a session: the model, the seats, the drafts, the turn snapshots.

    Attributes:
        header: The log's first record.
        loaded: The scenario (from the header's own text) with the session's settings.
        model: The one-run model at the end of the last adjudicated turn.
        seats: ``human`` or ``ai`` per actor code.
        drafts: The human teams' decisions for the open turn, by actor code.
        snapshots: The model's snapshot at the end of each turn played (index 0 is
            the start); undo goes back to one of them.
        records: Every record so far, header first.
    """

    def __init__(self, header: Record) -> None:
        """Start the session that ``header`` describes (turn 0, nobody decided)."""
        self.header = header
        sc = header["scenario"]
        self.loaded: LoadedScenario = parse_scenario(
            sc["text"], sc["source"], settings_overrides(header.get("settings", []))
        )
        self.model = TrilateralModel(self.loaded, rng=int(header["seed"]), collect=False)
        self.seats: dict[str, str] = {a: HUMAN if a in header["humans"] else AI for a in ACTORS}
        self.drafts: dict[str, Draft] = {}
        self.snapshots: list[Snapshot] = [self.model.snapshot()]
        self.records: list[Record] = [header]
        #: The adjudication record of each turn in force (undone turns leave it).
        self.played: list[Record] = []
        self._open: dict[str, list[str]] | None = None  # the open turn's menus, until the model changes

    # -- reading ------------------------------------------------------------------------------
    def scenario_with(self, overrides: list[Override]) -> LoadedScenario:
        """The session's scenario with its settings and then ``overrides`` applied.

        (`LoadedScenario.with_overrides` starts again from the file's own parameters,
        which would drop the session's settings.)
        """
        sc = self.header["scenario"]
        return parse_scenario(
            sc["text"], sc["source"], settings_overrides(self.header.get("settings", [])) + list(overrides)
        )

    @property
    def seed(self) -> int:
        """The session's seed."""
        return int(self.header["seed"])

    @property
    def open_turn(self) -> int:
        """The turn being decided (the last turn + 1 when the exercise is over)."""
        return self.model.turn + 1

    @property
    def finished(self) -> bool:
        """All turns are played."""
        return not self.model.running

    def humans(self) -> list[str]:
        """Actor codes seated by human teams, in the fixed actor order."""
        return [a for a in ACTORS if self.seats[a] == HUMAN]

    def waiting_for(self) -> list[str]:
        """Human teams that have not decided the open turn."""
        return [a for a in self.humans() if a not in self.drafts]

    def open_options(self) -> dict[str, list[str]]:
        """Each actor's open options for the open turn, as labels."""
        if self._open is None:
            _, open_ = self.model.preview()
            opts = self.model.compiled.options
            self._open = {
                code: [opts.label(o) for o in range(sl.start, sl.stop) if open_[0, o]]
                for code, sl in zip(ACTORS, opts.slices, strict=True)
            }
        return {code: list(labels) for code, labels in self._open.items()}

    def menu(self, actor: str) -> list[str]:
        """Every option on an actor's menu, open or not, as labels."""
        opts = self.model.compiled.options
        sl = opts.slices[INDEX[actor]]
        return [opts.label(o) for o in range(sl.start, sl.stop)]

    # -- acting (each returns its record) -----------------------------------------------------
    def decide(
        self, actor: str, option: str, rationale: str, source: str = "prompt", sha256: str = ""
    ) -> Record:
        """Record a human team's decision for the open turn (replacing its earlier draft).

        Raises:
            ValueError: the game is over, the actor is not a human seat, the option
                is not on its menu or not open, or the rationale is not one line.
        """
        self._playing()
        if actor not in INDEX:
            raise ValueError(f"unknown team {actor!r}; the teams are {', '.join(ACTORS)}")
        if self.seats[actor] != HUMAN:
            raise ValueError(f"{actor} is played by the AI; take its seat back first (seat {actor} human)")
        label = self.check_option(actor, option)
        rationale = one_line(rationale)
        if len(rationale) > 300:
            raise ValueError(
                f"a rationale is one line of at most 300 characters; this one has {len(rationale)}"
            )
        self.drafts[actor] = Draft(actor, label, rationale, source, sha256)
        return self._record(
            "decision",
            actor=actor,
            option=label,
            rationale=rationale,
            source=source,
            sha256=sha256,
        )

    def check_option(self, actor: str, option: str) -> str:
        """The label of ``option`` if it is on the actor's menu and open this turn.

        Raises:
            ValueError: not on the menu, or not open (with what is).
        """
        opts = self.model.compiled.options
        o = opts.find(INDEX[actor], option)
        if o is None:
            raise ValueError(f"{option!r} is not on {actor}'s menu: {', '.join(self.menu(actor))}")
        label = opts.label(o)
        can = self.open_options()[actor]
        if label not in can:
            raise ValueError(f"{actor} cannot {label!r} this turn; open now: {', '.join(can)}")
        return label

    def inject(self, fields: dict[str, Any]) -> Record:
        """Add an ad-hoc event to the open turn.

        Args:
            fields: An event as in a scenario file (kind, targets, magnitude,
                headline; source, briefing, mechanism and mechanism_effect optional).
                Its id and turn are set here.

        Raises:
            ValueError: the game is over or the event is not valid (what is allowed).
        """
        self._playing()
        from pydantic import ValidationError

        k = 1 + sum(1 for r in self.records if r["type"] == "inject")
        fields = {
            k: one_line(v) if k in ("headline", "briefing") and isinstance(v, str) else v
            for k, v in fields.items()
        }
        data = {"briefing": fields.get("headline", ""), **fields, "id": f"inject-{k}", "turn": self.open_turn}
        for key in ("when", "chance", "repeat", "until"):
            data.pop(key, None)
        try:
            event = Event.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "event"
            raise ValueError(f"{where}: {first['msg']}") from None
        self.model.inject([event])
        self._open = None
        return self._record("inject", event=event.model_dump(mode="json", exclude_none=True))

    def adjudicate(self) -> Record:
        """Play the open turn: the human teams' drafts as given, the AI for the rest.

        Raises:
            ValueError: a human team has not decided, or a draft is no longer open
                (an inject changed the menu); nothing is changed then.
        """
        self._playing()
        waiting = self.waiting_for()
        if waiting:
            raise ValueError(f"still waiting for {', '.join(waiting)} to decide")
        given = {a: self.drafts[a].option for a in self.humans()}
        self._open = None
        try:
            self.model.play_turn(given=given)
        except ValueError as exc:
            raise ValueError(f"{exc}; that team must decide again") from None
        return self._after_turn()

    def _after_turn(self) -> Record:
        rec = self.model.history[-1]
        opts = self.model.compiled.options
        moves = {}
        for a, code in enumerate(ACTORS):
            moves[code] = {"option": opts.label(int(rec.outcome.choices[0, a])), "by": self.seats[code]}
            if self.seats[code] == HUMAN:
                moves[code]["rationale"] = self.drafts[code].rationale
        self.drafts = {}
        snap = self.model.snapshot()
        self.snapshots.append(snap)
        record = self._record(
            "adjudicate",
            turn=self.model.turn,
            moves=moves,
            cohesion=round(float(self.model.state.cohesion[0]), 6),
            index_so_far=round(float(self.model.index_so_far()[0]), 6),
            digest=snap.digest(),
        )
        self.played.append(record)
        return record

    def override(self, ruling: dict[str, Value], reason: str) -> Record:
        """Replace parts of the last adjudicated turn's outcome with a ruling.

        Raises:
            ValueError: no turn played yet, no reason given, or a bad path or value.
        """
        if self.model.turn == 0:
            raise ValueError("there is no adjudicated turn to override yet")
        reason = " ".join(str(reason).split())
        if not reason:
            raise ValueError("an override needs a written reason")
        checked = {p: check_value(p, v) for p, v in ruling.items()}
        engine = self.model.override(checked)
        self._open = None
        snap = self.model.snapshot()
        self.snapshots[-1] = snap
        return self._record(
            "override",
            turn=self.model.turn,
            ruling=checked,
            engine=engine,
            reason=reason,
            digest=snap.digest(),
        )

    def undo(self) -> Record:
        """Go back to the end of the turn before the last (drafts and injects since are gone).

        Raises:
            ValueError: no turn has been played.
        """
        if self.model.turn == 0:
            raise ValueError("nothing to undo: no turn has been played yet")
        undone = self.model.turn
        self.snapshots.pop()
        self.played.pop()
        self.model = TrilateralModel.from_snapshot(self.snapshots[-1], self.loaded)
        self._open = None
        self.drafts = {}
        return self._record("undo", turn=undone, digest=self.snapshots[-1].digest())

    def seat(self, actor: str, to: str) -> Record:
        """Hand a seat to the AI (``ai``) or to a human team (``human``).

        Raises:
            ValueError: an unknown actor or seat, or the seat is already so.
        """
        if actor not in INDEX:
            raise ValueError(f"unknown team {actor!r}; the teams are {', '.join(ACTORS)}")
        if to not in (HUMAN, AI):
            raise ValueError(f"a seat goes to 'human' or 'ai', not {to!r}")
        if self.seats[actor] == to:
            raise ValueError(
                f"{CAPITAL[actor]}'s seat is already {'the AI' if to == AI else 'a human team'}'s"
            )
        self.seats[actor] = to
        self.drafts.pop(actor, None)
        return self._record("seat", actor=actor, to=to)

    def quit(self) -> Record:
        """Mark that play stopped here (the session can be resumed)."""
        return self._record("quit")

    def _playing(self) -> None:
        if self.finished:
            raise ValueError(
                f"the exercise is over (all {self.model.script.turns} turns played); undo to go back"
            )

    def _record(self, kind: str, **body: Any) -> Record:
        record = {"type": kind, "turn": body.pop("turn", self.open_turn), **body, "time": now()}
        self.records.append(record)
        return record

    # -- replaying ----------------------------------------------------------------------------
    def apply(self, record: Record, line: int, source: str) -> None:
        """Do what a record read back from the log says, and check the result.

        Raises:
            ReplayError: the record cannot be applied, or the state it leads to is
                not the state the record says (with what to do).
        """
        kind = record.get("type")
        try:
            if kind == "decision":
                again = self.decide(
                    record["actor"],
                    record["option"],
                    record.get("rationale", ""),
                    record.get("source", "prompt"),
                    record.get("sha256", ""),
                )
            elif kind == "inject":
                fields = dict(record["event"])
                again = self.inject({k: v for k, v in fields.items() if k not in ("id", "turn")})
            elif kind == "adjudicate":
                again = self.adjudicate()
            elif kind == "override":
                again = self.override(record["ruling"], record["reason"])
                if again["engine"] != record["engine"]:
                    raise ValueError(
                        f"the engine now says {again['engine']}, the log says {record['engine']}"
                    )
            elif kind == "undo":
                again = self.undo()
            elif kind == "seat":
                again = self.seat(record["actor"], record["to"])
            elif kind == "quit":
                again = self.quit()
            else:
                raise ValueError(f"unknown record type {kind!r}; known: {', '.join(RECORD_TYPES)}")
        except (KeyError, TypeError, ValueError) as exc:
            raise ReplayError.one(
                source, f"record {record.get('seq')} ({kind}) cannot be replayed: {exc}", line=line
            ) from None
        self.records[-1] = record  # keep the logged record (its time, its number)
        if kind == "adjudicate":
            self.played[-1] = record
        if again.get("turn") != record.get("turn") or again.get("digest") != record.get("digest"):
            raise ReplayError.one(
                source,
                f"replaying record {record.get('seq')} ({kind}, turn {record.get('turn')}) gives a different "
                f"state than the one logged (engine {engine_version()} now, "
                f"{self.header.get('engine', 'unknown')} when it was written). Open the session with "
                "the version that wrote it, or start a new session from its scenario",
                line=line,
            )


def replay(records: list[Record], source: str = "session.jsonl") -> SessionState:
    """Rebuild a session's state from its records (header first).

    Raises:
        ReplayError: a record does not replay to the state it logged.
    """
    problem = header_problem(records[0])
    if problem is not None:
        field, value, message = problem
        raise ReplayError.one(
            source,
            f"{message}. The header was edited or damaged after the session was created; restore "
            "the file from a backup, or start a new session",
            line=1,
            path=field,
            value=value,
        )
    try:
        state = SessionState(records[0])
    except InputError as exc:  # the header's own scenario text or settings no longer load
        first = exc.problems[0] if exc.problems else None
        raise ReplayError.one(
            source,
            f"the scenario or settings in the header do not load ({first}); restore the file "
            "from a backup, or start a new session",
            line=1,
        ) from None
    for number, record in enumerate(records[1:], start=2):
        state.apply(record, number, source)
    return state


def new_header(
    name: str,
    loaded: LoadedScenario,
    source: str,
    humans: list[str],
    seed: int,
    settings: list[str],
    extra: Record | None = None,
) -> Record:
    """The first record of a new session's log (``extra``: more fields, e.g. a student game's)."""
    from sim.session.log import SCHEMA_VERSION

    return {
        "type": "header",
        "schema": SCHEMA_VERSION,
        "engine": engine_version(),
        "name": name,
        "scenario": {
            "name": loaded.name,
            "title": loaded.scenario.title,
            "source": source,
            "sha256": loaded.sha256,
            "text": loaded.text,
        },
        "seed": int(seed),
        "settings": list(settings),
        "humans": [a for a in ACTORS if a in humans],
        "numpy": np.__version__,
        "created": now(),
        **(extra or {}),
    }
