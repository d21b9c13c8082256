#!/usr/bin/env python3
"""Regenerate the measured tables of MODEL.md's Validation section.

Rerun after any change to the model, the history files, the claims or the calibrated
list, and commit MODEL.md with the result:

    python tests/regen_validation.py              # rewrite the tables in MODEL.md
    python tests/regen_validation.py --print      # print them instead
    python tests/regen_validation.py --runs 100   # smaller ensembles (a quick look only)

It writes three tables, each between a pair of markers in MODEL.md
(``<!-- regen_validation: NAME -->`` ... ``<!-- /regen_validation: NAME -->``):
``backtest`` (every check under the AI and under random play, with the discriminates
verdict), ``claims`` (each claim as is, without its direct coefficients, and under
random play) and ``robustness`` (``backtest --perturb 0.2``). The numbers are those of
`python run.py backtest`, `check-claims --ablate` and `backtest --perturb 0.2`, at the
same ensemble sizes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path[:0] = [str(ROOT)]

MODEL_MD = ROOT / "MODEL.md"
NAMES = ("backtest", "claims", "robustness")
PERTURB = 0.2


def _iv(low: float, high: float) -> str:
    return f"{low:+.3f} … {high:+.3f}".replace("-", "−")


def _num(x: float, signed: bool = False) -> str:
    return (f"{x:+.3f}" if signed else f"{x:.3f}").replace("-", "−")


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!*.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit `{head}`" + (" with uncommitted changes" if dirty else "")


def scenarios() -> list[Any]:
    """Every bundled scenario that declares expectations, as `backtest` picks them."""
    from sim.scenario import SCENARIO_DIR, load_scenario

    loaded = [load_scenario(p) for p in sorted(SCENARIO_DIR.rglob("*.yaml"))]
    return [s for s in loaded if s.scenario.expectations is not None]


def measured_on(check: Any, turns: int) -> str:
    """Where a check reads its quantity: an outcome's window, a measure's turn."""
    if check.is_outcome:
        last = check.by_turn or turns
        window = f"turn {last}" if check.from_turn == last else f"turns {check.from_turn}–{last}"
        return f"share of runs, {window}"
    if check.metric in ("index", "cohesion_mean", "coordinated_response_rate", "coercion_success_rate",
                        "wedge_success_rate"):  # fmt: skip
        return "score of the run"
    at = check.at or turns
    return f"change, start → turn {at}" if check.change else f"level at turn {at}"


def backtest_table(runs: int | None) -> str:
    """Markdown: every check under the AI and random play."""
    from sim.baseline import compare

    rows, total, evidence, failed = [], 0, 0, 0
    for sc in scenarios():
        checks = sc.scenario.expectations.checks
        for check, c in zip(checks, compare(sc, runs), strict=True):
            total += 1
            evidence += c.discriminates
            failed += not c.ai.passed
            where = measured_on(check, sc.scenario.turns)
            rows.append(
                f"| `{sc.name}` | {c.ai.name} | {where} | {c.ai.bound} "
                f"| {_num(c.ai.value)} | {_num(c.random.value)} "
                f"| {_iv(c.low, c.high)} | {'pass' if c.ai.passed else '**FAIL**'} "
                f"| {'pass' if c.random.passed else 'fail'} | {'**yes**' if c.discriminates else 'context'} |"
            )
    head = (
        f"`python run.py backtest`{_runs_flag(runs)}, {_commit()}: {total - failed} of {total} checks pass "
        f"under the AI; **{evidence} of {total} discriminate** from random play (evidence), "
        f"{total - evidence} are context only.\n\n"
        "| episode | check | measured on | bound | AI | random | AI − random, 95% | AI | random "
        "| discriminates |\n"
        "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |\n"
    )
    return head + "\n".join(rows)


def claims_table(runs: int | None) -> str:
    """Markdown: each claim as is, ablated, and under random play."""
    from sim.claims import ablate, load_claims

    rows, counted, results = [], 0, []
    for claim in load_claims():
        r = ablate(claim, runs)
        results.append(r)
        counted += r.counts
        direct = ", ".join(f"`{p}`" for p in claim.direct)
        rows.append(
            f"| `{claim.id}` | {claim.kind} | {direct} "
            f"| {_num(r.ai.effect, True)} ({_iv(r.ai.low, r.ai.high)}) "
            f"| {_num(r.ablated.effect, True)} ({_iv(r.ablated.low, r.ablated.high)}) "
            f"| {_num(r.random.effect, True)} ({_iv(r.random.low, r.random.high)}) "
            f"| {'**' + r.verdict + '**' if r.counts else r.verdict} |"
        )
    behaviour = [r for r in results if r.claim.kind == "behaviour"]
    survive = sum(r.ablated.verdict == "holds" for r in behaviour if r.ai.verdict == "holds")
    at_random = sum(r.random.verdict == "holds" for r in results)
    head = (
        f"`python run.py check-claims --ablate`{_runs_flag(runs)}, {_commit()}: "
        f"{sum(r.ai.verdict == 'holds' for r in results)} of {len(results)} claims hold with the AI; "
        f"{survive} of {len(behaviour)} behaviour claims still hold with their direct coefficients at "
        f"zero; {at_random} of {len(results)} also hold under random play; **{counted} of "
        f"{len(results)} count**.\n\n"
        "| claim | kind | direct coefficients (set to 0) | effect (95%) | ablated (95%) "
        "| random play (95%) | verdict |\n"
        "| --- | --- | --- | ---: | ---: | ---: | --- |\n"
    )
    return head + "\n".join(rows)


def robustness_table(runs: int | None) -> str:
    """Markdown: `backtest --perturb 0.2`."""
    from sim.robustness import load_calibrated, run_robustness

    result = run_robustness(scenarios(), PERTURB, runs)
    why = {e.path: e.why for e in load_calibrated()}
    by_path: dict[str, dict[int, Any]] = {}
    for pair in result.pairs:
        by_path.setdefault(pair.path, {})[pair.direction] = pair

    def cell(pair: Any) -> str:
        if pair.refused:
            return f"not played: {pair.refused}"
        if not pair.broken:
            return "all pass"
        return "; ".join(f"`{b.scenario}`: {b.check} ({_num(b.value)}, {b.bound})" for b in pair.broken)

    rows = [
        f"| `{p}` | {why[p].replace('->', '→')} | {cell(s[-1])} | {cell(s[1])} |" for p, s in by_path.items()
    ]
    n = len(result.pairs)
    failed = result.as_dict()["baseline_failed"]
    head = (
        f"`python run.py backtest --perturb {PERTURB}`{_runs_flag(runs)}, {_commit()}: "
        f"**{result.robust} of {n} (parameter, direction) pairs ({result.robust / n:.0%}) keep every "
        f"check passing**; {len({p.path for p in result.pairs if not p.holds})} of {len(by_path)} "
        f"parameters break at least one check in one direction or both."
        + (f" Unperturbed, {len(failed)} checks already fail (not counted as broken)." if failed else "")
        + "\n\n| parameter | why it was tuned | −20% | +20% |\n| --- | --- | --- | --- |\n"
    )
    return head + "\n".join(rows)


def _runs_flag(runs: int | None) -> str:
    return f" (`--runs {runs}`)" if runs else " (each file's own runs)"


def replace_block(text: str, name: str, body: str) -> str:
    """Put ``body`` between the markers of block ``name``.

    Raises:
        ValueError: if the markers are missing or out of order.
    """
    start, end = f"<!-- regen_validation: {name} -->", f"<!-- /regen_validation: {name} -->"
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"MODEL.md has no '{start}' ... '{end}' block")
    return text[: i + len(start)] + "\n" + body.rstrip() + "\n" + text[j:]


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's content in one step (a temp file in the same folder, then os.replace)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    """Measure the tables and write them into MODEL.md (or print them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per ensemble (default: each file's own)")
    parser.add_argument("--print", dest="show", action="store_true", help="print instead of writing MODEL.md")
    parser.add_argument("--only", choices=NAMES, action="append", help="regenerate only these tables")
    args = parser.parse_args(argv)
    makers = {"backtest": backtest_table, "claims": claims_table, "robustness": robustness_table}
    text = MODEL_MD.read_text(encoding="utf-8")
    for name in args.only or NAMES:
        body = makers[name](args.runs)
        if args.show:
            print(f"## {name}\n\n{body}\n")
        else:
            text = replace_block(text, name, body)
            print(f"measured {name}")
    if not args.show:
        write_atomically(MODEL_MD, text)
        print(f"wrote {MODEL_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
