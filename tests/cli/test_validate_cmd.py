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
