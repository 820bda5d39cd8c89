import statistics


async def rollup(redis, metric, window):
    """Summarise ``raw:<metric>`` into ``rollup:<metric>:<window>``."""
    raw = [float(v) for v in await redis.lrange(f"raw:{metric}", 0, -1)]
    if not raw:
        return None
    summary = {
        "count": len(raw),
        "mean": statistics.fmean(raw),
        "p95": sorted(raw)[int(len(raw) * 0.95) - 1],
    }
    await redis.hset(f"rollup:{metric}:{window}", mapping=summary)
    await redis.expire(f"rollup:{metric}:{window}", window * 10)
    return summary
