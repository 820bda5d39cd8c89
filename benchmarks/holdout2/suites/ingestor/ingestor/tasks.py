from .broker import broker
from .db import SessionFactory
from .feeds import download_items
from .models import Entry, Feed


def tokenize(text):
    return " ".join(sorted({word.lower().strip(".,:;!?") for word in text.split() if len(word) > 2}))


@broker.task
async def fetch_feed(feed_id: int) -> int:
    """Store the feed's current items, then index each one in its own task."""
    async with SessionFactory() as session:
        feed = await session.get(Feed, feed_id)
        items = await download_items(feed.url)
        entries = [Entry(feed_id=feed.id, link=item["link"], title=item["title"]) for item in items]
        session.add_all(entries)
        await session.commit()
    for entry in entries:
        await index_entry.kiq(entry.id)
    return len(entries)


@broker.task
async def index_entry(entry_id: int) -> None:
    async with SessionFactory() as session:
        entry = await session.get(Entry, entry_id)
        entry.terms = tokenize(entry.title)
        entry.indexed = True
        await session.commit()
