"""sim/claims.py: every claim of the paper and the theory holds, as a paired directional test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.claims import CLAIMS_FILE, Claim, load_claims, test_claim
from sim.errors import InputError

CLAIMS = load_claims()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim_holds(claim: Claim) -> None:
    result = test_claim(claim)
    assert result.n > 0.5 * claim.runs
    assert result.low <= result.effect <= result.high
    assert result.holds, (
        f"{claim.id}: expected an {claim.expect}, measured {result.effect:+.4f} "
        f"[{result.low:+.4f}, {result.high:+.4f}]"
    )


def test_every_claim_of_the_brief_is_covered() -> None:
    ids = {c.id for c in CLAIMS}
    assert {
        "diverging_china_views",
        "low_trust_enables_wedges",
        "disputes_spill_over",
        "repair_mechanisms_rebuild_trust",
        "institution_limits_coercion",
        "exposure_breeds_concession",
        "exercises_and_planning_enable_response",
        "china_dialogue_defeats_wedges",
        "quasi_alliance",
        "selective_inducement_vs_uniform_pressure",
    } <= ids


def test_effect_is_the_paired_difference(tmp_path) -> None:
    # The same arm twice: every paired difference is exactly 0, so the claim cannot hold.
    same = {"set": {"trust.loss": 0.3}}
    claim = Claim.model_validate(
        {
            "id": "null",
            "claim": "nothing changes",
            "source": "test",
            "scenario": "wedge_driving",
            "runs": 20,
            "measure": {"metric": "trust", "of": "ROK", "toward": "JPN", "change": True},
            "baseline": same,
            "treatment": same,
            "expect": "increase",
        }
    )
    result = test_claim(claim)
    assert result.effect == 0.0 and result.low == 0.0 and result.high == 0.0
    assert not result.holds and result.baseline == result.treatment
    assert not any(isinstance(v, float) and math.isnan(v) for v in result.as_dict().values() if v is not None)


def test_bad_claims_file_names_the_line(tmp_path) -> None:
    bad = tmp_path / "claims.yaml"
    text = CLAIMS_FILE.read_text().replace("expect: increase", "expect: sideways", 1)
    bad.write_text(text)
    with pytest.raises(InputError) as info:
        load_claims(bad)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "sideways" in row)
    assert f"{bad}:{line}:" in str(info.value) and "increase" in str(info.value)


def test_claims_reuse_common_random_numbers() -> None:
    claim = next(c for c in CLAIMS if c.id == "exposure_breeds_concession")
    a, b = test_claim(claim, runs=40), test_claim(claim, runs=40)
    assert a == b
    assert np.isfinite([a.effect, a.low, a.high]).all()
