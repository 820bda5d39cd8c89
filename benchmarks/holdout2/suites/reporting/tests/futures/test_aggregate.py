from concurrent.futures import Future, ThreadPoolExecutor
from unittest import mock

from reporting import service
from reporting.aggregator import aggregate_region

from .conftest import DSN


def test_aggregation_submitted(region):
    executor = ThreadPoolExecutor(max_workers=2)
    future = executor.submit(aggregate_region, DSN, region)
    executor.shutdown(wait=False)
    assert isinstance(future, Future)


def test_aggregation_in_executor_context(region):
    with ThreadPoolExecutor(max_workers=2) as executor:
        futures = [executor.submit(aggregate_region, DSN, region) for _ in range(2)]
    assert all(future.done() for future in futures)


def test_aggregation_result(region):
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        total = executor.submit(aggregate_region, DSN, region).result(timeout=30)
    finally:
        executor.shutdown()
    assert total == 125250


def test_scheduled_aggregation_patched(region):
    with mock.patch.object(service.EXECUTOR, "submit") as submit:
        service.schedule_aggregation(DSN, region)
    submit.assert_called_once_with(aggregate_region, DSN, region)
