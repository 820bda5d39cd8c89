from tests.support.asynctest import MongoArqTestCase


class DeliveryAttemptTests(MongoArqTestCase):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.notification_id = await self.insert_notification("your export is ready")
        self.addAsyncCleanup(self.db.notifications.delete_one, {"_id": self.notification_id})

    async def asyncTearDown(self):
        await self.db.drop_collection("delivery_attempts")  # error: TDL001
        await super().asyncTearDown()

    async def test_delivery_result_awaited(self):
        job = await self.redis.enqueue_job("deliver_notification", str(self.notification_id))
        self.assertEqual(await job.result(timeout=10), "sent")

    async def test_delivery_result_left_to_cleanup(self):
        job = await self.redis.enqueue_job("deliver_notification", str(self.notification_id))
        self.addAsyncCleanup(job.result, timeout=10)
        self.assertIsNotNone(job.job_id)


class NotificationCleanupTests(MongoArqTestCase):
    async def test_wait_registered_after_delete(self):
        notification_id = await self.insert_notification("weekly summary")
        self.addAsyncCleanup(self.db.notifications.delete_one, {"_id": notification_id})
        job = await self.redis.enqueue_job("deliver_notification", str(notification_id))
        self.addAsyncCleanup(job.result, timeout=10)
        self.assertIsNotNone(job.job_id)
