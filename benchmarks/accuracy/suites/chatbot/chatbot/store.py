import redis.asyncio as aioredis

from chatbot.broker import REDIS_URL


def get_redis() -> aioredis.Redis:
    return aioredis.from_url(REDIS_URL, decode_responses=True)


def thread_key(thread_id: str) -> str:
    return f"thread:{thread_id}"


def messages_key(thread_id: str) -> str:
    return f"thread:{thread_id}:messages"
