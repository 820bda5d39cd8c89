import asyncio
import json
import time


async def ingest_batch(redis, stream, points):
    """Append metric points to a Redis stream, one XADD per point, trimming as we go."""
    for point in points:
        await redis.xadd(stream, {"m": point["metric"], "v": json.dumps(point["value"])}, maxlen=10_000)
        await asyncio.sleep(0)
    return len(points)


class MetricsBuffer:
    """Buffers points in memory and flushes them to a Redis list on an interval."""

    def __init__(self, redis, key):
        self.redis = redis
        self.key = key
        self._points = []

    def record(self, metric, value):
        self._points.append(json.dumps({"m": metric, "v": value, "t": time.time()}))

    async def flush(self):
        points, self._points = self._points, []
        if points:
            await self.redis.rpush(self.key, *points)
        return len(points)

    async def flush_forever(self, interval=1.0):
        while True:
            await self.flush()
            await asyncio.sleep(interval)
