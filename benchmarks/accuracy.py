"""Precision and recall of TDL001 on a held-out corpus (default benchmarks/accuracy/suites;
pass another suites folder, such as benchmarks/holdout2/suites, as the argument).

Each suite is a project written independently of the engine and of fixtures/, with inline
`# error: TDL001` expectations; a finding counts as a true positive when its (file, line) is
expected. Prints per-project counts and the totals.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teardown_lint.testing import actual, expected  # noqa: E402


def main() -> int:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent / "accuracy" / "suites"
    tp = fp = fn = 0
    started = time.perf_counter()
    for project in sorted(p for p in root.iterdir() if p.is_dir()):
        want = expected(project)
        got, _ = actual(project)
        hits, extra, missed = want & got, got - want, want - got
        tp, fp, fn = tp + len(hits), fp + len(extra), fn + len(missed)
        print(f"{project.name:12} expected {len(want):3} found {len(got):3} tp {len(hits):3} fp {len(extra):3} fn {len(missed):3}")
        for item in sorted(extra):
            print(f"    false positive: {item[0]}:{item[1]}")
        for item in sorted(missed):
            print(f"    missed:         {item[0]}:{item[1]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"precision {precision:.2f}  recall {recall:.2f}  ({tp} tp, {fp} fp, {fn} fn) in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
