"""Mutation testing of the model's equations against the hand-computed unit tests.

Two tools, one job each, both in a throw-away copy of the repository (the working
tree is never mutated):

1. mutmut (3.x) mutates every function of the four equation modules and runs, for
   each mutant, the tests that reach that function among `TESTS`. It forks from a
   warm process, so the whole run takes minutes.
2. mutmut 3 does not mutate code outside functions, nor usefully a function called
   while its module is imported, so the table of features in agents/utility.py
   (``FEATURES``, a dict of lambdas, and ``_hook``, which builds some of them) is
   mutated by cosmic-ray, restricted to those lines and to the operators in `KEEP`.

Prints the mutation score per module and every surviving mutant. See tests/MUTATION.md.

    python tests/mutation.py                 # both stages
    python tests/mutation.py --no-features   # mutmut only (a few minutes)
    python tests/mutation.py --report out.md # also write the report to a file
    python tests/mutation.py --keep          # keep the copy (mutants/, session.sqlite)

Needs mutmut and cosmic-ray (the ``dev`` extra). Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("sim/adjudication.py", "sim/mechanisms.py", "agents/utility.py", "sim/scoring.py")
#: The tests run against the mutants: the hand-computed equation tests, and the
#: older hand-made tests of episodes and recovery times (tests/test_scoring.py, quick).
TESTS = ("tests/unit/", "tests/test_scoring.py")
#: The cosmic-ray stage's tests: the features are read only by the utility tests.
FEATURE_TESTS = "tests/unit/test_eq_utility.py"
#: cosmic-ray operators that change an equation: arithmetic and boolean-array operators
#: swapped for their opposites, comparisons moved across their boundary or flipped,
#: signs and negations dropped, numbers changed by one. Left out: the eleven-way
#: replacement of every arithmetic operator (bit shifts, modulo...), `is`
#: comparisons and random variable replacement, which multiply the run time without
#: describing a plausible equation bug.
KEEP = (
    *(f"ReplaceBinaryOperator_{p}" for p in ("Add_Sub", "Sub_Add", "Mul_Div", "Div_Mul", "Pow_Mul")),
    *(f"ReplaceBinaryOperator_{p}" for p in ("BitAnd_BitOr", "BitOr_BitAnd")),
    *(
        f"ReplaceComparisonOperator_{p}"
        for p in ("Lt_LtE", "LtE_Lt", "Gt_GtE", "GtE_Gt", "Lt_Gt", "Gt_Lt", "LtE_GtE", "GtE_LtE")
    ),
    "ReplaceComparisonOperator_Eq_NotEq",
    "ReplaceComparisonOperator_NotEq_Eq",
    *(f"ReplaceUnaryOperator_{p}" for p in ("USub_UAdd", "Delete_USub", "Delete_Invert", "Delete_Not")),
    "NumberReplacer",
    "ReplaceTrueWithFalse",
    "ReplaceFalseWithTrue",
    "ReplaceAndWithOr",
    "ReplaceOrWithAnd",
)


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        sys.exit(f"{name} not found next to {sys.executable}; install the dev extra: pip install -e '.[dev]'")
    return str(path)


def run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache", "*.pyc", "mutants")
    for name in ("sim", "agents", "cli", "tests", "scenarios"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")


# -- stage 1: mutmut over the functions ----------------------------------------------------------


def mutmut_stage(work: Path, children: int) -> tuple[dict[str, collections.Counter[str]], list[str]]:
    """Run mutmut; return per-module outcome counts and the surviving mutants with their diffs."""
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(
            "\n[tool.mutmut]\n"
            f"source_paths = {json.dumps(list(MODULES))}\n"
            f"pytest_add_cli_args_test_selection = {json.dumps(list(TESTS))}\n"
            'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
            'also_copy = ["tests/", "sim/", "agents/", "cli/", "scenarios/"]\n'
        )
    run([tool("mutmut"), "run", "--max-children", str(children)], work)
    listing = run([tool("mutmut"), "results", "--all", "true"], work)
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in listing.splitlines():
        m = re.match(r"\s*([\w.]+)\.x\S*__mutmut_\d+: (.+)$", line)
        if not m:
            continue
        name = line.strip().split(": ")[0]
        module = m.group(1).replace(".", "/") + ".py"
        counts[module][m.group(2)] += 1
        if m.group(2) not in ("killed", "timeout", "segfault"):
            diff = run([tool("mutmut"), "show", name], work)
            changed = [d[1:].strip() for d in diff.splitlines() if d.startswith(("-", "+")) and d[1:2] == " "]
            survivors.append(f"- {name} ({m.group(2)}): " + "  =>  ".join(changed))
    return counts, survivors


# -- stage 2: cosmic-ray over the FEATURES table -------------------------------------------------


def features_lines() -> tuple[int, int]:
    """Lines of ``_hook`` (called while the module is imported) through the ``FEATURES`` table."""
    tree = ast.parse((ROOT / "agents/utility.py").read_text(encoding="utf-8"))
    first = last = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_hook":
            first = node.lineno
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "FEATURES":
            last = node.end_lineno
    if first is None or last is None or last < first:
        sys.exit("agents/utility.py no longer has _hook followed by FEATURES; update tests/mutation.py")
    return first, last


def cosmic_ray_config(first: int, last: int, timeout: float) -> str:
    keep = "|".join(KEEP)
    command = f"{sys.executable} -m pytest -x -q -p no:cacheprovider {FEATURE_TESTS}"
    return "\n".join(
        [
            "[cosmic-ray]",
            'module-path = "agents/utility.py"',
            f"timeout = {timeout}",
            "excluded-modules = []",
            f"test-command = {json.dumps(command)}",
            "",
            "[cosmic-ray.distributor]",
            'name = "local"',
            "",
            "[cosmic-ray.filters.operators-filter]",
            # cosmic-ray skips every operator this matches: everything not in KEEP.
            f"exclude-operators = [{json.dumps(f'(?!core/({keep})$)')}]",
            "",
            "[cosmic-ray.filters.line-filter.lines]",
            f'"agents/utility.py" = "{first}-{last}"',
            "",
        ]
    )


def cosmic_ray_stage(work: Path, timeout: float) -> tuple[collections.Counter[str], list[str]]:
    first, last = features_lines()
    (work / "cosmic-ray.toml").write_text(cosmic_ray_config(first, last, timeout), encoding="utf-8")
    run([tool("cosmic-ray"), "init", "cosmic-ray.toml", "session.sqlite"], work)
    run([tool("cr-filter-operators"), "session.sqlite", "cosmic-ray.toml"], work)
    run([tool("cr-filter-lines"), "--config", "cosmic-ray.toml", "session.sqlite"], work)
    run([tool("cosmic-ray"), "baseline", "cosmic-ray.toml"], work)
    run([tool("cosmic-ray"), "exec", "cosmic-ray.toml", "session.sqlite"], work)
    counts: collections.Counter[str] = collections.Counter()
    survivors = []
    for line in run([tool("cosmic-ray"), "dump", "session.sqlite"], work).splitlines():
        item, result = json.loads(line)
        if result is None or result["worker_outcome"] == "skipped":
            continue
        mutation = item["mutations"][0]
        outcome = result["test_outcome"] if result["worker_outcome"] == "normal" else result["worker_outcome"]
        counts[outcome] += 1
        if outcome == "survived":
            changed = [
                d[1:].strip()
                for d in result["diff"].splitlines()
                if d.startswith(("-", "+")) and not d.startswith(("---", "+++"))
            ]
            where = f"agents/utility.py:{mutation['start_pos'][0]}"
            survivors.append(
                f"- {where} {mutation['operator_name'].removeprefix('core/')}: " + "  =>  ".join(changed)
            )
    return counts, sorted(survivors)


# -- report ------------------------------------------------------------------------------------


def table(rows: dict[str, collections.Counter[str]]) -> list[str]:
    lines = [
        "| mutated | mutants | killed | survived | no test reaches it | other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, k in rows.items():
        total = sum(k.values())
        killed = k["killed"] + k["timeout"] + k["segfault"]
        survived, untested = k["survived"], k["no tests"]
        other = total - killed - survived - untested
        score = f"{100 * killed / total:.1f}%" if total else "-"
        lines.append(f"| {name} | {total} | {killed} | {survived} | {untested} | {other} | {score} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-features", action="store_true", help="skip the cosmic-ray stage")
    parser.add_argument("--children", type=int, default=1, help="mutmut's parallel children (default 1)")
    parser.add_argument("--timeout", type=float, default=60.0, help="cosmic-ray: seconds per mutant")
    parser.add_argument("--report", type=Path, help="also write the report (markdown) here")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away copy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mutation-"))
    try:
        copy_tree(work)
        start = time.monotonic()
        counts, survivors = mutmut_stage(work, args.children)
        lines = [f"Stage 1, mutmut over the functions ({time.monotonic() - start:.0f} s):", ""]
        lines += table(dict(sorted(counts.items())))
        if not args.no_features:
            start = time.monotonic()
            feature_counts, feature_survivors = cosmic_ray_stage(work, args.timeout)
            lines += ["", f"Stage 2, cosmic-ray over FEATURES ({time.monotonic() - start:.0f} s):", ""]
            lines += table({"agents/utility.py FEATURES": feature_counts})
            survivors += feature_survivors
        lines += ["", f"{len(survivors)} mutants not killed:", "", *survivors]
        text = "\n".join(lines)
        print(text)
        if args.report:
            args.report.write_text(text + "\n", encoding="utf-8")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
