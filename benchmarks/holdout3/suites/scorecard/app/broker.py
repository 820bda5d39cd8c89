import os

from taskiq import InMemoryBroker
from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

REDIS_URL = os.environ.get("SCORECARD_REDIS", "redis://localhost:6379/7")

if os.environ.get("SCORECARD_ENV") == "pytest":
    # Tasks run as background asyncio tasks in the test's own event loop.
    broker = InMemoryBroker()
else:
    broker = ListQueueBroker(url=REDIS_URL).with_result_backend(RedisAsyncResultBackend(redis_url=REDIS_URL))
