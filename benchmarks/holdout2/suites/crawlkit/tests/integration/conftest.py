import os

import pytest_asyncio

from crawlkit import CrawlScheduler

# Served by the nginx container in docker-compose.test.yml
SITE_URL = os.environ.get("CRAWLKIT_SITE", "http://localhost:8088/")
MIRROR_URL = os.environ.get("CRAWLKIT_MIRROR", "http://localhost:8089/")


@pytest_asyncio.fixture
async def site(pool):
    site_id = await pool.fetchval("INSERT INTO sites (url) VALUES ($1) RETURNING id", SITE_URL)
    yield site_id
    await pool.execute("DELETE FROM sites WHERE id = $1", site_id)  # error: TDL001


@pytest_asyncio.fixture
async def mirror_site(pool):
    site_id = await pool.fetchval("INSERT INTO sites (url) VALUES ($1) RETURNING id", MIRROR_URL)
    yield site_id
    await pool.execute("DELETE FROM sites WHERE id = $1", site_id)


@pytest_asyncio.fixture
async def crawl_history(pool, site):
    """The site, plus removal of the crawl_runs rows that reference it."""
    yield site
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM crawl_runs WHERE site_id = $1", site)  # error: TDL001


@pytest_asyncio.fixture
async def scheduler(pool):
    scheduler = CrawlScheduler(pool, max_pages=5)
    yield scheduler
    await scheduler.drain()
