"""A sweep whose worker processes fail stops promptly with a clear error: it never hangs.

Each test runs the command in a subprocess under a timeout, so a hang fails the test
instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sim.batch.runner import CHUNK_DIR, plan, run_sweep
from sim.batch.spec import build_spec, parse_vary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIO = HERE / "sweep_scenario.yaml"
#: Seconds before a sweep that should stop at once is called hung.
HANG = 60
#: A module no environment has: the foreign ``sim`` imports it, so its import fails.
BROKEN = "engine_of_another_checkout"


def _sweep_with_a_foreign_sim(tmp_path: Path, out: Path, dask: bool = False) -> subprocess.CompletedProcess:
    """Run `sweep` with the workers seeing another ``sim`` package first on their path.

    This is QA's case (one checkout's run.py run from inside another checkout): the
    parent has imported this checkout's ``sim``; a folder put first on ``sys.path``
    afterwards holds a ``sim`` that cannot be imported, which only the workers import.
    Its import fails on its own, whatever else is installed: a ``sim`` that merely lacks
    ``sim.batch`` is completed by an editable install's finder (``pip install -e``, as
    `make test` does), and a mixed engine is a different failure (the path check).
    With ``dask``, the workers are a local Dask cluster's, started after that.
    """
    foreign = tmp_path / "other-checkout"
    (foreign / "sim").mkdir(parents=True)
    (foreign / "sim" / "__init__.py").write_text(f"import {BROKEN}  # another checkout's engine, broken\n")
    driver = tmp_path / "driver.py"
    args = ["sweep", str(SCENARIO), "--runs", "20", "--vary", "opinion.loss=0.2,0.4"]
    args += ["--chunk-size", "5", "--out", str(out)]
    if dask:
        run = f"""
                import distributed
                with distributed.LocalCluster(
                    n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster:
                    sys.argv = ["run.py", *{args!r}, "--scheduler", cluster.scheduler_address]
                    cli.app.main()
        """
    else:
        run = f"""
                sys.argv = ["run.py", *{args!r}, "--workers", "2"]
                cli.app.main()
        """
    head = f"""
            import sys
            if __name__ == "__main__":
                sys.path.insert(0, {str(ROOT)!r})
                import cli.app, sim.batch.runner  # this checkout's sim, imported by the parent
                sys.path.insert(0, {str(foreign)!r})  # what the workers will import
    """
    driver.write_text(textwrap.dedent(head + run))
    return subprocess.run(
        [sys.executable, str(driver)], cwd=tmp_path, capture_output=True, text=True, timeout=HANG
    )


def test_workers_that_cannot_import_the_engine_stop_the_sweep_with_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _sweep_with_a_foreign_sim(tmp_path, out)
    err = " ".join(proc.stderr.split())
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "ModuleNotFoundError" in err and BROKEN in err, proc.stderr
    assert "resume" in err and str(ROOT) in err, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert not any((out / CHUNK_DIR).glob("*.runs.arrow"))


def test_dask_workers_that_cannot_import_the_engine_stop_the_sweep_with_a_clear_error(
    tmp_path: Path,
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = _sweep_with_a_foreign_sim(tmp_path, out, dask=True)
    err = " ".join(proc.stderr.split())
    # The local cluster's worker logs its own traceback to this terminal (a remote one
    # logs it on its machine); the sweep's own error is the one paragraph after it.
    assert proc.returncode == 3, proc.stderr
    assert "error: the sweep's worker processes cannot import" in err, proc.stderr
    assert "ModuleNotFoundError" in err and "Dask workers" in err and "resume" in err, proc.stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"


def _grandchildren(pid: int) -> list[int]:
    """Processes whose parent is a child of ``pid``: the sweep's workers under a forkserver."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    children = {p for p, pp in parents.items() if pp == pid}
    return [p for p, pp in parents.items() if pp in children]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_a_worker_killed_mid_sweep_stops_it_cleanly_and_the_sweep_resumes(tmp_path: Path) -> None:
    # The system's out-of-memory killer sends SIGKILL to one worker: multiprocessing.Pool
    # replaced the worker and waited forever for its chunk.
    out = tmp_path / "killed"
    cmd = [sys.executable, "run.py", "sweep", str(SCENARIO), "--runs", "30", "--vary", "opinion.loss=0.2,0.4"]
    cmd += ["--out", str(out), "--workers", "2", "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline and len(list((out / CHUNK_DIR).glob("*.runs.arrow"))) < 2:
        time.sleep(0.01)
    workers = _grandchildren(proc.pid)
    assert workers, "found no worker process to kill"
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=HANG)
    flat = " ".join(err.split())
    assert proc.returncode == 3, err
    assert "Traceback" not in err and "SIGKILL" in flat and "resume" in flat, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    kept = len(list((out / CHUNK_DIR).glob("*.runs.arrow")))
    sweep = build_spec(SCENARIO, runs=30, dimensions=[parse_vary("opinion.loss=0.2,0.4")], chunk_size=1)
    assert 2 <= kept < len(plan(sweep)), "the sweep was not stopped part-way"
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=HANG)
    assert again.returncode == 0, again.stderr
    run_sweep(sweep, tmp_path / "whole", workers=1)
    for name in ("runs.parquet", "turns.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_run_py_run_from_inside_another_checkout_uses_its_own_engine(tmp_path: Path) -> None:
    # QA's case: the forkserver (CPython 3.11) put the current folder first on its path,
    # so the workers imported the other checkout's sim, which failed or, worse, differed.
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "__init__.py").write_text('"""Another checkout\'s sim, without sim.batch."""\n')
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "run.py"), "sweep", str(SCENARIO), "--runs", "20"]
    cmd += ["--vary", "opinion.loss=0.2,0.4", "--chunk-size", "5", "--workers", "2", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=HANG)
    assert proc.returncode == 0, proc.stderr
    sweep = build_spec(SCENARIO, runs=20, dimensions=[parse_vary("opinion.loss=0.2,0.4")], chunk_size=5)
    run_sweep(sweep, tmp_path / "whole", workers=1)
    for name in ("runs.parquet", "turns.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
