import copy
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from functools import partial

import pytest
from pymongo import MongoClient

from catalogsync.settings import MONGO_URI
from catalogsync.sync import import_feed, rebuild_search_index, reprice_all, sync_product, warm_cache

from .helpers import FEED_ROWS, SEED, SKUS, fan_out

pytestmark = pytest.mark.mongo


@pytest.fixture
def products(catalog_db):
    coll = catalog_db["products"]
    coll.insert_many(copy.deepcopy(SEED))
    yield coll
    coll.drop()


@pytest.fixture
def prices(catalog_db):
    coll = catalog_db["prices"]
    coll.insert_many([{"sku": d["sku"], "price": d["price"], "source": "test"} for d in SEED])
    yield coll
    coll.delete_many({"source": "test"})  # error: TDL001


def test_parallel_sync(products, sync_pool):
    for sku in SKUS:
        sync_pool.submit(sync_product, products, sku)
    assert products.estimated_document_count() >= len(SEED)


def test_sync_reports_failures(products):
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(sync_product, products, sku): sku for sku in [*SKUS, "SKU-MISSING"]}
    failed = [sku for fut, sku in futures.items() if fut.exception() is not None]
    assert failed == ["SKU-MISSING"]


def test_fan_out_waits_for_all(products):
    pool = ThreadPoolExecutor(max_workers=4)
    futures = fan_out(pool, partial(sync_product, products), SKUS)
    done, not_done = wait(futures, timeout=30)
    assert not not_done
    pool.shutdown()


def test_reprice_is_async(sync_pool, prices):
    future = sync_pool.submit(reprice_all, prices, 1.1)
    assert isinstance(future, Future)
    assert not future.cancelled()


def test_feed_import_is_non_blocking(catalog_db):
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed")
    started = time.monotonic()
    future = executor.submit(import_feed, catalog_db, FEED_ROWS)
    try:
        assert time.monotonic() - started < 0.5
        assert not future.cancelled()
    finally:
        catalog_db["feeds"].drop()  # error: TDL001
        executor.shutdown(wait=False)


def test_search_index_rebuild_in_subprocess(catalog_db):
    catalog_db["products"].insert_many(copy.deepcopy(SEED))
    executor = ProcessPoolExecutor(max_workers=2)
    try:
        executor.submit(rebuild_search_index, MONGO_URI, catalog_db.name)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        catalog_db["search_index"].delete_many({})  # error: TDL001


class TestCacheWarmer:
    def setup_method(self, method):
        self.client = MongoClient(MONGO_URI)
        self.cache = self.client["catalog_test"]["price_cache"]
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="warm")
        self.pool.submit(warm_cache, self.cache, SKUS)

    def teardown_method(self, method):
        self.pool.shutdown(wait=True)
        self.cache.delete_many({})
        self.client.close()

    def test_cache_collection_name(self):
        assert self.cache.name == "price_cache"

    def test_pool_is_bounded(self):
        assert self.pool._max_workers == 2
