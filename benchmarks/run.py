"""The speed benchmark of issue 5: teardown-lint against the parse floor, on real test suites.

The corpus is the test suites of five projects, from their PyPI sdists (`pip download --no-deps
--no-binary :all:`, cached in `--cache`; about 818k lines). In one run it measures, per suite:
`ast.parse` and `libcst.parse_module` of every corpus file (in this process); `teardown-lint check`
cold (`--no-cache`) with 1 job and with all jobs, a run that fills the cache, a warm re-run, a run
on one file of the suite, `fixit lint` on the same files when fixit is installed; the peak memory
of every check (its largest process); and the time per line of cold single-job checks on 25%, 50%
and 100% of the corpus. It then prints a table and whether each target of the issue is met.

Each check runs as `python -m teardown_lint check …` from the sdist's root, so interpreter start-up
and imports count, as they do for a user. Times are the best of `--repeat` runs (default 1); the
cold runs with one job and with all jobs alternate (1, N, 1, N, ...), and each round of them is
followed by the parses and the machine's own parallel capacity, so that no ratio depends on which
of its two sides met the machine's fast minutes.

Usage: python benchmarks/run.py [--sample FRACTION] [--suites django,celery,...] [--jobs N]
                                [--repeat R] [--cache DIR] [--json FILE]

`--sample 0.2` takes every fifth test module of each suite (sorted by path), for a quick run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus import DEFAULT_CACHE, fetch

REPO = Path(__file__).resolve().parents[1]
SUITES = {  # name: (pinned sdist, its test suite's directory, a test file for the one-file run)
    "django": ("django==5.2.19", "tests", "tests/auth_tests/test_views.py"),
    "celery": ("celery==5.7.0", "t", "t/unit/tasks/test_result.py"),
    "sqlalchemy": ("sqlalchemy==2.1.9", "test", "test/orm/test_session.py"),
    "rq": ("rq==3.0.0", "tests", "tests/test_worker.py"),
    "dramatiq": ("dramatiq==2.2.1", "tests", "tests/test_actors.py"),
}
FRACTIONS = (0.25, 0.5, 1.0)
TARGETS = {  # the "done when"
    "cold_vs_libcst": 2.0,  # cold --no-cache --jobs 1 at most 2.0x libcst's bare parse
    "jobs2_speedup": 1.6,  # --jobs 2 at least 1.6x faster than --jobs 1 (on 2 cores)
    "warm_vs_cold": 0.10,  # a warm re-run at most 0.10x the cold run
    "per_line_growth": 1.25,  # time per line at 100% within 1.25x of that at 25%
    "peak_mib": 1024,  # peak memory under 1 GiB on the whole corpus
}


@dataclass
class Check:
    seconds: float
    peak_mib: float
    exit: int
    output: str = field(repr=False, default="")


@dataclass
class Suite:
    name: str
    files: int = 0
    lines: int = 0
    read_files: int = 0  # files a whole-suite check reads (its imports reach the project's code)
    read_lines: int = 0
    ast_s: float = 0.0
    libcst_s: float = 0.0
    libcst_read_s: float = 0.0  # libcst's parse of every file the check reads
    cold1: Check | None = None
    coldn: Check | None = None
    fill: Check | None = None
    warm: Check | None = None
    one_file: Check | None = None
    fixit: Check | None = None
    by_fraction: dict = field(default_factory=dict)  # fraction -> (seconds, lines)
    same_findings: bool = True
    parallelism: list = field(default_factory=list)  # machine_parallelism(jobs) after each round of cold runs
    parses: list = field(default_factory=list)  # (ast_s, libcst_s) after each round of cold runs

    def add_round(self, parallelism: tuple[float, float], parses: tuple[float, float]) -> None:
        """What one round of cold runs was measured beside. The parses the cold runs are compared
        with are, as those runs are, the best of the rounds: one parse, timed once before the
        runs, met a fast minute (4.3 s for Django's fifth, 3.5 s another time), and the one-job
        runs' best then a slow one (14.1 s, 17.3 s)."""
        self.parallelism.append(parallelism)
        self.parses.append(parses)
        self.ast_s = min(ast_s for ast_s, _ in self.parses)
        self.libcst_s = min(libcst_s for _, libcst_s in self.parses)


def check(root: Path, args: list[str], repeat: int = 1, before=None) -> Check:
    """`teardown-lint check ARGS` from `root`: the best wall time of `repeat` runs, the peak RSS of
    its largest process (workers included: wait4 reports the maximum over the tree)."""
    best: Check | None = None
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    for _ in range(repeat):
        if before is not None:
            before()
        with tempfile.TemporaryFile("w+") as out:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "teardown_lint", "check", *args], cwd=root, env=env,
                                    stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            text = out.read()
        result = Check(seconds, usage.ru_maxrss / 1024, proc.returncode, text)
        if best is None or result.seconds < best.seconds:
            best = result
    assert best is not None
    return best


def interleaved(root: Path, variants: list[list[str]], repeat: int, between=None) -> list[Check]:
    """The best of `repeat` runs of each variant, run in turn (a, b, a, b, ...): the machine's
    speed drifts from minute to minute, and variants compared by a ratio then share the minutes
    rather than one getting the fast ones. `between()` runs after each round."""
    best: list[Check | None] = [None] * len(variants)
    for _ in range(repeat):
        for number, args in enumerate(variants):
            result = check(root, args)
            if best[number] is None or result.seconds < best[number].seconds:
                best[number] = result
        if between is not None:
            between()
    return best


SPIN = """import time
started = time.perf_counter()
table = {}
for i in range(%d):
    table[i %% 997] = table.get(i %% 997, 0) + i
print(time.perf_counter() - started)
"""


def machine_parallelism(processes: int, loops: int = 1_500_000) -> tuple[float, float]:
    """The wall time of one CPU-bound Python process alone, and of `processes` of them at once:
    `processes * alone / together` is what this machine's CPUs give `--jobs` (`processes` on an
    idle machine with that many real cores, less when they are shared: a VM's virtual CPUs, other
    tenants, hyper-threads). It moves from minute to minute, so it is measured beside the cold
    runs, and, as they are, reported from the best times."""
    def wall(count: int) -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN % loops], stdout=subprocess.DEVNULL)
                 for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    return wall(1), wall(processes)


def run_tool(argv: list[str], cwd: Path) -> Check:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return Check(time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))


def parse_times(paths: list[Path]) -> tuple[float, float]:
    import libcst

    sources = [p.read_bytes() for p in paths]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for source in sources:
            try:
                ast.parse(source)
            except (SyntaxError, ValueError):
                pass
    ast_s = time.perf_counter() - started
    started = time.perf_counter()
    for source in sources:
        try:
            libcst.parse_module(source)
        except Exception:  # noqa: BLE001 - a file libcst cannot parse costs what it cost
            pass
    return ast_s, time.perf_counter() - started


def files_read(root: Path, targets: list[str]) -> list[Path]:
    """The files a check of `targets` reads, as the engine computes them (facts from the cache)."""
    sys.path.insert(0, str(REPO))
    from teardown_lint import config as config_module, discover, packs, parallel
    from teardown_lint.cache import Cache

    cwd = os.getcwd()
    os.chdir(root)
    try:
        cfg = config_module.load()
        knowledge = packs.load(cfg.calls)
        project = discover.list_project(cfg)
        chosen = discover.targets(project, [root / target for target in targets])
        read = parallel.read(project, chosen, knowledge, jobs=1, cache=Cache(cfg.root))
        return [project.files[f.path].path for f in read.facts]
    finally:
        os.chdir(cwd)


def line_count(paths: list[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in paths)


def subset(paths: list[Path], fraction: float) -> list[Path]:
    if fraction >= 1.0:
        return list(paths)
    step = 1 / fraction
    return [paths[int(i * step)] for i in range(int(len(paths) / step + 0.5))]


def findings_of(output: str) -> list:
    try:
        return json.loads(output)["findings"]
    except (ValueError, KeyError):
        return [output]


def collected(root: Path, tests: str) -> list[Path]:
    """The suite's test modules: the files pytest collects (`python_files`, as the tool reads it)."""
    sys.path.insert(0, str(REPO))
    from teardown_lint.lifecycle import PytestSettings

    patterns = PytestSettings.read(root).python_files
    return sorted(p for p in (root / tests).rglob("*.py") if any(fnmatch.fnmatchcase(p.name, x) for x in patterns))


def bench_suite(name: str, options) -> Suite:
    """The whole suite is checked as a directory. Parts of it (`--sample`, the 25% and 50% runs)
    are lists of its test modules: a list that named helper modules too would make the tool also
    check every test that imports them (README, "pre-commit"), which is not the part measured."""
    spec, tests, one_file = SUITES[name]
    root = fetch(spec, options.cache)
    whole = options.sample >= 1.0
    modules = subset(collected(root, tests), options.sample)
    files = sorted((root / tests).rglob("*.py")) if whole else modules
    suite = Suite(name, len(files), line_count(files))
    print(f"[{name}] {suite.files} files, {suite.lines} lines", file=sys.stderr, flush=True)
    targets = [tests] if whole else [p.relative_to(root).as_posix() for p in files]
    cache_dir = root / ".teardown_lint_cache"

    def drop_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    json_args = ["--output-format", "json", "--exit-zero"]
    suite.cold1, suite.coldn = interleaved(root, [[*targets, *json_args, "--no-cache", "--jobs", "1"],
                                                  [*targets, *json_args, "--no-cache", "--jobs", str(options.jobs)]],
                                           options.repeat,
                                           lambda: suite.add_round(machine_parallelism(options.jobs), parse_times(files)))
    suite.fill = check(root, [*targets, *json_args], options.repeat, before=drop_cache)
    suite.warm = check(root, [*targets, *json_args], options.repeat)
    runs = (suite.cold1, suite.coldn, suite.fill, suite.warm)
    suite.same_findings = all(findings_of(r.output) == findings_of(suite.cold1.output) for r in runs)
    read = files_read(root, targets)  # a sample's tests read most of the project code they import
    if read:
        suite.read_files, suite.read_lines = len(read), line_count(read)
        suite.libcst_read_s = parse_times(read)[1]
    suite.one_file = check(root, [one_file, "--no-cache", "--jobs", "1", "--exit-zero"], options.repeat)
    if shutil.which("fixit"):
        suite.fixit = run_tool(["fixit", "lint", *[p.relative_to(root).as_posix() for p in files]], root)
    for fraction in FRACTIONS:
        part = subset(modules, fraction)
        if fraction == 1.0 and not whole:
            seconds = suite.cold1.seconds
        else:
            args = [p.relative_to(root).as_posix() for p in part]
            seconds = check(root, [*args, "--no-cache", "--jobs", "1", "--exit-zero"], options.repeat).seconds
        suite.by_fraction[fraction] = (seconds, line_count(part))
    drop_cache()
    return suite


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or platform.machine()
    return f"{model}, {cpus} CPUs, Python {platform.python_version()}, {platform.system()}"


def report(suites: list[Suite], options) -> dict:
    def total(attr: str) -> float:
        return sum(getattr(getattr(s, attr), "seconds", 0.0) if isinstance(getattr(s, attr), Check)
                   else getattr(s, attr) for s in suites)

    print()
    print(f"date: {time.strftime('%Y-%m-%d')}; machine: {machine()}; sample {options.sample:g}; "
          f"all jobs = {options.jobs}")
    head = (f"{'suite':11} {'files':>6} {'lines':>8} {'ast s':>7} {'libcst s':>8} {'cold j1':>8} "
            f"{f'cold j{options.jobs}':>8} {'fill':>7} {'warm':>7} {'1 file':>7} {'peak MiB':>8} {'fixit':>7}")
    print(head)
    print("-" * len(head))
    for s in suites:
        peak = max(c.peak_mib for c in (s.cold1, s.coldn, s.fill, s.warm) if c)
        fixit = f"{s.fixit.seconds:7.2f}" if s.fixit else f"{'-':>7}"
        print(f"{s.name:11} {s.files:6} {s.lines:8} {s.ast_s:7.2f} {s.libcst_s:8.2f} {s.cold1.seconds:8.2f} "
              f"{s.coldn.seconds:8.2f} {s.fill.seconds:7.2f} {s.warm.seconds:7.2f} {s.one_file.seconds:7.2f} "
              f"{peak:8.0f} {fixit}")
    lines = sum(s.lines for s in suites)
    ast_s, libcst_s, cold1, coldn, warm = (total(a) for a in ("ast_s", "libcst_s", "cold1", "coldn", "warm"))
    peak = max(max(c.peak_mib for c in (s.cold1, s.coldn, s.fill, s.warm)) for s in suites)
    print(f"{'total':11} {sum(s.files for s in suites):6} {lines:8} {ast_s:7.2f} {libcst_s:8.2f} {cold1:8.2f} "
          f"{coldn:8.2f} {total('fill'):7.2f} {warm:7.2f} {total('one_file'):7.2f} {peak:8.0f}")
    read_lines = sum(s.read_lines for s in suites)
    print()
    print(f"ratios: cold j1 / ast.parse = {cold1 / ast_s:.1f}x; libcst.parse_module / ast.parse = "
          f"{libcst_s / ast_s:.1f}x; cold j1 / libcst.parse_module = {cold1 / libcst_s:.2f}x")
    if read_lines:
        libcst_read = sum(s.libcst_read_s for s in suites)
        print(f"the checks read {sum(s.read_files for s in suites)} files, {read_lines} lines (the suites plus "
              f"the project code they import): cold j1 / libcst parse of those = {cold1 / libcst_read:.2f}x")
    fixits = [s for s in suites if s.fixit]
    if fixits:
        print(f"fixit lint / libcst.parse_module = "
              f"{sum(s.fixit.seconds for s in fixits) / sum(s.libcst_s for s in fixits):.1f}x")
    per_line = {}
    for fraction in FRACTIONS:
        seconds = sum(s.by_fraction[fraction][0] for s in suites)
        counted = sum(s.by_fraction[fraction][1] for s in suites)
        per_line[fraction] = seconds / counted * 1e6
        print(f"cold j1 on {fraction:4.0%} of the corpus: {seconds:7.2f} s for {counted} lines = "
              f"{per_line[fraction]:.1f} µs/line")
    growth = per_line[1.0] / per_line[0.25]
    outcomes = {
        "cold_vs_libcst": (cold1 / libcst_s, cold1 / libcst_s <= TARGETS["cold_vs_libcst"]),
        "jobs2_speedup": (cold1 / coldn, cold1 / coldn >= TARGETS["jobs2_speedup"]),
        "warm_vs_cold": (warm / cold1, warm / cold1 <= TARGETS["warm_vs_cold"]),
        "per_line_growth": (growth, growth <= TARGETS["per_line_growth"]),
        "peak_mib": (peak, peak < TARGETS["peak_mib"]),
    }
    same = all(s.same_findings for s in suites)
    print()
    labels = {
        "cold_vs_libcst": "cold --no-cache --jobs 1 vs libcst parse   <= 2.0x",
        "jobs2_speedup": f"--jobs 1 / --jobs {options.jobs} (speed-up)          >= 1.6x",
        "warm_vs_cold": "warm / cold (--jobs 1)                   <= 0.10x",
        "per_line_growth": "time per line, 100% / 25%                <= 1.25x",
        "peak_mib": "peak memory (MiB, largest process)       < 1024",
    }
    for key, (value, ok) in outcomes.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {labels[key]}: {value:.2f}")
    print(f"  {'PASS' if same else 'FAIL'}  findings identical: cold j1, cold j{options.jobs}, filling the cache, warm")
    if options.jobs < 2:
        print("  (one CPU: the --jobs target cannot be measured here)")
    walls = [pair for s in suites for pair in s.parallelism]
    capacity = None
    if walls and options.jobs > 1:
        capacity = options.jobs * min(a for a, _ in walls) / min(b for _, b in walls)
        each = sorted(options.jobs * a / b for a, b in walls)
        print(f"  this machine, beside the cold runs: {options.jobs} CPU-bound Python processes at once ran "
              f"{capacity:.2f}x as fast as one at a time (best times; round by round {each[0]:.2f} to "
              f"{each[-1]:.2f}, median {each[len(each) // 2]:.2f}): the ceiling of the --jobs speed-up, "
              f"of which the checks reached {cold1 / coldn / capacity:.0%}")
    return {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "sample": options.sample, "jobs": options.jobs,
            "suites": [{k: v for k, v in asdict(s).items()} for s in suites],
            "outcomes": {k: {"value": v, "pass": ok} for k, (v, ok) in outcomes.items()}, "same_findings": same,
            "machine_parallelism": capacity}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the sdists are kept")
    parser.add_argument("--sample", type=float, default=1.0, help="fraction of each suite's test files (0-1]")
    parser.add_argument("--suites", default=",".join(SUITES), help="comma-separated: " + ",".join(SUITES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="'all jobs' (default: CPUs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best counts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    if not 0 < options.sample <= 1:
        parser.error("--sample must be in (0, 1]")
    names = [n.strip() for n in options.suites.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        parser.error(f"unknown suites: {', '.join(unknown)}")
    suites = [bench_suite(name, options) for name in names]
    figures = report(suites, options)
    if options.json:
        for suite in figures["suites"]:
            for key in ("cold1", "coldn", "fill", "warm", "one_file", "fixit"):
                if suite.get(key):
                    suite[key].pop("output", None)
        options.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
