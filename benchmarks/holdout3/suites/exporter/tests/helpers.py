import threading

from app.export import CsvExporter

ROWS = [("id", "amount"), *((i, f"{i * 9.99:.2f}") for i in range(1, 200))]


def start_exporters(rows_by_name, outdir):
    """Start one export thread per report; returns the threads in the order given."""
    threads = []
    for name, rows in rows_by_name.items():
        thread = threading.Thread(target=CsvExporter().export, args=(rows, outdir / f"{name}.csv"), name=f"export-{name}")
        thread.start()
        threads.append(thread)
    return threads
