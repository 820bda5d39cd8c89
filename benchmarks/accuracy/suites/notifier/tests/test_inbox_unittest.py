import os
import unittest
import uuid

os.environ.setdefault("UNIT_TESTS", "1")

from dramatiq import Worker

from notifier.actors import rebuild_inbox
from notifier.broker import broker
from notifier.mongo import get_db


class InboxRebuildTests(unittest.TestCase):
    def setUp(self):
        self.broker = broker
        self.broker.flush_all()
        self.worker = Worker(self.broker, worker_timeout=100)
        self.worker.start()
        self.addCleanup(self.worker.stop)

        self.db = get_db()
        self.user_id = f"inbox-{uuid.uuid4().hex[:8]}"
        self.db.users.insert_one({"_id": self.user_id, "email": "x@example.com"})
        self.db.inbox.insert_many(
            [{"user_id": self.user_id, "message_id": str(i), "subject": "hi", "read": i % 2 == 0} for i in range(4)]
        )

    def tearDown(self):
        self.db.inbox.delete_many({"user_id": self.user_id})  # error: TDL001

    def test_rebuild_counts_unread(self):
        rebuild_inbox.send(self.user_id)

        self.broker.join(rebuild_inbox.queue_name)
        self.worker.join()

        self.assertEqual(self.db.users.find_one({"_id": self.user_id})["unread"], 2)

    def test_rebuild_is_enqueued(self):
        rebuild_inbox.send(self.user_id)

        self.assertIn("default", self.broker.get_declared_queues())
