import unittest

from arq import create_pool
from motor.motor_asyncio import AsyncIOMotorClient

from notifyd.settings import DB_NAME, MONGO_URL, REDIS_SETTINGS


class MongoArqTestCase(unittest.IsolatedAsyncioTestCase):
    """Per-test arq pool, Mongo database handle and a user document."""

    async def asyncSetUp(self):
        self.redis = await create_pool(REDIS_SETTINGS)
        self.addAsyncCleanup(self.redis.aclose)
        self.mongo = AsyncIOMotorClient(MONGO_URL)
        self.addCleanup(self.mongo.close)
        self.db = self.mongo[DB_NAME]
        self.user_id = (await self.db.users.insert_one({"email": "case@example.com"})).inserted_id
        self.addAsyncCleanup(self.db.users.delete_one, {"_id": self.user_id})

    async def insert_notification(self, text="hello"):
        inserted = await self.db.notifications.insert_one(
            {"user_id": self.user_id, "text": text, "delivered": False}
        )
        return inserted.inserted_id
