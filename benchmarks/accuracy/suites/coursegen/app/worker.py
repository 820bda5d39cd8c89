"""Orchestrator worker entry point: `python -m app.worker` (runs as its own container)."""
import asyncio
import signal

from bullmq import Worker

from app.config import QUEUE_NAME, REDIS_URL
from app.handlers import HANDLERS


async def dispatch(job, token):
    handler = HANDLERS.get(job.name)
    if handler is None:
        raise ValueError(f"no handler for {job.name}")
    return await handler(job, token)


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    worker = Worker(QUEUE_NAME, dispatch, {"connection": REDIS_URL, "concurrency": 4})
    await stop.wait()
    await worker.close()


if __name__ == "__main__":
    asyncio.run(main())
