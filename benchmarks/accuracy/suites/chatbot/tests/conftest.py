from uuid import uuid4

import pytest

from chatbot.broker import broker
from chatbot.store import get_redis, messages_key, thread_key


@pytest.fixture
async def running_broker():
    await broker.startup()
    yield broker
    await broker.shutdown()


@pytest.fixture
async def redis():
    client = get_redis()
    yield client
    await client.aclose()


@pytest.fixture
async def thread(running_broker, redis):
    thread_id = uuid4().hex
    await redis.hset(thread_key(thread_id), mapping={"title": "support"})
    await redis.rpush(messages_key(thread_id), "hi there", "my order #123 is late")
    yield thread_id
    await redis.delete(thread_key(thread_id), messages_key(thread_id))  # error: TDL001
