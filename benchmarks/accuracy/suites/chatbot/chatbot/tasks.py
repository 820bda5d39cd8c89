import re
from uuid import uuid4

from chatbot.broker import broker
from chatbot.store import get_redis, messages_key, thread_key


@broker.task
async def summarize_thread(thread_id: str) -> str:
    redis = get_redis()
    try:
        if not await redis.exists(thread_key(thread_id)):
            raise LookupError(thread_id)
        messages = await redis.lrange(messages_key(thread_id), 0, -1)
        summary = " / ".join(m[:40] for m in messages[-5:])
        await redis.hset(thread_key(thread_id), "summary", summary)
        return summary
    finally:
        await redis.aclose()


@broker.task
async def ingest_message(thread_id: str, text: str) -> str:
    redis = get_redis()
    try:
        message_id = uuid4().hex
        await redis.hset(f"msg:{message_id}", mapping={"thread": thread_id, "text": text})
        await redis.rpush(messages_key(thread_id), text)
    finally:
        await redis.aclose()
    await index_message.kiq(message_id)
    return message_id


@broker.task
async def index_message(message_id: str) -> int:
    redis = get_redis()
    try:
        text = await redis.hget(f"msg:{message_id}", "text")
        if text is None:
            raise LookupError(message_id)
        tokens = set(re.findall(r"\w+", text.lower()))
        for token in tokens:
            await redis.sadd(f"idx:{token}", message_id)
        return len(tokens)
    finally:
        await redis.aclose()
