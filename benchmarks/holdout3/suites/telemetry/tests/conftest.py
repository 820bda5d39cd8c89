import os
import uuid

import pytest_asyncio
from redis.asyncio import Redis

REDIS_URL = os.environ.get("TELEMETRY_TEST_REDIS", "redis://localhost:6379/15")


@pytest_asyncio.fixture
async def redis():
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def clean_redis(redis):
    """A redis client whose database is wiped after the test."""
    yield redis
    await redis.flushdb()  # error: TDL001


@pytest_asyncio.fixture
async def stream_key(redis):
    key = f"metrics:test:{uuid.uuid4().hex[:8]}"
    yield key
    await redis.delete(key)
