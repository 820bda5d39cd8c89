from rq.job import Job

from feedhub.jobs import fetch_feed


def schedule_refresh(queues, feed, *, timeout: int = 30) -> Job:
    """What the admin "refresh now" button does."""
    return queues["default"].enqueue(fetch_feed, feed.id, job_timeout=timeout, description=f"refresh {feed.url}")
