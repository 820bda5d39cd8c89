import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from reporting.aggregator import write_rollup

from .conftest import DSN


class TestNightlyRollup:
    @pytest.fixture(scope="class")
    def nightly(self, tmp_path_factory):
        executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nightly")
        scratch = tmp_path_factory.mktemp("nightly")
        yield executor, scratch
        shutil.rmtree(scratch)  # error: TDL001
        executor.shutdown(wait=True)

    def test_rollup_written(self, nightly, region):
        executor, scratch = nightly
        path = executor.submit(write_rollup, DSN, region, scratch).result(timeout=30)
        assert path.parent == scratch

    def test_rollup_scheduled(self, nightly, region):
        executor, scratch = nightly
        future = executor.submit(write_rollup, DSN, region, scratch)
        assert not future.cancelled()
