"""A student game: one human seat in a session, and what the model can teach about it.

Everything here reads a `SessionState` and runs the one engine: the student's
position, each option's trade-offs (its utility terms for the student and, from a
short ensemble, what it does to trust, to the index and to the others' next moves),
why the others moved as they did, and, at the end, the percentile among AI-played
runs, the three moments that mattered most and which of the paper's recommendations
(mechanisms) would have helped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.actors import ACTORS, ALLIES, CAPITAL, CHALLENGER, INDEX
from sim.model import TrilateralModel
from sim.narrative import reasons
from sim.params import DATA_DIR, ActorParams, Parameters, parse_set_flag
from sim.scenario import LoadedScenario, load_scenario
from sim.session.analysis import (
    continue_from,
    human_moves,
    mean_interval,
    mechanism_gains,
    percentile,
    run_seeds,
)
from sim.session.state import SessionState
from sim.vocab import MECHANISMS, STATUSES, TERMS

DIFFICULTY_FILE = DATA_DIR / "difficulty.yaml"
LEVELS: tuple[str, ...] = ("easy", "normal", "hard")

#: What each utility term stands for, in a student's words.
TERM_WORDS: dict[str, str] = {
    "security": "security (deterrence, readiness against threat)",
    "economy": "economy (trade and costs at stake)",
    "autonomy": "autonomy (freedom from others' demands)",
    "approval": "public approval at home",
    "alliance": "alliance value (standing with partners)",
}
assert set(TERM_WORDS) == set(TERMS)  # one word per utility term
#: Beijing's "alliance" term is the value of a divided alliance (parameters.yaml).
BEIJING_ALLIANCE = "dividing the allies (Beijing's alliance term)"


def term_words(term: str, actor: str) -> str:
    """A utility term in a student's words, as it reads for ``actor``."""
    return BEIJING_ALLIANCE if actor == ACTORS[CHALLENGER] and term == "alliance" else TERM_WORDS[term]


#: What a level's ``pick`` may say: no playbook, or the one that harms the student least or most.
PICKS: tuple[str | None, ...] = (None, "least_harm", "most_harm")
#: What a playbook may scale: the logit temperature or one utility term's preference weight.
PLAYBOOK_KEYS: tuple[str, ...] = ("temperature", *TERMS)


@cache
def difficulty_table() -> dict[str, Any]:
    """The difficulty levels, trial and playbooks (``sim/data/difficulty.yaml``).

    Raises:
        ValueError: the file's levels, picks, trial or playbooks are not as declared.
    """
    data = yaml.safe_load(DIFFICULTY_FILE.read_text(encoding="utf-8"))
    levels, trial, books = data["levels"], data["trial"], data["playbooks"]
    if tuple(levels) != LEVELS:
        raise ValueError(f"{DIFFICULTY_FILE}: the levels must be {', '.join(LEVELS)} in that order")
    for name, level in levels.items():
        if level.get("pick") not in PICKS:
            raise ValueError(f"{DIFFICULTY_FILE}: levels.{name}.pick must be null, least_harm or most_harm")
    runs, first = trial.get("runs"), trial.get("first_seed")
    if not (isinstance(runs, int) and runs > 1 and isinstance(first, int)):
        raise ValueError(f"{DIFFICULTY_FILE}: trial needs runs (an integer > 1) and first_seed (an integer)")
    for name, book in books.items():
        bad = [
            k for k, v in book.items() if k not in PLAYBOOK_KEYS or not isinstance(v, int | float) or v <= 0
        ]
        if bad or not book:
            raise ValueError(
                f"{DIFFICULTY_FILE}: playbooks.{name}: each key one of {', '.join(PLAYBOOK_KEYS)}, "
                "each value a factor > 0"
            )
    return data


def others(seat: str) -> list[str]:
    """The actors a difficulty level sets: every one but the student's seat.

    For Beijing's seat these are its rivals, the three allies; for an allied seat,
    Beijing and the student's two partners. Beijing alone is not enough for an ally:
    since Beijing's AI keeps to its quiet-time campaign rates (MODEL.md §6.4), no
    playbook of Beijing's alone moved Seoul's result measurably in Taiwan Strait or
    economic coercion (easy - normal +0.46 [-0.13, +1.05] and normal - hard +0.16
    [-0.10, +0.43], 300 paired runs).
    """
    return [a for a in ACTORS if a != seat]


def _temperature_bounds() -> tuple[float, float]:
    """The temperature's allowed range, from the parameters' schema (one place)."""
    meta = ActorParams.model_fields["temperature"].metadata
    low = next(m.ge for m in meta if hasattr(m, "ge"))
    high = next(m.le for m in meta if hasattr(m, "le"))
    return float(low), float(high)


def playbook_settings(name: str, seat: str, parameters: Parameters) -> list[str]:
    """The settings (``PATH=VALUE``) that make every other actor than ``seat`` play by playbook ``name``.

    Each factor multiplies the actor's value in ``parameters`` (the scenario's own);
    a temperature is kept inside its allowed range.

    Raises:
        KeyError: an unknown playbook.
    """
    book = difficulty_table()["playbooks"][name]
    low, high = _temperature_bounds()
    out = []
    for r in others(seat):
        actor = parameters.actors[r]
        for key, factor in book.items():
            if key == "temperature":
                out.append(f"actors.{r}.temperature={min(max(actor.temperature * factor, low), high):.6g}")
            else:
                out.append(f"actors.{r}.preferences.{key}={getattr(actor.preferences, key) * factor:.6g}")
    return out


def describe_playbook(name: str | None) -> str:
    """A playbook in words, e.g. ``security weighed double``; "as calibrated" for None.

    Raises:
        KeyError: an unknown playbook.
    """
    if name is None:
        return "as calibrated"
    words = []
    for key, factor in difficulty_table()["playbooks"][name].items():
        if key == "temperature":
            words.append(f"choices {1 / factor:g}x sharper" if factor < 1 else f"choices {factor:g}x looser")
        else:
            weight = {2.0: "double", 0.5: "half"}.get(factor, f"x{factor:g}")
            words.append(f"{key} weighed {weight}")
    return ", ".join(words)


def difficulty_label(header: dict[str, Any]) -> str:
    """A student game's difficulty as its log's header records it, with the others' playbook.

    E.g. ``hard (others: security_first, security weighed double)``; ``normal`` for a
    calibrated game or a header without a difficulty. A playbook no longer declared
    in the data file is named without its description.
    """
    play = header.get("play", {}) if isinstance(header, dict) else {}
    level = str(play.get("difficulty", "normal"))
    book = play.get("playbook")
    if not book:
        return level
    try:
        what = describe_playbook(str(book))
    except KeyError:
        return f"{level} (others: {book})"
    return f"{level} (others: {book}, {what})"


_TRIALS: dict[tuple[str, str, str], dict[str, float]] = {}


def playbook_trials(scenario: LoadedScenario, seat: str) -> dict[str, float]:
    """Each playbook's trial: the mean final score of ``seat``, the AI in every seat, the others on it.

    All playbooks play the same seeds (``trial`` in difficulty.yaml), from the
    scenario's start, so they are compared run by run. A scenario's trials are kept
    for the process, per seat (each seat's others differ).

    Returns:
        Mean score by playbook, in declared order.
    """
    key = (scenario.sha256, repr(scenario.overrides), seat)
    if key not in _TRIALS:
        trial = difficulty_table()["trial"]
        seeds = trial["first_seed"] + np.arange(trial["runs"], dtype=np.int64)
        _TRIALS[key] = {
            name: float(
                final_scores(scenario, playbook_settings(name, seat, scenario.parameters), seat, seeds).mean()
            )
            for name in difficulty_table()["playbooks"]
        }
    return _TRIALS[key]


def _known(level: str) -> str:
    """The level, if it is one; else a ValueError naming the levels."""
    if level not in LEVELS:
        raise ValueError(f"unknown difficulty {level!r}; choose {', '.join(LEVELS)}")
    return level


def pick_playbook(level: str, trials: dict[str, float]) -> str | None:
    """The playbook a level picks from the trials (the first in declared order on a tie).

    Raises:
        ValueError: an unknown level.
    """
    pick = difficulty_table()["levels"][_known(level)]["pick"]
    if pick is None:
        return None
    return (min if pick == "most_harm" else max)(trials, key=trials.__getitem__)


def difficulty_playbook(level: str, seat: str, scenario: str | Path | LoadedScenario) -> str | None:
    """The playbook the other actors play at ``level`` in ``scenario`` (None: as calibrated).

    Raises:
        ValueError: an unknown level.
        InputError: a bad scenario.
    """
    if difficulty_table()["levels"][_known(level)]["pick"] is None:
        return None
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    return pick_playbook(level, playbook_trials(loaded, seat))


def difficulty_settings(level: str, seat: str, scenario: str | Path | LoadedScenario) -> list[str]:
    """The parameter settings (``PATH=VALUE``) a difficulty level makes for a seat in a scenario.

    Normal makes none; easy and hard play the scenario's trials
    (`playbook_trials`) and set the other actors on the playbook picked.

    Raises:
        ValueError: an unknown level.
        InputError: a bad scenario.
    """
    if difficulty_table()["levels"][_known(level)]["pick"] is None:
        return []
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    name = difficulty_playbook(level, seat, loaded)
    assert name is not None  # a level with a pick always finds one among the declared playbooks
    return playbook_settings(name, seat, loaded.parameters)


def level_scores(
    scenario: str | Path | LoadedScenario, seat: str, level: str, seeds: np.ndarray
) -> np.ndarray:
    """Final scores of AI-played runs with the AI in ``seat``, the others at ``level``.

    What a finished game's percentile is measured against (`ai_scores`): the same
    scenario and difficulty settings, the AI in every seat, one run per seed.

    Returns:
        The student's score per run, shape (seeds,).
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    return final_scores(loaded, difficulty_settings(level, seat, loaded), seat, seeds)


def final_scores(scenario: LoadedScenario, settings: list[str], seat: str, seeds: np.ndarray) -> np.ndarray:
    """The final score of ``seat`` in runs played by the AI from the start, with parameter settings.

    Returns:
        One score per seed, shape (seeds,).
    """
    model = TrilateralModel(
        scenario.with_overrides([parse_set_flag(s) for s in settings]),
        seeds=seeds,
        keep_history=False,
        collect=False,
    )
    while model.running:
        model.step()
    return np.asarray(score_of(model.scores.index, seat))


def score_of(index: np.ndarray | float, seat: str) -> np.ndarray | float:
    """The student's score from the resilience index: the index for an ally, 100 − index for Beijing."""
    return 100.0 - index if seat == ACTORS[CHALLENGER] else index


def is_practice(state: SessionState) -> bool:
    """A game with an undo in its log is practice, not a scored result."""
    return any(r["type"] == "undo" for r in state.records)


# -- the student's position ------------------------------------------------------------------
@dataclass(frozen=True)
class Position:
    """Where the student's country stands at the start of the open turn (end of the last).

    Attributes:
        seat: Actor code.
        trust_held: The student's trust in each other actor.
        trust_in_you: Each other actor's trust in the student.
        opinion: The student's public's opinion of each other actor (0.5 neutral).
        exposure: The student's trade exposure to each other actor (share of trade).
        mechanisms: (name, status, strength) of the mechanisms the student belongs to.
        pressure: Beijing's coercive pressure on the student.
        inducement: Beijing's standing offers to the student.
        demand: Washington's standing asks of the student.
        crisis: Military tension.
        dispute: Seoul-Tokyo history and territorial heat.
    """

    seat: str
    trust_held: dict[str, float]
    trust_in_you: dict[str, float]
    opinion: dict[str, float]
    exposure: dict[str, float]
    mechanisms: list[tuple[str, str, float]]
    pressure: float
    inducement: float
    demand: float
    crisis: float
    dispute: float


def position(state: SessionState, seat: str) -> Position:
    """The student's position now (run 0 of the session's model)."""
    s = state.model.state
    i = INDEX[seat]
    others = [a for a in ACTORS if a != seat]
    members = state.model.compiled.members
    return Position(
        seat=seat,
        trust_held={a: float(s.trust[0, i, INDEX[a]]) for a in others},
        trust_in_you={a: float(s.trust[0, INDEX[a], i]) for a in others},
        opinion={a: float(s.opinion[0, i, INDEX[a]]) for a in others},
        exposure={a: float(s.exposure[0, i, INDEX[a]]) for a in others},
        mechanisms=[
            (m, STATUSES[int(s.status[0, k])], float(s.strength[0, k]))
            for k, m in enumerate(MECHANISMS)
            if members[k, i] and STATUSES[int(s.status[0, k])] != "ended"
        ],
        pressure=float(s.pressure[0, i]),
        inducement=float(s.inducement[0, i]),
        demand=float(s.demand[0, i]),
        crisis=float(s.crisis[0]),
        dispute=float(s.dispute[0]),
    )


# -- each option's trade-offs, from the model ------------------------------------------------
@dataclass(frozen=True)
class Reaction:
    """How likely another actor's next move is after the student's option.

    Attributes:
        actor: The other actor.
        option: Its move next turn.
        chance: Its share of runs after this option.
        usual: Its share averaged over all the student's open options.
    """

    actor: str
    option: str
    chance: float
    usual: float


@dataclass(frozen=True)
class Hint:
    """One option's trade-offs for the student, computed from the model.

    Attributes:
        option: The option's label.
        terms: The student's preference-weighted utility terms of this option, largest first.
        ai_chance: The chance the AI in the student's seat picks it (its logit probability).
        trust_in_you: Mean change this turn of the others' trust in the student
            (the allies' for an ally, the allies' for Beijing too).
        index_change: The student's score by the end of the next turn, minus its mean
            over all open options (how this option moves the result, relative to the menu).
        reactions: The others' next moves made most likelier by this option.
        about: The kind's one-line trade-off, from the registry (`sim.kinds`).
    """

    option: str
    terms: list[tuple[str, float]]
    ai_chance: float
    trust_in_you: float
    index_change: float
    reactions: list[Reaction]
    about: str = ""


#: A reaction is worth a word when this option moves its chance this much from the usual.
NOTABLE_SHIFT = 0.10


def option_hints(state: SessionState, seat: str, runs: int = 40) -> list[Hint]:
    """Each open option's trade-offs, from an ensemble that plays it.

    From the session's current snapshot, ``runs`` continuations per open option
    (seeds from `run_seeds`, the same for every option, so options are compared on
    the same draws): this turn with the student's option given and the AI elsewhere,
    then the next turn with the AI everywhere. Where an option is closed in a run
    (a chance event fired differently), the AI moves there.

    Returns:
        One `Hint` per open option, in menu order.
    """
    model = state.model
    opts = model.compiled.options
    a = INDEX[seat]
    labels = state.open_options()[seat]
    menu = opts.slices[a]
    local = np.array([opts.find(a, lab) - menu.start for lab in labels], dtype=np.int64)
    n = len(labels)
    seeds = np.tile(run_seeds(state.seed, runs), n)
    ens = TrilateralModel.from_snapshot(model.snapshot(), state.loaded, runs=n * runs, seeds=seeds)
    before = model.state.trust[0]
    ens.play_turn(given={seat: np.repeat(local, runs)}, if_closed="ai")
    first = ens.history[-1]
    block = np.repeat(np.arange(n), runs)

    def per_option(values: np.ndarray) -> np.ndarray:
        return np.bincount(block, weights=values, minlength=n) / runs

    weighted = first.terms[:, a] * model.compiled.weights[a]  # (runs, terms)
    term_means = np.stack([per_option(weighted[:, k]) for k in range(len(TERMS))], axis=1)
    watchers = [b for b in ALLIES if b != a]
    trust_change = per_option(np.mean([first.state.trust[:, b, a] - before[b, a] for b in watchers], axis=0))
    # The record holds the AI's logit probability of the move played, given or not.
    ai_chance = per_option(first.probability[:, a])
    reactions: list[list[Reaction]] = [[] for _ in range(n)]
    if ens.running:
        ens.step()
        second = ens.history[-1]
        for b, code in enumerate(ACTORS):
            if b == a:
                continue
            moves = second.outcome.choices[:, b]
            for o in np.unique(moves):
                share = per_option((moves == o).astype(float))
                usual = float(share.mean())
                for k in range(n):
                    if share[k] - usual >= NOTABLE_SHIFT:
                        reactions[k].append(Reaction(code, opts.label(int(o)), float(share[k]), usual))
    score = per_option(np.asarray(score_of(ens.index_so_far(), seat)))
    hints = []
    for k, label in enumerate(labels):
        pairs = [
            (TERMS[t], float(term_means[k, t])) for t in range(len(TERMS)) if abs(term_means[k, t]) >= 0.005
        ]
        hints.append(
            Hint(
                option=label,
                terms=sorted(pairs, key=lambda p: -abs(p[1])),
                ai_chance=float(ai_chance[k]),
                trust_in_you=float(trust_change[k]),
                index_change=float(score[k] - score.mean()),
                reactions=sorted(reactions[k], key=lambda r: -(r.chance - r.usual))[:2],
                about=opts.specs[int(opts.kind[menu.start + local[k]])].about,
            )
        )
    return hints


# -- why the others moved as they did --------------------------------------------------------
def why_lines(state: SessionState, seat: str) -> list[str]:
    """What drove the other actors' last moves, in words from their utility terms.

    One sentence per other actor: its move, the AI's probability of it, and the
    preference-weighted utility terms that pulled toward it and against it.
    """
    model = state.model
    if not model.history:
        return ["No turn has been played yet: the others have not moved."]
    rec = model.history[-1]
    opts = model.compiled.options
    out = []
    for a, code in enumerate(ACTORS):
        if code == seat:
            continue
        label = opts.label(int(rec.outcome.choices[0, a]))
        pulls = reasons(model, rec, 0, a)
        toward = [f"{term_words(t, code)} {v:+.2f}" for t, v in pulls if v > 0][:2]
        against = [f"{term_words(t, code)} {v:+.2f}" for t, v in pulls if v < 0][:2]
        text = f"{CAPITAL[code]} chose {label!r} (the AI gave it {rec.probability[0, a]:.0%})"
        text += f": for it, {' and '.join(toward)}" if toward else ": nothing pulled strongly for it"
        text += f"; against it, {' and '.join(against)}." if against else "; nothing against it."
        out.append(text)
    out.append(
        "The numbers are each term's pull on the choice, weighted by that government's "
        "preferences (sim/data/parameters.yaml); the AI picks moves with a higher total more often."
    )
    return out


# -- the end of the game -------------------------------------------------------------------------
@dataclass(frozen=True)
class Moment:
    """A turn where the student's choice mattered: the AI's choice there instead.

    Attributes:
        turn: The turn.
        yours: The student's move.
        ai_would: The AI's most frequent choice in the student's seat there.
        ai_share: The share of runs in which the AI chose it.
        change: Mean change of the student's final score had the AI chosen that turn
            (the student's own moves kept before and after), paired by seed.
        low: Lower end of its 95% interval.
        high: Upper end.
    """

    turn: int
    yours: str
    ai_would: str
    ai_share: float
    change: float
    low: float
    high: float


def moments(state: SessionState, seat: str, runs: int = 200, top: int = 3) -> list[Moment]:
    """The turns where the student's choice, replayed as the AI would have made it, changed the result most.

    For each turn played, from the session's snapshot before it, ``runs`` seeds
    (`run_seeds`) play to the end twice: the student's moves as played, and the
    same with the AI deciding that one turn. The change is the paired mean
    difference of the student's final score (AI's turn − the student's).

    Returns:
        The ``top`` turns with the largest absolute change, largest first.
    """
    moves = human_moves(state)
    seeds = run_seeds(state.seed, runs)
    out = []
    for k, played in enumerate(state.played):
        snap = state.snapshots[k]
        mine = continue_from(snap, state, seeds, moves[k:])
        theirs = TrilateralModel.from_snapshot(snap, state.loaded, runs=runs, seeds=seeds)
        theirs.step()  # the AI decides this one turn, by its own odds in each run
        picks = theirs.history[-1].outcome.choices[:, INDEX[seat]]
        values, counts = np.unique(picks, return_counts=True)
        ai_would = theirs.compiled.options.label(int(values[np.argmax(counts)]))
        share = float(counts.max() / runs)
        for later in moves[k + 1 :]:
            theirs.play_turn(given=later, if_closed="ai")
        d = np.asarray(score_of(final_index(theirs), seat)) - np.asarray(score_of(final_index(mine), seat))
        m, lo, hi = mean_interval(d)
        out.append(Moment(played["turn"], played["moves"][seat]["option"], ai_would, share, m, lo, hi))
    return sorted(out, key=lambda m: -abs(m.change))[:top]


def final_index(model: TrilateralModel) -> np.ndarray:
    """A finished model's final index per run (the index so far if it is not finished)."""
    return model.scores.index if model.scores is not None else model.index_so_far()


@dataclass(frozen=True)
class Help:
    """What one of the paper's recommendations would have done for the student.

    Attributes:
        mechanism: The mechanism's name.
        gain: Mean change of the student's score, the student's decisions replayed
            with the mechanism in place (strengthened and active from the start).
        low: Lower end of its 95% interval.
        high: Upper end.
    """

    mechanism: str
    gain: float
    low: float
    high: float

    @property
    def helped(self) -> bool:
        """The whole interval lies above zero."""
        return self.low > 0


def recommendations(state: SessionState, seat: str, runs: int = 200) -> list[Help]:
    """Each mechanism's gain for the student (`analysis.mechanism_gains`, in score terms), best first."""
    sign = -1.0 if seat == ACTORS[CHALLENGER] else 1.0
    out = []
    for g in mechanism_gains(state, runs=runs):
        lo, hi = sorted((sign * g.low, sign * g.high))
        out.append(Help(g.mechanism, sign * g.mean, lo, hi))
    return sorted(out, key=lambda h: -h.gain)


def ai_scores(state: SessionState, seat: str, runs: int = 1000) -> np.ndarray:
    """Scores of ``runs`` AI-played runs with the AI in the student's seat (`analysis.ai_indexes`)."""
    from sim.session.analysis import ai_indexes

    return np.asarray(score_of(ai_indexes(state, runs), seat))


@dataclass(frozen=True)
class Debrief:
    """Everything the end of a student game shows and writes.

    Attributes:
        seat: The student's actor code.
        difficulty: The level played.
        practice: Whether the game had undos.
        score: The student's final score.
        ai: Scores of the AI-played runs with the AI in the student's seat.
        percentile: The student's percentile among them.
        moments: The three moments that mattered most.
        helps: Each mechanism's gain for the student, best first.
        runs: Seeds behind each moment and each gain.
    """

    seat: str
    difficulty: str
    practice: bool
    score: float
    ai: np.ndarray
    percentile: float
    moments: list[Moment]
    helps: list[Help]
    runs: int


def debrief(state: SessionState, seat: str, *, ai_runs: int = 1000, runs: int = 200) -> Debrief:
    """The end-of-game analysis of a finished (or stopped) student game."""
    score = float(score_of(float(state.model.index_so_far()[0]), seat))
    ai = ai_scores(state, seat, ai_runs)
    return Debrief(
        seat=seat,
        difficulty=difficulty_label(state.header),
        practice=is_practice(state),
        score=score,
        ai=ai,
        percentile=percentile(score, ai),
        moments=moments(state, seat, runs=runs),
        helps=recommendations(state, seat, runs=runs),
        runs=runs,
    )
