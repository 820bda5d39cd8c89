from bullmq import Job, Queue

from app.config import QUEUE_NAME, REDIS_URL


class JobType:
    DOCUMENT_PROCESSING = "DOCUMENT_PROCESSING"
    STAGE_3_SUMMARIZATION = "STAGE_3_SUMMARIZATION"
    STAGE_4_ANALYSIS = "STAGE_4_ANALYSIS"


def get_queue() -> Queue:
    return Queue(QUEUE_NAME, {"connection": REDIS_URL})


async def add_job(queue: Queue, job_type: str, data: dict, opts: dict | None = None) -> Job:
    """Add a job with our default retry policy."""
    merged = {"attempts": 3, "backoff": {"type": "exponential", "delay": 1000}}
    merged.update(opts or {})
    return await queue.add(job_type, data, merged)
