"""Sweep benchmark: wall time and peak memory of `run.py sweep`, and the Mesa baseline.

Usage (from the repository root, inside the virtual environment)::

    python bench/bench_sweep.py                       # 100k-run sweep + Mesa baseline sample
    python bench/bench_sweep.py --million             # also the 1,000,000-run sweep
    python bench/bench_sweep.py --mesa-runs 100000    # the full Mesa baseline (slow)

Peak memory is the largest sum of proportional resident memory (Pss) over the whole
process tree (the CLI and its workers), sampled every 50 ms from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = Path(os.environ.get("BENCH_SCENARIO", ROOT / "scenarios" / "taiwan_strait.yaml"))


def _descendants(pid: int) -> list[int]:
    """A process and its descendants, from /proc/PID/task/*/children (cheap to read)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            # A process may exit while it is read: its /proc entry vanishes mid-walk.
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                stack.extend(int(c) for c in task.read_text().split())
        except OSError:
            pass
    return out


def _tree_rss(pid: int) -> int:
    """Proportional resident bytes (Pss) of a process and all its descendants."""
    total = 0
    for p in _descendants(pid):
        try:
            # Pss shares each page among the processes mapping it, so forked
            # workers' common libraries are not counted once per worker.
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def wall(cmd: list[str]) -> float:
    """Run a command unobserved; return its wall seconds."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def sampled(cmd: list[str], cwd: Path, sample: Callable[[int], None], every: float) -> float:
    """Run a command while calling ``sample(pid)`` every ``every`` seconds; return its wall seconds.

    Raises:
        SystemExit: the command failed (its stderr in the message).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            sample(proc.pid)
            time.sleep(every)

    sampler = threading.Thread(target=loop, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} in {cwd} failed ({proc.returncode}):\n{err.decode()}")
    return seconds


def measure(cmd: list[str]) -> tuple[float, int]:
    """Run a command; return its wall seconds and the tree's peak resident bytes.

    Sampling /proc costs CPU, so the wall time here is a little above `wall`'s.
    """
    peak = 0

    def sample(pid: int) -> None:
        nonlocal peak
        peak = max(peak, _tree_rss(pid))

    return sampled(cmd, ROOT, sample, 0.05), peak


def sweep(runs: int, out: Path, extra: list[str]) -> tuple[float, int]:
    """`run.py sweep` on the Taiwan scenario into fresh folders.

    Returns:
        The best wall time of three unobserved runs, and the peak memory of a fourth.
    """
    cmd = [sys.executable, "run.py", "sweep", str(SCENARIO), "--runs", str(runs), "--out"]
    times = []
    for k in range(3 if runs <= 100_000 else 1):
        times.append(wall([*cmd, str(out / f"t{k}"), *extra]))
        shutil.rmtree(out / f"t{k}")
    _, peak = measure([*cmd, str(out / "m"), *extra])
    shutil.rmtree(out / "m")
    return min(times), peak


def mesa_baseline(runs: int, processes: int = 2) -> float:
    """The idiomatic Mesa way: one model per seed, driven by mesa.batch_run."""
    code = f"""
import inspect, time, mesa
from sim.model import TrilateralModel
from sim.scenario import load_scenario
loaded = load_scenario({str(SCENARIO)!r})
t = time.perf_counter()
seeds = list(range({runs}))
if "rng" in inspect.signature(mesa.batch_run).parameters:  # mesa >= 3.4 takes seeds as `rng`
    rows = mesa.batch_run(TrilateralModel, parameters={{"scenario": loaded}}, rng=seeds,
                          number_processes={processes}, display_progress=False)
else:
    rows = mesa.batch_run(TrilateralModel, parameters={{"scenario": loaded, "rng": seeds}},
                          number_processes={processes}, iterations=1, display_progress=False)
print(time.perf_counter() - t, len(rows))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, _ = out.stdout.split()
    return float(seconds)


def main() -> None:
    """Run the benchmarks and print (and save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument(
        "--mesa-runs", type=int, default=2_000, help="runs for the Mesa baseline (extrapolated)"
    )
    parser.add_argument("--million", action="store_true", help="also run the 1,000,000-run sweep")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    figures: dict[str, float | int | str] = {"cores": os.cpu_count() or 0}
    with tempfile.TemporaryDirectory() as tmp:
        wall, peak = sweep(args.runs, Path(tmp) / "a", [])
        figures.update(sweep_runs=args.runs, sweep_wall_s=round(wall, 2), sweep_peak_mib=round(peak / 2**20))
        print(f"sweep {args.runs:,} runs with turns: {wall:.2f} s wall, peak {peak / 2**20:.0f} MiB")
        if args.million:
            wall, peak = sweep(1_000_000, Path(tmp) / "b", [])
            figures.update(million_wall_s=round(wall, 2), million_peak_mib=round(peak / 2**20))
            print(f"sweep 1,000,000 runs with turns: {wall:.2f} s wall, peak {peak / 2**20:.0f} MiB")
    mesa_s = mesa_baseline(args.mesa_runs)
    per_run = mesa_s / args.mesa_runs
    projected = per_run * args.runs
    figures.update(
        mesa_runs=args.mesa_runs,
        mesa_wall_s=round(mesa_s, 2),
        mesa_projected_s=round(projected, 1),
        speedup=round(projected / figures["sweep_wall_s"], 1),
    )
    note = "" if args.mesa_runs == args.runs else f" (measured on {args.mesa_runs:,} runs, scaled linearly)"
    print(f"mesa.batch_run, 2 processes: {projected:.1f} s for {args.runs:,} runs{note}")
    print(f"speed-up of the ensemble engine: {figures['speedup']}x")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
