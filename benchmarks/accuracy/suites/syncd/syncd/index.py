import sqlite3
from pathlib import Path


def rebuild_index(db_path: Path, root: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        rows = [(str(p), p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*") if p.is_file()]
        conn.executemany("INSERT OR REPLACE INTO files (path, size, mtime) VALUES (?, ?, ?)", rows)
        conn.commit()
        return len(rows)
    finally:
        conn.close()


def vacuum_index(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DELETE FROM files WHERE size = 0")
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
