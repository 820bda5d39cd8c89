import anyio
import pytest
from sqlalchemy import select

from ingestor.models import Entry
from ingestor.tasks import fetch_feed

pytestmark = pytest.mark.anyio


async def test_fetch_feed_is_kicked(taskiq_broker, feed):
    handle = await fetch_feed.kiq(feed.id)
    assert handle.task_id


async def test_fetch_feed_result_counts_entries(taskiq_broker, feed, clean_entries):
    handle = await fetch_feed.kiq(feed.id)
    result = await handle.wait_result(timeout=10)
    assert not result.is_err
    assert result.return_value > 0


async def test_fetch_feed_fully_indexed(taskiq_broker, session, feed, clean_entries):
    handle = await fetch_feed.kiq(feed.id)
    await handle.wait_result(timeout=10)
    await taskiq_broker.wait_all()
    entries = (await session.scalars(select(Entry).where(Entry.feed_id == feed.id))).all()
    assert entries and all(entry.indexed for entry in entries)


async def test_fetch_kicked_from_task_group(taskiq_broker, feed):
    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch_feed.kiq, feed.id)
    assert fetch_feed.task_name.endswith("fetch_feed")
