"""cli/validate_cmd.py: `validate FILES...`."""

from __future__ import annotations

from clihelp import invoke
from support import CALM, SMALL


def bad_file(tmp_path):
    f = tmp_path / "bad.yaml"
    text = SMALL.read_text().replace("kind: military_drill", "kind: alien_invasion")
    f.write_text(text)
    line = text.splitlines().index("    kind: alien_invasion") + 1
    return f, line


def test_good_files_exit_0_with_one_ok_line_each():
    result = invoke("validate", SMALL, CALM)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith(f"ok {SMALL}") and "4 turns, 3 events" in lines[0]
    assert lines[1].startswith(f"ok {CALM}") and "0 events" in lines[1]


def test_bad_file_prints_file_line_errors_and_exits_2(tmp_path):
    f, line = bad_file(tmp_path)
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:{line}: events[0].kind: got 'alien_invasion'" in result.stderr
    assert "ok" not in result.stdout
    assert "Traceback" not in result.output


def test_a_mix_reports_every_file(tmp_path):
    f, line = bad_file(tmp_path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    result = invoke("validate", SMALL, f, empty, CALM)
    assert result.exit_code == 2
    assert f"ok {SMALL}" in result.stdout and f"ok {CALM}" in result.stdout
    assert f"{f}:{line}:" in result.stderr
    assert f"{empty}: is empty" in result.stderr


def test_every_problem_of_a_file_is_listed(tmp_path):
    f = tmp_path / "two.yaml"
    f.write_text(
        SMALL.read_text().replace("turns: 4", "turns: 400").replace("magnitude: 0.8", "magnitude: 8")
    )
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert "turns: got 400" in result.stderr and "events[0].magnitude: got 8" in result.stderr
    assert result.stderr.count("error:") == 2


# --- issue 9, section 7: a sweep file is validated as a sweep file ---

SWEEP_DIR = SMALL.parent.parent / "batch"


def test_a_sweep_file_is_validated_as_a_sweep_file():
    result = invoke("validate", SWEEP_DIR / "sweep_file.yaml")
    assert result.exit_code == 0, result.output
    assert (
        f"ok {SWEEP_DIR / 'sweep_file.yaml'}: sweep of sweep_scenario: 4 points (grid; opinion.loss, "
        "world.trust.ROK.JPN) x 40 runs = 160 runs"
    ) in result.stdout


def test_a_bad_sweep_file_gets_its_own_errors_not_a_scenarios(tmp_path):
    f = tmp_path / "bad_sweep.yaml"
    f.write_text(
        f"scenario: {SWEEP_DIR / 'sweep_scenario.yaml'}\nruns: yes\nvary:\n  opinion.loss: [0.1, 2]\n"
    )
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:2: runs: got 'yes'; must be a whole number" in result.stderr
    for scenario_field in ("title", "turns", "briefings", "description"):
        assert scenario_field not in result.stderr
    f.write_text(f"scenario: {SWEEP_DIR / 'sweep_scenario.yaml'}\nvary:\n  opinion.loss: [0.1, 2]\n")
    result = invoke("validate", f)
    assert result.exit_code == 2 and f"{f}:3: parameters.opinion.loss: got 2.0; must be <= 1" in result.stderr


# --- issue 9, section 7: a misspelled scenario name suggests the nearest ---


def test_a_misspelled_bundled_name_suggests_the_nearest():
    result = invoke("validate", "taiwan_strat", "wedge_drive")
    assert result.exit_code == 2
    assert "taiwan_strat: no such file or bundled scenario; did you mean taiwan_strait?" in result.stderr
    assert "wedge_drive: no such file or bundled scenario; did you mean wedge_driving?" in result.stderr


def test_a_misspelled_history_episode_suggests_its_folder():
    result = invoke("validate", "thaad_2015")
    assert "did you mean history/thaad_2016?" in result.stderr


def test_a_misspelled_path_suggests_files_beside_it():
    result = invoke("validate", SMALL.parent / "smal.yaml")
    assert f"{SMALL.parent / 'smal.yaml'}: no such file; did you mean {SMALL}" in result.stderr


def test_a_name_like_nothing_lists_the_bundled_scenarios():
    result = invoke("validate", "zzzz")
    assert "zzzz: no such file or bundled scenario; the bundled scenarios are " in result.stderr
    assert "taiwan_strait" in result.stderr


def test_a_sweep_files_misspelled_scenario_names_the_sweep_file_line(tmp_path):
    f = tmp_path / "sweep.yaml"
    f.write_text("runs: 3\nscenario: taiwan_strat\n")
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert (
        f"{f}:2: scenario: got 'taiwan_strat'; no such file or bundled scenario; did you mean taiwan_strait?"
        in result.stderr
    )


# --- issue 9, section 2: bounded input, through the command a user runs ---


def test_the_issues_alias_bomb_is_refused_by_validate(tmp_path):
    rows = ["title: x", "parameters:", "  l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(rows) + "\n")
    assert f.stat().st_size < 700
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert f"{f}:7: expands to more than 20,000 values through its aliases" in " ".join(result.stderr.split())


def test_very_deep_nesting_is_refused_by_validate(tmp_path):
    f = tmp_path / "deep.yaml"
    keys = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    f.write_text("title: x\nparameters:\n" + keys + "  " * 201 + "v\n")
    result = invoke("validate", f)
    assert result.exit_code == 2
    assert "is nested more than 50 levels deep" in result.stderr and "Traceback" not in result.output


def test_a_huge_file_is_refused_unread(tmp_path):
    f = tmp_path / "huge.yaml"
    f.write_text("title: x\n" + "# padding\n" * 50_000)
    result = invoke("validate", f)
    assert result.exit_code == 2 and "input files are limited to 262,144 bytes (256 KiB)" in result.stderr


def test_an_ensemble_too_large_for_memory_is_refused_in_the_file(tmp_path):
    # `backtest` holds every run of `expectations: runs:` at once (about 80 KB each):
    # 1,000,000 was allowed (80 GB); the bound is sim.limits.ENSEMBLE_RUNS.
    f = tmp_path / "big.yaml"
    f.write_text(
        SMALL.read_text()
        + "expectations:\n  runs: 1000000\n  checks:\n"
        + "    - {name: c, metric: concedes, actor: ROK, share: {at_most: 0.5}}\n"
    )
    result = invoke("validate", f)
    assert result.exit_code == 2, result.output
    assert "expectations.runs" in result.stderr and "50000" in result.stderr.replace(",", "")
    assert "Traceback" not in result.output
