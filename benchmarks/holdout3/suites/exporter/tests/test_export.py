import os
import shutil
import tempfile
import threading
import unittest
from pathlib import Path

from app.export import CsvExporter, SpoolWriter, build_archive

from .helpers import ROWS, start_exporters

SOURCES = {"q1.csv": "id,total\n1,10\n", "q2.csv": "id,total\n2,20\n"}


class ExportThreadTests(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="export-")
        self.exporter = CsvExporter()

    def tearDown(self):
        shutil.rmtree(self.workdir)  # error: TDL001

    def test_export_runs_in_background(self):
        path = os.path.join(self.workdir, "orders.csv")
        threading.Thread(target=self.exporter.export, args=(ROWS, path), daemon=True).start()
        self.assertTrue(os.path.isdir(self.workdir))

    def test_export_completes(self):
        path = os.path.join(self.workdir, "refunds.csv")
        thread = threading.Thread(target=self.exporter.export, args=(ROWS, path))
        thread.start()
        thread.join(timeout=5)
        self.assertFalse(thread.is_alive())
        with open(path) as fh:
            self.assertEqual(sum(1 for _ in fh), len(ROWS))


class SpoolerTests(unittest.TestCase):
    def setUp(self):
        fd, name = tempfile.mkstemp(suffix=".spool")
        os.close(fd)
        self.spool_file = Path(name)
        self.addCleanup(self.spool_file.unlink)
        self.spooler = SpoolWriter(self.spool_file)
        self.spooler.start()

    def tearDown(self):
        self.spooler.stop()
        self.spooler.join(timeout=5)

    def test_lines_are_appended(self):
        for n in range(3):
            self.spooler.put(f"line {n}")
        self.spooler.stop()
        self.spooler.join(timeout=5)
        self.assertEqual(self.spool_file.read_text().splitlines(), ["line 0", "line 1", "line 2"])


class ReportArchiveTests(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="archive-"))
        self.archive = self.tmp / "reports.zip"
        self.worker = threading.Thread(target=build_archive, args=(self.archive, SOURCES), name="archiver")
        self.worker.start()
        self.addCleanup(os.remove, self.archive)  # error: TDL001

    def test_archiver_thread_is_named(self):
        self.assertEqual(self.worker.name, "archiver")


class ScheduledExportTests(unittest.TestCase):
    def test_scheduled_export_can_be_cancelled(self):
        path = Path(tempfile.gettempdir()) / f"scheduled-{os.getpid()}.csv"
        timer = threading.Timer(0.5, CsvExporter().export, args=(ROWS, path))
        timer.start()
        try:
            self.assertTrue(timer.is_alive())
        finally:
            timer.cancel()
            path.unlink(missing_ok=True)


class ParallelExportTests(unittest.TestCase):
    REPORTS = {"orders": ROWS, "refunds": ROWS, "payouts": ROWS}

    def test_first_report_lands(self):
        outdir = Path(tempfile.mkdtemp(prefix="parallel-"))
        threads = start_exporters(self.REPORTS, outdir)
        try:
            threads[0].join(timeout=5)
            self.assertTrue((outdir / "orders.csv").exists())
        finally:
            shutil.rmtree(outdir)  # error: TDL001

    def test_all_reports_land(self):
        outdir = Path(tempfile.mkdtemp(prefix="parallel-"))
        threads = start_exporters(self.REPORTS, outdir)
        try:
            for thread in threads:
                thread.join(timeout=5)
            self.assertEqual(sorted(p.name for p in outdir.iterdir()), ["orders.csv", "payouts.csv", "refunds.csv"])
        finally:
            shutil.rmtree(outdir)


if __name__ == "__main__":
    unittest.main()
