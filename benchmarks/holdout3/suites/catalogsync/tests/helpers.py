SKUS = ["SKU-1001", "SKU-1002", "SKU-1003", "SKU-2001"]

SEED = [
    {"sku": "SKU-1001", "title": "Cast iron skillet", "price": 39.0},
    {"sku": "SKU-1002", "title": "Carbon steel wok", "price": 54.5},
    {"sku": "SKU-1003", "title": "Enamel dutch oven", "price": 129.0},
]

FEED_ROWS = [{"sku": f"SKU-9{n:03}", "title": f"Feed item {n}", "price": 5.0 + n} for n in range(50)]


def fan_out(pool, fn, items):
    """Submit ``fn(item)`` for every item; returns {future: item}."""
    return {pool.submit(fn, item): item for item in items}
