"""Engines in one sitting: the 100,000-run Taiwan sweep and the stepping, alternately.

Issue 8's budget compares this tree's sweep with an older engine's "measured in the
same sitting": on a shared machine the load moves between runs, so the engines take
turns (A, B, A, B, ...) and each figure is the best of its rounds, with its ratio to
the first (the reference). For each sweep it
records the wall time, the CPU time of the whole process tree and the load average
at its start; the CPU time is the sum over the CLI, its forkserver and its workers
of user + system time, sampled from /proc every 20 ms (the workers are not the
CLI's children, so `/usr/bin/time` sees the CLI's own time only; the last 20 ms of
a process may be missed). Stepping alone is ``bench/bench_stepping.py --repeat 1``
run from each tree's root. Usage (from this tree's root):

    python bench/bench_engines.py OLD_TREE [OTHER_TREE ...] [--rounds 3] [--runs 100000]

Without other trees, the second engine is this one.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# The same /proc walk and sampler as the sweep benchmark (the workers are not the CLI's children).
from bench_sweep import _descendants, sampled

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User + system seconds of one process so far (fields 14 and 15 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run ``cmd`` in ``cwd``; return wall seconds, the tree's CPU seconds and the 1-min load at start."""
    load = os.getloadavg()[0]
    seen: dict[int, float] = {}

    def sample(pid: int) -> None:
        for p in _descendants(pid):
            cpu = _cpu_seconds(p)
            if cpu is not None:
                seen[p] = max(seen.get(p, 0.0), cpu)

    wall = sampled(cmd, cwd, sample, 0.02)
    return wall, sum(seen.values()), load


def stepping(tree: Path) -> tuple[float, float]:
    """``bench_stepping.py --repeat 1`` from ``tree``'s root: wall and CPU seconds."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_stepping.py"), "--repeat", "1"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"best ([\d.]+) s wall, ([\d.]+) s CPU", out)
    if found is None:
        raise SystemExit(f"unexpected output from bench_stepping.py in {tree}: {out!r}")
    return float(found[1]), float(found[2])


def main() -> None:
    """Alternate the engines and print every figure, then the best of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="root of the reference engine's tree (read only)")
    parser.add_argument("others", type=Path, nargs="*", help="roots of the other trees (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    trees = [args.old.resolve(), *(t.resolve() for t in args.others or [ROOT])]
    names = [f"{i}:{t.name}" for i, t in enumerate(trees)]
    rows: dict[str, list[tuple[float, float, float, float, float]]] = {k: [] for k in names}
    with tempfile.TemporaryDirectory(prefix="bench_engines_") as scratch:
        for r in range(args.rounds):
            for name, tree in zip(names, trees, strict=True):
                out = Path(scratch) / f"{name.split(':')[0]}-{r}"
                cmd = [sys.executable, "run.py", "sweep", "scenarios/taiwan_strait.yaml"]
                wall, cpu, load = timed([*cmd, "--runs", str(args.runs), "--out", str(out)], tree)
                step_wall, step_cpu = stepping(tree)
                rows[name].append((wall, cpu, load, step_wall, step_cpu))
                print(
                    f"round {r + 1} {name}: sweep {wall:.2f} s wall, {cpu:.2f} s CPU (load {load:.2f}); "
                    f"stepping {step_wall:.2f} s wall, {step_cpu:.2f} s CPU",
                    flush=True,
                )
    best = {k: [min(col) for col in zip(*v, strict=True)] for k, v in rows.items()}
    print(f"best of {args.rounds}; ratio to {names[0]}")
    labels = {0: "sweep wall (s)", 1: "sweep CPU (s)", 3: "stepping wall (s)", 4: "stepping CPU (s)"}
    for i, label in labels.items():
        cells = ", ".join(f"{k} {v[i]:.2f} ({v[i] / best[names[0]][i]:.2f}x)" for k, v in best.items())
        print(f"{label}: {cells}")


if __name__ == "__main__":
    main()
