"""The speed benchmark's own arithmetic (`benchmarks/run.py`): what it reports beside the targets."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    sys.modules.pop("run", None)
    import run

    yield run
    sys.modules.pop("run", None)


def test_machine_parallelism_times_one_process_alone_then_several_at_once(bench):
    alone, together = bench.machine_parallelism(2, loops=20_000)
    assert 0 < alone < 5 and 0 < together < 5


def _suite(bench, name, cold1, coldn, walls):
    check = lambda seconds: bench.Check(seconds, 100.0, 0)  # noqa: E731
    suite = bench.Suite(name, files=1, lines=1000, ast_s=0.1, libcst_s=1.0, cold1=check(cold1), coldn=check(coldn),
                        fill=check(coldn), warm=check(0.05), one_file=check(0.2))
    suite.by_fraction = {fraction: (cold1 * fraction, int(1000 * fraction)) for fraction in bench.FRACTIONS}
    suite.parallelism = walls
    return suite


def test_the_report_sets_the_speed_up_beside_what_the_machine_gave_two_processes(bench, capsys):
    """The ceiling comes from the best times, as the checks' ratio does: 2 x 0.30 / 0.40 = 1.5;
    the checks' 16 / 10 = 1.6 is 107% of it. Round by round: 1.24, 1.33, 1.65 and 1.67."""
    suites = [_suite(bench, "a", 12.0, 7.5, [(0.30, 0.45), (0.33, 0.40)]),
              _suite(bench, "b", 4.0, 2.5, [(0.31, 0.50), (0.40, 0.48)])]
    figures = bench.report(suites, Namespace(sample=0.2, jobs=2))
    out = capsys.readouterr().out
    assert "PASS  --jobs 1 / --jobs 2 (speed-up)          >= 1.6x: 1.60" in out
    assert "2 CPU-bound Python processes at once ran 1.50x as fast as one at a time" in out
    assert "round by round 1.24 to 1.67, median 1.65" in out and "of which the checks reached 107%" in out
    assert figures["machine_parallelism"] == pytest.approx(1.5)
    json.dumps(figures, default=str)  # what --json writes


def test_the_parses_are_the_best_of_the_rounds_as_the_cold_runs_are(bench):
    """One parse timed before the cold runs could meet a fast minute and the runs' best a slow one
    (Django's fifth: parse 3.46 s, one job 17.3 s, so 2.21x the parse at a time when it was
    1.5-1.9x). Each round of cold runs is followed by a parse; the best counts."""
    suite = bench.Suite("a")
    suite.add_round((0.3, 0.4), (0.12, 1.30))
    suite.add_round((0.3, 0.5), (0.10, 1.45))
    suite.add_round((0.4, 0.4), (0.11, 1.21))
    assert (suite.ast_s, suite.libcst_s) == (0.10, 1.21)
    assert suite.parses == [(0.12, 1.30), (0.10, 1.45), (0.11, 1.21)] and len(suite.parallelism) == 3
