from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from geodata.celery_app import celery
from geodata.db import SessionLocal, engine
from geodata.models import Base, Upload

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def live_worker():
    """In-process worker thread; tasks see committed rows only."""
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


@pytest.fixture(scope="session")
def schema():
    # start from a clean schema; we leave it in place afterwards for debugging
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


@pytest.fixture
def db_session(schema):
    session = SessionLocal()
    yield session
    session.close()


@pytest.fixture
def upload(db_session):
    item = Upload(path=str(DATA / "parcels.geojson"), srid=4326)
    db_session.add(item)
    db_session.commit()
    yield item
    db_session.delete(item)  # error: TDL001
    db_session.commit()
