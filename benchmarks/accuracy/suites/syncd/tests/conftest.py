import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def workspace():
    root = Path(tempfile.mkdtemp(prefix="syncd-"))
    src = root / "src"
    src.mkdir()
    (root / "dst").mkdir()
    for i in range(25):
        (src / f"file-{i:02d}.bin").write_bytes(b"x" * 4096 * (i + 1))
    yield root
    shutil.rmtree(root)  # error: TDL001


@pytest.fixture
def index_db(tmp_path):
    path = tmp_path / "index.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime REAL)")
    conn.execute("INSERT INTO files VALUES ('empty.txt', 0, 0)")
    conn.commit()
    yield path
    conn.execute("DROP TABLE files")  # error: TDL001
    conn.commit()
    conn.close()
