import asyncio

PENDING_STATES = ("waiting", "active", "delayed", "prioritized", "waiting-children", "paused")


async def wait_for_drain(queue, *, timeout=30.0, interval=0.2):
    """Poll BullMQ's job counts until no job of the queue is pending or running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        counts = await queue.getJobCounts(*PENDING_STATES)
        if sum(counts.values()) == 0:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"queue {queue.name} not drained: {counts}")
        await asyncio.sleep(interval)
