"""Run `teardown-lint check` on the test suites of real projects, from their PyPI sdists.

For crash-freedom, precision (every finding is printed, to be read) and time against libcst's
bare parse of the same files. The sdists are downloaded once into a cache directory
(`--cache`, default ~/.cache/teardown-lint-bench) with `pip download --no-deps --no-binary :all:`.

Usage: python benchmarks/real_suites.py [--cache DIR] [NAME==VERSION ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import libcst
from corpus import DEFAULT_CACHE, fetch

DEFAULT = ["arq==0.28.0", "dramatiq==2.2.1", "huey==3.5.4", "rq==2.1.0", "celery==5.4.0"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("specs", nargs="*", default=DEFAULT)
    options = parser.parse_args()
    options.cache.mkdir(parents=True, exist_ok=True)
    print(f"{'suite':24} {'files':>6} {'lines':>8} {'parse s':>8} {'check s':>8} {'ratio':>6} {'findings':>8} exit")
    for spec in options.specs:
        root = fetch(spec, options.cache)
        files = [p for p in root.rglob("*.py")]
        sources = [p.read_bytes() for p in files]
        started = time.perf_counter()
        for source in sources:
            try:
                libcst.parse_module(source)
            except Exception:  # noqa: BLE001 - the check reports such files itself
                pass
        parse = time.perf_counter() - started
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "teardown_lint", "check", ".", "--output-format", "concise", "--no-cache"],
            cwd=root, capture_output=True, text=True,
        )
        check = time.perf_counter() - started
        findings = [line for line in done.stdout.splitlines() if ": TDL" in line]
        lines = sum(source.count(b"\n") for source in sources)
        print(f"{spec:24} {len(files):6} {lines:8} {parse:8.2f} {check:8.2f} {check / parse:6.1f} {len(findings):8} {done.returncode}")
        for finding in findings:
            print(f"    {finding[:200]}")
        if done.returncode == 2:
            print(done.stderr[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
