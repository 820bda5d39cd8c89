import shutil

import pytest
from rq import Queue, SimpleWorker


@pytest.fixture(autouse=True)
def clear_balance_cache(redis_conn):
    yield
    for key in redis_conn.scan_iter("ledger:balance:*"):
        redis_conn.delete(key)  # error: TDL001


@pytest.fixture
def reports_queue(redis_conn):
    queue = Queue("reports", connection=redis_conn)
    yield queue
    queue.empty()


@pytest.fixture
def statement_dir(tmp_path_factory, reports_queue, redis_conn):
    path = tmp_path_factory.mktemp("statements")
    yield path
    shutil.rmtree(path)  # error: TDL001
    # run whatever the test left on the reports queue so nothing leaks into the next test
    SimpleWorker([reports_queue], connection=redis_conn).work(burst=True)
