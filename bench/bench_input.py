"""Hostile input files against `run.py validate`: each accepted or refused at once.

Usage: ``python bench/bench_input.py [--json FILE]``

Each case is written to a temporary file and checked by ``python run.py validate
FILE`` as a whole process (interpreter start and imports included); wall time and
the process's peak resident memory (``wait4``'s ``ru_maxrss``) are reported beside
the time the YAML reader alone takes in this process. The target (issue 9): any
input is accepted or refused within a second and a few tens of MB beyond the
interpreter's own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.errors import InputError  # noqa: E402
from sim.yamlio import LIMITS, parse_yaml  # noqa: E402


def _laughs(levels: int, width: int, under: str = "") -> str:
    rows = [f"{under}a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    rows += [f"{under}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(rows) + "\n"


def cases() -> dict[str, str]:
    """Name -> file text."""
    small = (ROOT / "tests" / "data" / "small.yaml").read_text()
    dense_rows, size = [], 0
    while size < LIMITS.file_bytes - 200:
        row = f"k{len(dense_rows)}: {{a: {len(dense_rows)}, b: word, c: 0.5}}\n"
        dense_rows.append(row)
        size += len(row)
    return {
        "a real scenario (tests/data/small.yaml)": small,
        "billion laughs (9 levels of 9, 0.4 KB)": _laughs(9, 9),
        "the issue's bomb (8 levels of 10 under parameters:)": "title: x\nparameters:\n"
        + _laughs(9, 10, under="  "),
        "aliases within the bound (9^4 leaves)": _laughs(4, 9),
        "100,000 nested [": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "300 nested block mappings": "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
        "a list of 60,000 numbers": "a: [" + ",".join(["1"] * 60_000) + "]\n",
        "just under 256 KiB of small mappings": "".join(dense_rows[:-1]),
        "a 30 MB file": "# padding\n" * 3_000_000,
    }


def run_validate(path: Path) -> tuple[float, float, int]:
    """Wall seconds, peak MiB and exit status of ``run.py validate PATH``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "run.py", "validate", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    """Run every case and print a table (and optionally save it as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also save the figures to this file")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases().items():
            path = Path(tmp) / "case.yaml"
            path.write_text(text)
            t0 = time.perf_counter()
            try:
                parse_yaml(text, "case.yaml")
                verdict = "accepted"
            except InputError as exc:
                verdict = "refused: " + exc.problems[0].message.split(";")[0]
            parse_s = time.perf_counter() - t0
            wall, peak, code = run_validate(path)
            rows.append(
                {
                    "case": name,
                    "bytes": len(text.encode()),
                    "reader_s": round(parse_s, 4),
                    "validate_wall_s": round(wall, 3),
                    "validate_peak_mib": round(peak, 1),
                    "exit": code,
                    "verdict": verdict,
                }
            )
            print(
                f"{name:<52} {len(text.encode()):>11,} B  reader {parse_s:6.3f} s  "
                f"validate {wall:5.2f} s {peak:6.1f} MiB exit {code}  {verdict[:60]}",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
