import json
from pathlib import Path

import psycopg


def aggregate_region(dsn, region_id):
    with psycopg.connect(dsn) as conn:
        total = conn.execute(
            "SELECT coalesce(sum(amount), 0) FROM sales WHERE region_id = %s", (region_id,)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO region_totals (region_id, total) VALUES (%s, %s) "
            "ON CONFLICT (region_id) DO UPDATE SET total = excluded.total",
            (region_id, total),
        )
    return total


def write_rollup(dsn, region_id, scratch_dir):
    total = aggregate_region(dsn, region_id)
    target = Path(scratch_dir) / f"rollup-{region_id}.json"
    target.write_text(json.dumps({"region": region_id, "total": str(total)}))
    return target
