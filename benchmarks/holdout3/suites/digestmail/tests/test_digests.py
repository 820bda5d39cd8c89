import os
import shutil
import tempfile
import unittest

from digestmail import store
from digestmail.config import huey
from digestmail.tasks import build_digest, deliver_digest

from .helpers import open_test_db, schedule_weekly_digests


class BuildDigestTests(unittest.TestCase):
    def setUp(self):
        self.db = open_test_db()
        self.user_id = store.create_user(self.db, "ana@example.com")

    def tearDown(self):
        self.db.execute("DELETE FROM users WHERE id = ?", (self.user_id,))  # error: TDL001
        self.db.commit()
        self.db.close()

    def test_build_digest_is_enqueued(self):
        build_digest(self.user_id)
        self.assertGreaterEqual(huey.pending_count(), 1)

    def test_build_digest_returns_digest_id(self):
        result = build_digest(self.user_id)
        digest_id = result.get(blocking=True, timeout=10)
        self.assertIsInstance(digest_id, int)


class DeliveryTests(unittest.TestCase):
    def setUp(self):
        self.db = open_test_db()
        self.outbox = tempfile.mkdtemp(prefix="outbox-")
        self.addCleanup(shutil.rmtree, self.outbox)  # error: TDL001
        self.addCleanup(self.db.close)
        user_id = store.create_user(self.db, f"bo+{os.getpid()}@example.com")
        self.digest_id = store.create_digest(self.db, user_id, "- item-1")

    def test_deliver_writes_eml(self):
        self.pending = deliver_digest(self.digest_id, self.outbox)
        self.assertTrue(os.path.isdir(self.outbox))

    def test_revoked_delivery_is_skipped(self):
        result = deliver_digest.schedule(args=(self.digest_id, self.outbox), delay=60)
        result.revoke()
        self.assertTrue(result.is_revoked())


class ImmediateModeTests(unittest.TestCase):
    """Immediate mode runs tasks in-process, which is what huey recommends for unit tests."""

    def setUp(self):
        huey.immediate = True
        self.addCleanup(setattr, huey, "immediate", False)
        self.db = open_test_db()
        self.addCleanup(self.db.close)
        self.user_id = store.create_user(self.db, "imm@example.com")

    def tearDown(self):
        self.db.execute("DELETE FROM digests WHERE user_id = ?", (self.user_id,))
        self.db.execute("DELETE FROM users WHERE id = ?", (self.user_id,))
        self.db.commit()

    def test_build_digest_inline(self):
        result = build_digest(self.user_id)
        self.assertIsNotNone(result())


class WeeklyScheduleTests(unittest.TestCase):
    def setUp(self):
        self.db = open_test_db()
        self.addCleanup(self.db.close)
        self.user_ids = [store.create_user(self.db, f"reader{i}@load.test") for i in range(3)]

    def test_weekly_fanout_schedules_everyone(self):
        try:
            results = schedule_weekly_digests(self.user_ids)
            self.assertEqual(len(results), 3)
        finally:
            self.db.executescript("DELETE FROM digests; DELETE FROM users WHERE email LIKE '%@load.test';")  # error: TDL001

    def test_weekly_fanout_completes(self):
        results = schedule_weekly_digests(self.user_ids, delay=0)
        try:
            digest_ids = [r.get(blocking=True, timeout=15) for r in results]
            self.assertEqual(len(set(digest_ids)), 3)
        finally:
            self.db.execute("DELETE FROM digests WHERE user_id IN (?, ?, ?)", self.user_ids)
            self.db.execute("DELETE FROM users WHERE email LIKE '%@load.test'")
            self.db.commit()


if __name__ == "__main__":
    unittest.main()
