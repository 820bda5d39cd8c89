"""Report exports. Exports are written row by row so a slow disk shows up as a slow export,
not as a memory spike."""

import csv
import queue
import threading
import zipfile
from pathlib import Path


class CsvExporter:
    def __init__(self, dialect="excel"):
        self.dialect = dialect

    def export(self, rows, path):
        path = Path(path)
        tmp = path.with_suffix(path.suffix + ".part")
        with tmp.open("w", newline="") as fh:
            writer = csv.writer(fh, dialect=self.dialect)
            for row in rows:
                writer.writerow(row)
                fh.flush()
        tmp.replace(path)
        return path


def build_archive(archive_path, sources):
    archive_path = Path(archive_path)
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in sources.items():
            zf.writestr(name, content)
    return archive_path


class SpoolWriter(threading.Thread):
    """Appends queued lines to ``path`` until ``stop()`` is called."""

    def __init__(self, path):
        super().__init__(name=f"spool-{Path(path).name}", daemon=True)
        self.path = Path(path)
        self._lines = queue.Queue()
        self._stopping = threading.Event()

    def put(self, line):
        self._lines.put(line)

    def stop(self):
        self._stopping.set()

    def run(self):
        with self.path.open("a") as fh:
            while not (self._stopping.is_set() and self._lines.empty()):
                try:
                    line = self._lines.get(timeout=0.05)
                except queue.Empty:
                    continue
                fh.write(line + "\n")
                fh.flush()
