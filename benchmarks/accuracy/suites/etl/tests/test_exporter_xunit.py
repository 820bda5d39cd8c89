import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from etl.export import export_rows
from tests.helpers import make_events_db


class TestExporter:
    def setup_method(self, method):
        self.out_dir = Path(tempfile.mkdtemp(prefix="etl-"))
        self.db_path = make_events_db(self.out_dir / f"{method.__name__}.sqlite3")
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="export")

    def teardown_method(self, method):
        self.pool.shutdown(wait=False)
        shutil.rmtree(self.out_dir)  # error: TDL001

    def test_export_writes_all_rows(self):
        future = self.pool.submit(export_rows, str(self.db_path), str(self.out_dir))

        assert future.result(timeout=30) == 100

    def test_export_is_submitted(self):
        future = self.pool.submit(export_rows, str(self.db_path), str(self.out_dir))

        assert not future.cancelled()
