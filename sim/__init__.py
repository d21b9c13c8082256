"""Trilateral crisis tabletop simulation: the engine.

The notebook API::

    from sim import load_scenario, run, run_ensemble
    result = run("scenarios/taiwan_strait.yaml", seed=7)
    result.turns_table()          # one row per turn (pandas DataFrame)
    sweep("taiwan_strait", runs=1000, vary={"opinion.loss": [0.2, 0.4]}).runs()
    replay(result.to_dict())      # the same run again, from its record alone

Names are imported on first use, so that quick commands do not pay for `mesa`.
"""

from typing import Any

#: The project version (the single source; pyproject.toml reads it).
__version__ = "0.1.0"

__all__ = ["load_scenario", "replay", "run", "run_ensemble", "sweep"]


def __getattr__(name: str) -> Any:
    if name == "sweep":
        from sim.batch.api import sweep

        return sweep
    if name in __all__:
        from sim import api

        return getattr(api, name)
    raise AttributeError(name)
