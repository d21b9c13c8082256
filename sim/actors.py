"""The four actors, their fixed order, and the directed pairs the scores look at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

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


# -- Roles: who plays what part in the triangle, declared once --------------------------------
# The dynamics and the scores read these names rather than spelling out actors, so that
# a fifth seat (Canberra in a validation episode plays in Tokyo's) or a new scenario
# changes one declaration.

#: The alliance patron: Washington, allied with both Seoul and Tokyo.
PATRON: int = USA

#: The challenger whose wedges and coercion the allies face: Beijing.
CHALLENGER: int = PRC

#: The two U.S. allies whose own relationship is the triangle's weak side (Cha 1999's
#: quasi-alliance): Seoul and Tokyo.
PARTNERS: tuple[int, int] = (ROK, JPN)

#: Each member of the partner pair's counterpart: Seoul's is Tokyo and Tokyo's Seoul.
PARTNER_OF: dict[int, int] = {ROK: JPN, JPN: ROK}

#: The two formal alliances, patron first: (USA, ROK) and (USA, JPN).
ALLIANCE_PAIRS: tuple[tuple[int, int], ...] = tuple((PATRON, a) for a in PARTNERS)

#: Directed pairs within the partner pair: (ROK, JPN) and (JPN, ROK).
PARTNER_PAIRS: tuple[tuple[int, int], ...] = tuple((a, PARTNER_OF[a]) for a in PARTNERS)

#: Each actor's counterpart in the partner pair by actor index, -1 outside the pair.
_PARTNER_INDEX: tuple[int, ...] = tuple(PARTNER_OF.get(a, -1) for a in range(N_ACTORS))


def partner_pair(actor: np.ndarray | int, target: np.ndarray | int) -> np.ndarray:
    """Whether actor -> target is within the partner pair (Seoul->Tokyo or Tokyo->Seoul), elementwise.

    Args:
        actor: Actor indices, any shape.
        target: Target actor indices (-1: none), broadcastable with ``actor``.

    Returns:
        Boolean array of the broadcast shape.
    """
    import numpy as np  # here, not at the top: `run.py --help` imports this module

    t = np.asarray(target)
    return (np.asarray(_PARTNER_INDEX)[np.asarray(actor)] == t) & (t >= 0)
