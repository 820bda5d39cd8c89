async def insert_addresses(pg, rows):
    return [
        await pg.fetchval(
            "INSERT INTO addresses (line1, city, country) VALUES ($1, $2, $3) RETURNING id", *row
        )
        for row in rows
    ]


async def seed_tiles(pg, region_id, count):
    return [
        await pg.fetchval(
            "INSERT INTO tiles (region_id, z, x, y) VALUES ($1, 12, $2, $3) RETURNING id", region_id, 2100 + i, 1400
        )
        for i in range(count)
    ]


async def enqueue_geocoding(redis, address_ids):
    """Queue one geocode job per address, like the nightly import does."""
    for address_id in address_ids:
        await redis.enqueue_job("geocode_address", address_id, _queue_name="arq:queue")
