"""The four actors, their fixed order, and the directed pairs the scores look at."""

from typing import Literal

ActorName = Literal["USA", "ROK", "JPN", "PRC"]

#: Fixed order of the actor axis in every state array.
ACTORS: tuple[str, ...] = ("USA", "ROK", "JPN", "PRC")
INDEX: dict[str, int] = {name: i for i, name in enumerate(ACTORS)}
USA, ROK, JPN, PRC = range(4)
N_ACTORS = len(ACTORS)

#: The three allies whose cooperation the simulation scores.
ALLIES: tuple[int, ...] = (USA, ROK, JPN)

#: Capitals, for prose.
CAPITAL: dict[str, str] = {"USA": "Washington", "ROK": "Seoul", "JPN": "Tokyo", "PRC": "Beijing"}

#: Directed pairs among the allies (i trusts j).
ALLY_PAIRS: tuple[tuple[int, int], ...] = tuple((i, j) for i in ALLIES for j in ALLIES if i != j)

#: Every directed pair, in row-major order, for tidy per-pair output columns.
ALL_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (i, j) for i in range(N_ACTORS) for j in range(N_ACTORS) if i != j
)


def pair_name(i: int, j: int) -> str:
    """Column-friendly name of the directed pair i→j, e.g. ``ROK_JPN``."""
    return f"{ACTORS[i]}_{ACTORS[j]}"
