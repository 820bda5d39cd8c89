import os
import sqlite3
import tempfile
import unittest

from etl.flusher import MetricsFlusher

BATCHES = [[("cpu", float(i)), ("mem", float(i * 2))] for i in range(20)]


class FlusherTests(unittest.TestCase):
    def setUp(self):
        fd, self.db_path = tempfile.mkstemp(suffix=".sqlite3")
        os.close(fd)
        self.addCleanup(os.remove, self.db_path)
        self.conn = sqlite3.connect(self.db_path)
        self.conn.execute("CREATE TABLE metrics (name TEXT, value REAL)")
        self.conn.commit()

    def tearDown(self):
        self.conn.execute("DELETE FROM metrics")  # error: TDL001
        self.conn.commit()
        self.conn.close()

    def test_flusher_writes_every_batch(self):
        flusher = MetricsFlusher(self.db_path, BATCHES)
        flusher.start()
        flusher.join(timeout=10)

        count = self.conn.execute("SELECT count(*) FROM metrics").fetchone()[0]
        self.assertEqual(count, 40)

    def test_flusher_runs_in_background(self):
        flusher = MetricsFlusher(self.db_path, BATCHES)
        flusher.start()
        # joined at cleanup time, so the test itself stays fast
        self.addCleanup(flusher.join, 10)

        self.assertTrue(flusher.daemon)
