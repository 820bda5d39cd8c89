import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from pymongo import MongoClient

from catalogsync.settings import MONGO_URI


@pytest.fixture(scope="session")
def mongo_client():
    client = MongoClient(MONGO_URI, serverSelectionTimeoutMS=2000)
    yield client
    client.close()


@pytest.fixture
def catalog_db(mongo_client):
    return mongo_client[os.environ.get("CATALOG_TEST_DB", "catalog_test")]


@pytest.fixture
def sync_pool():
    """Thread pool like the one the sync service uses; shut down (and drained) after the test."""
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sync")
    yield pool
    pool.shutdown(wait=True)
