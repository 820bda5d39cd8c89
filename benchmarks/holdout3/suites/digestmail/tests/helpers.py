import os

from digestmail import store
from digestmail.tasks import build_digest

TEST_DB = os.environ.get("DIGESTMAIL_DB", "/tmp/digestmail-test.sqlite3")


def open_test_db():
    return store.connect(TEST_DB)


def schedule_weekly_digests(user_ids, delay=1):
    """Mirror of ``weekly_digests`` with a short delay, so tests can inspect the schedule."""
    return [build_digest.schedule(args=(user_id,), delay=delay) for user_id in user_ids]
