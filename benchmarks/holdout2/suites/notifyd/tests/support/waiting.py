import asyncio

from arq.constants import default_queue_name, in_progress_key_prefix


async def wait_until_idle(redis, *, queue_name=default_queue_name, timeout=30.0, interval=0.1):
    """Poll the arq queue until nothing is queued or in progress.

    arq keeps a job in the queue sorted set until it has finished, so an empty
    queue plus no in-progress keys means every job (and every job those jobs
    enqueued) is done.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        queued = await redis.zcard(queue_name)
        in_progress = [key async for key in redis.scan_iter(match=f"{in_progress_key_prefix}*")]
        if queued == 0 and not in_progress:
            return
        await asyncio.sleep(interval)
    raise TimeoutError(f"arq queue {queue_name!r} still busy after {timeout}s")
