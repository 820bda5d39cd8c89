import sqlite3
from contextlib import closing

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS report_rows (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    value REAL NOT NULL
);
"""

PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS regions (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS sales (
    id serial PRIMARY KEY,
    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    amount numeric(12, 2) NOT NULL
);
CREATE TABLE IF NOT EXISTS region_totals (
    region_id integer PRIMARY KEY REFERENCES regions (id) ON DELETE CASCADE,
    total numeric(14, 2) NOT NULL
);
"""


def create_sqlite_schema(path):
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(SQLITE_SCHEMA)
        conn.commit()
