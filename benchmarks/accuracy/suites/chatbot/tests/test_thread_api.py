import unittest
from uuid import uuid4

from chatbot.broker import broker
from chatbot.store import get_redis, messages_key, thread_key
from chatbot.tasks import summarize_thread


class ThreadSummaryTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        await broker.startup()
        self.addAsyncCleanup(broker.shutdown)

        self.redis = get_redis()
        self.addAsyncCleanup(self.redis.aclose)

        self.thread_id = uuid4().hex
        await self.redis.hset(thread_key(self.thread_id), mapping={"title": "billing"})
        await self.redis.rpush(messages_key(self.thread_id), "invoice missing")
        self.addAsyncCleanup(self.redis.delete, thread_key(self.thread_id), messages_key(self.thread_id))  # error: TDL001

    async def test_summary_is_stored(self):
        task = await summarize_thread.kiq(self.thread_id)
        result = await task.wait_result(timeout=5)

        self.assertFalse(result.is_err)
        self.assertEqual(await self.redis.hget(thread_key(self.thread_id), "summary"), "invoice missing")

    async def test_summary_request_is_accepted(self):
        task = await summarize_thread.kiq(self.thread_id)

        self.assertTrue(task.task_id)
