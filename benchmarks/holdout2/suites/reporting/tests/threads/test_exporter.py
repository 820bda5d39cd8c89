import threading

import pytest

from reporting.exporter import BackgroundExporter, export_report


def test_export_thread_started(sqlite_db, report_id, out_dir):
    thread = threading.Thread(target=export_report, args=(sqlite_db, report_id, out_dir), daemon=True)
    thread.start()
    assert thread.ident is not None


def test_export_thread_joined(sqlite_db, report_id, out_dir):
    thread = threading.Thread(target=export_report, args=(sqlite_db, report_id, out_dir))
    thread.start()
    thread.join(timeout=30)
    assert (out_dir / f"report-{report_id}.csv").read_text().startswith("Q3 revenue")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_archived_export_formats(sqlite_db, archived_report, out_dir, fmt):
    exporter = BackgroundExporter(sqlite_db, archived_report, out_dir, fmt=fmt)
    exporter.start()
    if fmt == "csv":
        exporter.join(timeout=30)
        assert exporter.result.name == f"report-{archived_report}.csv"
    else:
        assert exporter.name == f"exporter-{archived_report}"
