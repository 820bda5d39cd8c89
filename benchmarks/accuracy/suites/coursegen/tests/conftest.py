import pytest

from app.db import get_supabase_admin
from app.queue import get_queue


@pytest.fixture(scope="session")
def supabase():
    return get_supabase_admin()


@pytest.fixture
async def queue():
    q = get_queue()
    yield q
    await q.close()
