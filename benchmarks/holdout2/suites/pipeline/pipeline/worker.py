import asyncio
import signal

from bullmq import Job, Queue, Worker

from .chunking import fake_embedding, split_chunks
from .settings import QUEUE_NAME, REDIS_URL
from .supabase_client import get_client


async def extract(job: Job):
    client = get_client()
    course = client.table("courses").select("*").eq("id", job.data["course_id"]).single().execute().data
    rows = (
        client.table("chunks")
        .insert([{"course_id": course["id"], "position": i, "body": body} for i, body in enumerate(split_chunks(course["body"]))])
        .execute()
        .data
    )
    queue = Queue(QUEUE_NAME, {"connection": REDIS_URL})
    try:
        for row in rows:
            await queue.add("embed", {"chunk_id": row["id"], "course_id": course["id"]})
    finally:
        await queue.close()
    return len(rows)


async def embed(job: Job):
    client = get_client()
    chunk = client.table("chunks").select("body").eq("id", job.data["chunk_id"]).single().execute().data
    client.table("chunks").update({"embedding": fake_embedding(chunk["body"])}).eq("id", job.data["chunk_id"]).execute()
    return "ok"


async def process(job: Job, token: str):
    if job.name == "extract":
        return await extract(job)
    if job.name == "embed":
        return await embed(job)
    raise ValueError(f"unknown job {job.name}")


async def main():
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(QUEUE_NAME, process, {"connection": REDIS_URL, "concurrency": 4})
    await stop.wait()
    await worker.close()


def run():
    asyncio.run(main())
