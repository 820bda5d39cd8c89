import os

from taskiq import InMemoryBroker

from .settings import REDIS_URL

if os.environ.get("INGESTOR_ENV") == "pytest":
    # Tasks run as background asyncio tasks on the caller's event loop.
    broker = InMemoryBroker()
else:
    from taskiq_redis import ListQueueBroker, RedisAsyncResultBackend

    broker = ListQueueBroker(url=REDIS_URL).with_result_backend(RedisAsyncResultBackend(redis_url=REDIS_URL))
