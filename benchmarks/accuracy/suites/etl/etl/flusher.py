import sqlite3
import threading
import time
from collections.abc import Iterable


class MetricsFlusher(threading.Thread):
    """Writes metric batches to sqlite from a background thread."""

    def __init__(self, db_path: str, batches: Iterable[list[tuple[str, float]]], pause: float = 0.05):
        super().__init__(name="metrics-flusher", daemon=True)
        self.db_path = db_path
        self.batches = list(batches)
        self.pause = pause
        self.flushed = 0

    def run(self) -> None:
        conn = sqlite3.connect(self.db_path)
        try:
            for batch in self.batches:
                conn.executemany("INSERT INTO metrics (name, value) VALUES (?, ?)", batch)
                conn.commit()
                self.flushed += len(batch)
                time.sleep(self.pause)
        finally:
            conn.close()
