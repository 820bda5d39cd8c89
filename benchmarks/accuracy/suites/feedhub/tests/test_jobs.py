from rq import Queue, SimpleWorker
from rq.job import JobStatus

from feedhub.db import Entry
from feedhub.jobs import fetch_feed, refresh_thumbnails
from tests.helpers import schedule_refresh


def test_fetch_feed_parses_entries(feed, queues, redis_conn, db_session):
    queues["default"].enqueue(fetch_feed, feed.id)

    # burst mode keeps going until the queue is empty, so the chained parse_entries runs too
    SimpleWorker([queues["default"]], connection=redis_conn).work(burst=True)

    assert db_session.query(Entry).filter_by(feed_id=feed.id).count() > 0


def test_thumbnail_refresh_goes_to_low_queue(feed, queues, redis_conn):
    job = queues["low"].enqueue(refresh_thumbnails, feed.id)

    SimpleWorker([queues["default"]], connection=redis_conn).work(burst=True)

    assert job.origin == "low"


def test_fetch_runs_synchronously(feed, queues, redis_conn):
    inline = Queue("default", is_async=False, connection=redis_conn)

    job = inline.enqueue(fetch_feed, feed.id)

    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value() > 0
    # the follow-up parse_entries job went onto the real default queue
    assert queues["default"].count >= 1


def test_cancelled_refresh_never_runs(feed, queues):
    job = queues["low"].enqueue(refresh_thumbnails, feed.id)
    try:
        assert job.get_status() == JobStatus.QUEUED
    finally:
        job.cancel()


def test_bulk_fetch_is_enqueued(feed_factory, queues):
    feeds = feed_factory(3)
    for f in feeds:
        queues["default"].enqueue(fetch_feed, f.id)

    assert queues["default"].count >= 3
    queues["default"].empty()


def test_refresh_button_uses_etag(feed, queues, redis_conn):
    redis_conn.set(f"feed:{feed.id}:etag", 'W/"abc123"')
    try:
        job = schedule_refresh(queues, feed)
        assert job.origin == "default"
        assert job.timeout == 30
    finally:
        redis_conn.delete(f"feed:{feed.id}:etag")  # error: TDL001
