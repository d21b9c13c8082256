"""Issue 9, sections 1 and 3: a sweep's whole space is checked before the first run.

Values on the command line are read by the scenario-file rules; each varied
parameter has one column type; list-valued parameters work end to end; sampler
flags that would be ignored or that SciPy would warn about are explained; never-
tested rates are null in Parquet; nothing fails after the runs are done.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.app import app
from sim.batch.runner import run_sweep
from sim.batch.samplers import sample_points
from sim.batch.spec import MAX_POINTS, Dimension, _check_columns, build_spec, parse_vary
from sim.batch.summary import summarise
from sim.errors import InputError

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "sweep_scenario.yaml"
runner = CliRunner()


def sweep(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", *args, "--workers", "1", "--out", str(out)], env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split()), out


def column(out: Path, name: str) -> pa.ChunkedArray:
    return pq.read_table(out / "runs.parquet").column(name)


# --- the examples ---


@pytest.mark.parametrize("values", ["0.2,1e-1", "2e-1,1e-1", "0.2, 1E-1"])
def test_exponent_values_are_numbers_and_share_a_float_column(tmp_path: Path, values: str) -> None:
    code, output, out = sweep(tmp_path, str(SCENARIO), "--runs", "3", "--vary", f"opinion.loss={values}")
    assert code == 0, output
    col = column(out, "param:opinion.loss")
    assert col.type == pa.float64() and sorted(set(col.to_pylist())) == [0.1, 0.2]
    # a resume of the finished sweep reads the same files and prints the same summary
    again, output2, _ = sweep(tmp_path, str(SCENARIO), "--runs", "3", "--vary", f"opinion.loss={values}")
    assert again == 0 and "Resilience index" in output2


def test_a_word_among_numbers_is_refused_before_any_run(tmp_path: Path) -> None:
    code, output, out = sweep(tmp_path, str(SCENARIO), "--runs", "3", "--vary", "opinion.loss=0.1,yes")
    assert code == 2
    assert "parameters.opinion.loss: got 'yes'; must be a number; 'yes' is read as a word" in output
    assert not out.exists()  # refused before the folder was made


def test_list_valued_parameter_from_a_sweep_file_works_end_to_end(tmp_path: Path) -> None:
    f = tmp_path / "members.yaml"
    f.write_text(
        f"scenario: {SCENARIO}\nruns: 4\nvary:\n  mechanisms.gsomia.members: [[ROK, JPN], [USA, ROK, JPN]]\n"
    )
    code, output, out = sweep(tmp_path, str(f))
    assert code == 0, output
    col = column(out, "param:mechanisms.gsomia.members")
    assert col.type == pa.string()
    assert col.to_pylist() == ['["ROK", "JPN"]'] * 4 + ['["USA", "ROK", "JPN"]'] * 4
    assert json.loads(col[0].as_py()) == ["ROK", "JPN"]
    rows = {r["value"]: r["n"] for r in summarise(out) if r["parameter"] == "mechanisms.gsomia.members"}
    assert rows == {'["ROK", "JPN"]': 4, '["USA", "ROK", "JPN"]': 4}
    assert "mechanisms.gsomia.members" in output and '["USA", "ROK", "JPN"]' in output
    again, output2, _ = sweep(tmp_path, str(f))  # and every rerun
    assert again == 0, output2


def test_list_values_on_the_command_line(tmp_path: Path) -> None:
    vary = "mechanisms.gsomia.members=[ROK, JPN],[USA, ROK, JPN]"
    code, output, out = sweep(tmp_path, str(SCENARIO), "--runs", "2", "--vary", vary)
    assert code == 0, output
    assert set(column(out, "param:mechanisms.gsomia.members").to_pylist()) == {
        '["ROK", "JPN"]',
        '["USA", "ROK", "JPN"]',
    }


def test_a_bad_member_list_is_refused_up_front(tmp_path: Path) -> None:
    code, output, _ = sweep(
        tmp_path, str(SCENARIO), "--vary", "mechanisms.gsomia.members=[ROK, JPN],[ROK, XYZ]"
    )
    assert code == 2 and "mechanisms.gsomia.members[1]: got 'XYZ'" in output


def test_sample_without_vary_is_refused(tmp_path: Path) -> None:
    code, output, _ = sweep(tmp_path, str(SCENARIO), "--sample", "lhs", "--points", "8")
    assert code == 2
    assert "--sample: got 'lhs'; the lhs sampler draws values of the varied parameters, but nothing" in output


def test_points_without_sample_is_refused(tmp_path: Path) -> None:
    code, output, _ = sweep(tmp_path, str(SCENARIO), "--vary", "opinion.loss=0.1:0.3:3", "--points", "8")
    assert code == 2
    assert "--points: got 8; sets how many points a sampler draws" in output and "--sample" in output


def test_sobol_points_not_a_power_of_two_are_explained_in_our_words(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, output, _ = sweep(
            tmp_path, str(SCENARIO), "--vary", "opinion.loss=0.1:0.3", "--sample", "sobol", "--points", "10"
        )
    assert code == 2
    assert "--points: got 10; the sobol sampler's base size N must be a power of two" in output
    assert "use 8 or 16" in output and "UserWarning" not in output and not caught


def test_sobol_with_a_power_of_two_raises_no_library_warning() -> None:
    dims = (Dimension("opinion.loss", lo=0.1, hi=0.3, steps=5), Dimension("opinion.gain", lo=0.0, hi=0.2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = sample_points(dims, "sobol", 8, 0, "--vary")
    assert len(points) == 8 * (2 * 2 + 2)


def test_never_tested_rates_are_null_not_nan(tmp_path: Path) -> None:
    spec = build_spec(SCENARIO, runs=20, dimensions=[parse_vary("opinion.loss=0.2,0.4")], turns_output=False)
    run_sweep(spec, tmp_path, workers=1)
    table = pq.read_table(tmp_path / "runs.parquet")
    floats = [n for n in table.column_names if pa.types.is_floating(table.schema.field(n).type)]
    assert all(not pc.any(pc.is_nan(table.column(n))).as_py() for n in floats)
    assert table.column("coercion_success_rate").null_count > 0  # some runs saw no coercion
    tested = pc.drop_null(table.column("coercion_success_rate"))
    assert pc.min(tested).as_py() >= 0 and pc.max(tested).as_py() <= 1


# --- the kinds behind the examples ---


def test_a_range_over_a_whole_number_parameter_is_refused() -> None:
    with pytest.raises(InputError, match="whole-number parameter; vary it with a list of whole numbers"):
        build_spec(SCENARIO, runs=2, dimensions=[parse_vary("mechanisms.gsomia.notice_period=1:5:5")])


def test_whole_number_lists_stay_whole_numbers() -> None:
    spec = build_spec(SCENARIO, runs=2, dimensions=[parse_vary("mechanisms.gsomia.notice_period=2,4")])
    assert [p["mechanisms.gsomia.notice_period"] for p in spec.points] == [2, 4]
    assert all(type(p["mechanisms.gsomia.notice_period"]) is int for p in spec.points)


def test_a_range_over_a_word_parameter_is_refused() -> None:
    with pytest.raises(InputError, match="takes words, not numbers from a range"):
        build_spec(SCENARIO, runs=2, dimensions=[parse_vary("mechanisms.gsomia.status=0:1:2")])


def test_word_values_are_checked_one_by_one() -> None:
    with pytest.raises(InputError, match="must be one of"):
        build_spec(SCENARIO, runs=2, dimensions=[parse_vary("mechanisms.gsomia.status=active,paused")])


def test_a_space_with_too_many_points_is_refused_before_it_is_built() -> None:
    dims = [parse_vary("opinion.loss=0:1:1000"), parse_vary("opinion.gain=0:1:1000")]
    with pytest.raises(InputError, match=f"1,000,000 parameter points; at most {MAX_POINTS:,}"):
        build_spec(SCENARIO, runs=1, dimensions=dims)


def test_a_long_numeric_list_is_checked_at_its_ends() -> None:
    values = ",".join(str(i / 1000) for i in range(1000)) + ",1.5"
    with pytest.raises(InputError, match="got 1.5; must be <= 1"):
        build_spec(SCENARIO, runs=1, dimensions=[parse_vary(f"opinion.loss={values}")])


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf"])
def test_a_non_finite_value_among_numbers_is_checked_itself(bad: str) -> None:
    with pytest.raises(InputError, match="opinion.loss: got (nan|inf|-inf)"):
        build_spec(SCENARIO, runs=1, dimensions=[parse_vary(f"opinion.loss=0.1,{bad},0.3")])


def test_values_of_two_kinds_cannot_share_a_column() -> None:
    with pytest.raises(InputError, match="values are of different kinds"):
        _check_columns((Dimension("x", values=(0.5, "word")),), "--vary", {})


def test_range_ends_are_read_by_the_file_rules() -> None:
    assert parse_vary("opinion.loss=1e-1:3e-1:3").lo == 0.1
    for bad in ("opinion.loss=yes:1", "opinion.loss=.nan:1", "opinion.loss=0:.inf", "opinion.loss=0:1:2.5"):
        with pytest.raises(InputError):
            parse_vary(bad)


def test_sweep_file_parameters_written_two_ways_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "twice.yaml"
    f.write_text(f"scenario: {SCENARIO}\nparameters:\n  opinion.loss: 0.3\n  opinion:\n    loss: 0.4\n")
    code, output, _ = sweep(tmp_path, str(f))
    assert (
        code == 2 and f"{f}:5: parameters.opinion.loss: got 0.4; is set twice (also set at line 3)" in output
    )


def test_sweep_file_points_with_a_grid_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "grid.yaml"
    f.write_text(f"scenario: {SCENARIO}\npoints: 8\nvary:\n  opinion.loss: [0.1, 0.2]\n")
    code, output, _ = sweep(tmp_path, str(f))
    assert code == 2 and f"{f}: points: got 8; sets how many points a sampler draws" in output


def test_sweep_file_numbers_are_strict(tmp_path: Path) -> None:
    f = tmp_path / "strict.yaml"
    f.write_text(f"scenario: {SCENARIO}\nruns: yes\nturns_output: on\n")
    code, output, _ = sweep(tmp_path, str(f))
    assert code == 2
    assert f"{f}:2: runs: got 'yes'; must be a whole number" in output
    assert f"{f}:3: turns_output: got 'on'; must be true or false" in output


def test_sweep_file_errors_name_the_line_of_a_bad_fixed_value(tmp_path: Path) -> None:
    f = tmp_path / "fixed.yaml"
    f.write_text(f"scenario: {SCENARIO}\nparameters:\n  opinion.loss: 7\n")
    code, output, _ = sweep(tmp_path, str(f))
    assert code == 2 and f"{f}:3: parameters.opinion.loss: got 7" in output


def test_summary_orders_numbers_numerically_and_groups_many_words(tmp_path: Path) -> None:
    n = 30
    words = [f"w{i:02d}" for i in range(15)] * 2
    pq.write_table(
        pa.table(
            {
                "index": [float(i) for i in range(n)],
                "param:k": [9.0, 10.0, 11.0] * 10,
                "param:word": words,
                "param:flag": [True, False] * 15,
            }
        ),
        tmp_path / "runs.parquet",
    )
    rows = summarise(tmp_path)
    by = {p: [r["value"] for r in rows if r["parameter"] == p] for p in ("k", "word", "flag")}
    assert by["k"] == ["9.0", "10.0", "11.0"]
    assert by["word"] == sorted(set(words)) and len(by["word"]) == 15
    assert by["flag"] == ["false", "true"]
    w00 = next(r for r in rows if r["value"] == "w00")
    assert w00["n"] == 2 and w00["mean"] == (0 + 15) / 2


def test_sweep_file_vary_errors_name_the_real_field_once(tmp_path: Path) -> None:
    f = tmp_path / "vary.yaml"
    f.write_text(
        f"scenario: {SCENARIO}\nvary:\n  opinion.loss: 0.5\n  opinion.gain: {{lo: 0.1, hi: yes}}\n"
        "  tension.coercion: {lo: 0.5, hi: 0.1}\n"
    )
    code, output, _ = sweep(tmp_path, str(f))
    assert code == 2
    assert (
        f"{f}:3: vary.opinion.loss: got 0.5; must be a list of values, e.g. [0.1, 0.2], or a range" in output
    )
    assert f"{f}:4: vary.opinion.gain.hi: got 'yes'; must be a number" in output
    assert f"{f}:5: vary.tension.coercion: empty or reversed range" in output
    assert output.count("error:") == 3


def test_a_damaged_runs_file_after_a_complete_sweep_is_a_message(tmp_path: Path) -> None:
    code, output, out = sweep(tmp_path, str(SCENARIO), "--runs", "2")
    assert code == 0, output
    (out / "runs.parquet").write_bytes(b"not parquet at all")
    code, output, _ = sweep(tmp_path, str(SCENARIO), "--runs", "2")
    assert code == 2
    assert f"{out / 'runs.parquet'}: cannot be read as a sweep's runs table" in output
    assert "move the folder aside" in output


def test_rerunning_a_finished_sweep_says_it_was_already_complete(tmp_path: Path) -> None:
    args = [str(SCENARIO), "--runs", "3", "--vary", "opinion.loss=0.2,0.4"]
    code, first, out = sweep(tmp_path, *args)
    assert code == 0 and "computed in" in first and "already" not in first
    manifest = (out / "manifest.json").read_bytes()
    result = runner.invoke(
        app, ["sweep", *args, "--workers", "1", "--out", str(out)], env={"COLUMNS": "80", "NO_COLOR": "1"}
    )
    again = " ".join(result.output.split())
    assert result.exit_code == 0 and "already held this sweep, complete" in again
    assert "nothing was recomputed" in again and (out / "manifest.json").read_bytes() == manifest
