import sqlite3
from contextlib import closing

import pytest


def _insert_report(db_path, title, archived=0):
    with closing(sqlite3.connect(db_path)) as conn:
        cur = conn.execute("INSERT INTO reports (title, archived) VALUES (?, ?)", (title, archived))
        conn.executemany(
            "INSERT INTO report_rows (report_id, label, value) VALUES (?, ?, ?)",
            [(cur.lastrowid, label, value) for label, value in (("north", 10.5), ("south", 7.25))],
        )
        conn.commit()
        return cur.lastrowid


@pytest.fixture
def report_id(sqlite_db):
    rid = _insert_report(sqlite_db, "Q3 revenue")
    yield rid
    with closing(sqlite3.connect(sqlite_db)) as conn:
        conn.execute("DELETE FROM reports WHERE id = ?", (rid,))  # error: TDL001
        conn.commit()


@pytest.fixture
def archived_report(sqlite_db):
    rid = _insert_report(sqlite_db, "FY22 archive", archived=1)
    yield rid
    with closing(sqlite3.connect(sqlite_db)) as conn:
        conn.execute("DELETE FROM reports WHERE archived = 1")  # error: TDL001
        conn.commit()


@pytest.fixture
def out_dir(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path
