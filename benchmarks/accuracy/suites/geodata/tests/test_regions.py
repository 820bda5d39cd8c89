import pytest
from sqlalchemy import text

from geodata.db import engine
from geodata.tasks import compute_region_stats


@pytest.fixture(scope="module")
def regions_table():
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS regions_tmp (id serial PRIMARY KEY, name text, geom geometry)"))
        conn.execute(text("INSERT INTO regions_tmp (name, geom) VALUES ('a', ST_GeomFromText('POINT(0 0)', 4326))"))
    yield "regions_tmp"
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE regions_tmp"))  # error: TDL001


def test_region_stats_requested(live_worker, regions_table):
    result = compute_region_stats.delay(regions_table)

    assert result.id

