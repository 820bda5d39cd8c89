import asyncio

from telemetry.ingest import ingest_batch

POINTS = [{"metric": "cpu", "value": v} for v in (0.2, 0.4, 0.9, 0.7)]


def start_ingest(redis, stream, points=POINTS):
    """Start ingesting in the background, as the HTTP handler does."""
    return asyncio.ensure_future(ingest_batch(redis, stream, points))


async def seed_raw(redis, metric, values):
    await redis.rpush(f"raw:{metric}", *values)
