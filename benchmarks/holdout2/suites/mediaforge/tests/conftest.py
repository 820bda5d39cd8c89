import os

os.environ.setdefault("MEDIAFORGE_ENV", "test")

import dramatiq  # noqa: E402
import pytest  # noqa: E402
from dramatiq import Worker  # noqa: E402

import mediaforge.actors  # noqa: E402,F401  (declares the actors on the stub broker)
from mediaforge.storage import s3_client  # noqa: E402


@pytest.fixture(scope="session")
def broker():
    broker = dramatiq.get_broker()
    broker.flush_all()
    return broker


@pytest.fixture(scope="session")
def worker(broker):
    worker = Worker(broker, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def s3():
    return s3_client()
