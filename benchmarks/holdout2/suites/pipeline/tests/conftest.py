import pytest
import pytest_asyncio
from bullmq import Queue
from supabase import create_client

from pipeline.settings import QUEUE_NAME, REDIS_URL, SUPABASE_KEY, SUPABASE_URL


@pytest.fixture(scope="session")
def supabase():
    return create_client(SUPABASE_URL, SUPABASE_KEY)


@pytest_asyncio.fixture
async def ingest_queue():
    queue = Queue(QUEUE_NAME, {"connection": REDIS_URL})
    yield queue
    await queue.close()
