from functools import lru_cache

from redis import Redis
from rq import Queue

from feedhub.settings import REDIS_URL


@lru_cache(maxsize=1)
def get_redis() -> Redis:
    return Redis.from_url(REDIS_URL)


def get_queue(name: str = "default") -> Queue:
    return Queue(name, connection=get_redis())
