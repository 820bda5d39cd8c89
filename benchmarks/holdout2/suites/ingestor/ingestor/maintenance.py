from sqlalchemy import delete
from taskiq import InMemoryBroker

from .db import SessionFactory
from .models import Entry

# Maintenance jobs are cheap and run inline, in the caller's process and task.
inline_broker = InMemoryBroker(await_inplace=True)


@inline_broker.task
async def compact_feed(feed_id: int) -> int:
    async with SessionFactory() as session:
        result = await session.execute(
            delete(Entry).where(Entry.feed_id == feed_id, Entry.indexed.is_(False), Entry.link == "")
        )
        await session.commit()
        return result.rowcount
