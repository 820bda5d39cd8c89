"""Every fixture case whose findings differ from its inline expectations, then the totals.

Usage: python benchmarks/fixture_report.py [FIXTURES_DIR]
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teardown_lint.testing import actual, expected  # noqa: E402


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "fixtures"
    cases = sorted(p for p in root.glob("*/*") if p.is_dir())
    ok = bad = 0
    started = time.perf_counter()
    for case in cases:
        try:
            want = expected(case)
            got, _ = actual(case)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print("CRASH", case.relative_to(root), repr(exc))
            traceback.print_exc(limit=3)
            bad += 1
            continue
        if want == got:
            ok += 1
        else:
            bad += 1
            print("FAIL", case.relative_to(root), "missing", sorted(want - got), "extra", sorted(got - want))
    print("ok", ok, "bad", bad, f"({time.perf_counter() - started:.1f}s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
