"""Helpers for waiting on / cancelling orchestrator jobs from tests."""
import asyncio
import time

from bullmq import Job, Queue

PENDING_STATES = ("waiting", "active", "delayed", "waiting-children")


async def wait_for_queue_idle(queue: Queue, timeout: float = 60.0, interval: float = 0.25) -> None:
    """Block until nothing is waiting, active or delayed on the queue."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await queue.getJobCounts(*PENDING_STATES)
        if sum(counts.values()) == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"queue {queue.name} still busy after {timeout}s: {counts}")
        await asyncio.sleep(interval)


async def wait_for_job(job: Job, timeout: float = 30.0, interval: float = 0.2) -> None:
    """Poll one job until it has completed (raises if it failed)."""
    deadline = time.monotonic() + timeout
    while not await job.isCompleted():
        if await job.isFailed():
            raise AssertionError(f"job {job.id} failed")
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job.id} not completed after {timeout}s")
        await asyncio.sleep(interval)


async def cancel_course_jobs(queue: Queue, course_id: str) -> int:
    """Remove the course's jobs that have not been picked up yet."""
    removed = 0
    for job in await queue.getJobs(["waiting", "delayed"]):
        if job.data.get("courseId") == course_id:
            await job.remove()
            removed += 1
    return removed
