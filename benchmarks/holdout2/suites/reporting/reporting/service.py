from concurrent.futures import ThreadPoolExecutor

from .aggregator import aggregate_region

EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aggregate")


def schedule_aggregation(dsn, region_id):
    return EXECUTOR.submit(aggregate_region, dsn, region_id)
