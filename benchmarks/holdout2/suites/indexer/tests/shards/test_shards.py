import json
import multiprocessing

from indexer.shards import build_shard

DOCS = [
    {"body": "postgres replication lag under heavy write load"},
    {"body": "redis eviction policies and write load"},
]


def test_shard_process_started(shard_dir):
    proc = multiprocessing.Process(target=build_shard, args=(str(shard_dir / "0.shard"), DOCS))
    proc.start()
    assert proc.pid is not None


def test_shard_process_joined(shard_dir):
    proc = multiprocessing.Process(target=build_shard, args=(str(shard_dir / "0.shard"), DOCS))
    proc.start()
    proc.join(timeout=30)
    assert proc.exitcode == 0
    assert json.loads((shard_dir / "0.shard").read_text())["write"] == 2
