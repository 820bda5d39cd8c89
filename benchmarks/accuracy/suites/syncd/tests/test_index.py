import asyncio
import sqlite3

import pytest

from syncd.index import rebuild_index, vacuum_index


@pytest.mark.asyncio
async def test_vacuum_is_scheduled(index_db):
    loop = asyncio.get_running_loop()

    loop.run_in_executor(None, vacuum_index, index_db)

    conn = sqlite3.connect(index_db)
    assert conn.execute("SELECT count(*) FROM files").fetchone()[0] in (0, 1)
    conn.close()


@pytest.mark.asyncio
async def test_rebuild_index_counts_files(index_db, workspace):
    loop = asyncio.get_running_loop()

    count = await loop.run_in_executor(None, rebuild_index, index_db, workspace / "src")

    assert count == 25
