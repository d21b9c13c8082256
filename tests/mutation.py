"""Mutation testing of the model's equations against the unit tests (tests/unit/).

Runs cosmic-ray over the equation modules in a throw-away copy of the repository (the
working tree is never mutated), with the fast unit tests as the test command, and
prints the mutation score per module and every surviving mutant. See tests/MUTATION.md.

    python tests/mutation.py                      # all four modules (about 25 min alone)
    python tests/mutation.py sim/scoring.py       # one module
    python tests/mutation.py --report out.md      # also write the report to a file
    python tests/mutation.py --keep               # keep the copy and its session.sqlite

Needs cosmic-ray (the ``dev`` extra). Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("sim/adjudication.py", "sim/mechanisms.py", "agents/utility.py", "sim/scoring.py")
#: The tests run against each mutant: the hand-computed equation tests only.
TESTS = "tests/unit"
#: Operators that change an equation: arithmetic and boolean-array operators swapped
#: for their opposites, comparisons moved across their boundary or flipped, signs and
#: negations dropped, numbers changed by one, booleans and loops disturbed. Left out:
#: the eleven-way replacement of every arithmetic operator (bit shifts, modulo...),
#: `is` comparisons, decorator removal and cosmic-ray's random variable replacement,
#: which multiply the run time without describing a plausible equation bug.
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
    "AddNot",
    "ZeroIterationForLoop",
)


def config(modules: list[str], timeout: float) -> str:
    keep = "|".join(KEEP)
    command = f"{sys.executable} -m pytest -x -q -p no:cacheprovider {TESTS}"
    return "\n".join(
        [
            "[cosmic-ray]",
            f"module-path = {json.dumps(modules)}",
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
        ]
    )


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        sys.exit(f"{name} not found next to {sys.executable}; install the dev extra: pip install -e '.[dev]'")
    return str(path)


def run(args: list[str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache", "*.pyc")
    for name in ("sim", "agents", "cli", "tests", "scenarios"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")


def report(work: Path) -> str:
    """Per-module score and the surviving mutants, from the session database."""
    dump = subprocess.run(
        [tool("cosmic-ray"), "dump", "session.sqlite"], cwd=work, capture_output=True, text=True, check=True
    )
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in dump.stdout.splitlines():
        item, result = json.loads(line)
        mutation = item["mutations"][0]
        module = mutation["module_path"]
        if result is None:
            counts[module]["pending"] += 1
            continue
        if result["worker_outcome"] == "skipped":
            continue
        if result["worker_outcome"] != "normal":
            counts[module][result["worker_outcome"]] += 1  # exception: the mutant did not import
            continue
        outcome = result["test_outcome"]  # killed, survived, incompetent (e.g. a timeout)
        counts[module][outcome] += 1
        if outcome == "survived":
            survivors.append((module, mutation["start_pos"][0], mutation["operator_name"], result["diff"]))
    lines = [
        "| module | mutants | killed | survived | other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for module in sorted(counts):
        k = counts[module]
        total = sum(k.values())
        other = total - k["killed"] - k["survived"]
        tested = k["killed"] + k["survived"]
        score = f"{100 * k['killed'] / tested:.1f}%" if tested else "-"
        lines.append(f"| {module} | {total} | {k['killed']} | {k['survived']} | {other} | {score} |")
    lines += ["", f"{len(survivors)} surviving mutants:", ""]
    for module, line, operator, diff in sorted(survivors):
        changed = [
            d for d in diff.splitlines() if d.startswith(("-", "+")) and not d.startswith(("---", "+++"))
        ]
        lines.append(
            f"- {module}:{line} {operator.removeprefix('core/')}: " + " => ".join(c.strip() for c in changed)
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES), help="modules to mutate")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per mutant's test run")
    parser.add_argument("--report", type=Path, help="also write the report (markdown) here")
    parser.add_argument("--keep", action="store_true", help="keep the copy and its session database")
    args = parser.parse_args()
    for m in args.modules:
        if not (ROOT / m).is_file():
            sys.exit(f"no module {m} under {ROOT}")
    work = Path(tempfile.mkdtemp(prefix="mutation-"))
    try:
        copy_tree(work)
        (work / "cosmic-ray.toml").write_text(config(args.modules, args.timeout), encoding="utf-8")
        run([tool("cosmic-ray"), "init", "cosmic-ray.toml", "session.sqlite"], work)
        run([tool("cr-filter-operators"), "session.sqlite", "cosmic-ray.toml"], work)
        run([tool("cosmic-ray"), "baseline", "cosmic-ray.toml"], work)
        subprocess.run(
            [tool("cosmic-ray"), "exec", "cosmic-ray.toml", "session.sqlite"], cwd=work, check=True
        )
        text = report(work)
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
