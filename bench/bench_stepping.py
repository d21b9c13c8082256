"""Stepping alone: a Taiwan ensemble stepped in-process, in the sweep's blocks.

Times what a sweep worker does for its chunks (`sim.batch.chunk`): build the model for a
block of seeds and step it to the end, per-turn trace kept, no Parquet, no workers.
Run it from the root of the tree to measure (so an older commit can be measured with
the same script):

    python bench/bench_stepping.py [--runs 20000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))


def _block() -> int:
    """The measured tree's own block size (`sim.batch.chunk.BLOCK`; 5,000 before it changed)."""
    try:
        from sim.batch.chunk import BLOCK
    except ImportError:
        return 5_000
    return int(BLOCK)


def step_all(loaded: object, runs: int) -> None:
    """Step ``runs`` Taiwan runs to the end, block by block, as a sweep worker does."""
    import numpy as np

    from sim.model import TrilateralModel

    seeds = np.arange(runs, dtype=np.int64)
    block = _block()
    for lo in range(0, runs, block):
        model = TrilateralModel(
            loaded, seeds=seeds[lo : lo + block], keep_history=False, collect=False, trace=True
        )
        while model.running:
            model.step()


def main() -> None:
    """Time (or profile) the stepping and print the best and every time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one pass instead")
    args = parser.parse_args()
    from sim.scenario import load_scenario

    loaded = load_scenario("scenarios/taiwan_strait.yaml")
    step_all(loaded, _block())  # warm up: imports, caches
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(step_all, loaded, args.runs)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        step_all(loaded, args.runs)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # CPU time is printed too: on a shared machine it varies less than wall time.
    print(
        f"stepping {args.runs} runs: best {min(times):.2f} s wall, {min(cpu):.2f} s CPU; "
        "all " + ", ".join(f"{t:.2f}" for t in times)
    )


if __name__ == "__main__":
    main()
