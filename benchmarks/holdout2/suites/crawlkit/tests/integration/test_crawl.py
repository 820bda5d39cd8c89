import asyncio
import contextlib

import pytest

from crawlkit import crawl_site

pytestmark = pytest.mark.asyncio


async def test_crawl_starts_in_background(pool, site):
    task = asyncio.create_task(crawl_site(pool, site, max_pages=3))
    await asyncio.sleep(0)
    assert not task.done()


async def test_cancelled_crawl(pool, crawl_history):
    task = asyncio.create_task(crawl_site(pool, crawl_history))
    await asyncio.sleep(0.05)
    task.cancel()
    assert task.cancelling() == 1


async def test_cancelled_crawl_is_recorded(pool, crawl_history):
    task = asyncio.create_task(crawl_site(pool, crawl_history))
    await asyncio.sleep(0.05)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    status = await pool.fetchval(
        "SELECT status FROM crawl_runs WHERE site_id = $1 ORDER BY id DESC LIMIT 1", crawl_history
    )
    assert status in {"cancelled", "done"}


async def test_sites_crawled_in_task_group(pool, site, mirror_site):
    async with asyncio.TaskGroup() as tg:
        first = tg.create_task(crawl_site(pool, site, max_pages=3))
        second = tg.create_task(crawl_site(pool, mirror_site, max_pages=3))
    assert first.result() >= 1
    assert second.result() >= 1
