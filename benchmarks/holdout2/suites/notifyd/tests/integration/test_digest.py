import pytest

from tests.support.waiting import wait_until_idle

pytestmark = pytest.mark.asyncio


async def test_digest_enqueued(arq_redis, user):
    job = await arq_redis.enqueue_job("send_digest", str(user))
    assert job is not None


async def test_digest_result_counts_notifications(arq_redis, user_with_notifications):
    job = await arq_redis.enqueue_job("send_digest", str(user_with_notifications))
    assert await job.result(timeout=15) == 3


async def test_digest_and_deliveries_drained(arq_redis, mongo, user_with_notifications):
    await arq_redis.enqueue_job("send_digest", str(user_with_notifications))
    await wait_until_idle(arq_redis)
    undelivered = await mongo.notifications.count_documents(
        {"user_id": user_with_notifications, "delivered": False}
    )
    assert undelivered == 0
