import pytest

from tests.helpers.jobs import wait_for_drain

pytestmark = pytest.mark.asyncio


async def test_extract_job_added(course, ingest_queue):
    job = await ingest_queue.add("extract", {"course_id": course["id"]})
    assert job.id


async def test_extract_and_embeddings_drained(supabase, course, ingest_queue):
    await ingest_queue.add("extract", {"course_id": course["id"]})
    await wait_for_drain(ingest_queue, timeout=60)
    chunks = supabase.table("chunks").select("embedding").eq("course_id", course["id"]).execute().data
    assert chunks and all(chunk["embedding"] for chunk in chunks)


async def test_paused_queue_obliterated(course, ingest_queue):
    await ingest_queue.pause()
    await ingest_queue.add("extract", {"course_id": course["id"]})
    counts = await ingest_queue.getJobCounts("paused", "wait")
    assert counts["paused"] + counts["wait"] == 1
    await ingest_queue.obliterate()


async def test_delayed_extract_removed(course, ingest_queue):
    job = await ingest_queue.add("extract", {"course_id": course["id"]}, {"delay": 60_000})
    assert await job.isDelayed()
    await job.remove()
