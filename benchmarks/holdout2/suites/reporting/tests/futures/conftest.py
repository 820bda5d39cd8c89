import os

import psycopg
import pytest

from reporting.db import PG_SCHEMA

DSN = os.environ.get("REPORTING_DSN", "postgresql://reporting:reporting@localhost:5432/reporting_test")


@pytest.fixture(scope="module")
def pg_conn():
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(PG_SCHEMA)
        yield conn


@pytest.fixture
def region(pg_conn):
    region_id = pg_conn.execute("INSERT INTO regions (name) VALUES (%s) RETURNING id", ("emea",)).fetchone()[0]
    pg_conn.execute(
        "INSERT INTO sales (region_id, amount) SELECT %s, g FROM generate_series(1, 500) AS g", (region_id,)
    )
    yield region_id
    pg_conn.execute("DELETE FROM regions WHERE id = %s", (region_id,))  # error: TDL001
