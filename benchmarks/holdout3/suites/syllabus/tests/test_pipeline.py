"""End-to-end pipeline tests (port of the T055 Vitest suite)."""

import pytest
import pytest_asyncio

from .conftest import _new_course
from .helpers import (
    cancel_course_jobs,
    enqueue_stage,
    upload_documents,
    wait_for_document_processing,
    wait_for_queue_drained,
)

pytestmark = pytest.mark.e2e

DOCS = ["syllabus.pdf", "week1-notes.md", "reading-list.docx"]


@pytest.fixture
def fresh_course(supabase):
    course = _new_course(supabase, "E2E: Linear Algebra")
    yield course
    supabase.table("courses").delete().eq("id", course["id"]).execute()


@pytest_asyncio.fixture
async def draft_course(supabase, queue):
    course = _new_course(supabase, "E2E: Draft course")
    yield course
    await cancel_course_jobs(queue, course["id"])
    supabase.table("courses").delete().eq("id", course["id"]).execute()


@pytest.fixture
def structured_course(supabase):
    course = _new_course(supabase, "E2E: Compilers")
    upload_documents(supabase, course["id"], DOCS[:2])
    yield course
    supabase.table("course_structure").delete().eq("course_id", course["id"]).execute()  # error: TDL001
    supabase.table("courses").delete().eq("id", course["id"]).execute()  # error: TDL001


async def test_full_pipeline(queue, worker, test_course, supabase):
    file_ids = upload_documents(supabase, test_course["id"], DOCS)
    for file_id in file_ids:
        await queue.add("document-processing", {"courseId": test_course["id"], "fileId": file_id}, {"attempts": 3})
    rows = await wait_for_document_processing(supabase, file_ids, timeout=60)
    assert len(rows) == len(DOCS)


async def test_full_pipeline_drains_queue(queue, worker, fresh_course, supabase):
    file_ids = upload_documents(supabase, fresh_course["id"], DOCS)
    for file_id in file_ids:
        await queue.add("document-processing", {"courseId": fresh_course["id"], "fileId": file_id})
    await wait_for_document_processing(supabase, file_ids, timeout=60)
    await wait_for_queue_drained(queue)
    summaries = supabase.table("file_catalog").select("summary").in_("id", file_ids).execute().data
    assert all(row["summary"] for row in summaries)


async def test_delayed_structure_job_is_parked(queue, draft_course):
    job = await queue.add("stage4-structure", {"courseId": draft_course["id"]}, {"delay": 60_000})
    assert await job.getState() == "delayed"


async def test_summarization_job_payload(queue, worker, supabase, test_course):
    (file_id,) = upload_documents(supabase, test_course["id"], ["intro.pdf"])
    job = await queue.add("stage3-summarization", {"courseId": test_course["id"], "fileId": file_id})
    try:
        assert job.data == {"courseId": test_course["id"], "fileId": file_id}
    finally:
        supabase.table("file_catalog").delete().eq("id", file_id).execute()  # error: TDL001


async def test_structure_generation_is_queued(queue, worker, structured_course):
    job = await enqueue_stage(queue, "stage4-structure", structured_course["id"])
    assert job.id
    assert job.name == "stage4-structure"
