import os
from pathlib import Path

import asyncpg
import pytest_asyncio

import crawlkit

DSN = os.environ.get("CRAWLKIT_DSN", "postgresql://crawlkit:crawlkit@localhost:5432/crawlkit_test")
SCHEMA = (Path(crawlkit.__file__).parent / "schema.sql").read_text()


@pytest_asyncio.fixture
async def pool():
    pool = await asyncpg.create_pool(DSN, min_size=1, max_size=4)
    await pool.execute(SCHEMA)
    yield pool
    await pool.close()
