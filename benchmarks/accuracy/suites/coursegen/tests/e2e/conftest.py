"""Fixtures for the end-to-end pipeline tests.

The orchestrator worker (`python -m app.worker`) runs in its own container and picks up
anything these tests put on the queue.
"""
import pytest

from app.config import DOCUMENTS_BUCKET
from tests.support.db import create_test_course, purge_course
from tests.support.jobs import cancel_course_jobs, wait_for_queue_idle


@pytest.fixture(autouse=True)
def uploaded_paths(supabase):
    """Storage objects uploaded by a test; removed afterwards."""
    paths: list[str] = []
    yield paths
    if paths:
        supabase.storage.from_(DOCUMENTS_BUCKET).remove(paths)  # error: TDL001


@pytest.fixture
def course(supabase):
    row = create_test_course(supabase, "T055 full pipeline")
    yield row
    purge_course(supabase, row["id"])  # error: TDL001


@pytest.fixture
async def settled_course(supabase, queue):
    """Like `course`, but lets the orchestrator finish before the course goes away."""
    row = create_test_course(supabase, "T055 full pipeline (settled)")
    yield row
    await wait_for_queue_idle(queue, timeout=120)
    purge_course(supabase, row["id"])


@pytest.fixture
async def cancellable_course(supabase, queue):
    row = create_test_course(supabase, "T056 scheduled regeneration")
    yield row
    await cancel_course_jobs(queue, row["id"])
    purge_course(supabase, row["id"])
