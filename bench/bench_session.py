"""Session forecast benchmark: 1,000 AI-played continuations from a session's current turn.

Usage (from the repository root, inside the virtual environment)::

    python bench/bench_session.py                 # taiwan_strait, after turn 3, 1,000 runs
    python bench/bench_session.py --runs 10000 --turn 1

Times `sim.session.analysis.forecast` in-process (the work `session forecast` does
once the session is replayed: the snapshot repeated along the run axis, stepped to the
end, scored), the replay of the session's log, and the whole `run.py session forecast`
command as a process (interpreter start and imports included). Target: at most 0.5 s
for 1,000 continuations.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_session(folder: Path, scenario: str, turns: int) -> None:
    """A session with human Seoul and Tokyo, played for ``turns`` turns."""
    from sim.session.session import Session

    with Session.create(folder, scenario, ["ROK", "JPN"], seed=7) as s:
        for _ in range(turns):
            s.decide("ROK", "coordinate", "bench")
            s.decide("JPN", "coordinate", "bench")
            s.adjudicate()


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="taiwan_strait")
    ap.add_argument("--turn", type=int, default=3, help="turns played before the forecast")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    from sim.session.analysis import forecast
    from sim.session.session import load_state

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sessions" / "bench"
        make_session(folder, args.scenario, args.turn)
        state = load_state(folder)
        forecast(state, args.runs)  # warm up
        fc = timed(lambda: forecast(state, args.runs), args.repeat)
        rp = timed(lambda: load_state(folder), args.repeat)
        cmd = [sys.executable, str(ROOT / "run.py"), "session", "forecast", "bench", "--runs", str(args.runs)]
        cli = timed(lambda: subprocess.run(cmd, cwd=tmp, check=True, capture_output=True), 3)
    print(f"{args.scenario}: forecast of {args.runs:,} continuations after turn {args.turn}")
    med = statistics.median(fc)
    print(f"  forecast (in-process): best {min(fc):.3f} s, median {med:.3f} s  (target <= 0.5 s)")
    print(f"  replay of the log:     best {min(rp):.3f} s")
    print(f"  `session forecast` process, start to finish: best {min(cli):.2f} s")


if __name__ == "__main__":
    main()
