"""Sweeps: identical files for any workers, chunking or scheduler; resume; bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.app import app
from sim.batch.runner import CHUNK_DIR, plan, run_sweep
from sim.batch.spec import build_spec, parse_vary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIO = HERE / "sweep_scenario.yaml"
runner = CliRunner()


def spec(runs: int = 60, chunk: int = 25, turns: bool = True, vary: str = "opinion.loss=0.2,0.4"):
    return build_spec(
        SCENARIO, runs=runs, dimensions=[parse_vary(vary)], chunk_size=chunk, turns_output=turns
    )


def files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("runs.parquet", "turns.parquet")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref")
    run_sweep(spec(), out, workers=1)
    return files(out)


def test_sweep_writes_a_row_per_run_and_turn(tmp_path: Path) -> None:
    manifest = run_sweep(spec(), tmp_path, workers=1)
    runs = pq.read_table(tmp_path / "runs.parquet").to_pandas()
    turns = pq.read_table(tmp_path / "turns.parquet").to_pandas()
    assert len(runs) == 120 and runs["run_id"].tolist() == list(range(120))
    assert sorted(runs["param:opinion.loss"].unique()) == [0.2, 0.4]
    assert runs.loc[runs["point"] == 1, "seed"].tolist() == list(range(60))  # common random numbers
    assert len(turns) == 120 * 4 and set(turns["turn"]) == {1, 2, 3, 4}
    assert {"cohesion", "index", "trust_ROK_JPN", "strength_gsomia"} <= set(turns.columns)
    assert manifest["status"] == "complete" and not (tmp_path / CHUNK_DIR).exists()


def test_files_identical_whatever_workers_and_chunk_size(tmp_path: Path, reference: dict[str, bytes]) -> None:
    run_sweep(spec(chunk=7), tmp_path / "a", workers=2)
    run_sweep(spec(chunk=60), tmp_path / "b", workers=2)
    assert files(tmp_path / "a") == reference
    assert files(tmp_path / "b") == reference


def test_files_identical_on_a_dask_cluster(tmp_path: Path, reference: dict[str, bytes]) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        run_sweep(spec(chunk=11), tmp_path, scheduler=cluster.scheduler_address)
    assert files(tmp_path) == reference


def test_a_different_parameter_gives_different_results(tmp_path: Path) -> None:
    run_sweep(spec(runs=30), tmp_path, workers=1)
    runs = pq.read_table(tmp_path / "runs.parquet").to_pandas()
    by = runs.groupby("param:opinion.loss")["cohesion_mean"].mean()
    assert by[0.2] != by[0.4]


def test_resume_after_sigkill_gives_the_uninterrupted_files(
    tmp_path: Path, reference: dict[str, bytes]
) -> None:
    out = tmp_path / "killed"
    cmd = [sys.executable, "run.py", "sweep", str(SCENARIO), "--runs", "60", "--vary", "opinion.loss=0.2,0.4"]
    cmd += ["--out", str(out), "--workers", "1", "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunks = out / CHUNK_DIR
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(chunks.glob("*.runs.arrow"))) < 3:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(chunks.glob("*.runs.arrow")))
    assert 3 <= done < len(plan(spec(chunk=1))), "the sweep was not interrupted part-way"
    assert not (out / "runs.parquet").exists()
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert files(out) == reference


def test_rerunning_a_complete_sweep_changes_nothing(tmp_path: Path) -> None:
    run_sweep(spec(runs=10), tmp_path, workers=1)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    run_sweep(spec(runs=10), tmp_path, workers=1)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_manifest_records_what_is_needed_to_reproduce(tmp_path: Path) -> None:
    m = run_sweep(spec(runs=10), tmp_path, workers=1, command=["run.py", "sweep"])
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert saved == m
    assert saved["scenario"]["text"] == SCENARIO.read_text()
    assert len(saved["scenario"]["sha256"]) == 64
    assert saved["points"] == [{"opinion.loss": 0.2}, {"opinion.loss": 0.4}]
    assert saved["seeds"]["base"] == 0 and saved["runs_per_point"] == 10
    assert {"mesa", "numpy", "pyarrow", "python"} <= set(saved["versions"])
    assert saved["command"] == ["run.py", "sweep"] and saved["started"] and saved["finished"]


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sweep", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_full_disk_mid_sweep_is_exit_2_not_a_failed_check(tmp_path: Path, monkeypatch) -> None:
    # Exit 1 means a check failed (backtest, check-claims); a write the system refuses
    # is exit 2, as in the session commands, with the file and what to do.
    import errno

    from sim.batch import runner as batch_runner

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "o" / "runs.parquet"))

    monkeypatch.setattr(batch_runner, "run_sweep", full)
    code, output = cli(str(SCENARIO), "--runs", "3", "--workers", "1", "--out", str(tmp_path / "o"))
    flat = " ".join(output.split())
    assert code == 2, output
    assert "runs.parquet: No space left on device; finished chunks are kept" in flat and "resume" in flat


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--vary", "trust.nope=0:1:3"], "no parameter 'nope' under trust"),
        (["--vary", "opinion.loss=0.5:0.1:3"], "empty or reversed range"),
        (["--vary", "opinion.loss=0.5:0.5:3"], "empty or reversed range"),
        (["--vary", "opinion.loss=0:2:3"], "must be <= 1"),
        (["--runs", "0"], "must be from 1 to"),
        (["--sample", "lhs", "--vary", "opinion.loss=0.1,0.2", "--points", "4"], "needs LO:HI ranges"),
        (["--sample", "lhs", "--vary", "opinion.loss=0.1:0.2"], "needs --points"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
        (["--scheduler", "foo"], "cannot reach the Dask scheduler"),
        (["--seed", "-1"], "must be from 0"),
        (["--chunk-size", "-2"], "must be from 1 to 1,000,000"),
        (["--sample", "lhs", "--vary", "opinion.loss=0.1:0.2", "--points", "-1"], "must be from 1 to"),
        (["--vary", "opinion.loss=0.1:0.5:99999999"], "STEPS a whole number from 1 to 10000"),
        (["--vary", "world.trust.ROK.JPN=[0.1,0.2]"], "must be a number"),
        (["--set", "opinion.loss=0.3", "--vary", "opinion.loss=0.2,0.4"], "both fixed (--set) and varied"),
    ],
)
def test_bad_sweeps_exit_2_with_a_clear_error(tmp_path: Path, args: list[str], needle: str) -> None:
    code, output = cli(str(SCENARIO), "--runs", "3", *args, "--out", str(tmp_path / "o"))
    assert code == 2
    assert needle in output


def test_a_folder_holding_another_sweep_is_not_overwritten(tmp_path: Path) -> None:
    run_sweep(spec(runs=5), tmp_path, workers=1)
    before = files(tmp_path)
    code, output = cli(str(SCENARIO), "--runs", "6", "--out", str(tmp_path))
    assert code == 2 and "holds a different sweep" in output
    assert files(tmp_path) == before


def test_cli_sweep_prints_the_summary(tmp_path: Path) -> None:
    code, output = cli(
        str(SCENARIO),
        "--runs",
        "20",
        "--vary",
        "opinion.loss=0.2,0.4",
        "--workers",
        "1",
        "--out",
        str(tmp_path),
    )
    assert code == 0, output
    assert "Resilience index by swept parameter" in output and "opinion.loss" in output
    assert (tmp_path / "runs.parquet").exists() and (tmp_path / "turns.parquet").exists()


def test_no_turns_leaves_out_the_turns_file(tmp_path: Path) -> None:
    code, output = cli(str(SCENARIO), "--runs", "4", "--no-turns", "--workers", "1", "--out", str(tmp_path))
    assert code == 0, output
    assert (tmp_path / "runs.parquet").exists() and not (tmp_path / "turns.parquet").exists()


def test_sweep_file_runs_beside_its_scenario(tmp_path: Path) -> None:
    code, output = cli(str(HERE / "sweep_file.yaml"), "--workers", "1", "--out", str(tmp_path))
    assert code == 0, output
    runs = pq.read_table(tmp_path / "runs.parquet").to_pandas()
    assert len(runs) == 4 * 40
    assert runs["seed"].min() == 3
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["fixed_parameters"] == {"tension.coercion": 0.4}


def test_bad_sweep_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"scenario: {SCENARIO}\nruns: 5\nsampler: grid\nvary:\n  opinion.loss: {{lo: 0.5, hi: 0.1}}\n"
    )
    code, output = cli(str(bad), "--out", str(tmp_path / "o"))
    assert code == 2
    assert f"{bad}:5" in output and "vary.opinion.loss" in output and "reversed" in output
    bad.write_text(f"scenario: {SCENARIO}\nrunz: 5\n")
    code, output = cli(str(bad), "--out", str(tmp_path / "o"))
    assert code == 2 and f"{bad}:2" in output and "runz" in output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigint_stops_cleanly_and_the_sweep_resumes(
    tmp_path: Path, reference: dict[str, bytes], workers: str
) -> None:
    out = tmp_path / "stopped"
    cmd = [sys.executable, "run.py", "sweep", str(SCENARIO), "--runs", "60", "--vary", "opinion.loss=0.2,0.4"]
    cmd += ["--out", str(out), "--workers", workers, "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / CHUNK_DIR).glob("*.runs.arrow"))) < 2:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "resume" in err
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    assert files(out) == reference


def test_sigterm_stops_cleanly_marks_the_manifest_and_the_sweep_resumes(
    tmp_path: Path, reference: dict[str, bytes]
) -> None:
    # A job's time limit or `timeout` sends SIGTERM: it once killed the sweep at once,
    # exit 143 with no word, and left its manifest saying "running".
    out = tmp_path / "terminated"
    cmd = [sys.executable, "run.py", "sweep", str(SCENARIO), "--runs", "60", "--vary", "opinion.loss=0.2,0.4"]
    cmd += ["--out", str(out), "--workers", "2", "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / CHUNK_DIR).glob("*.runs.arrow"))) < 2:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "Run the same command to resume" in " ".join(err.split())
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    assert files(out) == reference


@pytest.mark.skipif(os.cpu_count() == 1, reason="needs two cores")
def test_default_workers_is_all_cores(tmp_path: Path) -> None:
    manifest = run_sweep(spec(runs=4), tmp_path)
    assert manifest["workers"] == os.cpu_count()


def test_mixed_whole_and_decimal_values_share_one_column(tmp_path: Path) -> None:
    code, output = cli(
        str(SCENARIO), "--runs", "3", "--vary", "opinion.loss=0.1,1", "--workers", "1", "--out", str(tmp_path)
    )
    assert code == 0, output
    values = pq.read_table(tmp_path / "runs.parquet").column("param:opinion.loss").to_pylist()
    assert sorted(set(values)) == [0.1, 1.0]


def test_a_complete_sweep_missing_its_files_is_refused_cleanly(tmp_path: Path) -> None:
    run_sweep(spec(runs=4), tmp_path, workers=1)
    (tmp_path / "runs.parquet").unlink()
    code, output = cli(
        str(SCENARIO),
        "--runs",
        "4",
        "--vary",
        "opinion.loss=0.2,0.4",
        "--chunk-size",
        "25",
        "--out",
        str(tmp_path),
    )
    assert code == 2 and "is missing though the manifest says the sweep is complete" in output


def test_a_sweep_that_stopped_before_any_chunk_does_not_block_the_folder(tmp_path: Path) -> None:
    code, output = cli(
        str(SCENARIO), "--runs", "3", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path)
    )
    assert code == 2
    code, output = cli(str(SCENARIO), "--runs", "5", "--workers", "1", "--out", str(tmp_path))
    assert code == 0, output


def test_an_unwritable_output_folder_is_bad_input(tmp_path: Path) -> None:
    code, output = cli(str(SCENARIO), "--runs", "3", "--out", "/proc/nope")
    assert code == 2 and "cannot be written to" in output


def test_sweep_file_values_of_zero_are_not_ignored(tmp_path: Path) -> None:
    code, output = cli(str(HERE / "sweep_file.yaml"), "--runs", "0", "--out", str(tmp_path))
    assert code == 2 and "must be from 1 to" in output


def test_default_chunk_is_one_block_for_large_sweeps_and_half_for_small_ones() -> None:
    """Large sweeps step in 10,000-run blocks; a small one still gives two cores a chunk each."""
    from sim.batch.chunk import BLOCK
    from sim.batch.spec import LARGE, default_chunk

    assert default_chunk(LARGE) == BLOCK == 10_000
    assert default_chunk(LARGE - 1) == 5_000
    assert build_spec(SCENARIO, runs=100_000).chunk_size == 10_000
    assert build_spec(SCENARIO, runs=10_000).chunk_size == 5_000
    assert build_spec(SCENARIO, runs=100_000, chunk_size=7).chunk_size == 7  # a given size is kept


def test_chunk_size_help_states_the_defaults_the_code_uses() -> None:
    """`sweep --help` names the default chunk sizes, which live in sim.batch.spec (not imported by --help)."""
    import inspect

    from cli import sweep_cmd
    from sim.batch.spec import LARGE, default_chunk

    source = inspect.getsource(sweep_cmd)
    stated = f"default {default_chunk(LARGE):,}; {default_chunk(LARGE - 1):,} below {LARGE:,} runs per point"
    assert stated in source


def test_runs_and_seed_help_state_the_defaults_the_code_uses(tmp_path) -> None:
    """`sweep --help` and README state --runs' and --seed's defaults (once unstated: 100 and 0)."""
    import inspect

    from cli import sweep_cmd
    from sim.batch.spec import SweepFile

    runs, seed = SweepFile.model_fields["runs"].default, SweepFile.model_fields["seed"].default
    source = inspect.getsource(sweep_cmd)
    assert f"per parameter point (default {runs})." in source and f"SEED + k (default {seed})." in source
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"Runs N seeds (default {runs})" in readme
    out = tmp_path / "sw"
    args = ["sweep", str(SCENARIO), "--out", str(out), "--workers", "1", "--no-turns"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs_per_point"] == runs and manifest["seeds"]["base"] == seed


def test_the_summary_never_cuts_a_parameter_path_at_80_columns(tmp_path: Path) -> None:
    # "mechanisms.crisis_consultation.stren…": the path the researcher needs to read back.
    path = "mechanisms.crisis_consultation.strength"
    args = ["sweep", str(SCENARIO), "--runs", "3", "--vary", f"{path}=0.1,0.5", "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "o")], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output and all(len(line) <= 80 for line in result.output.splitlines())
    flat = " ".join(result.output.split())
    assert f"{path}: 0.1, runs 3, mean" in flat and "(all runs): runs 6, mean" in flat
