"""Two staging setups: teardown order decides whether the pool is drained before the
directory goes away (pytest tears fixtures down in reverse order of setup)."""
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from etl.export import write_part


@pytest.fixture
def executor():
    pool = ThreadPoolExecutor(max_workers=2)
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture
def staging(executor, tmp_path):
    directory = tmp_path / "staging"
    directory.mkdir()
    yield directory
    shutil.rmtree(directory)  # error: TDL001


def test_staging_parts_written_async(staging, executor):
    for i in range(10):
        executor.submit(write_part, staging, i)


@pytest.fixture
def outbox(tmp_path):
    directory = tmp_path / "outbox"
    directory.mkdir()
    yield directory
    shutil.rmtree(directory)


@pytest.fixture
def drained_executor(outbox):
    pool = ThreadPoolExecutor(max_workers=2)
    yield pool
    pool.shutdown(wait=True)


def test_outbox_parts_written_async(drained_executor, outbox):
    for i in range(10):
        drained_executor.submit(write_part, outbox, i)
