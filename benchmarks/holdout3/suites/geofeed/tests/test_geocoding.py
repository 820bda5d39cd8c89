from datetime import timedelta

import pytest
from arq.jobs import JobStatus

from .helpers import enqueue_geocoding


@pytest.mark.asyncio
async def test_refresh_tiles_enqueued(arq_redis, region):
    job = await arq_redis.enqueue_job("refresh_tiles", region, _job_id=f"refresh:{region}")
    assert job is not None
    assert await job.status() in (JobStatus.queued, JobStatus.in_progress, JobStatus.complete)


@pytest.mark.asyncio
async def test_geocode_runs_in_burst(arq_redis, worker, address):
    job = await arq_redis.enqueue_job("geocode_address", address)
    await worker.main()
    result = await job.result(timeout=5)
    assert result["id"] == address
    assert worker.jobs_complete == 1


@pytest.mark.asyncio
async def test_nightly_geocode_batch(arq_redis, address_batch):
    await enqueue_geocoding(arq_redis, address_batch)
    queued = await arq_redis.queued_jobs()
    assert {j.args[0] for j in queued} >= set(address_batch)


@pytest.mark.asyncio
async def test_deferred_refresh_can_be_aborted(arq_redis, pg):
    region_id = await pg.fetchval("INSERT INTO regions (name) VALUES ($1) RETURNING id", "pyrenees")
    job = await arq_redis.enqueue_job("refresh_tiles", region_id, _defer_by=timedelta(minutes=5))
    try:
        info = await job.info()
        assert info.function == "refresh_tiles"
    finally:
        await job.abort(timeout=2)
        await pg.execute("DELETE FROM regions WHERE id = $1", region_id)
