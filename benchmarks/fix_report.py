"""How much of each fixture family `teardown-lint fix` repairs, per strategy.

Every `fixtures/<family>/hazard_*` case is copied to a temporary directory and fixed in place; a
case counts as repaired when the fixed project re-lints clean, every file still parses, and a
second `fix` changes nothing. Prints one line per family and, with -v, why each unfixed finding
was left alone.

With `--suites DIR`, every project directory in DIR (a held-out corpus such as
benchmarks/accuracy/suites) is one case instead.

Usage: python benchmarks/fix_report.py [--strategy wait|cancel] [-v] [--suites DIR] [FAMILY ...]
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from teardown_lint import config as config_module
from teardown_lint import fixer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fix_case(case: Path, strategy: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / case.name
        shutil.copytree(case, root)
        cfg = config_module.load(cwd=root)
        first = fixer.fix(cfg, [root], strategy)
        second = fixer.fix(cfg, [root], strategy)
        parses = True
        for path in root.rglob("*.py"):
            try:
                ast.parse(path.read_bytes())
            except SyntaxError:
                parses = parses and path.name.startswith("broken")
        return {
            "findings": len(first.before.findings),
            "left": len(first.after.findings),
            "parses": parses,
            "idempotent": not second.changed,
            "reasons": [reason for _, reason in first.unfixed],
        }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strategy", default="wait", choices=["wait", "cancel"])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--suites", type=Path, help="a folder of projects, each one case")
    parser.add_argument("families", nargs="*")
    options = parser.parse_args()
    if options.suites:
        groups = [(options.suites.name, sorted(p for p in options.suites.iterdir() if p.is_dir()))]
    else:
        groups = [(family.name, sorted(family.glob("hazard_*")))
                  for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir())
                  if not options.families or family.name in options.families]
    totals = Counter()
    reasons = Counter()
    print(f"{'family':18} {'cases':>5} {'repaired':>8} {'findings':>8} {'fixed':>6} {'broken':>6} {'not idem':>8}")
    for name, cases in groups:
        row = Counter()
        for case in cases:
            out = fix_case(case, options.strategy)
            row["cases"] += 1
            row["repaired"] += out["left"] == 0 and out["parses"] and out["idempotent"]
            row["findings"] += out["findings"]
            row["fixed"] += out["findings"] - out["left"]
            row["broken"] += not out["parses"]
            row["not idempotent"] += not out["idempotent"]
            for reason in out["reasons"]:
                reasons[reason] += 1
                if options.verbose:
                    print(f"    {case.parent.name}/{case.name}: {reason}")
            if options.suites:
                print(f"  {case.name:16} findings {out['findings']:3} left {out['left']:3} parses {out['parses']} idempotent {out['idempotent']}")
        if row["cases"]:
            totals.update(row)
            print(f"{name:18} {row['cases']:5} {row['repaired']:8} {row['findings']:8} {row['fixed']:6} {row['broken']:6} {row['not idempotent']:8}")
    print(f"{'total':18} {totals['cases']:5} {totals['repaired']:8} {totals['findings']:8} {totals['fixed']:6} {totals['broken']:6} {totals['not idempotent']:8}")
    if totals["cases"]:
        print(f"repaired {totals['repaired'] / totals['cases']:.0%} of hazard cases; "
              f"fixed {totals['fixed'] / max(1, totals['findings']):.0%} of findings")
    print("why not fixed:")
    for reason, count in reasons.most_common(15):
        print(f"  {count:4}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
