import asyncio

import pytest

from telemetry.ingest import ingest_batch
from telemetry.rollup import rollup

from .helpers import POINTS, seed_raw, start_ingest


async def test_rollup_runs_in_background(clean_redis):
    await seed_raw(clean_redis, "cpu", [0.1, 0.5, 0.9])
    asyncio.create_task(rollup(clean_redis, "cpu", 60))
    await asyncio.sleep(0)
    assert await clean_redis.exists("raw:cpu")


@pytest.mark.parametrize("metrics", [("cpu",), ("cpu", "mem", "disk")])
async def test_rollups_gathered(redis, metrics):
    for metric in metrics:
        await seed_raw(redis, metric, [1, 2, 3])
    tasks = [asyncio.create_task(rollup(redis, m, 60)) for m in metrics]
    try:
        summaries = await asyncio.gather(*tasks)
        assert [s["count"] for s in summaries] == [3] * len(metrics)
    finally:
        await redis.delete(*[f"raw:{m}" for m in metrics], *[f"rollup:{m}:60" for m in metrics])


async def test_ingest_finishes_within_timeout(redis):
    task = asyncio.create_task(ingest_batch(redis, "stream:mem", POINTS))
    try:
        assert await asyncio.wait_for(task, timeout=5) == len(POINTS)
    finally:
        await redis.delete("stream:mem")


async def test_ingest_helper_appends_every_point(redis, stream_key):
    ingest = start_ingest(redis, stream_key)
    assert await ingest == len(POINTS)
    assert await redis.xlen(stream_key) == len(POINTS)
