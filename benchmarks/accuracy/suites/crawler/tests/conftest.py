"""Integration tests for the crawler.

They need docker-compose.test.yml up, including its `worker` service
(`arq crawler.worker.WorkerSettings`), which runs whatever the tests enqueue.
"""
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from sqlalchemy import delete

from crawler.models import Page, SessionLocal, Site
from crawler.settings import REDIS_DSN


@pytest.fixture
async def arq_redis():
    pool = await create_pool(RedisSettings.from_dsn(REDIS_DSN))
    yield pool
    await pool.aclose()


@pytest.fixture
async def db():
    async with SessionLocal() as session:
        yield session


@pytest.fixture
async def site(db):
    site = Site(domain="shop.crawl.test")
    db.add(site)
    await db.commit()
    yield site
    await db.execute(delete(Site).where(Site.id == site.id))  # error: TDL001
    await db.commit()


@pytest.fixture
async def pages(db, site):
    rows = [Page(site_id=site.id, url=f"http://{site.domain}:8000/p/{i}") for i in range(3)]
    db.add_all(rows)
    await db.commit()
    yield rows
    await db.execute(delete(Page).where(Page.id.in_([p.id for p in rows])))  # error: TDL001
    await db.commit()


@pytest.fixture
async def rank_cache(arq_redis, site):
    await arq_redis.set(f"rank:{site.id}:seed", "0.25")
    yield f"rank:{site.id}"
    await arq_redis.delete(f"rank:{site.id}", f"rank:{site.id}:seed")  # error: TDL001
