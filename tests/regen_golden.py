#!/usr/bin/env python3
"""Rewrite the golden traces in tests/golden/ (one JSON document per bundled scenario).

Run after an intended change of behaviour:

    python tests/regen_golden.py            # every bundled scenario that exists
    python tests/regen_golden.py taiwan_strait

Each file is `RunResult(model).to_dict()` for the scenario at seed 7 (see
tests/test_golden.py), with the scenario path made relative to the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from support import BUNDLED, GOLDEN, SCENARIO_DIR, bundled_path, golden_document, golden_path  # noqa: E402


def main(argv: list[str]) -> int:
    """Regenerate the named scenarios' golden files (default: all bundled ones)."""
    names = argv or sorted(set(BUNDLED) | {p.stem for p in SCENARIO_DIR.glob("*.yaml")})
    GOLDEN.mkdir(exist_ok=True)
    for name in names:
        if not bundled_path(name).exists():
            print(f"skip {name}: {bundled_path(name)} does not exist")
            continue
        doc = golden_document(name)
        golden_path(name).write_text(
            json.dumps(doc, indent=1, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {golden_path(name).relative_to(TESTS.parent)} ({len(doc['turns'])} turns)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
