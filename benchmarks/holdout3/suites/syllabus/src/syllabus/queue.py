from bullmq import Queue

from .config import QUEUE_NAME, REDIS_URL

_queue = None


def get_queue() -> Queue:
    global _queue
    if _queue is None:
        _queue = Queue(QUEUE_NAME, {"connection": REDIS_URL})
    return _queue


async def add_job(name, data, **opts):
    return await get_queue().add(name, data, {"attempts": 3, "backoff": {"type": "exponential", "delay": 1000}, **opts})
