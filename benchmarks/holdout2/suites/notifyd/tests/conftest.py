import pytest_asyncio
from arq import create_pool
from motor.motor_asyncio import AsyncIOMotorClient

from notifyd.settings import DB_NAME, MONGO_URL, REDIS_SETTINGS


@pytest_asyncio.fixture
async def arq_redis():
    redis = await create_pool(REDIS_SETTINGS)
    yield redis
    await redis.aclose()


@pytest_asyncio.fixture
async def mongo():
    client = AsyncIOMotorClient(MONGO_URL)
    yield client[DB_NAME]
    client.close()
