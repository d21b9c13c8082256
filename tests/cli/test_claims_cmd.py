"""cli/claims_cmd.py: check-claims, table and JSON, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def test_check_claims_json_for_chosen_claims():
    result = runner.invoke(
        app,
        [
            "check-claims",
            "--only",
            "quasi_alliance",
            "--only",
            "exposure_breeds_concession",
            "--runs",
            "60",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [c["id"] for c in doc["claims"]] == ["exposure_breeds_concession", "quasi_alliance"]
    for c in doc["claims"]:
        assert c["holds"] is True and c["low"] <= c["effect"] <= c["high"] and c["n"] == 60
    assert doc["failed"] == 0


def test_check_claims_table():
    result = runner.invoke(app, ["check-claims", "--only", "quasi_alliance", "--runs", "60"])
    assert result.exit_code == 0, result.output
    assert (
        "quasi_alliance" in result.output and "HOLDS" in result.output and "1 hold, 0 fail" in result.output
    )


def test_bad_flags_exit_2():
    result = runner.invoke(app, ["check-claims", "--only", "nope"])
    assert result.exit_code == 2 and "no such claim" in result.output
    result = runner.invoke(app, ["check-claims", "--runs", "3"])
    assert result.exit_code == 2 and "from 10 to 50,000" in result.output


def test_a_huge_run_count_is_bad_input_not_a_crash_or_an_out_of_memory_kill():
    # 10**11 runs once asked numpy for 745 GiB (MemoryError, exit 3), and 10**7 grew
    # until the system killed the process: every arm is held in memory at once.
    for runs in ("100000000000", "50001"):
        result = runner.invoke(app, ["check-claims", "--only", "quasi_alliance", "--runs", runs])
        assert result.exit_code == 2, result.output
        assert "--runs" in result.output and "from 10 to 50,000" in result.output
        assert "internal error" not in result.output


def _straddling_claim():
    from sim.claims import Claim

    # 40 seeds, exposure 0.20 against 0.21: the interval of the effect on Seoul's trust in
    # Tokyo straddles zero. (Seoul's concessions, the measure before Beijing's quiet-time
    # calibration, no longer differ in any of the 40 runs: an effect of exactly zero,
    # which is a failure, not inconclusive.)
    return Claim.model_validate(
        {
            "id": "tiny_exposure_step",
            "claim": "a small step in exposure",
            "source": "test",
            "scenario": "economic_coercion",
            "runs": 40,
            "measure": {"metric": "trust", "of": "ROK", "toward": "JPN", "change": True},
            "baseline": {"set": {"world.exposure.ROK.PRC": 0.20}},
            "treatment": {"set": {"world.exposure.ROK.PRC": 0.21}},
            "expect": "increase",
            "kind": "behaviour",
            "direct": ["utility.concede.economy.coercion_pain"],
        }
    )


def test_a_straddling_interval_is_inconclusive_not_a_failure(monkeypatch):
    import sim.claims

    monkeypatch.setattr(sim.claims, "load_claims", lambda: [_straddling_claim()])
    result = runner.invoke(app, ["check-claims"])
    assert result.exit_code == 0, result.output
    assert "inconclusive at this size" in result.output and "FAILS" not in result.output
    assert "0 hold, 0 fail, 1 inconclusive at this size" in result.output
    doc = json.loads(runner.invoke(app, ["check-claims", "--json"]).output)
    (claim,) = doc["claims"]
    assert claim["verdict"] == "inconclusive" and claim["holds"] is False and claim["low"] < 0 < claim["high"]
    assert doc["failed"] == 0 and doc["inconclusive"] == 1


def test_ablate_json_carries_every_arm_and_the_verdict():
    args = ["check-claims", "--ablate", "--only", "coercion_of_the_aligned", "--only", "quasi_alliance"]
    result = runner.invoke(app, [*args, "--runs", "40", "--json"])
    doc = json.loads(result.output)
    by_id = {c["id"]: c for c in doc["claims"]}
    assert set(by_id) == {"coercion_of_the_aligned", "quasi_alliance"}
    for c in doc["claims"]:
        assert c["kind"] == "behaviour" and c["direct"]
        for arm in ("ai", "ablated", "random"):
            assert c[arm]["n"] == 40 and c[arm]["verdict"] in ("holds", "fails", "inconclusive")
            assert c[arm]["low"] <= c[arm]["effect"] <= c[arm]["high"]
    # Random Seoul and Tokyo still grow closer when trust in Washington is low: the
    # quasi-alliance claim is carried by the trust dynamics, not by choices.
    assert by_id["quasi_alliance"]["random"]["verdict"] == "holds"
    assert by_id["quasi_alliance"]["counts"] is False and "random play" in by_id["quasi_alliance"]["verdict"]
    assert doc["counted"] == sum(c["counts"] for c in doc["claims"])
    assert result.exit_code == 1  # a claim that does not count is a failure of --ablate
    text = runner.invoke(app, [*args, "--runs", "40"])
    assert text.exit_code == 1 and "quasi_alliance" in text.output and "ablated" in text.output
    assert f"{doc['counted']} of 2 claims count" in text.output


def test_report_records_the_claims_file_seeds_and_versions():
    import hashlib

    from sim.claims import CLAIMS_FILE

    digest = hashlib.sha256(CLAIMS_FILE.read_bytes()).hexdigest()
    args = ["check-claims", "--only", "quasi_alliance", "--runs", "20"]
    for extra in ([], ["--ablate"]):
        result = runner.invoke(app, [*args, *extra, "--json"])
        record = json.loads(result.stdout)["provenance"]
        assert record["files"] == [{"path": str(CLAIMS_FILE), "sha256": digest}]
        assert record["seeds"] == {"first": 0, "runs": 20}
        assert "numpy" in record["versions"]
    text = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    assert "Reproduce with:" in text and digest[:12] in text


def test_claim_ids_are_never_broken_at_80_columns_and_intervals_read_as_ranges():
    from sim.claims import load_claims

    ids = [c.id for c in load_claims()]
    result = runner.invoke(app, ["check-claims", "--runs", "20"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    for claim in ids:  # each id whole on one line, so it can be copied for --only
        assert any(claim in line for line in lines), claim
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in result.stdout and " to " in result.stdout
    assert "{'first'" not in result.stdout and "seeds 0 onward, 20 runs" in result.stdout.replace("\n", " ")
