import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from etl.export import export_chunk, export_rows


def test_chunks_exported_in_parallel(events_db, out_dir):
    with ThreadPoolExecutor(max_workers=4) as pool:
        for offset in range(0, 100, 25):
            pool.submit(export_chunk, str(events_db), str(out_dir), offset, 25)

    assert len(list(out_dir.glob("chunk-*.csv"))) == 4


def test_export_in_child_process(events_db, out_dir):
    proc = multiprocessing.Process(target=export_rows, args=(str(events_db), str(out_dir)), daemon=True)
    proc.start()

    assert proc.pid is not None


def test_export_with_process_pool(events_db, out_dir):
    with multiprocessing.Pool(processes=2) as pool:
        pending = pool.apply_async(export_rows, (str(events_db), str(out_dir)))
        assert pending.get(timeout=60) == 100
