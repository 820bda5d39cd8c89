import anyio
import pytest

from ingestor.feeds import refresh_feed_metadata
from ingestor.maintenance import compact_feed

pytestmark = pytest.mark.anyio


async def test_metadata_refreshed_concurrently(session, feed, second_feed):
    async with anyio.create_task_group() as tg:
        tg.start_soon(refresh_feed_metadata, feed.id)
        tg.start_soon(refresh_feed_metadata, second_feed.id)
    await session.refresh(feed)
    await session.refresh(second_feed)
    assert feed.title and second_feed.title


async def test_compact_runs_inline(feed):
    handle = await compact_feed.kiq(feed.id)
    result = await handle.wait_result(timeout=5)
    assert result.return_value == 0
