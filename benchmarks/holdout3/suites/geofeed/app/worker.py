"""arq worker: ``arq app.worker.WorkerSettings``."""

import asyncpg
import httpx

from .settings import GEOCODER_URL, PG_DSN, REDIS


async def startup(ctx):
    ctx["pg"] = await asyncpg.create_pool(PG_DSN, min_size=1, max_size=4)
    ctx["http"] = httpx.AsyncClient(timeout=10)


async def shutdown(ctx):
    await ctx["http"].aclose()
    await ctx["pg"].close()


async def geocode_address(ctx, address_id):
    pg = ctx["pg"]
    row = await pg.fetchrow("SELECT id, line1, city, country FROM addresses WHERE id = $1", address_id)
    if row is None:
        raise LookupError(f"address {address_id} not found")
    resp = await ctx["http"].get(GEOCODER_URL, params={"q": f"{row['line1']}, {row['city']}", "format": "json"})
    hit = resp.json()[0]
    await pg.execute(
        "UPDATE addresses SET lat = $2, lon = $3 WHERE id = $1", address_id, float(hit["lat"]), float(hit["lon"])
    )
    return {"id": address_id, "lat": float(hit["lat"]), "lon": float(hit["lon"])}


async def refresh_tiles(ctx, region_id):
    pg = ctx["pg"]
    redis = ctx["redis"]
    tiles = await pg.fetch("SELECT id, z, x, y FROM tiles WHERE region_id = $1", region_id)
    for tile in tiles:
        await redis.set(f"tile:{tile['id']}", f"{tile['z']}/{tile['x']}/{tile['y']}", ex=3600)
    await pg.execute("UPDATE regions SET tiles_refreshed_at = now() WHERE id = $1", region_id)
    return len(tiles)


class WorkerSettings:
    functions = [geocode_address, refresh_tiles]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = REDIS
    allow_abort_jobs = True
    max_jobs = 8
