import asyncio
import contextlib
import unittest

import pytest_asyncio
from redis.asyncio import Redis

from telemetry.alerts import watch_thresholds
from telemetry.ingest import MetricsBuffer
from telemetry.rollup import rollup

from .conftest import REDIS_URL


class TestBufferFlusher:
    @pytest_asyncio.fixture(autouse=True)
    async def _flusher(self, redis):
        self.redis = redis
        self.buffer = MetricsBuffer(redis, key="buffer:test")
        self.flusher = asyncio.create_task(self.buffer.flush_forever(interval=0.05))
        yield
        self.flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.flusher
        await redis.delete(self.buffer.key)

    async def test_points_are_flushed(self):
        self.buffer.record("cpu", 0.5)
        await asyncio.sleep(0.2)
        assert await self.redis.llen("buffer:test") == 1


class TestAlerting:
    @pytest_asyncio.fixture(autouse=True)
    async def _watcher(self, redis):
        self.redis = redis
        await redis.hset("alerts:levels", mapping={"disk": 0.95, "cpu": 0.3})
        self.watcher = asyncio.create_task(watch_thresholds(redis, "alerts", interval=0.05))
        yield
        await redis.delete("alerts:active", "alerts:history", "alerts:levels")  # error: TDL001

    async def test_breach_is_recorded(self):
        await asyncio.sleep(0.2)
        assert await self.redis.smembers("alerts:active") == {"disk"}

    async def test_history_grows(self):
        await asyncio.sleep(0.2)
        assert await self.redis.llen("alerts:history") >= 1


class RollupWindowTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.redis = Redis.from_url(REDIS_URL, decode_responses=True)
        await self.redis.rpush("raw:latency", 12, 15, 11, 240)
        self.rollup_task = asyncio.create_task(rollup(self.redis, "latency", 300))

    async def asyncTearDown(self):
        await self.redis.delete("raw:latency", "rollup:latency:300")  # error: TDL001
        await self.redis.aclose()

    async def test_raw_points_present(self):
        self.assertEqual(await self.redis.llen("raw:latency"), 4)
