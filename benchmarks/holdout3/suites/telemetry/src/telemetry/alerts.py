import asyncio
import time


async def watch_thresholds(redis, prefix, threshold=0.9, interval=0.25):
    """Poll ``<prefix>:levels`` forever and record breaches in ``<prefix>:active``/``<prefix>:history``."""
    while True:
        levels = await redis.hgetall(f"{prefix}:levels")
        for name, level in levels.items():
            if float(level) >= threshold:
                await redis.sadd(f"{prefix}:active", name)
                await redis.lpush(f"{prefix}:history", f"{time.time():.0f}:{name}")
            else:
                await redis.srem(f"{prefix}:active", name)
        await asyncio.sleep(interval)
