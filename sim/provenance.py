"""What a result needs to be reproduced: one record, written into every output.

`provenance` is the one place that says what a run, a sweep or a report was made
from: the scenario (name, path, SHA-256 and, for a record that must stand alone,
its text), every parameter override with where it came from (the scenario file,
``--set``, the Python API's ``settings``, a sweep), the seeds, the project's and
key libraries' versions, and the command line. The run JSON, the text transcript's
header and sweep manifests carry it; `sim.api.replay` rebuilds a run from it.
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.params import Override
    from sim.scenario import LoadedScenario

#: Libraries whose versions can change results, in the order recorded.
KEY_LIBRARIES = ("mesa", "numpy", "pydantic", "pandas", "pyarrow", "PyYAML")

#: The source label of a scenario file's own ``parameters:`` block.
SCENARIO_FILE = "scenario file"


def versions() -> dict[str, str]:
    """Python's, the project's and the key libraries' versions (absent ones left out)."""
    from importlib.metadata import PackageNotFoundError, version

    from sim import __version__

    out = {"python": sys.version.split()[0], "trilateral": __version__}
    for name in KEY_LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _plain(value: Any) -> Any:
    """A JSON-ready copy of an override value (tuples as lists, numpy scalars as Python)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def scenario_overrides(loaded: LoadedScenario) -> list[dict[str, Any]]:
    """The scenario file's own ``parameters:`` block as overrides, each with its line."""
    from sim.errors import InputError
    from sim.params import flatten_overrides
    from sim.yamlio import parse_yaml

    try:
        _, lines = parse_yaml(loaded.text, loaded.path)
    except InputError:  # already validated once; lines are a nicety
        lines = {}
    own = flatten_overrides(dict(loaded.scenario.parameters), loaded.path, lines, ("parameters",))
    return [
        {"path": ".".join(p), "value": _plain(v), "source": SCENARIO_FILE, "line": line}
        for p, v, _, line in own
    ]


def override_records(overrides: Sequence[Override]) -> list[dict[str, Any]]:
    """Overrides given on top of the scenario file, each with its source."""
    return [
        {"path": ".".join(str(s) for s in path), "value": _plain(value), "source": source}
        for path, value, source, _ in overrides
    ]


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command line as one shell-quoted string (``sys.argv`` by default)."""
    args = list(sys.argv if argv is None else argv)
    return shlex.join(args) if args else ""


def provenance(
    loaded: LoadedScenario,
    overrides: Sequence[Override] = (),
    seeds: Any = None,
    *,
    command: Sequence[str] | str | None = None,
    with_text: bool = False,
) -> dict[str, Any]:
    """Everything needed to reproduce a result made from ``loaded``.

    Args:
        loaded: The scenario as read from its file (before ``overrides``).
        overrides: ``(path, value, source, line)`` overrides applied on top of the
            scenario's own parameters, in order (``--set``, ``settings``, a sweep's).
        seeds: The seeds: a list of ints, or a description such as
            ``{"base": 0, "runs": 100, "rule": ...}`` for a sweep.
        command: The command line (default: ``sys.argv``); a string is kept as is.
        with_text: Also record the scenario's full text, so the record alone
            reproduces the result even where the file has changed or is absent.

    Returns:
        A JSON-ready dict: ``scenario`` (name, path, sha256[, text]),
        ``overrides`` (the scenario file's then the others, each with
        ``path``, ``value``, ``source``), ``seeds``, ``versions``, ``command``.
    """
    scenario: dict[str, Any] = {
        "name": loaded.name,
        "path": loaded.path,
        "sha256": loaded.sha256,
    }
    if with_text:
        scenario["text"] = loaded.text
    if seeds is not None and not isinstance(seeds, dict):
        seeds = [int(s) for s in seeds]
    return {
        "scenario": scenario,
        "overrides": scenario_overrides(loaded) + override_records(overrides),
        "seeds": seeds,
        "versions": versions(),
        "command": command if isinstance(command, str) else command_line(command),
    }


def report_record(
    scenarios: Sequence[LoadedScenario] = (),
    *,
    seeds: dict[str, Any] | None = None,
    files: Sequence[str | Path] = (),
    command: Sequence[str] | str | None = None,
) -> dict[str, Any]:
    """What a validation report (``backtest``, ``check-claims``) needs to be rerun.

    Args:
        scenarios: The scenarios it played, each recorded by name, path and sha256
            with the parameters its file sets.
        seeds: How its seeds were chosen, e.g. ``{"first": 0, "runs": "each file's own"}``.
        files: Data files it read besides the scenarios (e.g. ``claims.yaml``), by path
            and sha256.
        command: The command line (default: ``sys.argv``).

    Returns:
        A JSON-ready dict: ``scenarios``, ``files``, ``seeds``, ``versions``, ``command``.
    """
    return {
        "scenarios": [
            {
                "name": sc.name,
                "path": sc.path,
                "sha256": sc.sha256,
                "overrides": scenario_overrides(sc),
            }
            for sc in scenarios
        ],
        "files": [
            {"path": str(f), "sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest()} for f in files
        ],
        "seeds": seeds,
        "versions": versions(),
        "command": command if isinstance(command, str) else command_line(command),
    }


def report_header(record: dict[str, Any]) -> str:
    """A report record as one short paragraph for the end of a text report."""
    parts = [f"{f['path']} sha256 {f['sha256'][:12]}" for f in record["files"]]
    parts += [f"{sc['name']} sha256 {sc['sha256'][:12]}" for sc in record["scenarios"]]
    v = ", ".join(f"{k} {x}" for k, x in record["versions"].items())
    text = f"Reproduce with: {record['command']}" if record["command"] else "Recorded"
    return f"{text} ({seeds_in_words(record['seeds'])}; {'; '.join(parts)}; versions {v})."


def seeds_in_words(seeds: Any) -> str:
    """A record's seeds as words, never dict text.

    Args:
        seeds: A list of ints, a rule ``{"first": int | list[int], "runs": int | str}``
            (``runs`` a count, or a phrase such as ``"each file's own"``), or None.

    Returns:
        E.g. ``"seeds 0 onward, 20 runs"``, ``"seeds 0 onward, each file's own runs"``,
        ``"seed 3, 4"``, or ``"seeds not recorded"``.
    """
    if seeds is None:
        return "seeds not recorded"
    if isinstance(seeds, list):
        return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(str(s) for s in seeds)
    if isinstance(seeds, dict):
        first = seeds.get("first")
        starts = ", ".join(str(f) for f in first) if isinstance(first, list) else str(first)
        runs = seeds.get("runs")
        count = f"{runs} run{'' if runs == 1 else 's'}" if isinstance(runs, int) else f"{runs} runs"
        return f"seeds {starts} onward, {count}"
    return f"seeds {seeds}"


def header_lines(record: dict[str, Any]) -> list[str]:
    """The record as short lines for a text header (the scenario text left out)."""
    sc = record["scenario"]
    lines = [f"scenario {sc['name']} ({sc['path']}, sha256 {sc['sha256'][:12]})"]
    given = [o for o in record["overrides"] if o["source"] != SCENARIO_FILE]
    own = len(record["overrides"]) - len(given)
    if given:
        lines.append("overrides: " + "; ".join(f"{o['path']}={o['value']!r} ({o['source']})" for o in given))
    lines.append(f"{own} parameter(s) set by the scenario file" + ("" if given else "; no other overrides"))
    seeds = record["seeds"]
    if isinstance(seeds, list):
        lines.append("seed " + ", ".join(str(s) for s in seeds))
    elif seeds is not None:
        lines.append(seeds_in_words(seeds))
    v = record["versions"]
    lines.append("versions " + ", ".join(f"{k} {x}" for k, x in v.items()))
    if record["command"]:
        lines.append(f"command {record['command']}")
    return lines
