import os
import uuid

import pytest
import pytest_asyncio
from bullmq import Queue, Worker

from syllabus.config import REDIS_URL
from syllabus.db import get_supabase_admin
from syllabus.handlers import dispatch

TEST_QUEUE = os.environ.get("SYLLABUS_QUEUE", "course-generation-test")


@pytest.fixture(scope="session")
def supabase():
    return get_supabase_admin()


@pytest_asyncio.fixture
async def queue():
    q = Queue(TEST_QUEUE, {"connection": REDIS_URL})
    yield q
    await q.close()


@pytest_asyncio.fixture
async def worker():
    """Runs the real handlers in-process. ``close()`` lets active jobs finish."""
    w = Worker(TEST_QUEUE, dispatch, {"connection": REDIS_URL, "concurrency": 4})
    yield w
    await w.close()


def _new_course(supabase, title):
    return (
        supabase.table("courses")
        .insert({"id": str(uuid.uuid4()), "title": title, "generation_progress": {"has_documents": True}})
        .execute()
        .data[0]
    )


@pytest.fixture
def test_course(supabase):
    course = _new_course(supabase, "E2E: Intro to Rust")
    yield course
    supabase.table("courses").delete().eq("id", course["id"]).execute()  # error: TDL001
