import csv
import sqlite3
from pathlib import Path


def export_rows(db_path: str, out_dir: str, table: str = "events", part_size: int = 20) -> int:
    """Dump a table into numbered CSV parts under out_dir."""
    out = Path(out_dir)
    conn = sqlite3.connect(db_path)
    try:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        header = [d[0] for d in cursor.description]
        total = 0
        part = 0
        while rows := cursor.fetchmany(part_size):
            with open(out / f"{table}-{part:04d}.csv", "w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
            total += len(rows)
            part += 1
        return total
    finally:
        conn.close()


def export_chunk(db_path: str, out_dir: str, offset: int, limit: int) -> Path:
    target = Path(out_dir) / f"chunk-{offset:06d}.csv"
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT * FROM events ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    finally:
        conn.close()
    with open(target, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return target


def write_part(directory: Path, index: int) -> Path:
    target = directory / f"part-{index:03d}.txt"
    target.write_text("\n".join(str(i) for i in range(index * 1000, (index + 1) * 1000)))
    return target
