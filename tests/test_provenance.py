"""sim/provenance.py: the one record of what a result was made from."""

from __future__ import annotations

import hashlib
import sys

from support import SMALL

import sim
from sim.provenance import SCENARIO_FILE, header_lines, provenance, versions
from sim.scenario import load_scenario


def test_record_names_the_scenario_its_own_parameters_with_lines_and_the_given_overrides():
    loaded = load_scenario(SMALL)
    given = [
        (("opinion", "loss"), 0.45, "--set", None),
        (("mechanisms", "gsomia", "members"), ("ROK", "JPN"), "x", None),
    ]
    record = provenance(loaded, given, [7], command=["trilateral", "run", "small"], with_text=True)
    sc = record["scenario"]
    assert sc["name"] == "small" and sc["sha256"] == hashlib.sha256(SMALL.read_bytes()).hexdigest()
    assert sc["text"] == SMALL.read_text()
    own = [o for o in record["overrides"] if o["source"] == SCENARIO_FILE]
    assert own == [{"path": "world.trust.ROK.JPN", "value": 0.3, "source": SCENARIO_FILE, "line": 17}]
    assert SMALL.read_text().splitlines()[16].strip() == "JPN: 0.3"  # line 17 is where it is written
    assert record["overrides"][1:] == [
        {"path": "opinion.loss", "value": 0.45, "source": "--set"},
        {"path": "mechanisms.gsomia.members", "value": ["ROK", "JPN"], "source": "x"},
    ]
    assert record["seeds"] == [7] and record["command"] == "trilateral run small"


def test_versions_name_python_the_project_and_the_key_libraries():
    v = versions()
    assert v["python"] == sys.version.split()[0] and v["trilateral"] == sim.__version__
    assert {"mesa", "numpy", "pydantic"} <= set(v)


def test_header_lines_show_overrides_only_when_given():
    loaded = load_scenario(SMALL)
    plain = header_lines(provenance(loaded, [], [1], command=[]))
    assert not any(line.startswith("overrides:") for line in plain)
    assert (
        plain[0].startswith("scenario small (")
        and "1 parameter(s) set by the scenario file; no other overrides" in plain
    )
    changed = header_lines(provenance(loaded, [(("opinion", "loss"), 0.45, "--set", None)], [1], command=[]))
    assert "overrides: opinion.loss=0.45 (--set)" in changed
    assert "1 parameter(s) set by the scenario file" in changed


def test_overrides_given_in_two_steps_are_both_recorded_and_replayed():
    from sim.api import load_scenario as api_load
    from sim.api import replay, run

    first = api_load(SMALL, {"opinion.loss": 0.45})
    result = run(first, seed=3, settings={"opinion.gain": 0.2})
    prov = result.to_dict()["provenance"]
    given = [(o["path"], o["value"]) for o in prov["overrides"] if o["source"] == "settings"]
    assert given == [("opinion.loss", 0.45), ("opinion.gain", 0.2)]
    assert replay(result.to_dict()).to_dict(provenance=False) == result.to_dict(provenance=False)
    plain = run(SMALL, seed=3)
    assert plain.to_dict(provenance=False) != result.to_dict(provenance=False)


def test_seeds_read_as_words_not_dict_text():
    from sim.provenance import seeds_in_words

    assert seeds_in_words({"first": 0, "runs": "each file's own"}) == "seeds 0 onward, each file's own runs"
    assert seeds_in_words({"first": [0, 5], "runs": 20}) == "seeds 0, 5 onward, 20 runs"
    assert seeds_in_words({"first": 3, "runs": 1}) == "seeds 3 onward, 1 run"
    assert seeds_in_words([7]) == "seed 7" and seeds_in_words(None) == "seeds not recorded"


def test_report_header_has_no_python_dict_text():
    from sim.provenance import report_header

    record = {
        "files": [{"path": "claims.yaml", "sha256": "ab" * 32}],
        "scenarios": [],
        "versions": {"numpy": "2"},
        "command": "trilateral check-claims",
        "seeds": {"first": 0, "runs": "each claim's own"},
    }
    text = report_header(record)
    assert "{" not in text and "seeds 0 onward, each claim's own runs;" in text
