import asyncpg
import pytest_asyncio
from arq import create_pool
from arq.worker import Worker

from app.settings import PG_DSN, REDIS
from app.worker import geocode_address, refresh_tiles, shutdown, startup

from .helpers import insert_addresses


@pytest_asyncio.fixture
async def arq_redis():
    pool = await create_pool(REDIS)
    yield pool
    await pool.aclose()


@pytest_asyncio.fixture
async def worker(arq_redis):
    """An in-process burst worker; call ``await worker.main()`` to drain the queue."""
    w = Worker(
        functions=[geocode_address, refresh_tiles],
        redis_pool=arq_redis,
        on_startup=startup,
        on_shutdown=shutdown,
        burst=True,
        poll_delay=0,
        allow_abort_jobs=True,
    )
    yield w
    await w.close()


@pytest_asyncio.fixture
async def pg():
    conn = await asyncpg.connect(PG_DSN)
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def region(pg):
    region_id = await pg.fetchval("INSERT INTO regions (name) VALUES ($1) RETURNING id", "alps")
    yield region_id
    await pg.execute("DELETE FROM regions WHERE id = $1", region_id)  # error: TDL001


@pytest_asyncio.fixture
async def address(pg):
    (address_id,) = await insert_addresses(pg, [("1 Rue de Rivoli", "Paris", "FR")])
    yield address_id
    await pg.execute("DELETE FROM addresses WHERE id = $1", address_id)


@pytest_asyncio.fixture
async def address_batch(pg):
    ids = await insert_addresses(
        pg,
        [
            ("Unter den Linden 1", "Berlin", "DE"),
            ("Damrak 1", "Amsterdam", "NL"),
            ("Via del Corso 12", "Roma", "IT"),
        ],
    )
    yield ids
    await pg.executemany("DELETE FROM addresses WHERE id = $1", [(i,) for i in ids])  # error: TDL001
