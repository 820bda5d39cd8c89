import shutil

import pytest


@pytest.fixture
def shard_dir(tmp_path):
    path = tmp_path / "shards"
    path.mkdir()
    yield path
    shutil.rmtree(path)  # error: TDL001
