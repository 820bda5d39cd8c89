import csv
import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path


def export_report(db_path, report_id, out_dir, fmt="csv"):
    with closing(sqlite3.connect(db_path)) as conn:
        title = conn.execute("SELECT title FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        rows = conn.execute(
            "SELECT label, value FROM report_rows WHERE report_id = ? ORDER BY id", (report_id,)
        ).fetchall()
    target = Path(out_dir) / f"report-{report_id}.{fmt}"
    if fmt == "csv":
        with target.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([title])
            writer.writerows(rows)
    else:
        target.write_text(json.dumps({"title": title, "rows": rows}))
    return target


class BackgroundExporter(threading.Thread):
    """Runs one export off the request thread."""

    def __init__(self, db_path, report_id, out_dir, fmt="csv"):
        super().__init__(name=f"exporter-{report_id}", daemon=True)
        self.args_ = (db_path, report_id, out_dir, fmt)
        self.result = None

    def run(self):
        self.result = export_report(*self.args_)
