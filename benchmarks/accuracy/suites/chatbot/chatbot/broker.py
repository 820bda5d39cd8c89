import os

from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")

broker: AsyncBroker = ListQueueBroker(url=REDIS_URL).with_result_backend(
    RedisAsyncResultBackend(redis_url=REDIS_URL, result_ex_time=3600)
)

if os.environ.get("ENVIRONMENT") == "pytest":
    # tests run tasks in-process, as background asyncio tasks on the test's loop
    broker = InMemoryBroker()
