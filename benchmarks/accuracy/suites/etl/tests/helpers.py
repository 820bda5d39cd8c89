import sqlite3
from pathlib import Path


def make_events_db(path: Path, rows: int = 100) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT, payload TEXT)")
    conn.executemany(
        "INSERT INTO events (kind, payload) VALUES (?, ?)",
        [("click" if i % 3 else "view", f'{{"n": {i}}}') for i in range(rows)],
    )
    conn.commit()
    conn.close()
    return path
