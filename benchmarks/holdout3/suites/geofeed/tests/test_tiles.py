import pytest
import pytest_asyncio
from arq.jobs import JobStatus

from .helpers import seed_tiles


class TestTileCache:
    """Tile refreshes are kicked off when a region is (re)imported."""

    @pytest_asyncio.fixture(autouse=True)
    async def _tiles(self, arq_redis, pg):
        self.redis = arq_redis
        self.region_id = await pg.fetchval("INSERT INTO regions (name) VALUES ($1) RETURNING id", "dolomites")
        self.tile_ids = await seed_tiles(pg, self.region_id, count=4)
        self.job = await arq_redis.enqueue_job("refresh_tiles", self.region_id, _job_id=f"tiles:{self.region_id}")
        yield
        await arq_redis.delete(*[f"tile:{t}" for t in self.tile_ids])  # error: TDL001
        await pg.execute("TRUNCATE tiles, regions CASCADE")  # error: TDL001

    @pytest.mark.asyncio
    async def test_refresh_job_is_unique(self):
        again = await self.redis.enqueue_job("refresh_tiles", self.region_id, _job_id=f"tiles:{self.region_id}")
        assert again is None

    @pytest.mark.asyncio
    async def test_job_is_visible_in_queue(self):
        assert await self.job.status() in (JobStatus.queued, JobStatus.in_progress, JobStatus.complete)
