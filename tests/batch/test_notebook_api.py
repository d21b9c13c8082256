"""The README's `sweep(...)` snippet works from a script without a `__main__` guard,
from a notebook-like kernel and from `python -c` (local worker processes re-import
`__main__` under forkserver and spawn; the sweep must not start again in each worker).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import ROOT

SCENARIO = Path(__file__).resolve().parent / "sweep_scenario.yaml"

SNIPPET = textwrap.dedent(
    f"""
    from sim import sweep

    result = sweep({str(SCENARIO)!r}, runs=8, vary={{"opinion.loss": [0.2, 0.4]}}, workers=2, chunk_size=4)
    print("ROWS", len(result.runs()), result.manifest["status"])
    """
)

#: Runs the snippet the way a Jupyter kernel does: in a fresh `__main__` that has no file.
KERNEL = textwrap.dedent(
    """
    import sys, types
    cell = sys.stdin.read()
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = main
    exec(compile(cell, "<cell>", "exec"), main.__dict__)
    """
)


def _run(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("how", ["script without a guard", "python -c", "notebook kernel"])
def test_the_readme_sweep_snippet_runs_once_and_finishes(how, tmp_path):
    if how == "script without a guard":
        script = tmp_path / "analysis.py"
        script.write_text(SNIPPET)
        proc = _run([str(script)], tmp_path)
    elif how == "python -c":
        proc = _run(["-c", SNIPPET], tmp_path)
    else:
        driver = tmp_path / "kernel.py"
        driver.write_text(KERNEL)
        proc = _run([str(driver)], tmp_path, stdin=SNIPPET)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["ROWS 16 complete"]  # once: no worker ran the sweep again
    assert "Traceback" not in proc.stderr
