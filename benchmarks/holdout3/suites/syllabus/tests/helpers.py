"""E2E helpers for the course-generation pipeline."""

import asyncio
import time


def upload_documents(supabase, course_id, names):
    rows = (
        supabase.table("file_catalog")
        .insert([{"course_id": course_id, "storage_path": f"{course_id}/{name}"} for name in names])
        .execute()
        .data
    )
    return [row["id"] for row in rows]


async def wait_for_document_processing(supabase, file_ids, timeout=60):
    """Poll ``file_catalog`` until every document has ``processed_content``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = supabase.table("file_catalog").select("processed_content").in_("id", file_ids).execute().data
        if rows and all(r["processed_content"] for r in rows):
            return rows
        await asyncio.sleep(0.5)
    raise TimeoutError("documents were not processed in time")


async def wait_for_queue_drained(queue, timeout=120):
    """Poll the queue until nothing is active, waiting or delayed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = await queue.getJobCounts("active", "waiting", "delayed")
        if sum(counts.values()) == 0:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"queue {queue.name} still busy: {counts}")


async def cancel_course_jobs(queue, course_id):
    """Remove every not-yet-finished job that belongs to ``course_id``."""
    jobs = await queue.getJobs(["waiting", "delayed", "paused"])
    for job in jobs:
        if job.data.get("courseId") == course_id:
            await job.remove()


async def enqueue_stage(queue, stage, course_id, **opts):
    return await queue.add(stage, {"courseId": course_id}, {"attempts": 3, **opts})
