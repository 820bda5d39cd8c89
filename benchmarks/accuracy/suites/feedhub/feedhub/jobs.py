"""RQ jobs. `fetch_feed` chains `parse_entries` on the default queue."""
from datetime import datetime, timezone

import feedparser
import httpx

from feedhub.db import Entry, Feed, SessionLocal
from feedhub.queues import get_queue, get_redis


def fetch_feed(feed_id: int) -> int:
    with SessionLocal() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise LookupError(f"feed {feed_id} is gone")
        headers = {}
        etag = get_redis().get(f"feed:{feed_id}:etag")
        if etag:
            headers["If-None-Match"] = etag.decode()
        response = httpx.get(feed.url, headers=headers, timeout=10, follow_redirects=True)
        if response.status_code == 304:
            return 0
        feed.raw = response.text
        feed.fetched_at = datetime.now(timezone.utc)
        session.commit()
    get_queue("default").enqueue(parse_entries, feed_id)
    return len(response.text)


def parse_entries(feed_id: int) -> int:
    with SessionLocal() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise LookupError(f"feed {feed_id} is gone")
        parsed = feedparser.parse(feed.raw or "")
        known = {e.guid for e in feed.entries}
        for item in parsed.entries:
            guid = item.get("id") or item.get("link")
            if guid and guid not in known:
                session.add(Entry(feed_id=feed.id, guid=guid, title=item.get("title", "")))
        session.commit()
        return len(parsed.entries)


def refresh_thumbnails(feed_id: int) -> int:
    with SessionLocal() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise LookupError(f"feed {feed_id} is gone")
        updated = 0
        for entry in feed.entries:
            if entry.thumbnail is None:
                entry.thumbnail = f"/thumbs/{entry.id}.jpg"
                updated += 1
        session.commit()
        return updated
